"""The per-stack policy config, reconciled as ``pulumi preview --policy-pack-config`` does.

Schema defaults, then "all", then per-rule values; validated like the CLI, and stricter
where the CLI is silent: an unknown rule or setting is an error, not ignored
(docs/policies.md, "Config").
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2 as pb

from preview.policy.levels import LEVEL, LEVEL_PB
from preview.policy.load import CONFIG_SHAPE, PolicyConfigError, json_type

Reconciled = dict[str, tuple[str, dict[str, Any]]]
_LEVELS = ", ".join(repr(level) for level in LEVEL_PB)
# JSON numbers are 64-bit floats for the engine; an integer beyond 2**53 would not survive.
_MAX_NUMBER = 2**53

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int, float),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
}
SUPPORTED_KEYWORDS = {
    "type",
    "enum",
    "minimum",
    "maximum",
    "items",
    "minItems",
    "default",
    "description",
}


def _schemas(info: Any) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Each rule's settings schema, converted once (properties, required)."""
    return {
        p.name: (
            json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {},
            list(p.configSchema.required),
        )
        for p in info.policies
    }


def _level(value: Any, where: str, errors: list[str]) -> str | None:
    if isinstance(value, str) and value in LEVEL_PB:
        return value
    errors.append(f"{where}: {value!r} is not a valid enforcement level; expected one of {_LEVELS}")
    return None


def reconcile_config(info: Any, file_config: Any, source: str = "policy config") -> Reconciled:
    """(level, settings) per rule of the pack; raises PolicyConfigError listing every problem."""
    if not isinstance(file_config, Mapping):
        raise PolicyConfigError(f"{source}: the top level must be {CONFIG_SHAPE}; got {json_type(file_config)}")
    schemas = _schemas(info)
    result: Reconciled = {
        p.name: (LEVEL[p.enforcementLevel], {k: v["default"] for k, v in schemas[p.name][0].items() if "default" in v})
        for p in info.policies
    }
    errors: list[str] = []
    if "all" in file_config:
        given = file_config["all"]
        if isinstance(given, dict) and set(given) == {"enforcementLevel"}:
            given = given["enforcementLevel"]
        elif isinstance(given, dict):
            errors.append(f"all: only 'enforcementLevel' may be set for all rules, got keys {sorted(given)}")
            given = None
        level = _level(given, "all", errors) if given is not None else None
        if level is not None:
            result = {k: (level, v) for k, (_, v) in result.items()}
    for name, given in file_config.items():
        if name == "all":
            continue
        if name not in schemas:
            close = difflib.get_close_matches(name, sorted(schemas), n=1, cutoff=0.8)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append(f"{name}: no such policy in pack {info.name}{hint}")
            continue
        level, props = result[name]
        if isinstance(given, str):
            given = {"enforcementLevel": given}
        if not isinstance(given, dict):
            errors.append(
                f"{name}: must be an enforcement level ({_LEVELS}) or an object of settings, got {json_type(given)}"
            )
            continue
        given = dict(given)
        if "enforcementLevel" in given:
            level = _level(given.pop("enforcementLevel"), f"{name}.enforcementLevel", errors) or level
        # The CLI ignores settings its schema does not name (no additionalProperties), so a typo
        # such as "maxNatGateway" would silently keep the default; refuse it here instead.
        known = schemas[name][0]
        for key in sorted(set(given) - set(known)):
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            errors.append(f"{name}: unknown setting {key!r}{hint}; the rule's settings are {sorted(known) or 'none'}")
        result[name] = (level, {**props, **{k: v for k, v in given.items() if k in known}})
    for name, (_, props) in result.items():
        properties, required = schemas[name]
        errors += [f"{name}.{e}" for e in validate_schema(properties, required, props)]
    if errors:
        raise PolicyConfigError(f"invalid policy config {source}:\n  " + "\n  ".join(errors))
    return result


def validate_schema(properties: Mapping[str, Any], required: Sequence[str], config: Mapping[str, Any]) -> list[str]:
    """The JSON-schema subset the pack's config schemas use (a test keeps them to it)."""
    errors = [f"{r} is required" for r in required if r not in config]
    for key, value in config.items():
        if key not in properties:
            continue  # JSON schema allows additional properties, and so does the CLI
        errors += _check(key, properties[key], value)
    return errors


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _out_of_range(value: Any) -> bool:
    """Any number inside ``value`` that a JSON float64 cannot carry."""
    if _is_number(value):
        return not math.isfinite(value) or abs(value) > _MAX_NUMBER
    if isinstance(value, list):
        return any(_out_of_range(v) for v in value)
    if isinstance(value, dict):
        return any(_out_of_range(v) for v in value.values())
    return False


def _check(path: str, schema: Mapping[str, Any], value: Any) -> list[str]:
    kind = schema.get("type")
    if kind:
        ok = isinstance(value, _TYPES[kind]) and not (kind != "boolean" and isinstance(value, bool))
        if ok and kind == "integer" and isinstance(value, float) and not value.is_integer():
            ok = False
        if not ok:
            return [f"{path}: {value!r} is not of type {kind}"]
    if _out_of_range(value):
        return [f"{path}: {value!r} is out of range (at most {_MAX_NUMBER} in magnitude)"]
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if _is_number(value) and "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: {value!r} is less than the minimum {schema['minimum']}")
    if _is_number(value) and "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: {value!r} is greater than the maximum {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: needs at least {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                errors += _check(f"{path}[{i}]", schema["items"], item)
    return errors


def configure_request(reconciled: Mapping[str, tuple[str, dict[str, Any]]]) -> pb.ConfigureAnalyzerRequest:
    req = pb.ConfigureAnalyzerRequest()
    for name, (level, props) in reconciled.items():
        pc = req.policyConfig[name]
        pc.enforcementLevel = LEVEL_PB[level]
        pc.properties.update(props)
    return req
