"""The one strict JSON reader for the files the pack and the offline runner read (exemptions, policy config).

Strict as the Pulumi CLI's Go parser is (no NaN/Infinity), and every error names the file and where in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import PackConfigError


def json_type(value: Any) -> str:
    """JSON's name for a parsed value's type, for messages ("got an array")."""
    if isinstance(value, bool):
        return "boolean"
    names = {dict: "object", list: "array", str: "string", int: "number", float: "number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_json(path: Path, name: str, error: type[PackConfigError] = PackConfigError) -> Any:
    """Parse ``path`` (called ``name`` in messages); any problem raises ``error`` saying where."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise error(f"{name}: not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start})") from None
    except OSError as err:
        raise error(f"{name}: cannot read it: {err.strerror}") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise error(f"{name}: line {err.lineno}, column {err.colno}: not valid JSON: {err.msg}") from None
    except (ValueError, RecursionError) as err:  # NaN/Infinity, a number too long, nesting too deep
        raise error(f"{name}: not valid JSON: {err}") from None
