"""The engine's wire format for property values, as recorded in a dump (pulumi/runtime/rpc.py).

Literals, not imports from the SDK: reading a dump (--resources, --compare, the cost model, tools) needs no
``pulumi`` import. tests/preview/test_wire.py checks they are still the SDK's values.
"""

from __future__ import annotations

from typing import Any

# A special value (secret, asset, archive, resource reference) is an object holding this key (rpc._special_sig_key).
SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d"
# The value of that key in a secret envelope {SPECIAL_SIG_KEY: SECRET_SIG, "value": ...} (rpc._special_secret_sig).
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
# What the engine sends for a value not known during a preview (rpc.UNKNOWN).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def is_special(value: Any) -> bool:
    """Any special value: a secret envelope, an asset, an archive or a resource reference."""
    return isinstance(value, dict) and SPECIAL_SIG_KEY in value


def is_secret(value: Any) -> bool:
    """A secret envelope (the engine's encoding of a secret value)."""
    return isinstance(value, dict) and value.get(SPECIAL_SIG_KEY) == SECRET_SIG
