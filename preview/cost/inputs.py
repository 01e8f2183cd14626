"""Reading recorded engine inputs safely: secrets unwrapped, unknowns detected, numbers coerced."""

from __future__ import annotations

import json
from typing import Any

from preview.wire import UNKNOWN, is_special


class UnknownValueError(Exception):
    """A cost-relevant input is unknown during preview (or is not the shape the model expects)."""

    def __init__(self, prop: str, why: str = "unknown during preview") -> None:
        super().__init__(f"{prop}: {why}")
        self.prop = prop
        self.why = why


def plain(value: Any) -> Any:
    """Unwrap the engine's secret envelope (the value is only priced, never shown)."""
    if is_special(value):
        return plain(value.get("value"))
    return value


def is_unknown(value: Any) -> bool:
    value = plain(value)
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    return False


def get(inputs: dict[str, Any], path: str, default: Any = None) -> Any:
    """``a.b.c`` lookup; raises ``UnknownValueError`` if any step is the unknown sentinel."""
    cur: Any = inputs
    for part in path.split("."):
        cur = plain(cur)
        if cur == UNKNOWN:
            raise UnknownValueError(path)
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    cur = plain(cur)
    if cur == UNKNOWN:
        raise UnknownValueError(path)
    return cur


def number(inputs: dict[str, Any], path: str, default: float | None = None) -> float | None:
    """A number from an engine value: floats, ints or numeric strings ("1024", "500.0")."""
    value = get(inputs, path)
    if value is None:
        return default
    if is_unknown(value):
        raise UnknownValueError(path)
    if isinstance(value, bool):
        raise UnknownValueError(path, f"expected a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise UnknownValueError(path, f"expected a number, got {value!r}") from None
    raise UnknownValueError(path, f"expected a number, got {type(value).__name__}")


def items(inputs: dict[str, Any], path: str) -> list[Any]:
    """A list input ([] when absent); a JSON string list is parsed."""
    value = get(inputs, path)
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise UnknownValueError(path, "not valid JSON") from None
    if not isinstance(value, list):
        raise UnknownValueError(path, f"expected a list, got {type(value).__name__}")
    if any(plain(v) == UNKNOWN for v in value):
        raise UnknownValueError(path)
    return [plain(v) for v in value]


def text(inputs: dict[str, Any], path: str, default: str | None = None) -> str | None:
    value = get(inputs, path)
    if value is None:
        return default
    return str(value)
