"""Exemptions: the one place a resource may be excused from a named rule.

They are declared in ``policies/exemptions.json``; each names the rule, the
resource (logical name, glob allowed, optionally its type and stacks), a written
justification and an optional expiry date. An expired exemption is not honoured
and is itself reported by ``aws-governance-exemption-disallow-expired``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXEMPTIONS_FILE = Path(__file__).resolve().parent.parent / "exemptions.json"
_MIN_JUSTIFICATION = 20


class ExemptionError(ValueError):
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


def parse_exemptions(entries: Sequence[Any], known_rules: Iterable[str] | None = None) -> tuple[Exemption, ...]:
    """Validate raw entries; every problem is listed in one error."""
    known = set(known_rules) if known_rules is not None else None
    errors: list[str] = []
    result: list[Exemption] = []
    allowed = {
        "rule",
        "resource",
        "type",
        "stacks",
        "justification",
        "expires",
        "approvedBy",
    }
    for i, entry in enumerate(entries):
        where = f"exemption #{i + 1}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be an object")
            continue
        extra = sorted(set(entry) - allowed)
        if extra:
            errors.append(f"{where}: unknown keys {extra}; allowed: {sorted(allowed)}")
        rule, resource = entry.get("rule"), entry.get("resource")
        justification = entry.get("justification")
        if not isinstance(rule, str) or not rule:
            errors.append(f"{where}: 'rule' is required")
        elif known is not None and rule not in known:
            errors.append(f"{where}: rule {rule!r} is not in the pack")
        if not isinstance(resource, str) or not resource:
            errors.append(f"{where}: 'resource' (logical name or glob) is required")
        if not isinstance(justification, str) or len(justification.strip()) < _MIN_JUSTIFICATION:
            errors.append(f"{where}: 'justification' must explain why (at least {_MIN_JUSTIFICATION} characters)")
        expires = None
        if entry.get("expires") is not None:
            try:
                expires = dt.date.fromisoformat(str(entry["expires"]))
            except ValueError:
                errors.append(f"{where}: 'expires' must be YYYY-MM-DD, got {entry['expires']!r}")
        stacks = entry.get("stacks") or []
        if not isinstance(stacks, list) or not all(isinstance(s, str) for s in stacks):
            errors.append(f"{where}: 'stacks' must be a list of stack names")
            stacks = []
        if not errors:
            result.append(
                Exemption(
                    rule=rule,
                    resource=resource,
                    justification=justification.strip(),
                    resource_type=entry.get("type"),
                    stacks=tuple(stacks),
                    expires=expires,
                    approved_by=entry.get("approvedBy"),
                )
            )
    if errors:
        raise ExemptionError("invalid exemptions:\n  " + "\n  ".join(errors))
    return tuple(result)


def load_exemptions(path: Path = EXEMPTIONS_FILE, known_rules: Iterable[str] | None = None) -> tuple[Exemption, ...]:
    if not path.exists():
        return ()
    data = json.loads(path.read_text())
    entries = data.get("exemptions", []) if isinstance(data, dict) else data
    return parse_exemptions(entries, known_rules)


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
