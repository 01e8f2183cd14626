"""Read resource inputs the way a policy needs them.

Inputs arrive through pulumi_policy's unknown-checking proxy: reading a value
that is unknown during preview raises ``UnknownValueError``. The helpers below
let that error propagate (the rule wrapper turns it into a clear report) except
in ``is_set``, where an unknown value still proves that something was set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy.proxy import UnknownValueError

__all__ = [
    "UnknownValueError",
    "as_list",
    "dig",
    "is_set",
    "json_input",
    "maybe",
    "number",
    "tags_of",
]


def dig(value: Any, *path: str | int) -> Any:
    """Value at ``path`` or None when any step is missing; unknown raises."""
    for key in path:
        if value is None:
            return None
        if isinstance(key, int):
            if not isinstance(value, Sequence) or isinstance(value, str) or key >= len(value):
                return None
            value = value[key]
        else:
            if not isinstance(value, Mapping) or key not in _keys(value):
                return None
            value = value[key]
    return value


def _keys(value: Mapping[str, Any]) -> Iterator[str]:
    # Iterating keys never touches values, so it never raises for unknowns.
    return iter(list(value))


def is_set(value: Any, *path: str | int) -> bool:
    """True if a non-empty value is present; an unknown value counts as set."""
    try:
        found = dig(value, *path)
    except UnknownValueError:
        return True
    if found is None or found == "":
        return False
    if isinstance(found, (Sequence, Mapping)) and not isinstance(found, str):
        return len(found) > 0
    return True


def maybe(value: Any, *path: str | int) -> Any:
    """Like ``dig`` but an unknown value reads as None (for identification only)."""
    try:
        return dig(value, *path)
    except UnknownValueError:
        return None


def as_list(value: Any) -> list[Any]:
    """A list input as a plain list (missing -> [])."""
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [value[i] for i in range(len(value))]
    return [value]


def number(value: Any) -> float | None:
    """Engine numbers are floats and some inputs are numeric strings."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def json_input(props: Mapping[str, Any], key: str) -> Any:
    """Parse a JSON-string input (policy documents, container definitions)."""
    raw = dig(props, key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        return json.loads(raw)
    return _plain(raw)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(value[i]) for i in range(len(value))]
    return value


def tags_of(props: Mapping[str, Any]) -> dict[str, Any]:
    """The resource's own ``tags`` input (provider default tags are not visible)."""
    tags = dig(props, "tags")
    if not isinstance(tags, Mapping):
        return {}
    return {k: tags[k] for k in tags}
