"""Stand-ins for secrets the offline preview cannot decrypt (docs/preview.md).

A stand-in is a value valid for its key, so the stack builds what it would with the secret set.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from components.config.schema import FIELD_KEYS, KEY_FIELDS

NEUTRAL = "offline-secret-stand-in"  # for keys this program does not know


def config_text(value: Any) -> str:
    """A value as Pulumi hands config to a program: text, objects and lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True, exclude_defaults=True)
    if isinstance(value, (tuple, list)):
        return json.dumps([json.loads(config_text(v)) if isinstance(v, BaseModel) else v for v in value])
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def secret_stand_in(full_key: str, stack: str) -> str:
    """A value valid for ``full_key`` that stands in for a secret the offline preview cannot decrypt.

    It is the value the key takes when unset (its default; a required key defaults to the stack name),
    or, for a key that is unset by default, the field's first ``examples`` entry, so the stack builds
    what it would with the secret set. Keys this program does not know get neutral text.
    """
    name = next((n for n, k in FIELD_KEYS.items() if k == full_key), None)
    if name is None:
        return NEUTRAL
    field = KEY_FIELDS[name]
    if field.is_required():
        return stack
    default = field.get_default(call_default_factory=True)
    if default is None and field.examples:
        default = field.examples[0]
    return "" if default is None else config_text(default)
