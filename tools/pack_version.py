"""The policy pack's version: a recorded fingerprint of its rule set per version (docs/policies.md, "Versions").

    python tools/pack_version.py check   # exit 1 when the rules changed without the right version bump
    python tools/pack_version.py bump    # bump by what changed: PulumiPolicy.yaml, pyproject, versions, changelog
    python tools/pack_version.py diff    # what changed since the last recorded version, and the bump it needs

A rule's fingerprint is its enforcement level, its scope (resource types, or the stack), its config schema
(names, types, bounds and defaults) and its text (description, remediation, severity, controls); the pack's
fingerprint adds a hash of its code (the rule modules, the framework, exemptions.json). Semantic versions:

    major  a rule removed; a rule added at mandatory; a rule raised to mandatory; a mandatory rule whose
           scope or config schema changed (a stricter rule: it judges more resources, or judges them harder)
    minor  a rule added at advisory (or disabled); any other level change; an advisory rule's scope or config
    patch  a rule's text changed, or the code only (a fix)

Options: --root DIR (the repository to read, default this one), --kind major|minor|patch (bump: at least the
required kind). Exit codes: 0 fine (check: the version matches the rules; bump: done or nothing to do);
1 check: the rules changed without the right bump; 2 bad input (arguments, a malformed versions file).
Environment: none.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("patch", "minor", "major")  # ascending
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
VERSION_LINE = re.compile(r"^version: *(\S+) *$", re.MULTILINE)
PYPROJECT_VERSION = re.compile(r'^version = "([^"]+)"$', re.MULTILINE)
COMMENT = (
    "The pack's rule set per released version, written by `python tools/pack_version.py bump`; never edited by "
    "hand. tests/policies/test_pack_version.py fails when the rules differ from the last entry (docs/policies.md)."
)


class VersionError(ValueError):
    """A versions file, PulumiPolicy.yaml or argument that cannot be used (exit 2)."""


def _sha(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def pack(self) -> Path:
        return self.root / "policies"

    @property
    def manifest(self) -> Path:
        return self.pack / "PulumiPolicy.yaml"

    @property
    def pyproject(self) -> Path:
        return self.pack / "pyproject.toml"

    @property
    def versions(self) -> Path:
        return self.pack / "versions.json"

    @property
    def changelog(self) -> Path:
        return self.pack / "CHANGELOG.md"

    def code_files(self) -> list[Path]:
        """What the published pack runs: the rule modules and framework, the entry point, the exemptions."""
        files = sorted((self.pack / "budgetbuddy_policies").rglob("*.py"))
        return [*files, self.pack / "__main__.py", self.pack / "exemptions.json"]


# Fingerprints ---------------------------------------------------------------------------------------------


def rule_fingerprints(registry: Iterable[Any]) -> dict[str, dict[str, str]]:
    """name -> {level, scope, config, text} of every rule of a registry (budgetbuddy_policies.Registry)."""
    out: dict[str, dict[str, str]] = {}
    for rule in registry:
        m = rule.meta
        out[m.name] = {
            "level": m.enforcement.value,
            "scope": "stack" if m.stack else _sha(sorted(m.resource_types)),
            "config": _sha({k: dict(v) for k, v in m.config.items()}),
            "text": _sha([m.description, m.remediation, m.severity.value, list(m.controls), m.kind]),
        }
    return dict(sorted(out.items()))


def code_fingerprint(paths: Paths) -> str:
    digest = hashlib.sha256()
    for path in paths.code_files():
        digest.update(str(path.relative_to(paths.pack)).encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:16]


def current(paths: Paths) -> dict[str, Any]:
    """The fingerprint of the pack in ``paths`` (imported from there: its rules register on import)."""
    sys.path.insert(0, str(paths.pack))
    try:
        from budgetbuddy_policies import REGISTRY
    finally:
        sys.path.remove(str(paths.pack))
    return {"code": code_fingerprint(paths), "rules": rule_fingerprints(REGISTRY)}


# Comparing ------------------------------------------------------------------------------------------------


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, what) for every difference from ``old`` to ``new`` (two fingerprints), by the rule above."""
    out: list[tuple[str, str]] = []
    before, after = old["rules"], new["rules"]
    for name in sorted(set(before) - set(after)):
        out.append(("major", f"removed rule `{name}`"))
    for name in sorted(set(after) - set(before)):
        level = after[name]["level"]
        out.append(("major" if level == "mandatory" else "minor", f"added {level} rule `{name}`"))
    for name in sorted(set(before) & set(after)):
        a, b = before[name], after[name]
        if a["level"] != b["level"]:
            kind = "major" if b["level"] == "mandatory" else "minor"
            out.append((kind, f"`{name}`: {a['level']} -> {b['level']}"))
        for part, label in (("scope", "resource types"), ("config", "config schema")):
            if a[part] != b[part]:
                out.append(("major" if b["level"] == "mandatory" else "minor", f"`{name}`: {label} changed"))
        if a["text"] != b["text"]:
            out.append(("patch", f"`{name}`: description, remediation, severity or controls changed"))
    if old["code"] != new["code"]:
        out.append(("patch", "pack code or exemptions changed"))
    return out


def required(found: list[tuple[str, str]]) -> str | None:
    """The bump these changes need (None: no change)."""
    return max((k for k, _ in found), key=KINDS.index, default=None)


def parse_version(text: str, where: str) -> tuple[int, int, int]:
    m = SEMVER.match(text)
    if not m:
        raise VersionError(f"{where}: version {text!r} is not MAJOR.MINOR.PATCH (such as 2.1.0)")
    return int(m[1]), int(m[2]), int(m[3])


def bumped(version: str, kind: str) -> str:
    major, minor, patch = parse_version(version, "bump")
    return {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }[kind]


def step_kind(old: str, new: str) -> str | None:
    """The kind of a version step (2.0.0 -> 2.1.0: minor); None unless it is exactly one step of some kind."""
    return next((k for k in reversed(KINDS) if bumped(old, k) == new), None)


# Files ----------------------------------------------------------------------------------------------------


def load_versions(paths: Paths) -> list[dict[str, Any]]:
    where = str(paths.versions.relative_to(paths.root))
    try:
        data = json.loads(paths.versions.read_text())
    except OSError as exc:
        raise VersionError(f"cannot read {where}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise VersionError(f"{where}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    entries = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise VersionError(f'{where}: expected {{"versions": [{{"version", "code", "rules"}}, ...]}}, oldest first')
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or set(e) != {"version", "code", "rules"} or not isinstance(e["rules"], dict):
            raise VersionError(f"{where}: versions[{i}]: expected the keys version, code and rules")
        parse_version(e["version"], f"{where}: versions[{i}]")
        for name, rule in e["rules"].items():
            if not isinstance(rule, dict) or set(rule) != {"level", "scope", "config", "text"}:
                raise VersionError(f"{where}: versions[{i}].rules[{name!r}]: expected level, scope, config, text")
    return entries


def render_versions(entries: list[dict[str, Any]]) -> str:
    """One line per rule, so a bump's diff shows the rules that changed."""
    blocks = []
    for e in entries:
        rules = ",\n".join(f"        {json.dumps(n)}: {json.dumps(r, sort_keys=True)}" for n, r in e["rules"].items())
        blocks.append(
            f'    {{\n      "version": {json.dumps(e["version"])},\n      "code": {json.dumps(e["code"])},\n'
            f'      "rules": {{\n{rules}\n      }}\n    }}'
        )
    return f'{{\n  "$comment": {json.dumps(COMMENT)},\n  "versions": [\n' + ",\n".join(blocks) + "\n  ]\n}\n"


def manifest_version(paths: Paths) -> str:
    m = VERSION_LINE.search(paths.manifest.read_text())
    if not m:
        raise VersionError("policies/PulumiPolicy.yaml: no `version:` line")
    return m[1]


def pyproject_version(paths: Paths) -> str:
    m = PYPROJECT_VERSION.search(paths.pyproject.read_text())
    if not m:
        raise VersionError('policies/pyproject.toml: no `version = "..."` line')
    return m[1]


def problems(paths: Paths, fingerprint: Mapping[str, Any] | None = None) -> list[str]:
    """Why the pack's version does not match its rules (empty: it does)."""
    entries = load_versions(paths)
    out: list[str] = []
    for old, new in itertools.pairwise(entries):
        need, step = required(changes(old, new)), step_kind(old["version"], new["version"])
        if need is None or step is None or KINDS.index(step) < KINDS.index(need):
            out.append(f"recorded history: {old['version']} -> {new['version']} is a {step or 'no single'} step; "
                       f"its changes need a {need or 'no'} bump")  # fmt: skip
    last = entries[-1]
    fingerprint = current(paths) if fingerprint is None else fingerprint
    found = changes(last, fingerprint)
    if found:
        kind = required(found)
        lines = "\n".join(f"  {k}: {what}" for k, what in found)
        out.append(
            f"the rules changed since {last['version']} without a version bump; they need a {kind} bump "
            f"(to {bumped(last['version'], str(kind))}): run `python tools/pack_version.py bump`\n{lines}"
        )
    for what, version in (("policies/PulumiPolicy.yaml", manifest_version(paths)),
                          ("policies/pyproject.toml", pyproject_version(paths))):  # fmt: skip
        if version != last["version"]:
            out.append(f"{what} says version {version}; the last recorded version is {last['version']}")
    if not re.search(rf"^## {re.escape(last['version'])}\b", paths.changelog.read_text(), re.MULTILINE):
        out.append(f"policies/CHANGELOG.md has no `## {last['version']}` section")
    return out


def bump(paths: Paths, at_least: str | None = None) -> str | None:
    """Record the current rules as the next version; the new version, or None when nothing changed."""
    entries = load_versions(paths)
    last = entries[-1]
    fingerprint = current(paths)
    found = changes(last, fingerprint)
    kind = required(found)
    if kind is None:
        return None
    if at_least is not None and KINDS.index(at_least) > KINDS.index(kind):
        kind = at_least
    version = bumped(last["version"], kind)
    entries.append({"version": version, **fingerprint})
    paths.versions.write_text(render_versions(entries))
    text = paths.manifest.read_text()
    paths.manifest.write_text(VERSION_LINE.sub(f"version: {version}", text, count=1))
    text = paths.pyproject.read_text()
    paths.pyproject.write_text(PYPROJECT_VERSION.sub(f'version = "{version}"', text, count=1))
    log = paths.changelog.read_text()
    head, sep, rest = log.partition("\n## ")
    items = "\n".join(f"- {what} ({k})" for k, what in found)
    section = f"## {version} ({kind})\n\n{items}\n\n"
    paths.changelog.write_text(f"{head}\n{section}## {rest}" if sep else f"{log.rstrip()}\n\n{section}")
    return version


# Command line ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tools/pack_version.py",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["check", "bump", "diff"])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    parser.add_argument("--kind", choices=KINDS, help="bump: at least this kind")
    args = parser.parse_args(argv)
    paths = Paths(args.root.resolve())
    try:
        if args.command == "check":
            found = problems(paths)
            for p in found:
                print(f"error: {p}", file=sys.stderr)
            if not found:
                print(f"policy pack {manifest_version(paths)}: the version matches the rules")
            return 1 if found else 0
        if args.command == "diff":
            last = load_versions(paths)[-1]
            found = changes(last, current(paths))
            print(f"since {last['version']}: {required(found) or 'no'} bump needed")
            for k, what in found:
                print(f"  {k}: {what}")
            return 0
        version = bump(paths, args.kind)
        print(f"policy pack: no rule change since {manifest_version(paths)}" if version is None
              else f"policy pack: version {version} recorded (edit its policies/CHANGELOG.md section)")  # fmt: skip
        return 0
    except VersionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
