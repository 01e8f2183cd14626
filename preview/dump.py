"""The preview dump (``python -m preview STACK --json FILE``): its schema, validate, load, write atomically.

The schema is documented in docs/preview.md ("The --json dump"). A dump is written with sorted keys
and sorted resource/dependency lists, so two dumps of the same code are byte-identical, and only
once the run reached its verdict: a failed run leaves no file behind.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

FORMAT_VERSION = 1
# Version 0: dumps written before the format was versioned (project, stack, resources, outputs; no
# cost or policy). Still read, so a pull request can be compared with a base branch that predates it.
READABLE_VERSIONS = (0, 1)
EXPECTED = (
    "expected a preview dump: a JSON object with stack and resources, as `python -m preview STACK --json FILE` writes"
)


class DumpError(ValueError):
    """A file that is not a usable preview dump (exit 2); the message names the file and the place."""


# Schema: what the tools downstream (policy runner, cost model, --compare) read. Other keys are kept.


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class ResourceModel(_Model):
    urn: str
    type: str
    name: str
    parent: str = ""
    custom: bool = True
    protect: bool = False
    retainOnDelete: bool = False  # noqa: N815 (engine names)
    deleteBeforeReplace: bool = False  # noqa: N815
    provider: str = ""
    dependencies: list[str] = []
    propertyDependencies: dict[str, list[str]] = {}  # noqa: N815
    ignoreChanges: list[str] = []  # noqa: N815
    additionalSecretOutputs: list[str] = []  # noqa: N815
    inputs: dict[str, Any] = {}


class CostItemModel(_Model):
    category: str
    resource_type: str
    component: str
    item: str
    monthlyUsd: float  # noqa: N815
    monthlyUsdMax: float  # noqa: N815


class CostModel(_Model):
    total: float
    totalAtMaxCapacity: float  # noqa: N815
    items: list[CostItemModel]


class ViolationModel(_Model):
    rule: str
    severity: str
    enforcement: str
    urn: str
    resource_type: str
    resource_name: str
    remediation: str


class PolicyModel(_Model):
    pack: str
    rulesEvaluated: int  # noqa: N815
    mandatoryViolations: int  # noqa: N815
    violations: list[ViolationModel]


class DumpModel(_Model):
    formatVersion: int = 0  # noqa: N815
    project: str = "budgetbuddy"
    stack: str
    resources: list[ResourceModel]
    outputs: dict[str, Any] = {}
    cost: CostModel | None = None
    policy: PolicyModel | None = None


class FailedDumpModel(_Model):
    """A base that could not be previewed: {"formatVersion": 1, "stack": ..., "error": "..."}."""

    formatVersion: int  # noqa: N815
    stack: str
    error: str


def _place(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "top level"


def first_problem(exc: ValidationError, source: str, expected: str) -> DumpError:
    """pydantic's first problem as one line: the file, the place in it, how many more, what was expected."""
    first = exc.errors()[0]
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return DumpError(f"{source}: {_place(first['loc'])}: {first['msg'].lower()}{more}; {expected}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse(text: bytes, source: str) -> dict[str, Any]:
    """Validate a dump's bytes; returns the document with defaults filled (formatVersion, project)."""
    return validate(decode(text, source), source)


def decode(text: bytes, source: str, expected: str = EXPECTED) -> Any:
    """A file's JSON value (any kind); unreadable bytes or JSON are a DumpError naming the place."""
    if not text.strip():
        raise DumpError(f"{source}: empty file; {expected}")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DumpError(f"{source}: byte {exc.start} is not UTF-8 text; {expected}") from None
    try:
        return json.loads(decoded, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DumpError(
            f"{source}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg}); {expected}"
        ) from None
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        raise DumpError(f"{source}: {exc}; {expected}") from None
    except RecursionError:
        raise DumpError(f"{source}: nested too deeply; {expected}") from None


def validate(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DumpError(f"{source}: top level is a JSON {_json_kind(data)}; {EXPECTED}")
    bad = _bad_value(data)
    if bad:
        raise DumpError(f"{source}: {bad.lstrip('.')}; {EXPECTED}")
    version = data.get("formatVersion", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version not in READABLE_VERSIONS:
        raise DumpError(
            f"{source}: formatVersion {json.dumps(version)} is not supported; this tool reads "
            f"{', '.join(map(str, READABLE_VERSIONS))} (a dump without formatVersion is version 0)"
        )
    model: type[_Model] = FailedDumpModel if "error" in data and "resources" not in data else DumpModel
    try:
        checked = model.model_validate(data)
    except ValidationError as exc:
        raise first_problem(exc, source, EXPECTED) from None
    except RecursionError:
        raise DumpError(f"{source}: nested too deeply; {EXPECTED}") from None
    doc = {**data, "formatVersion": checked.formatVersion}  # type: ignore[attr-defined]
    if model is FailedDumpModel:
        return doc
    doc.setdefault("project", "budgetbuddy")
    doc.setdefault("outputs", {})
    seen: set[str] = set()
    for i, res in enumerate(doc["resources"]):
        if res["urn"] in seen:
            raise DumpError(f"{source}: resources[{i}].urn: {res['urn']!r} appears twice; each URN is one resource")
        seen.add(res["urn"])
    return doc


MAX_DEPTH = 100  # protobuf's default recursion limit: the engine could not carry deeper inputs either


def _bad_value(value: Any) -> str | None:
    """Where an input cannot be a protobuf Struct value (a number beyond a double, or nested too deeply)."""
    pending: list[tuple[Any, str, int]] = [(value, "", 0)]
    while pending:  # iterative: a hostile file must not exhaust the interpreter's stack
        item, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            return f"{path[:60]}...: nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, bool):
            continue
        if isinstance(item, (int, float)):
            try:
                if not math.isfinite(float(item)):
                    return f"{path}: number out of range"
            except OverflowError:
                return f"{path}: number out of range"
        elif isinstance(item, dict):
            pending += [(v, f"{path}.{k}" if k.isidentifier() else f"{path}[{json.dumps(k)}]", depth + 1)
                        for k, v in item.items()]  # fmt: skip
        elif isinstance(item, list):
            pending += [(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(item)]
    return None


def _json_kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "null")


def load(path: str | Path, what: str = "--resources") -> dict[str, Any]:
    """Read and validate a dump; a failed-preview record ({"error": ...}) is returned as is."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise DumpError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    return parse(text, f"{what} {path}")


def failure(doc: dict[str, Any]) -> str | None:
    """The error of a failed-preview record, None for a real dump."""
    return doc["error"] if "error" in doc and "resources" not in doc else None


# Writing -------------------------------------------------------------------------------------------


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def check_writable(path: Path, what: str = "--json") -> None:
    """Fail before the run, not after it: the target must be a creatable file in a writable directory."""
    if path.is_dir():
        raise DumpError(f"{what} {path}: is a directory; give a file path such as {path / 'stack.json'}")
    parent = path.parent
    ancestor = parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise DumpError(f"{what} {path}: {ancestor} is a file, not a directory")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = parent / f".{path.name}.{secrets.token_hex(4)}.probe"
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        probe.unlink()
    except OSError as exc:
        raise DumpError(f"{what} {path}: cannot write to {parent}: {exc.strerror or exc}") from None


def write(path: Path, doc: dict[str, Any] | str, what: str = "--json") -> None:
    """Write atomically: a temporary file in the same directory, then os.replace (readers never see half)."""
    text = doc if isinstance(doc, str) else dumps(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)  # the umask applies, as for open()
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DumpError(f"{what} {path}: cannot write: {exc.strerror or exc}") from None


# Building ------------------------------------------------------------------------------------------


def normalize(recording: dict[str, Any]) -> dict[str, Any]:
    """Resources sorted by URN, dependency lists sorted: the same code gives the same bytes."""
    resources = []
    for res in sorted(recording["resources"], key=lambda r: r["urn"]):
        res = dict(res)
        res["dependencies"] = sorted(res.get("dependencies") or [])
        res["propertyDependencies"] = {k: sorted(v) for k, v in sorted((res.get("propertyDependencies") or {}).items())}
        resources.append(res)
    return {**recording, "resources": resources}
