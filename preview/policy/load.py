"""Inputs of a policy run: the stack's policy config, the exemptions, the unknown-input mode.

Every bad input raises ``PolicyConfigError`` with one message that names the file (or
environment variable), the place in it and what is expected; the offline preview prints
it and exits 2 (docs/policies.md, "Config", "Exemptions", "Unknown values").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import budgetbuddy_policies as bp
from budgetbuddy_policies.exemptions import EXEMPTIONS_FILE, Exemption
from budgetbuddy_policies.framework import EXEMPTION_EXPIRED_MARKER, UNKNOWN_MARKER, unknown_mode
from budgetbuddy_policies.jsonfile import json_type
from budgetbuddy_policies.jsonfile import read_json as read_json_file

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policies"
CONFIG_DIR = PACK_DIR / "config"

__all__ = [
    "CONFIG_DIR",
    "CONFIG_SHAPE",
    "EXEMPTION_EXPIRED_MARKER",
    "PACK_DIR",
    "ROOT",
    "UNKNOWN_MARKER",
    "PolicyConfigError",
    "bp",
    "check_unknown_mode",
    "display",
    "json_type",
    "load_exemptions",
    "load_policy_config",
    "pack_errors",
    "policy_config_path",
    "read_json",
    "read_policy_config",
]


class PolicyConfigError(ValueError):
    """A policy-side input is invalid: policy config, exemptions or BUDGETBUDDY_POLICY_UNKNOWN."""


CONFIG_SHAPE = (
    'an object mapping a rule name (or "all") to an enforcement level '
    '("advisory", "mandatory", "remediate", "disabled") or to an object of the rule\'s settings'
)


def display(path: Path) -> str:
    """The path as a reader of the repository knows it (relative to the root when inside it)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def read_json(path: Path) -> Any:
    """Parse a JSON file strictly (the pack's reader: no NaN/Infinity, as the CLI's Go parser); errors say where."""
    with pack_errors():
        return read_json_file(path, display(path))


def read_policy_config(path: Path) -> dict[str, Any]:
    """A policy config file (``--policy-pack-config``): a JSON object, checked for shape here."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise PolicyConfigError(f"{display(path)}: the top level must be {CONFIG_SHAPE}; got {json_type(data)}")
    return data


def policy_config_path(stack: str, directory: Path = CONFIG_DIR) -> Path:
    return directory / f"{stack}.json"


def load_policy_config(stack: str, directory: Path = CONFIG_DIR) -> dict[str, Any]:
    path = policy_config_path(stack, directory)
    if not path.exists():
        have = sorted(p.stem for p in directory.glob("*.json"))
        raise PolicyConfigError(
            f"no policy config for stack {stack!r}: expected {display(path)} (there is one per stack: {', '.join(have)})"
        )
    return read_policy_config(path)


@contextmanager
def pack_errors() -> Iterator[None]:
    """The pack's own start-up errors, as the runner's bad-input error with the same message."""
    try:
        yield
    except bp.PackConfigError as err:
        raise PolicyConfigError(str(err)) from None


def load_exemptions(path: Path = EXEMPTIONS_FILE) -> tuple[Exemption, ...]:
    with pack_errors():
        return bp.load_exemptions(path, known_rules=bp.REGISTRY.names())


def check_unknown_mode() -> str:
    """BUDGETBUDDY_POLICY_UNKNOWN, validated exactly as the pack validates it at start-up."""
    with pack_errors():
        return unknown_mode()
