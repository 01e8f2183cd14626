"""The package's settings: the stack keys of the compute service and the stack's identity, owned by
their settings models (components/compute/settings.py, components/identity.py), validated by the
stack file's validator (components/config/load.py ``parse_stack_config``), so a value a stack file
refuses is refused here with the same message, as an ``InputPropertiesError`` naming each property.

An engine sends every number as a float and lists and maps as values; each setting is turned back
into the text a stack file holds (``512.0`` -> ``"512"``, ``True`` -> ``"true"``, a map -> JSON) and
read the way the stack reads its config, so one parser judges both.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails
from pydantic.fields import FieldInfo

from components.alarms import AlertRoutes
from components.compute.contract import ComputeInputs
from components.compute.settings import ComputeSettings
from components.config.engine import region_of
from components.config.load import parse_stack_config, runtime_values
from components.config.problems import ConfigError, full_key
from components.config.schema import KEY_FIELDS, StackConfig
from components.identity import IdentitySettings
from components.settings import Settings, arn_pattern

from .platform import PLATFORM_INPUTS

# The models whose stack keys the package takes (in docs/config.md's order).
MODELS: tuple[type[Settings], ...] = (IdentitySettings, ComputeSettings)
# Keys the package does not take as inputs, and why.
FROM_STACK = {
    "region": "the service deploys where the consumer's AWS provider does: read from aws:region, as the platform "
    "program reads it",
}
# Keys the models default that the package requires, and why.
REQUIRED_HERE = {
    "service": "the default is the platform's own service name; a second service with it would collide with the "
    "platform's physical names",
}
# StackConfig's ``stack`` is the platform's own stack name (used for nothing a component builds); the
# package's identity is ``environment``.
PACKAGE_STACK = "package"


def setting_fields() -> dict[str, FieldInfo]:
    """alias -> field of every setting the package takes, in docs/config.md's order."""
    names = {n for m in MODELS for n in m.model_fields}
    return {
        f.alias: f for n, f in KEY_FIELDS.items() if n in names and f.alias is not None and f.alias not in FROM_STACK
    }


def required(alias: str, field: FieldInfo) -> bool:
    return field.is_required() or alias in REQUIRED_HERE


def stack_text(value: Any) -> str:
    """A value as a stack file holds it (the engine passes config as text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _contains_output(value: Any) -> bool:
    if isinstance(value, pulumi.Output):
        return True
    if isinstance(value, dict):
        return any(_contains_output(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_output(v) for v in value)
    return False


def _property_of(line: str) -> str:
    """The input a stack validator's line is about (``budgetbuddy:taskCpu=3: ...`` -> ``taskCpu``)."""
    for alias in sorted(setting_fields(), key=len, reverse=True):
        key = full_key(alias)
        if line.startswith(key) and line[len(key) : len(key) + 1] in ("=", ":", "["):
            return alias
    return ""


def stack_region() -> str | None:
    """The consumer stack's ``aws:region`` (or the provider's environment fallback), as load.py reads it."""
    return region_of(runtime_values())


def validated_settings(args: Mapping[str, Any], region: str | None) -> StackConfig:
    """The settings of ``args`` as the platform's stack validator reads them; every problem at once."""
    errors: list[InputPropertyErrorDetails] = []
    values: dict[str, str] = {}
    for alias in setting_fields():
        if alias not in args or args[alias] is None:
            if alias in REQUIRED_HERE:
                errors.append({"property_path": alias, "reason": f"required: {REQUIRED_HERE[alias]}"})
            continue
        if _contains_output(args[alias]):
            errors.append(
                {
                    "property_path": alias,
                    "reason": f"{full_key(alias)}: must be a plain value known at preview (a literal or config), "
                    "not another resource's output: the platform's checks judge it before anything is created",
                }
            )
            continue
        values[alias] = stack_text(args[alias])
    if region is None:
        errors.append(
            {
                "property_path": "",
                "reason": "aws:region: not set: the service deploys where the stack's AWS provider does "
                "(pulumi config set aws:region us-east-1)",
            }
        )
    if errors:
        raise InputPropertiesError("invalid ComputeService inputs", errors)
    try:
        return parse_stack_config(PACKAGE_STACK, values, region)
    except ConfigError as exc:
        details: list[InputPropertyErrorDetails] = [
            {"property_path": _property_of(line), "reason": line} for line in exc.problems
        ]
        raise InputPropertiesError("invalid ComputeService inputs", details) from None


def _plain_strings(args: Mapping[str, Any], name: str, check: Any) -> tuple[list[str], list[InputPropertyErrorDetails]]:
    value = args.get(name) or []
    if _contains_output(value) or not isinstance(value, list):
        return [], [
            {
                "property_path": name,
                "reason": f"{name}: must be a list of plain strings known at preview (one IAM entry or rule each)",
            }
        ]
    errors: list[InputPropertyErrorDetails] = []
    for i, item in enumerate(value):
        problem = check(item) if isinstance(item, str) else "must be a string"
        if problem:
            errors.append({"property_path": f"{name}[{i}]", "reason": f"{name}[{i}]={item!r}: {problem}"})
    return list(value), errors


def _table_arn(v: str) -> str | None:
    return None if arn_pattern("dynamodb").match(v) and ":table/" in v else "must be a DynamoDB table ARN"


def _index_arn(v: str) -> str | None:
    ok = arn_pattern("dynamodb").match(v) and ":table/" in v and "/index/" in v
    return None if ok else "must be a DynamoDB index ARN (<table-arn>/index/<name>)"


def _host_cidr(v: str) -> str | None:
    try:
        net = ipaddress.ip_network(v)
    except ValueError:
        return "must be an IPv4 CIDR such as 203.0.113.10/32"
    return None if net.version == 4 and net.prefixlen == 32 else "must be one IPv4 address as a /32"


def compute_inputs(args: Mapping[str, Any]) -> ComputeInputs:
    """The platform values of ``args`` as the component's inputs; every problem at once."""
    errors: list[InputPropertyErrorDetails] = []
    for p in PLATFORM_INPUTS:
        if p.required and args.get(p.name) is None:
            errors.append({"property_path": p.name, "reason": f"Missing required input '{p.name}' on 'ComputeService'"})
    tables, e1 = _plain_strings(args, "tableArns", _table_arn)
    indexes, e2 = _plain_strings(args, "indexArns", _index_arn)
    cidrs, e3 = _plain_strings(args, "testListenerCidrs", _host_cidr)
    errors += [*e1, *e2, *e3]
    if indexes and not tables:
        errors.append(
            {"property_path": "indexArns", "reason": "indexArns: given without tableArns (the tables they index)"}
        )
    if tables and args.get("dataKeyArn") is None:
        errors.append(
            {
                "property_path": "dataKeyArn",
                "reason": "dataKeyArn: required with tableArns: the platform's DynamoDB key (kmsKeyArns.data)",
            }
        )
    if errors:
        raise InputPropertiesError("invalid ComputeService inputs", errors)
    return ComputeInputs(
        vpc_id=args["vpcId"],
        public_subnet_ids=args["publicSubnetIds"],
        private_subnet_ids=args["privateSubnetIds"],
        test_listener_cidrs=cidrs,
        logs_key_arn=args["logsKeyArn"],
        storage_key_arn=args["storageKeyArn"],
        data_key_arn=args.get("dataKeyArn") or "",
        log_bucket_name=args["logBucketName"],
        table_arns=tables,
        index_arns=indexes,
        alert_routes=AlertRoutes(
            page=args["alarmTopicArn"],
            alert=args["alertTopicArn"],
            notice=args.get("noticeTopicArn") or args["alertTopicArn"],
        ),
    )
