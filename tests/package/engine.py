"""Inputs as an engine sends them to budgetbuddy:index:ComputeService, and runs of the package's
provider and of the platform's component under the preview's mocks (shared by tests/package)."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from typing import Any

import pulumi

from components.alarms import AlertRoutes
from components.base import StackContext
from components.compute import ComputeInputs, ComputeService
from components.config.load import parse_stack_config
from components.naming import Naming
from packages.budgetbuddy.facade.provider import provider
from preview.recorder import Recording, run_callable
from tests.harness import CERT, Result

TYPE = "budgetbuddy:index:ComputeService"
PROJECT, STACK = "team-orders", "staging"
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:budgetbuddy-staging-alarms"
ALERT_TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:budgetbuddy-staging-alerts"
NOTICE_TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:budgetbuddy-staging-notices"
LOGS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-1111-1111-1111-111111111111"
STORAGE_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/22222222-2222-2222-2222-222222222222"
DATA_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/33333333-3333-3333-3333-333333333333"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders-staging"

# The platform's values, as read from its outputs (plain strings here).
PLATFORM: dict[str, Any] = {
    "vpcId": "vpc-0123456789abcdef0",
    "publicSubnetIds": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    "privateSubnetIds": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
    "logsKeyArn": LOGS_KEY,
    "storageKeyArn": STORAGE_KEY,
    "logBucketName": "budgetbuddy-staging-logs-123456789012",
    "alarmTopicArn": TOPIC,
    "alertTopicArn": ALERT_TOPIC,
    "noticeTopicArn": NOTICE_TOPIC,
    "webAclArn": f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/budgetbuddy-staging/0000",
    "dataKeyArn": DATA_KEY,
    "tableArns": [TABLE],
    "indexArns": [f"{TABLE}/index/byCustomer"],
    "testListenerCidrs": ["203.0.113.10/32", "203.0.113.11/32"],
}
# Settings in camelCase; every number a float, as the engine's protobuf Struct carries it.
SETTINGS: dict[str, Any] = {
    "environment": "staging",
    "service": "orders",
    "team": "orders",
    "taskCpu": 1024.0,
    "taskMemory": 2048.0,
    "capacityOnDemandBase": 1.0,  # Fargate Spot outside production, one on-demand task as a floor
    "capacitySpotWeight": 3.0,
    "minCapacity": 1.0,
    "maxCapacity": 4.0,
    "cpuTargetPercent": 60.0,
    "deploymentStrategy": "CANARY",
    "canaryPercent": 20.0,
    "certificateArn": CERT,
    "containerSecrets": {"DB_PASSWORD": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:orders-db-AbCdEf"},
}
ENGINE_INPUTS: dict[str, Any] = {**SETTINGS, **PLATFORM}
CONFIG = {"aws:region": "us-east-1"}


def through_provider(inputs: Mapping[str, Any], name: str = "orders") -> Recording:
    """Construct the component the way the provider's Construct does, under the preview's mocks."""
    return run_callable(
        lambda: provider().construct(name, TYPE, dict(inputs), pulumi.ResourceOptions()), PROJECT, STACK, CONFIG
    )


def direct(name: str = "orders") -> Recording:
    """The platform's component built directly from Python with the same settings and platform values."""
    cfg = parse_stack_config(
        STACK,
        {k: int(v) if isinstance(v, float) and v.is_integer() and k != "cpuTargetPercent" else v
         for k, v in SETTINGS.items()},
        "us-east-1",
    )  # fmt: skip

    def body() -> None:
        import pulumi_aws as aws

        ctx = StackContext(Naming.from_config(cfg), aws.get_caller_identity_output().account_id, cfg.region)
        ComputeService(
            name,
            cfg,
            ComputeInputs(
                vpc_id=PLATFORM["vpcId"],
                public_subnet_ids=PLATFORM["publicSubnetIds"],
                private_subnet_ids=PLATFORM["privateSubnetIds"],
                test_listener_cidrs=PLATFORM["testListenerCidrs"],
                logs_key_arn=LOGS_KEY,
                storage_key_arn=STORAGE_KEY,
                data_key_arn=DATA_KEY,
                log_bucket_name=PLATFORM["logBucketName"],
                table_arns=PLATFORM["tableArns"],
                index_arns=PLATFORM["indexArns"],
                alert_routes=AlertRoutes(page=TOPIC, alert=ALERT_TOPIC, notice=NOTICE_TOPIC),
            ),
            ctx,
        )

    return run_callable(body, PROJECT, STACK, CONFIG)


@functools.cache
def _packaged() -> Recording:
    return through_provider(ENGINE_INPUTS)


def packaged() -> Result:
    """The provider's run of ENGINE_INPUTS (once per session; each caller gets its own copy)."""
    return Result(copy.deepcopy(_packaged()))


_URN = re.compile(r"urn:pulumi:[^:]+::[^:]+::(?:[^:$]+(?::[^:$]+)*\$)*([^:$]+(?::[^:$]+)*)::([^\"]+)")


def without_parents(value: Any) -> Any:
    """URNs reduced to ``type::name``: the package adds one parent (its own component) to every URN."""
    if isinstance(value, str):
        return _URN.sub(lambda m: f"{m.group(1)}::{m.group(2)}", value)
    if isinstance(value, list):
        return [without_parents(v) for v in value]
    if isinstance(value, dict):
        return {k: without_parents(v) for k, v in value.items()}
    return value
