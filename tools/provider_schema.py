"""Offline conformance check: every input the program sends exists in the installed provider SDKs.

Under Pulumi's mocks a misspelt key inside a dict-literal input (``{"kms_master_keyid": ...}``) is
not caught: the SDK translates the names it knows and passes the rest through, and only a real
``pulumi up`` would reject it. This module checks a recording (``python -m preview STACK --json``)
against the installed pulumi-aws / pulumi-awsx Python SDKs:

* a type token (``aws:ecs/service:Service``) is resolved to its resource class through Pulumi's
  resource-module registry (filled by ``pulumi_aws/__init__.py``'s ``_utilities.register``), and
  to the ``<Class>Args`` input type beside it; ``pulumi:providers:<pkg>`` uses ``<pkg>.ProviderArgs``;
* every recorded key, at any depth, must be a property of the input type the SDK's type hints
  name for that position (engine names from the ``@pulumi.getter(name=...)`` table, the same one
  the SDK serializes with); lists of objects are walked element by element;
* a string where the hint admits only an enum (awsx's ``SubnetAllocationStrategy``...) must be one
  of the enum's values; where the hint is ``Union[str, Enum]`` (an open enum) it is not judged;
* free-form values are not walked: ``Mapping[str, str]`` maps (tags, environment variables) and
  strings holding JSON (policies, ``containerDefinitions``, dashboard bodies). Provider resources
  send object inputs JSON-encoded; those strings are decoded and walked.

``containerDefinitions`` (a JSON string to pulumi-aws) is additionally checked against the ECS
``ContainerDefinition`` shape, taken from pulumi-awsx's ``TaskDefinitionContainerDefinitionArgs``
(awsx serializes exactly that type into the same JSON), so only key names it knows are accepted.

    python tools/provider_schema.py out/staging.json [out/production.json]   # exit 1 on findings

Exit codes: 0 no blocking finding; 1 a blocking finding (each printed); 2 bad arguments. Environment: none.
"""

from __future__ import annotations

import argparse
import collections.abc as abc
import difflib
import enum
import functools
import importlib
import inspect
import json
import sys
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi import _types as pulumi_types
from pulumi.runtime import rpc

SIG = rpc._special_sig_key
SECRET = rpc._special_secret_sig
UNKNOWN = rpc.UNKNOWN
PACKAGES = {"aws": "pulumi_aws", "awsx": "pulumi_awsx"}
SKIPPED_PREFIXES = ("budgetbuddy:", "pulumi:pulumi:")  # this project's components; the stack
# SDK enums that list things AWS keeps adding: a value missing from them is reported, not blocking.
OPEN_ENDED_ENUMS = frozenset({"Region", "InstanceType", "ManagedPolicy", "Runtime", "InstancePlatform"})
NON_BLOCKING = frozenset({"enum-unlisted"})


@dataclass(frozen=True)
class Finding:
    type: str
    name: str
    path: str
    kind: str  # unknown-key | enum | enum-unlisted | shape | unresolved-type
    detail: str = ""

    @property
    def blocking(self) -> bool:
        return self.kind not in NON_BLOCKING

    def __str__(self) -> str:
        return f"{self.type} {self.name}: {self.path}" + (f" ({self.kind}: {self.detail})" if self.detail else "")


# ---------------------------------------------------------------------------------------------- SDK lookups


def _import_package(pkg: str) -> Any:
    module = PACKAGES.get(pkg, f"pulumi_{pkg}")
    return importlib.import_module(module)


@functools.cache
def resource_class(type_token: str) -> type | None:
    """The SDK class registering ``type_token``, found through Pulumi's resource-module registry."""
    pkg, mod, _name = type_token.split(":", 2)
    if pkg == "pulumi" and mod == "providers":
        return getattr(_import_package(_name), "Provider", None)
    _import_package(pkg)  # its __init__ registers every resource module with pulumi.runtime
    module = rpc.get_resource_module(pkg, mod, "")
    info = getattr(module, "mod_info", None)
    if not info or type_token not in info.get("classes", {}):
        return None
    return getattr(importlib.import_module(info["fqn"]), info["classes"][type_token], None)


@functools.cache
def args_class(resource_cls: type) -> type | None:
    """The input type the constructor takes: ``args: <Class>Args`` (``<Class>InitArgs`` where the SDK
    renamed it to avoid a clash with a nested ``_inputs`` type of the same name)."""
    module = inspect.getmodule(resource_cls)
    candidates: list[str] = []
    for overload in typing.get_overloads(resource_cls.__init__):
        annotation = inspect.signature(overload).parameters.get("args")
        if annotation is not None and isinstance(annotation.annotation, str):
            candidates.append(annotation.annotation.strip("'\"").removeprefix("Optional[").removesuffix("]"))
    candidates += [f"{resource_cls.__name__}InitArgs", f"{resource_cls.__name__}Args"]
    for name in candidates:
        found = getattr(module, name, None)
        if (
            isinstance(found, type)
            and pulumi_types.is_input_type(found)
            and found.__module__ == resource_cls.__module__
        ):
            return found
    return None


def _module_globals(cls: type) -> dict[str, Any]:
    """The class's module namespace, plus what ``pulumi.Input``'s own forward ref ``'Output[T]'`` needs."""
    from pulumi import output as pulumi_output

    return {"Output": pulumi.Output, "T": pulumi_output.T, **vars(sys.modules[cls.__module__])}


@functools.cache
def properties(input_cls: type) -> dict[str, Any]:
    """Engine (camelCase) property name -> type hint, for a ``@pulumi.input_type`` class."""
    names = pulumi_types.input_type_py_to_pulumi_names(input_cls)
    init = input_cls.__init__
    try:
        hints = typing.get_type_hints(init, globalns=_module_globals(input_cls))
    except (NameError, TypeError, AttributeError):
        hints = {}  # one bad hint must not hide the others: resolve them one by one
        glb = _module_globals(input_cls)
        for param, raw in getattr(init, "__annotations__", {}).items():
            try:
                hints[param] = typing._eval_type(typing.ForwardRef(raw) if isinstance(raw, str) else raw, glb, None)
            except (NameError, TypeError, AttributeError):
                hints[param] = _Unresolved(str(raw))
    return {engine: hints.get(py, Any) for py, engine in names.items()}


@dataclass(frozen=True)
class _Unresolved:
    text: str


@dataclass
class _Shape:
    """What a type hint admits, flattened out of Input/Output/Optional/Union."""

    objects: list[type]
    sequences: list[Any]
    mappings: list[Any]
    enums: list[type[enum.Enum]]
    scalars: set[Any]
    unresolved: list[str]

    @property
    def free(self) -> bool:
        return Any in self.scalars or object in self.scalars


def _typeddict_args(td: type) -> type | None:
    """The ``XArgs`` input type for an ``XArgsDict`` TypedDict (same module)."""
    name = td.__name__[: -len("Dict")] if td.__name__.endswith("Dict") else None
    found = getattr(sys.modules.get(td.__module__), name, None) if name else None
    return found if isinstance(found, type) and pulumi_types.is_input_type(found) else None


@functools.cache
def shape(hint: Any) -> _Shape:
    out = _Shape([], [], [], [], set(), [])

    def visit(h: Any) -> None:
        if h is type(None):
            return
        if isinstance(h, _Unresolved):
            out.unresolved.append(h.text)
            return
        if isinstance(h, (str, typing.ForwardRef)):
            out.unresolved.append(str(h))
            return
        origin = typing.get_origin(h)
        if origin is typing.Union or (origin is not None and str(origin) == "<class 'types.UnionType'>"):
            for a in typing.get_args(h):
                visit(a)
        elif origin is pulumi.Output:
            visit(typing.get_args(h)[0])
        elif origin in (abc.Awaitable, typing.Awaitable):
            return  # Input[T] = Union[T, Awaitable[T], Output[T]]: T is seen directly
        elif origin in (abc.Sequence, list, tuple, abc.MutableSequence):
            out.sequences.append(typing.get_args(h)[0] if typing.get_args(h) else Any)
        elif origin in (abc.Mapping, dict, abc.MutableMapping):
            args = typing.get_args(h)
            out.mappings.append(args[1] if len(args) == 2 else Any)
        elif isinstance(h, type) and pulumi_types.is_input_type(h):
            if h not in out.objects:
                out.objects.append(h)
        elif isinstance(h, type) and typing.is_typeddict(h):
            args = _typeddict_args(h)
            if args is not None and args not in out.objects:
                out.objects.append(args)
            elif args is None:
                out.scalars.add(Any)
        elif isinstance(h, type) and issubclass(h, enum.Enum):
            out.enums.append(h)
        elif h in (dict, abc.Mapping):
            out.mappings.append(Any)
        elif h in (list, abc.Sequence):
            out.sequences.append(Any)
        else:
            out.scalars.add(h)  # str, int, float, bool, Any, pulumi.Asset/Archive, Resource...

    visit(hint)
    return out


# ------------------------------------------------------------------------------------------------- walking


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _opaque(value: Any) -> bool:
    """Unknowns, resource references, assets and archives: nothing to check inside."""
    if value == UNKNOWN:
        return True
    return isinstance(value, dict) and SIG in value and value.get(SIG) != SECRET


def _reveal(value: Any) -> Any:
    while isinstance(value, dict) and value.get(SIG) == SECRET:
        value = value.get("value")
    return value


class Checker:
    def __init__(self, type_token: str, name: str, *, json_objects: bool = False) -> None:
        self.type_token = type_token
        self.name = name
        self.json_objects = json_objects  # provider inputs: object values arrive JSON-encoded
        self.findings: list[Finding] = []

    def report(self, path: str, kind: str, detail: str) -> None:
        self.findings.append(Finding(self.type_token, self.name, path, kind, detail))

    def check_object(self, value: dict[str, Any], classes: list[type], path: str) -> None:
        props: dict[str, Any] = {}
        for cls in classes:
            for k, h in properties(cls).items():
                props.setdefault(k, h)
        for key, item in value.items():
            if key not in props:
                close = difflib.get_close_matches(key, list(props), n=1)
                where = "/".join(c.__name__ for c in classes)
                self.report(
                    _join(path, key),
                    "unknown-key",
                    f"not in {where}" + (f"; did you mean {close[0]}?" if close else ""),
                )
                continue
            self.check(item, props[key], _join(path, key))

    def check(self, value: Any, hint: Any, path: str) -> None:
        value = _reveal(value)
        if value is None or _opaque(value):
            return
        s = shape(hint)
        if s.unresolved and not (s.objects or s.sequences or s.mappings or s.enums or s.scalars):
            self.report(path, "unresolved-type", ", ".join(s.unresolved))
            return
        if isinstance(value, dict):
            if s.objects:
                self.check_object(value, s.objects, path)
            elif s.mappings:
                for key, item in value.items():
                    for value_hint in s.mappings:
                        self.check(item, value_hint, f"{path}[{key!r}]")
            elif not s.free:
                self.report(path, "shape", f"object given where the SDK takes {_describe(s)}")
        elif isinstance(value, list):
            if s.sequences:
                for i, item in enumerate(value):
                    for element_hint in s.sequences:
                        self.check(item, element_hint, f"{path}[{i}]")
            elif not s.free:
                self.report(path, "shape", f"list given where the SDK takes {_describe(s)}")
        elif isinstance(value, str):
            if s.enums and not s.free:
                self.check_enum(value, s, path)
            elif (s.objects or s.sequences or s.mappings) and str not in s.scalars and not s.free:
                if not self.json_objects:
                    self.report(path, "shape", f"string given where the SDK takes {_describe(s)}")
                    return
                try:
                    decoded = json.loads(value)
                except ValueError:
                    self.report(path, "shape", f"string (not JSON) given where the SDK takes {_describe(s)}")
                    return
                self.check(decoded, hint, path)
        elif isinstance(value, (bool, int, float)) and (s.objects or s.sequences) and not s.scalars and not s.free:
            self.report(path, "shape", f"{type(value).__name__} given where the SDK takes {_describe(s)}")

    def check_enum(self, value: str, s: _Shape, path: str) -> None:
        """An SDK enum lists the allowed values. Where the hint is ``Union[str, Enum]`` the SDK also takes
        other strings, but AWS does not (record types, load balancer types...), so those are checked
        too, except for the lists AWS keeps growing (regions, instance types...): not blocking there."""
        allowed = sorted({str(m.value) for e in s.enums for m in e})
        if value in allowed:
            return
        names = "/".join(e.__name__ for e in s.enums)
        if str in s.scalars and all(e.__name__ in OPEN_ENDED_ENUMS for e in s.enums):
            self.report(path, "enum-unlisted", f"{value!r} is not in {names} (the SDK's list may lag AWS)")
        else:
            shown = allowed if len(allowed) <= 12 else [*allowed[:12], "..."]
            self.report(path, "enum", f"{value!r} not in {names}: {shown}")


def _describe(s: _Shape) -> str:
    parts = [c.__name__ for c in s.objects + s.enums] + [getattr(t, "__name__", str(t)) for t in s.scalars]
    parts += ["list"] * bool(s.sequences) + ["map"] * bool(s.mappings)
    return " | ".join(parts) or "nothing"


# ----------------------------------------------------------------------------------- container definitions


@functools.cache
def container_definition_class() -> type | None:
    try:
        from pulumi_awsx.ecs import TaskDefinitionContainerDefinitionArgs
    except ImportError:  # pragma: no cover - awsx is a project dependency
        return None
    return TaskDefinitionContainerDefinitionArgs


def check_container_definitions(type_token: str, name: str, text: Any) -> list[Finding]:
    """Keys of ``containerDefinitions`` JSON against the ECS ContainerDefinition shape (via awsx)."""
    cls = container_definition_class()
    text = _reveal(text)
    if cls is None or not isinstance(text, str) or text == UNKNOWN:
        return []
    checker = Checker(type_token, name)
    try:
        decoded = json.loads(text)
    except ValueError:
        checker.report("containerDefinitions", "shape", "not valid JSON")
        return checker.findings
    if not isinstance(decoded, list):
        checker.report("containerDefinitions", "shape", "not a JSON list of container definitions")
        return checker.findings
    for i, container in enumerate(decoded):
        checker.check(container, cls, f"containerDefinitions[{i}]")
    return checker.findings


# ------------------------------------------------------------------------------------------------ entry points


def check_resource(resource: dict[str, Any]) -> list[Finding]:
    """Findings for one recorded RegisterResource request (``type``, ``name``, ``inputs``)."""
    type_token, name = resource["type"], resource.get("name", "")
    if type_token.startswith(SKIPPED_PREFIXES):
        return []
    cls = resource_class(type_token)
    if cls is None:
        return [Finding(type_token, name, "", "unresolved-type", "no SDK class registers this type token")]
    args = args_class(cls)
    if args is None:
        return [Finding(type_token, name, "", "unresolved-type", f"no input type beside {cls.__qualname__}")]
    checker = Checker(type_token, name, json_objects=type_token.startswith("pulumi:providers:"))
    checker.check_object(dict(resource.get("inputs") or {}), [args], "")
    findings = checker.findings
    if type_token == "aws:ecs/taskDefinition:TaskDefinition":
        findings += check_container_definitions(
            type_token, name, (resource.get("inputs") or {}).get("containerDefinitions")
        )
    return findings


def check_resources(resources: Iterable[dict[str, Any]]) -> list[Finding]:
    return [f for r in resources for f in check_resource(r)]


def _load(path: Path) -> Iterator[dict[str, Any]]:
    data = json.loads(path.read_text())
    yield from data["resources"] if isinstance(data, dict) else data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[-2:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("recordings", nargs="+", type=Path, help="JSON from `python -m preview STACK --json FILE`")
    ns = parser.parse_args(argv)
    blocking = 0
    for path in ns.recordings:
        resources = list(_load(path))
        findings = check_resources(resources)
        blocking += sum(f.blocking for f in findings)
        for f in findings:
            print(f"{path}: {f}")
        print(f"{path}: {len(resources)} resources checked, {len(findings)} finding(s)")
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
