"""The pipeline wired into the real program (both stacks through the offline preview)."""

from __future__ import annotations

import json

import pytest

from preview.policy.engine import evaluate
from tests.harness import run_stack
from tests.test_pipeline_helpers import PIPELINE_TYPE, PROJECT_TYPE


@pytest.fixture(scope="module", params=["production", "staging"])
def stack(request):
    return request.param, run_stack(request.param)


def test_deploys_to_the_runbook_service_with_approval_in_production_only(stack):
    name, r = stack
    stages = r.inputs(PIPELINE_TYPE)["stages"]
    expected = ["Source", "Build", "Approval", "Deploy"] if name == "production" else ["Source", "Build", "Deploy"]
    assert [s["name"] for s in stages] == expected
    deploy = stages[-1]["actions"][0]["configuration"]
    prefix = "budgetbuddy" if name == "production" else "budgetbuddy-staging"
    assert deploy == {
        "ClusterName": f"{prefix}-cluster",
        "ServiceName": f"{prefix}-backend",
        "FileName": "imagedefinitions.json",
    }
    branch = stages[0]["actions"][0]["configuration"]["BranchName"]
    assert branch == ("main" if name == "production" else "develop")


def test_build_matches_the_task_definition_and_pushes_to_the_stack_repository(stack):
    _, r = stack
    task = r.inputs("aws:ecs/taskDefinition:TaskDefinition")
    assert task["runtimePlatform"]["cpuArchitecture"] == "ARM64"
    env = r.inputs(PROJECT_TYPE)["environment"]
    assert env["type"] == "ARM_CONTAINER"
    variables = {v["name"]: v["value"] for v in env["environmentVariables"]}
    container = json.loads(task["containerDefinitions"])[0]
    assert variables["CONTAINER_NAME"] == container["name"] == "backend"
    assert container["image"].startswith(variables["REPOSITORY_URI"] + ":")


def test_pass_role_names_exactly_the_compute_roles(stack):
    _, r = stack
    task = r.inputs("aws:ecs/taskDefinition:TaskDefinition")
    doc = json.loads(r.inputs("aws:iam/rolePolicy:RolePolicy", "pipeline-policy")["policy"])
    (passes,) = [s for s in doc["Statement"] if s["Action"] == "iam:PassRole"]
    assert sorted(passes["Resource"]) == sorted([task["taskRoleArn"], task["executionRoleArn"]])


def test_stack_outputs_and_no_policy_findings_on_pipeline_resources(stack):
    name, r = stack
    assert {"pipelineName", "pipelineArn", "buildProjectName"} <= set(r.outputs)
    report = evaluate(r.resources, stack=name)
    ours = [v for v in report.violations if "budgetbuddy:pipeline:Pipeline" in v.urn]
    assert ours == []
