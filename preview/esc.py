"""Pulumi ESC environments a stack file imports (`environment: [budgetbuddy/production]`), offline
(docs/preview.md, "ESC environments").

Pulumi hands a program the `values.pulumiConfig` of the stack's environments, under its own stack config.
Offline there is no ESC service, so an environment is read from its definition in the repository,
`esc/<project>/<name>.yaml` (`imports:`, `values:` as ESC writes them, secrets as `fn::secret` placeholders):
plain values are config, a `fn::secret` value or one ESC would compute (`${...}`, `fn::open...`) gets the
stand-in a `secure:` key gets (preview/stand_ins.py). Without a definition, the environment is assumed to
provide the program's secret keys and the keys it requires that the stack file leaves unset, each named in a
note and given its stand-in. A definition that is missing where the repository holds the project's
environments, or that cannot be read, is a StackFileError (exit 2).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from components.config.schema import FIELD_KEYS, KEY_FIELDS, SECRET_KEYS

ESC_DIR = "esc"
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$")  # `project/environment`, or a legacy `environment`
ENV_SECTIONS = ("imports", "values")
INTERPOLATION = re.compile(r"\$\{[^}]*\}")


class EscError(ValueError):
    """An environment that cannot be resolved; stackfiles turns it into a StackFileError."""


@dataclass
class Resolved:
    """What a stack's environments provide: config text by full key, and which keys got stand-ins."""

    config: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)
    stand_ins: list[str] = field(default_factory=list)  # secrets: as the `secure:` keys' note says
    notes: list[str] = field(default_factory=list)


class Assumed(Protocol):
    """What the offline preview assumed of config keys (``Resolved``, stackfiles.StackSettings)."""

    secret_keys: list[str]
    stand_ins: list[str]
    notes: list[str]


def forget(assumed: Assumed, full: str) -> None:
    """A key set again (by a later environment, the stack file or --config): no longer a secret, a stand-in or
    the subject of a note."""
    for keys in (assumed.secret_keys, assumed.stand_ins):
        while full in keys:
            keys.remove(full)
    assumed.notes = [n for n in assumed.notes if n.split(" ", 1)[0] != full]


def _config_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return "" if value is None else str(value)


def _computed(value: Any) -> bool:
    """A value ESC evaluates (an interpolation or a function other than fn::secret), unknown offline."""
    if isinstance(value, str):
        return bool(INTERPOLATION.search(value))
    if isinstance(value, dict):
        return any(str(k).startswith("fn::") for k in value) or any(_computed(v) for v in value.values())
    if isinstance(value, list):
        return any(_computed(v) for v in value)
    return False


def _secret(value: Any, where: str) -> bool:
    if isinstance(value, dict) and "fn::secret" in value:
        if len(value) != 1:
            raise EscError(f"{where}: `fn::secret` must be the only key of its mapping, found {sorted(value)}")
        return True
    return False


class _Loader:
    def __init__(self, root: Path, project: str, stack: str, stand_in: Any) -> None:
        self.root, self.project, self.stack, self.stand_in = root, project, stack, stand_in
        self.out = Resolved()

    def path(self, name: str) -> Path:
        return self.root / ESC_DIR / (name if "/" in name else f"{self.project}/{name}")

    def load(self, name: str, where: str, chain: tuple[str, ...] = ()) -> None:
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise EscError(f"{where}: environment {name!r} must be PROJECT/ENVIRONMENT, such as budgetbuddy/production")
        if name in chain:
            raise EscError(f"{where}: environment {name} imports itself ({' -> '.join([*chain, name])})")
        path = self.path(name).with_suffix(".yaml")
        rel = str(path.relative_to(self.root))
        if not path.is_file():
            folder = path.parent
            if folder.is_dir():  # the repository holds this project's environments: a missing one is a typo
                known = ", ".join(sorted(f"{folder.name}/{p.stem}" for p in folder.glob("*.yaml"))) or "none"
                raise EscError(f"{where}: environment {name}: no {rel} (environments here: {known})")
            self.unseen(name)
            return
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise EscError(f"cannot read {rel}: {getattr(exc, 'strerror', None) or exc}") from None
        except yaml.YAMLError as exc:
            raise EscError(f"{rel}: not valid YAML: {' '.join(str(exc).split())}") from None
        doc = {} if doc is None else doc
        if not isinstance(doc, dict) or set(doc) - set(ENV_SECTIONS):
            found = sorted(doc) if isinstance(doc, dict) else type(doc).__name__
            raise EscError(f"{rel}: an environment definition is a mapping of imports: and values:, found {found}")
        imports = doc.get("imports") or []
        if not isinstance(imports, list):
            raise EscError(f"{rel}: `imports` must be a list of environment names")
        for item in imports:  # imported first: this environment's own values win
            self.load(_import_name(item, rel), rel, (*chain, name))
        values = doc.get("values") or {}
        if not isinstance(values, dict):
            raise EscError(f"{rel}: `values` must be a mapping")
        config = values.get("pulumiConfig") or {}
        if not isinstance(config, dict):
            raise EscError(f"{rel}: `values.pulumiConfig` must be a mapping of config keys to values")
        for key, value in config.items():
            self.set(name, rel, str(key), value)

    def full_key(self, key: str, where: str) -> str:
        if not re.match(r"^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$", key):
            raise EscError(f"{where}: pulumiConfig key {key!r} must be KEY or NAMESPACE:KEY")
        return key if ":" in key else f"{self.project}:{key}"

    def set(self, name: str, rel: str, key: str, value: Any) -> None:
        full = self.full_key(key, rel)
        out = self.out
        forget(out, full)
        if _secret(value, f"{rel}: pulumiConfig {key!r}"):
            out.secret_keys.append(full)
            out.stand_ins.append(full)
            out.config[full] = self.stand_in(full, self.stack)
        elif _computed(value):
            out.config[full] = self.stand_in(full, self.stack)
            out.notes.append(f"{full} is computed by ESC environment {name}; offline it is a stand-in")
        else:
            out.config[full] = _config_text(value)

    def unseen(self, name: str) -> None:
        """No definition in the repository: it is assumed to provide the program's secret keys, each a stand-in."""
        for full in SECRET_CONFIG_KEYS:
            self.out.config[full] = self.stand_in(full, self.stack)
            self.out.secret_keys.append(full)  # named by this note, not by the `secure:` keys' one
            self.out.notes.append(
                f"{full} is taken from ESC environment {name}, which {ESC_DIR}/ does not define; "
                "offline it is a stand-in"
            )


# The program's keys to keep secret (components/config/schema.py SECRET_KEYS), as full config keys.
SECRET_CONFIG_KEYS = sorted(FIELD_KEYS[n] for n, f in KEY_FIELDS.items() if f.alias in SECRET_KEYS and n in FIELD_KEYS)


def _import_name(item: Any, where: str) -> str:
    """An import: a name, or `{name: {merge: ...}}` as ESC also writes it."""
    if isinstance(item, dict) and len(item) == 1:
        return str(next(iter(item)))
    if isinstance(item, str):
        return item
    raise EscError(f"{where}: an import must be an environment name, found {item!r}")


def resolve(
    root: Path, project: str, stack: str, names: list[Any], inline: dict[str, Any], where: str, stand_in: Any
) -> Resolved:
    """The config the environments provide: the imports in order (a later one wins), then the inline values."""
    loader = _Loader(root, project, stack, stand_in)
    for item in names:
        loader.load(_import_name(item, where), where)
    if not isinstance(inline, dict) or not isinstance(inline.get("pulumiConfig") or {}, dict):
        raise EscError(f"{where}: `environment.values.pulumiConfig` must be a mapping of config keys to values")
    for key, value in (inline.get("pulumiConfig") or {}).items():
        loader.set("(inline)", where, str(key), value)
    return loader.out


def definition_names(value: Any, where: str) -> tuple[list[Any], dict[str, Any]]:
    """A stack file's `environment:`: a list of names, or an inline definition (imports and values)."""
    if isinstance(value, list):
        if not value:
            raise EscError(f"{where}: `environment` lists no environments")
        return value, {}
    if isinstance(value, dict) and not set(value) - set(ENV_SECTIONS):
        imports = value.get("imports") or []
        if not isinstance(imports, list):
            raise EscError(f"{where}: `environment.imports` must be a list of environment names")
        return imports, value.get("values") or {}
    raise EscError(
        f"{where}: `environment` must be a list of ESC environments (such as [budgetbuddy/production]) "
        "or a definition with imports: and values:"
    )
