"""The stack outputs contract (docs/outputs.contract.json): value types and the compatibility rules.

docs/outputs.md ("Versioning") explains the rules; tests/test_outputs_contract.py applies them to the
outputs the offline preview records for both stacks. Every check returns a list of problems (one
line each, naming the output), empty when the contract holds.

    python tools/outputs_contract.py DUMP.json [DUMP.json ...]   # dumps of `python -m preview STACK --json FILE`

Exit codes: 0 every dump holds the contract; 1 a contract problem (one line each); 2 no dump given, an unknown
option, or a file that cannot be read. Environment: none.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python tools/outputs_contract.py`: the repository's packages
    sys.path.insert(0, str(ROOT))

from preview.wire import UNKNOWN, is_secret  # noqa: E402

CONTRACT = ROOT / "docs" / "outputs.contract.json"

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
TYPE_RE = re.compile(r"^(string|number|boolean|object|(list|map)<(string|number|boolean|object)>)$")


def reveal(value: Any) -> Any:
    """The plain value inside a secret envelope (recursively), as a consumer's StackReference sees it."""
    if is_secret(value):
        return reveal(value.get("value"))
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def value_type(value: Any) -> str:
    """``string``, ``number``, ``boolean``, ``list<T>``, ``map<T>`` (an object whose values share
    type T, e.g. name -> ARN) or ``object``; ``unknown`` for a value the preview could not know, and
    ``list<?>`` / ``map<?>`` when empty (any element type matches)."""
    value = reveal(value)
    if value == UNKNOWN:
        return "unknown"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | dict):
        kind = "list" if isinstance(value, list) else "map"
        items = value if isinstance(value, list) else list(value.values())
        inner = {value_type(v) for v in items}
        if not inner:
            return f"{kind}<?>"
        if len(inner) == 1 and (only := inner.pop()) in ("string", "number", "boolean", "object"):
            return f"{kind}<{only}>"
        return "object" if kind == "map" else "list<object>"
    return "object"


def type_matches(declared: str, recorded: str) -> bool:
    if recorded.endswith("<?>"):
        return declared.startswith(recorded[:-2])
    if recorded.startswith("map<") and declared == "object":
        return True  # an object whose fields happen to share a type
    return declared == recorded


def version(text: str) -> tuple[int, int, int]:
    m = SEMVER.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a semantic version MAJOR.MINOR.PATCH")
    return int(m[1]), int(m[2]), int(m[3])


def load(path: Path = CONTRACT) -> dict[str, Any]:
    return json.loads(path.read_text())


def check_contract(contract: Mapping[str, Any]) -> list[str]:
    """The file's own consistency, and that nothing promised was dropped without a major bump."""
    problems: list[str] = []
    try:
        current = version(str(contract.get("version")))
    except ValueError as exc:
        return [f"version: {exc}"]
    major = current[0]
    outputs: Mapping[str, Mapping[str, Any]] = contract.get("outputs", {})
    removed: list[Mapping[str, Any]] = contract.get("removed", [])
    majors: Mapping[str, Mapping[str, str]] = contract.get("majors", {})

    for name, spec in outputs.items():
        where = f"outputs.{name}"
        if not TYPE_RE.match(str(spec.get("type"))):
            problems.append(f"{where}.type={spec.get('type')!r}: must be one of string, number, boolean, object, "
                            "list<T>, map<T>")  # fmt: skip
        try:
            if version(str(spec.get("since"))) > current:
                problems.append(f"{where}.since={spec['since']}: later than the contract version {contract['version']}")
        except ValueError as exc:
            problems.append(f"{where}.since: {exc}")
        deprecated = spec.get("deprecated", False)
        if deprecated is not False and not (isinstance(deprecated, str) and deprecated.strip()):
            problems.append(f"{where}.deprecated={deprecated!r}: false, or a note saying since when and what to use")
        if not isinstance(spec.get("secret"), bool):
            problems.append(f"{where}.secret={spec.get('secret')!r}: must be true or false")

    live = {name: str(spec.get("type")) for name, spec in outputs.items()}
    promised = majors.get(str(major))
    if promised is None:
        return [*problems, f"majors.{major}: missing; it lists every output (name -> type) promised in major {major}"]
    for name, type_ in live.items():
        if promised.get(name) != type_:
            problems.append(
                f"outputs.{name} ({type_}): not in majors.{major} with that type; adding an output appends it there"
            )
    for name, type_ in promised.items():
        if live.get(name) != type_:
            now = f"now {live[name]}" if name in live else "no longer in outputs"
            problems.append(
                f"majors.{major}.{name} ({type_}) is promised for major {major} but is {now}: removing, renaming or "
                f"retyping an output needs a major version bump ({major + 1}.0.0, docs/outputs.md)"
            )

    # Outputs promised by an earlier major that are gone or retyped must be recorded under `removed`.
    removed_in: list[tuple[Mapping[str, Any], int]] = []
    for r in removed:
        try:
            rv = version(str(r.get("removedIn")))
        except ValueError as exc:
            problems.append(f"removed.{r.get('name')}.removedIn: {exc}")
            continue
        if rv[1:] != (0, 0) or rv > current:
            problems.append(
                f"removed.{r.get('name')}.removedIn={r.get('removedIn')}: must be a major release (X.0.0) "
                f"not later than {contract['version']}"
            )
        removed_in.append((r, rv[0]))
    for old_major, surface in majors.items():
        if not old_major.isdigit() or int(old_major) >= major:
            continue
        for name, type_ in surface.items():
            if live.get(name) == type_:
                continue
            records = [
                r
                for r, removed_major in removed_in
                if r.get("name") == name and r.get("type") == type_ and int(old_major) < removed_major <= major
            ]
            if not records:
                problems.append(
                    f"majors.{old_major}.{name} ({type_}) is gone or retyped in {contract['version']}: record it under "
                    "`removed` with removedIn set to the major release that dropped it"
                )
    return problems


def check_outputs(contract: Mapping[str, Any], stack: str, recorded: Mapping[str, Any]) -> list[str]:
    """A stack's recorded outputs against the contract: nothing undeclared, missing, retyped or
    with a different secrecy."""
    problems: list[str] = []
    outputs: Mapping[str, Mapping[str, Any]] = contract.get("outputs", {})
    for name, value in sorted(recorded.items()):
        spec = outputs.get(name)
        if spec is None:
            problems.append(
                f"{stack}: output {name} is not in docs/outputs.contract.json: add it (a minor version bump)"
            )
            continue
        got = value_type(value)
        if not type_matches(str(spec.get("type")), got):
            problems.append(
                f"{stack}: output {name} is {got}, the contract says {spec.get('type')}: "
                "a type change needs a major version bump"
            )
        if is_secret(value) != bool(spec.get("secret")):
            problems.append(f"{stack}: output {name} secret={is_secret(value)}, the contract says {spec.get('secret')}")
    for name, spec in sorted(outputs.items()):
        if name not in recorded and not spec.get("when"):
            problems.append(
                f"{stack}: output {name} is in the contract but not exported: removing or renaming an output "
                "needs a major version bump"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check offline preview dumps (``python -m preview STACK --json FILE``) against the contract.

    Exit 0 when both hold, 1 on a contract problem (one line each), 2 on a file that cannot be read.
    """
    from tools.cli_help import handle

    paths = sys.argv[1:] if argv is None else argv
    if (code := handle(__doc__, paths, options=())) is not None:
        return code
    if not paths:
        print("usage: python tools/outputs_contract.py DUMP.json [DUMP.json ...]", file=sys.stderr)
        return 2
    try:
        contract = load()
    except (OSError, json.JSONDecodeError) as exc:
        print(f"cannot read {CONTRACT}: {exc}", file=sys.stderr)
        return 2
    problems = check_contract(contract)
    for path in paths:
        try:
            dump = json.loads(Path(path).read_text())
            stack, outputs = str(dump["stack"]), dump["outputs"]
            if not isinstance(outputs, dict):
                raise TypeError("'outputs' is not an object")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            print(f"{path}: not an offline preview dump with 'stack' and 'outputs' ({exc})", file=sys.stderr)
            return 2
        problems += check_outputs(contract, stack, outputs)
    for p in problems:
        print(p)
    print(f"outputs contract {contract.get('version')}: " + (f"{len(problems)} problem(s)" if problems else "holds"))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
