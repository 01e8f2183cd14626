"""Shared helpers for the compute tests: literal upstream inputs and a component run."""

from __future__ import annotations

import json
from typing import Any

import pulumi

from components.alarms import AlertRoutes
from components.base import StackContext
from components.compute import ComputeInputs, ComputeService
from tests.harness import Result, config_for, run_component

ACCOUNT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/"
LOGS_KEY, STORAGE_KEY, DATA_KEY = KEY + "logs-key", KEY + "storage-key", KEY + "data-key"
TABLES = [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/BudgetBuddy-Users"]
INDEXES = [f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/BudgetBuddy-Users/index/EmailIndex"]
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:budgetbuddy-alarms"
NAT_EGRESS = ["203.0.113.10/32", "203.0.113.11/32"]  # the NAT gateways' public addresses
PUBLIC = ["subnet-pub-a", "subnet-pub-b", "subnet-pub-c"]
PRIVATE = ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"]

INPUTS = ComputeInputs(
    vpc_id="vpc-0123456789abcdef0",
    public_subnet_ids=PUBLIC,
    private_subnet_ids=PRIVATE,
    test_listener_cidrs=NAT_EGRESS,
    logs_key_arn=LOGS_KEY,
    storage_key_arn=STORAGE_KEY,
    data_key_arn=DATA_KEY,
    log_bucket_name="budgetbuddy-logs-bucket",
    table_arns=TABLES,
    index_arns=INDEXES,
    alert_routes=AlertRoutes(
        page=TOPIC, alert=TOPIC.replace("-alarms", "-alerts"), notice=TOPIC.replace("-alarms", "-notices")
    ),
)

SERVICE = "aws:ecs/service:Service"
TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
TG = "aws:lb/targetGroup:TargetGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def run_compute(stack: str = "staging", **config: Any) -> Result:
    """The component alone, exporting its stack outputs, with ``config`` keys over the stack's needs."""

    def body(cfg, naming) -> None:
        svc = ComputeService("compute", cfg, INPUTS, StackContext(naming, ACCOUNT, cfg.region))
        for key, value in svc.stack_outputs().items():
            pulumi.export(key, value)

    if stack == "production":
        config.setdefault("capacitySpotWeight", 0)
    elif "capacitySpotWeight" not in config:
        config.update(capacitySpotWeight=3, capacityOnDemandBase=1)
    return run_component(body, config_for(stack, **config))


def container(r: Result) -> dict[str, Any]:
    (c,) = json.loads(r.inputs(TASK_DEF)["containerDefinitions"])
    return c


def policy_doc(r: Result, name: str) -> dict[str, Any]:
    return json.loads(r.inputs(ROLE_POLICY, name)["policy"])


def by_name(r: Result, type_: str) -> dict[str, dict[str, Any]]:
    return {x["name"]: x["inputs"] for x in r.of_type(type_)}
