"""Config as the Pulumi engine passes it to a program: full keys ``namespace:key`` -> text.

What the engine and the AWS provider define, not what this program decides: the project namespace,
how Pulumi's typed getters read text, which ``aws:`` keys the provider reads and where it takes
its region from. No imports from the rest of ``components``, so anything may import it.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Mapping
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

NAMESPACE = "budgetbuddy"
# Namespaces Pulumi passes to every program that this program neither reads nor refuses.
PASS_THROUGH_NAMESPACES = ("pulumi",)
# `region` is the provider's `aws:region`: one source of truth for where resources go and what
# key policies, endpoint names, log configuration and ARNs say. alias -> (the key to set, why).
ELSEWHERE: dict[str, tuple[str, str]] = {
    "region": (
        "aws:region",
        "the AWS provider deploys to aws:region, so the stack reads its region from there alone",
    ),
}


def parse_text(kind: str, raw: str) -> Any:
    """A config string as Pulumi's ``Config.get_bool``/``get_int``/``get_float`` (or a JSON object) reads it.

    Raises ValueError with what is allowed. ``get_bool`` accepts exactly true, True, false, False.
    """
    if kind == "bool":
        if raw in ("true", "True"):
            return True
        if raw in ("false", "False"):
            return False
        raise ValueError("must be true or false (pulumi.Config.get_bool accepts exactly true, True, false, False)")
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError("must be a whole number (read as pulumi.Config.get_int reads it)") from None
    if kind == "float":
        try:
            return float(raw)
        except ValueError:
            raise ValueError("must be a number such as 70 or 65.5 (read as pulumi.Config.get_float reads it)") from None
    if kind == "json":
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"must be JSON ({exc.msg})") from None
        except RecursionError:
            raise ValueError("must be JSON (nested too deeply)") from None
    return raw


def _provider_source(relative: str) -> str:
    """A source file of the installed pulumi-aws, found by path and not imported: importing any of its modules
    imports pulumi_aws and the SDK (0.2 s), which the operations tool and the deploy script's guard never
    otherwise load."""
    spec = find_spec("pulumi_aws")
    if spec is None or spec.origin is None:  # pragma: no cover - pulumi-aws is a pinned dependency
        raise RuntimeError("pulumi_aws is not installed")
    return (Path(spec.origin).parent / relative).read_text()


@cache
def aws_provider_keys() -> dict[str, str]:
    """``aws:`` config keys the installed pulumi-aws reads -> their kind, from its generated config module."""
    source = _provider_source("config/vars.py")
    getters = re.findall(r"__config__\.get(_bool|_int|_float|_object)?\('([A-Za-z0-9]+)'\)", source)
    kinds = {"_bool": "bool", "_int": "int", "_float": "float", "_object": "json"}
    return {key: kinds.get(getter, "text") for getter, key in getters}


@cache
def aws_regions() -> tuple[str, ...]:
    """The regions the installed pulumi-aws knows: the members of its generated ``Region`` enum."""
    (region,) = (
        node
        for node in ast.parse(_provider_source("_enums.py")).body
        if isinstance(node, ast.ClassDef) and node.name == "Region"
    )
    return tuple(
        node.value.value
        for node in region.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    )


def region_of(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str | None:
    """The region the AWS provider deploys to: ``aws:region``, else AWS_REGION/AWS_DEFAULT_REGION as
    pulumi-aws falls back to them (pulumi_aws/config/vars.py)."""
    env = os.environ if environ is None else environ
    value = config.get("aws:region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    return None if value is None else str(value)
