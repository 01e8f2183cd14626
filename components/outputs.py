"""Typed component outputs and the stack outputs built from them (docs/outputs.md).

Each component exposes one frozen ``<Component>Outputs`` dataclass (in its ``contract.py``). A field
declared with ``field(metadata=stack_output("camelName"))`` is a stack output other teams may rely on: its contract
entry in docs/outputs.contract.json (type, since, secrecy, when) is generated from the field by
tools/gen_outputs_contract.py. A plain field is wiring only: another component of this stack reads it.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pulumi

CONTRACT_KEY = "stack_output"
# The outputs contract other teams read (docs/outputs.md, "Versioning"); its version is a stack output.
CONTRACT_FILE = Path(__file__).resolve().parent.parent / "docs" / "outputs.contract.json"


@cache
def contract_version() -> str:
    """The outputs contract's semantic version (docs/outputs.contract.json ``version``), exported as
    ``contractVersion`` so a consumer can refuse a platform of another major at run time."""
    return str(json.loads(CONTRACT_FILE.read_text())["version"])


@dataclass(frozen=True)
class StackOutputSpec:
    """One stack output's contract entry (docs/outputs.md, "Versioning")."""

    name: str
    since: str = "1.0.0"
    deprecated: str | bool = False
    secret: bool = False
    when: str | None = None  # exported only under this condition; None: always


def stack_output(
    name: str,
    *,
    since: str = "1.0.0",
    deprecated: str | bool = False,
    secret: bool = False,
    when: str | None = None,
) -> dict[str, StackOutputSpec]:
    """Field metadata exporting a dataclass field as the stack output ``name``:
    ``x: pulumi.Output[str] = field(metadata=stack_output("xName"))``.

    ``when``: the output exists only under that condition; the field is None (its default) otherwise.
    """
    return {CONTRACT_KEY: StackOutputSpec(name, since, deprecated, secret, when)}


def output_fields(cls: type) -> list[tuple[dataclasses.Field[Any], StackOutputSpec]]:
    """The fields of an outputs class that are stack outputs, in declaration order."""
    return [(f, f.metadata[CONTRACT_KEY]) for f in dataclasses.fields(cls) if CONTRACT_KEY in f.metadata]


def exported(outputs: Any) -> dict[str, Any]:
    """The stack outputs of one outputs object: camelCase name -> value (conditional ones only when set)."""
    values: dict[str, Any] = {}
    for f, spec in output_fields(type(outputs)):
        value = getattr(outputs, f.name)
        if value is None and spec.when is not None:
            continue
        values[spec.name] = value
    return values


_SCALARS: dict[Any, str] = {str: "string", int: "number", float: "number", bool: "boolean"}


def contract_type(annotation: Any) -> str:
    """A field's contract type (``string``, ``list<string>``, ``map<string>``, ...) from its annotation.

    ``pulumi.Output[T]``, ``pulumi.Output[T] | T`` and ``T | None`` stand for T; a Sequence is a list,
    a Mapping with string keys a map. (Annotate with those, not ``pulumi.Input[T]``: its forward
    references cannot be resolved outside the pulumi package.)
    """
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = {contract_type(a) for a in args if a is not type(None)}
        if len(kinds) != 1:
            raise TypeError(f"{annotation!r}: a stack output has one type, not {sorted(kinds)}")
        return kinds.pop()
    if origin is pulumi.Output:
        return contract_type(args[0])
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if origin is not None and isinstance(origin, type):
        if issubclass(origin, Mapping):
            return f"map<{contract_type(args[1])}>"
        if issubclass(origin, Sequence) and origin is not str:
            return f"list<{contract_type(args[0])}>"
    raise TypeError(f"{annotation!r}: no contract type (string, number, boolean, list<T>, map<T>)")


def contract_entries(cls: type) -> dict[str, dict[str, Any]]:
    """The docs/outputs.contract.json ``outputs`` entries of one outputs class."""
    hints = typing.get_type_hints(cls)
    entries: dict[str, dict[str, Any]] = {}
    for f, spec in output_fields(cls):
        entry: dict[str, Any] = {
            "type": contract_type(hints[f.name]),
            "since": spec.since,
            "deprecated": spec.deprecated,
            "secret": spec.secret,
        }
        if spec.when is not None:
            entry["when"] = spec.when
        entries[spec.name] = entry
    return entries


@dataclass(frozen=True)
class StackIdentityOutputs:
    """Which stack this is: the environment and the AWS region it runs in, and the version of the outputs
    contract it exports."""

    environment: str = field(metadata=stack_output("environment"))
    region: str = field(metadata=stack_output("region"))
    contract_version: str = field(
        default_factory=contract_version, metadata=stack_output("contractVersion", since="1.1.0")
    )
