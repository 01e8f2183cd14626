"""Read Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI does, without the CLI.

Values reach the program as the CLI passes them: a scalar as its literal text (`yes` stays the
text "yes", `10.0` stays "10.0"), an object or list as JSON, a `secure:` value as a secret. A file
that is not what Pulumi accepts is a ``StackFileError`` naming the file, the line and what is expected.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from components.config.engine import NAMESPACE, region_of
from components.config.problems import nearest
from preview import esc
from preview.stand_ins import secret_stand_in

# Top-level sections Pulumi's own files allow (pulumi sdk/go/common/workspace/project.go: Project and
# ProjectStack). A self-managed backend with a KMS secrets provider writes secretsprovider/encryptedkey.
PROJECT_SECTIONS = (
    "name", "runtime", "main", "description", "author", "website", "license", "config",
    "stackConfigDir", "template", "backend", "options", "packages", "plugins",
)  # fmt: skip
STACK_SECTIONS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
# Attributes of a typed project config declaration (project.json: configTypeDeclaration).
DECLARATION_KEYS = ("type", "description", "secret", "default", "value", "items")
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")  # Pulumi project and stack names
CONFIG_KEY_RE = re.compile(r"^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$")

_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"


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
    notes: list[str] = field(default_factory=list)  # what the offline preview assumed (ESC environments)

    @property
    def region(self) -> str:
        """The provider's region, as the program reads it (the mocks answer with it)."""
        return region_of(self.config) or "us-east-1"


class _CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core schema, as Go's yaml.v3 reads Pulumi's files: `yes`/`on` are text, no dates."""


_CoreLoader.yaml_implicit_resolvers = {}
for _tag, _regex, _first in (
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
):
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_regex), _first)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _quoted(text: str) -> str:
    """A key as messages show it: `key`, or its repr when it holds spaces or control characters."""
    return f"`{text}`" if text and text.isprintable() and text.strip() == text else repr(text)


def _line(node: Node) -> str:
    return f", line {node.start_mark.line + 1}"


def _found(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode) and node.tag == _NULL:
        return "nothing (null)"
    return f"the scalar {node.value[:40]!r}"


def _relative(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _compose(path: Path, name: str) -> Node | None:
    """The file's YAML node tree (None when empty); any unreadable file is a StackFileError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StackFileError(f"cannot read {name}: {exc.strerror or exc}") from None
    return _compose_bytes(data, name)


@functools.lru_cache(maxsize=32)
def _compose_bytes(data: bytes, name: str) -> Node | None:
    # Cached by content: a process that loads stacks again and again (the operations tool, several stacks of one
    # tree, the tests) parses each distinct file once. The node tree is only read, never changed, by its users.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StackFileError(f"{name}: not UTF-8 text (byte {exc.start}): expected a YAML file") from None
    try:
        return yaml.compose(text, Loader=_CoreLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise StackFileError(f"{name}{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise StackFileError(f"{name}: not valid YAML: {_one_line(exc)}") from None
    except RecursionError:
        raise StackFileError(f"{name}: not valid YAML: nested too deeply") from None


def _entries(node: Node, name: str, where: str, expected: str) -> list[tuple[str, Node, Node]]:
    """A mapping's (key, key node, value node) entries; text keys only, each once (as yaml.v3 demands)."""
    if not isinstance(node, MappingNode):
        raise StackFileError(f"{name}{_line(node)}: {where} must be a mapping ({expected}), found {_found(node)}")
    seen: dict[str, Node] = {}
    out: list[tuple[str, Node, Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag != _STR or not key_node.value:
            raise StackFileError(
                f"{name}{_line(key_node)}: {where} keys must be text, found {_found(key_node)} ({expected})"
            )
        key = key_node.value
        if key in seen:
            raise StackFileError(
                f"{name}{_line(key_node)}: {where} sets {_quoted(key)} twice (first on line {seen[key].start_mark.line + 1})"
            )
        seen[key] = key_node
        out.append((key, key_node, value_node))
    return out


def _check_sections(entries: list[tuple[str, Node, Node]], allowed: tuple[str, ...], name: str, what: str) -> None:
    for key, key_node, _ in entries:
        if key not in allowed:
            near = nearest(key, allowed)
            hint = f"did you mean `{near}`? " if near else ""
            raise StackFileError(
                f"{name}{_line(key_node)}: unknown top-level section {_quoted(key)}; {hint}({what} allows: {', '.join(allowed)})"
            )


def _text(node: Node, name: str, where: str, expected: str) -> str:
    if not isinstance(node, ScalarNode) or node.tag == _NULL or not node.value.strip():
        raise StackFileError(f"{name}{_line(node)}: {where} must be {expected}, found {_found(node)}")
    return str(node.value)


def _structured(node: Node, name: str, where: str) -> Any:
    """An object or list value, built as yaml.v3 builds it (YAML 1.2 core types)."""
    try:
        return _CoreLoader("").construct_object(node, deep=True)
    except (yaml.YAMLError, RecursionError, TypeError, ValueError) as exc:
        raise StackFileError(f"{name}{_line(node)}: {where}: cannot be read as a value ({_one_line(exc)})") from None


def _has_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _as_json(value: Any, name: str, node: Node, where: str) -> str:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError, RecursionError) as exc:
        raise StackFileError(
            f"{name}{_line(node)}: {where}: cannot be passed as JSON config ({_one_line(exc)})"
        ) from None


def _full_key(project: str, key: str, name: str, where: str) -> str:
    if not CONFIG_KEY_RE.match(key):
        raise StackFileError(
            f"{name}: {where}: config key {key!r} must be KEY or NAMESPACE:KEY (letters, digits, _ . -), "
            f"such as minCapacity or aws:region"
        )
    return key if ":" in key else f"{project}:{key}"


@dataclass
class _Project:
    name: str
    program: Path
    stack_dir: Path
    config: dict[str, str]


def _load_project(root: Path) -> _Project:
    path = root / "Pulumi.yaml"
    name = "Pulumi.yaml"
    if not path.is_file():
        raise StackFileError(f"no Pulumi.yaml in {root}: run the preview from the project directory")
    doc = _compose(path, name)
    if doc is None:
        raise StackFileError(f"{name}: empty; expected a mapping with at least `name:` and `runtime:`")
    entries = _entries(doc, name, "the top level", "name:, runtime:, config:, ...")
    _check_sections(entries, PROJECT_SECTIONS, name, "Pulumi.yaml")
    sections = {key: value for key, _, value in entries}
    if "name" not in sections:
        raise StackFileError(f"{name}: no `name:`; expected the project name, such as `name: {NAMESPACE}`")
    project = _text(sections["name"], name, "`name`", "the project name (letters, digits, _ . -)")
    if not NAME_RE.match(project):
        raise StackFileError(
            f"{name}{_line(sections['name'])}: `name` {project!r} may hold only letters, digits, _ . -"
        )
    if "runtime" not in sections:
        raise StackFileError(f"{name}: no `runtime:`; expected `runtime: python` (this preview runs a Python program)")
    runtime_node = sections["runtime"]
    if isinstance(runtime_node, MappingNode):
        runtime_entries = {k: v for k, _, v in _entries(runtime_node, name, "`runtime`", "name:, options:")}
        runtime_node = runtime_entries.get("name", runtime_node)
    runtime = _text(runtime_node, name, "`runtime` (or `runtime.name`)", "python")
    if runtime != "python":
        raise StackFileError(
            f"{name}{_line(runtime_node)}: `runtime` is {runtime!r}; this preview runs python programs"
        )
    main = _text(sections["main"], name, "`main`", "a path") if "main" in sections else "."
    program = root / main
    program = program / "__main__.py" if not main.endswith(".py") else program
    stack_dir = root
    if "stackConfigDir" in sections:
        stack_dir = root / _text(sections["stackConfigDir"], name, "`stackConfigDir`", "a directory")
    config: dict[str, str] = {}
    config_node = sections.get("config")
    if config_node is not None and not (isinstance(config_node, ScalarNode) and config_node.tag == _NULL):
        for key, key_node, value in _entries(config_node, name, "`config`", "KEY: VALUE or KEY: {default: VALUE}"):
            where = f"config {_quoted(key)} (line {key_node.start_mark.line + 1})"
            full = _full_key(project, key, name, where)
            if isinstance(value, MappingNode):
                attrs = _entries(value, name, where, f"attributes {', '.join(DECLARATION_KEYS)}")
                _check_sections(attrs, DECLARATION_KEYS, name, f"a config declaration ({where})")
                by_name = {k: v for k, _, v in attrs}
                value = by_name.get("value", by_name.get("default"))
                if value is None:
                    continue  # a declaration without a value: the key stays unset
            config[full] = _plain_value(value, name, where)
    return _Project(project, program, stack_dir, config)


def _plain_value(node: Node, name: str, where: str) -> str:
    """A non-secret value: a scalar's literal text (null is empty), an object or list as JSON."""
    if isinstance(node, ScalarNode):
        return "" if node.tag == _NULL else str(node.value)
    value = _structured(node, name, where)
    if _has_secure(value):
        raise StackFileError(f"{name}{_line(node)}: {where}: a `secure:` value belongs in a stack file")
    return _as_json(value, name, node, where)


def available_stacks(root: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def load_stack(root: Path, stack: str, overrides: list[str] | None = None) -> StackSettings:
    """Project and stack config, with ``KEY=VALUE`` overrides applied as `pulumi config set` would."""
    if not NAME_RE.match(stack):
        raise StackFileError(f"stack name {stack!r}: may hold only letters, digits, _ . -")
    project = _load_project(root)
    stack_file = project.stack_dir / f"Pulumi.{stack}.yaml"
    name = _relative(root, stack_file)
    if not stack_file.is_file():
        known = ", ".join(available_stacks(project.stack_dir)) or "none"
        raise StackFileError(f"unknown stack '{stack}': no {name} (stacks: {known})")
    doc = _compose(stack_file, name)
    settings = StackSettings(project=project.name, stack=stack, program=project.program)
    raw: dict[str, str] = dict(project.config)  # project-level values; the stack's own win
    entries = [] if doc is None else _entries(doc, name, "the top level", "config: KEY: VALUE")
    _check_sections(entries, STACK_SECTIONS, name, "a stack file")
    # The environments first: the stack file's own values win over theirs, wherever the sections stand.
    for section, key_node, value in sorted(entries, key=lambda e: e[0] != "environment"):
        if section == "environment" and not (isinstance(value, ScalarNode) and value.tag == _NULL):
            _environment(root, settings, raw, value, f"{name}{_line(key_node)}")
        if section in ("secretsprovider", "encryptedkey", "encryptionsalt"):
            _text(value, name, f"`{section}`", "text")
        if section != "config" or (isinstance(value, ScalarNode) and value.tag == _NULL):
            continue
        for key, key_line, item in _entries(value, name, "`config`", "KEY: VALUE, such as minCapacity: 3"):
            where = f"config {_quoted(key)} (line {key_line.start_mark.line + 1})"
            full = _full_key(project.name, key, name, where)
            esc.forget(settings, full)  # what an environment said of this key
            secure = _secure(item, name, where)
            if secure:
                settings.secret_keys.append(full)
                settings.stand_ins.append(full)
                raw[full] = secret_stand_in(full, stack)
            else:
                raw[full] = _plain_value(item, name, where)
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise StackFileError(f"--config {item!r}: expected KEY=VALUE (for example minCapacity=3)")
        full = _full_key(project.name, key.strip(), "--config", repr(item))
        raw[full] = value
        esc.forget(settings, full)  # `pulumi config set` without --secret stores plain text
    settings.config = raw
    return settings


def _secure(node: Node, name: str, where: str) -> bool:
    """Whether a stack value is (or holds) a `secure:` ciphertext, which offline cannot be decrypted."""
    if not isinstance(node, MappingNode):
        if isinstance(node, SequenceNode):
            return _has_secure(_structured(node, name, where))
        return False
    entries = _entries(node, name, where, "secure: CIPHERTEXT, or an object value")
    if [k for k, _, _ in entries] == ["secure"]:
        _text(entries[0][2], name, f"{where}: `secure`", "the ciphertext `pulumi config set --secret` wrote")
        return True
    return _has_secure(_structured(node, name, where))


def _environment(root: Path, settings: StackSettings, raw: dict[str, str], node: Node, where: str) -> None:
    """The config of the ESC environments the stack imports (preview/esc.py), under the stack's own."""
    value = _structured(node, where.split(",")[0], "`environment`")
    try:
        names, inline = esc.definition_names(value, where)
        resolved = esc.resolve(root, settings.project, settings.stack, names, inline, where, secret_stand_in)
    except esc.EscError as exc:
        raise StackFileError(str(exc)) from None
    raw.update(resolved.config)
    settings.secret_keys += resolved.secret_keys
    settings.stand_ins += resolved.stand_ins
    settings.notes += resolved.notes
