"""Exemptions: the one place a resource may be excused from a named rule.

They are declared in ``policies/exemptions.json``; each names the rule, the
resource (logical name, glob allowed, optionally its type and stacks), a written
justification and an optional expiry date. An expired exemption is not honoured
and is itself reported by ``aws-governance-exemption-disallow-expired``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import PackConfigError
from .jsonfile import json_type, read_json

EXEMPTIONS_FILE = Path(__file__).resolve().parent.parent / "exemptions.json"
_MIN_JUSTIFICATION = 20


class ExemptionError(PackConfigError):
    """The exemptions file is malformed; raised when the pack is built."""


@dataclass(frozen=True)
class Exemption:
    rule: str
    resource: str
    justification: str
    resource_type: str | None = None
    stacks: tuple[str, ...] = ()
    expires: dt.date | None = None
    approved_by: str | None = None

    def expired(self, today: dt.date) -> bool:
        # The expiry day itself is the last day the exemption is valid.
        return self.expires is not None and today > self.expires

    def applies_to_stack(self, stack: str | None) -> bool:
        return not self.stacks or stack is None or stack in self.stacks

    def matches(self, rule: str, resource_type: str, name: str, stack: str | None) -> bool:
        return (
            rule == self.rule
            and fnmatch.fnmatchcase(name, self.resource)
            and (self.resource_type is None or self.resource_type == resource_type)
            and self.applies_to_stack(stack)
        )

    def describe(self) -> str:
        until = f"until {self.expires.isoformat()}" if self.expires else "no expiry"
        return f"{self.rule} on {self.resource} ({until}): {self.justification}"


_FIELDS = {
    "rule": "the rule's name",
    "resource": "the resource's logical name (glob allowed)",
    "type": "the resource type token, e.g. aws:s3/bucket:Bucket",
    "stacks": "a list of stack names",
    "justification": f"why the exemption is needed (at least {_MIN_JUSTIFICATION} characters)",
    "expires": "the last valid day, YYYY-MM-DD",
    "approvedBy": "who approved it",
}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(EXEMPTIONS_FILE.parent.parent))
    except ValueError:
        return str(path)


def _optional_str(entry: dict[str, Any], key: str, where: str, errors: list[str]) -> str | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        errors.append(f"{where}.{key}: expected {_FIELDS[key]} (a non-empty string), got {value!r}")
        return None
    return value


def _expires(entry: dict[str, Any], where: str, errors: list[str]) -> dt.date | None:
    value = entry.get("expires")
    if value is None:
        return None
    # fromisoformat alone would also take 20270531 or 2027-W22-1; the file documents one format.
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(
        f"{where}.expires: {value!r} is not a date; expected YYYY-MM-DD (the last valid day), e.g. 2027-06-30"
    )
    return None


def _parse_entry(entry: Any, where: str, known: set[str] | None, errors: list[str]) -> Exemption | None:
    if not isinstance(entry, dict):
        errors.append(f"{where}: expected an object with {sorted(_FIELDS)}, got {json_type(entry)}")
        return None
    before = len(errors)
    extra = sorted(set(entry) - set(_FIELDS))
    if extra:
        errors.append(f"{where}: unknown keys {extra}; allowed: {sorted(_FIELDS)}")
    rule, resource, justification = entry.get("rule"), entry.get("resource"), entry.get("justification")
    if not isinstance(rule, str) or not rule:
        errors.append(f"{where}.rule: required: {_FIELDS['rule']}")
    elif known is not None and rule not in known:
        close = difflib.get_close_matches(rule, sorted(known), n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        errors.append(f"{where}.rule: {rule!r} is not a rule of the pack{hint}")
    if not isinstance(resource, str) or not resource:
        errors.append(f"{where}.resource: required: {_FIELDS['resource']}")
    if not isinstance(justification, str) or len(justification.strip()) < _MIN_JUSTIFICATION:
        errors.append(f"{where}.justification: required: {_FIELDS['justification']}")
    resource_type = _optional_str(entry, "type", where, errors)
    approved_by = _optional_str(entry, "approvedBy", where, errors)
    expires = _expires(entry, where, errors)
    stacks = entry.get("stacks")
    if stacks is None:
        stacks = []
    elif not isinstance(stacks, list) or not all(isinstance(s, str) and s for s in stacks):
        errors.append(f"{where}.stacks: expected {_FIELDS['stacks']}, got {stacks!r}")
    if len(errors) > before or not (
        isinstance(rule, str) and isinstance(resource, str) and isinstance(justification, str)
    ):
        return None  # the isinstance tests only narrow the types: the checks above reported each
    return Exemption(
        rule=rule,
        resource=resource,
        justification=justification.strip(),
        resource_type=resource_type,
        stacks=tuple(stacks),
        expires=expires,
        approved_by=approved_by,
    )


def parse_exemptions(
    entries: Any, known_rules: Iterable[str] | None = None, source: str | None = None
) -> tuple[Exemption, ...]:
    """Validate raw entries; every problem is listed in one error, each with its place in the file."""
    known = set(known_rules) if known_rules is not None else None
    if not isinstance(entries, list):
        raise ExemptionError(
            f"{source or 'exemptions'}: 'exemptions' must be a list of objects, got {json_type(entries)}"
        )
    errors: list[str] = []
    result = []
    for i, entry in enumerate(entries):
        parsed = _parse_entry(entry, f"exemptions[{i}]", known, errors)
        if parsed is not None:
            result.append(parsed)
    if errors:
        where = f" in {source}" if source else ""
        raise ExemptionError(f"invalid exemptions{where}:\n  " + "\n  ".join(errors))
    return tuple(result)


def load_exemptions(path: Path = EXEMPTIONS_FILE, known_rules: Iterable[str] | None = None) -> tuple[Exemption, ...]:
    """Read the exemptions file: ``{"exemptions": [...]}`` (keys starting with "_" are comments)."""
    if not path.exists():
        return ()
    name = _display(path)
    data = read_json(path, name, ExemptionError)
    shape = '{"exemptions": [{"rule": ..., "resource": ..., "justification": ...}, ...]}'
    if not isinstance(data, dict):
        raise ExemptionError(f"{name}: the top level must be an object {shape}, got {json_type(data)}")
    extra = sorted(k for k in data if k != "exemptions" and not k.startswith("_"))
    if extra:
        raise ExemptionError(f"{name}: unknown top-level keys {extra}; expected {shape}")
    if "exemptions" not in data:
        raise ExemptionError(f"{name}: no 'exemptions' list; expected {shape}")
    return parse_exemptions(data["exemptions"], known_rules, source=name)


def find(
    exemptions: Sequence[Exemption],
    rule: str,
    resource_type: str,
    name: str,
    stack: str | None,
) -> Exemption | None:
    for exemption in exemptions:
        if exemption.matches(rule, resource_type, name, stack):
            return exemption
    return None
