"""Literal upstream outputs and a runner for the Pipeline component (shared by tests/test_pipeline*.py)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pulumi

from components.alarms import AlertRoutes
from components.base import StackContext
from components.config.schema import StackConfig
from components.pipeline import Pipeline, PipelineInputs, PipelineSettings
from tests.harness import Result, config_for, run_component

ACCOUNT = "123456789012"
REGION = "us-east-1"
PIPELINE_TYPE = "aws:codepipeline/pipeline:Pipeline"
PROJECT_TYPE = "aws:codebuild/project:Project"
POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy"
ROLE_TYPE = "aws:iam/role:Role"
CONNECTION_TYPE = "aws:codestarconnections/connection:Connection"
RULE_TYPE = "aws:codestarnotifications/notificationRule:NotificationRule"
LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup"


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


INPUTS = PipelineInputs(
    repository_url=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/budgetbuddy-staging-backend",
    repository_arn=arn("ecr", "repository/budgetbuddy-staging-backend"),
    repository_name="budgetbuddy-staging-backend",
    cluster_name="budgetbuddy-staging-cluster",
    service_name="budgetbuddy-staging-backend",
    cluster_arn=arn("ecs", "cluster/budgetbuddy-staging-cluster"),
    service_arn=arn("ecs", "service/budgetbuddy-staging-cluster/budgetbuddy-staging-backend"),
    task_role_arn=f"arn:aws:iam::{ACCOUNT}:role/backend-task",
    execution_role_arn=f"arn:aws:iam::{ACCOUNT}:role/backend-execution",
    task_cpu_architecture="ARM64",
    alert_routes=AlertRoutes(
        page=arn("sns", "budgetbuddy-staging-alarms"),
        alert=arn("sns", "budgetbuddy-staging-alerts"),
        notice=arn("sns", "budgetbuddy-staging-notices"),
    ),
    storage_key_arn=arn("kms", "key/11111111-1111-1111-1111-111111111111"),
    logs_key_arn=arn("kms", "key/22222222-2222-2222-2222-222222222222"),
    log_bucket_name="budgetbuddy-staging-access-logs",
    alarm_topic_key_arn=arn("kms", "key/33333333-3333-3333-3333-333333333333"),
)


def run_pipeline(
    cfg: StackConfig | None = None,
    inputs: PipelineInputs = INPUTS,
    settings: PipelineSettings | None = None,
    name: str = "pipeline",
) -> tuple[Result, dict[str, Any]]:
    """Register only the pipeline; returns the recording and the component's attributes."""
    cfg = cfg or config_for("staging")
    held: dict[str, Any] = {}

    def body(cfg: StackConfig, naming: Any) -> None:
        held["component"] = Pipeline(name, settings or cfg, inputs, StackContext(naming, ACCOUNT, cfg.region))
        for key, value in held["component"].stack_outputs().items():
            pulumi.export(key, value)

    return run_component(body, cfg), held


def with_inputs(**changes: Any) -> PipelineInputs:
    return dataclasses.replace(INPUTS, **changes)


def policy(result: Result, name: str) -> dict[str, Any]:
    return json.loads(result.inputs(POLICY_TYPE, name)["policy"])


def statement(doc: dict[str, Any], sid: str) -> dict[str, Any]:
    found = [s for s in doc["Statement"] if s.get("Sid") == sid]
    assert len(found) == 1, f"expected one statement {sid}, found {[s.get('Sid') for s in doc['Statement']]}"
    return found[0]


def stages(result: Result) -> list[dict[str, Any]]:
    return result.inputs(PIPELINE_TYPE)["stages"]


def action(result: Result, stage: str) -> dict[str, Any]:
    (found,) = [s for s in stages(result) if s["name"] == stage]
    assert len(found["actions"]) == 1
    return found["actions"][0]
