"""Read Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI does, without the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Offline there is no secrets provider to decrypt `secure:` values: each becomes a stand-in that
# is still a secret and still valid for its key, and the preview says so.
SECRET_STAND_INS: dict[str, str] = {
    "budgetbuddy:pagerDutyEndpoint": "https://events.pagerduty.com/integration/offline-stand-in/enqueue",
}


class StackFileError(ValueError):
    """A stack that does not exist, or a stack file or override that cannot be read."""


@dataclass
class StackSettings:
    project: str
    stack: str
    program: Path
    config: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)
    stand_ins: list[str] = field(default_factory=list)

    @property
    def region(self) -> str:
        return self.config.get("aws:region", "us-east-1")


def _as_config_string(value: Any) -> str:
    """Config reaches a Pulumi program as strings; objects and lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def available_stacks(root: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def load_stack(root: Path, stack: str, overrides: list[str] | None = None) -> StackSettings:
    """Project and stack config, with ``KEY=VALUE`` overrides applied as `pulumi config set` would."""
    project_file = root / "Pulumi.yaml"
    try:
        project_doc = yaml.safe_load(project_file.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise StackFileError(f"cannot read {project_file}: {exc}") from None
    project = str(project_doc["name"])
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = ", ".join(available_stacks(root)) or "none"
        raise StackFileError(f"unknown stack '{stack}': no {stack_file.name} (stacks: {known})")
    try:
        stack_doc = yaml.safe_load(stack_file.read_text()) or {}
    except yaml.YAMLError as exc:
        raise StackFileError(f"cannot parse {stack_file.name}: {exc}") from None

    settings = StackSettings(project=project, stack=stack, program=root / "__main__.py")
    raw: dict[str, Any] = {}
    for key, spec in (project_doc.get("config") or {}).items():  # project-level defaults
        raw[_full_key(project, key)] = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
    for key, value in (stack_doc.get("config") or {}).items():
        full = _full_key(project, key)
        if isinstance(value, dict) and set(value) == {"secure"}:
            settings.secret_keys.append(full)
            settings.stand_ins.append(full)
            value = SECRET_STAND_INS.get(full, "offline-secret-stand-in")
        raw[full] = value
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise StackFileError(f"--config {item!r}: expected KEY=VALUE (for example minCapacity=3)")
        raw[_full_key(project, key.strip())] = value
    settings.config = {k: _as_config_string(v) for k, v in raw.items() if v is not None}
    return settings
