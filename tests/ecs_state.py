"""ECS state for the stub AWS CLI (tests/stubs/aws): a running service and the platform's task definitions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FAMILY = "budgetbuddy-backend"
REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/budgetbuddy-backend"
PIPELINE_IMAGE = f"{REPO}:{'a' * 40}"  # what the pipeline deployed
PLACEHOLDER = f"{REPO}:initial"  # what the platform's own revision names


def arn(revision: int) -> str:
    return f"arn:aws:ecs:us-east-1:123456789012:task-definition/{FAMILY}:{revision}"


def task_definition(revision: int, image: str, cpu: str = "1024", memory: str = "2048") -> dict[str, Any]:
    return {
        "taskDefinitionArn": arn(revision), "revision": revision, "status": "ACTIVE", "family": FAMILY,
        "cpu": cpu, "memory": memory, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec", "taskRoleArn": "arn:aws:iam::123456789012:role/task",
        "volumes": [{"name": "tmp"}],
        "containerDefinitions": [{"name": "backend", "image": image, "user": "1000:1000",
                                  "portMappings": [{"containerPort": 8080}]}],
        "registeredAt": "2026-01-01T00:00:00Z",
    }  # fmt: skip


def in_sync() -> dict[str, Any]:
    """The pipeline's revision 2 runs; the platform's latest (1) differs from it only by the image."""
    return state(platform=task_definition(1, PLACEHOLDER), running=task_definition(2, PIPELINE_IMAGE))


def state(platform: dict[str, Any], running: dict[str, Any], outcome: str = "completed") -> dict[str, Any]:
    service = {
        "status": "ACTIVE", "serviceName": FAMILY, "taskDefinition": running["taskDefinitionArn"],
        "desiredCount": 2, "runningCount": 2,
        "loadBalancers": [{"containerName": "backend", "containerPort": 8080}],
        "deployments": [{"status": "PRIMARY", "taskDefinition": running["taskDefinitionArn"],
                         "rolloutState": "COMPLETED"}],
    }  # fmt: skip
    return {
        "service": service,
        "taskDefinitions": {platform["taskDefinitionArn"]: platform, running["taskDefinitionArn"]: running},
        "outcome": outcome,
        "outputs": {
            "region": "us-east-1", "clusterName": "budgetbuddy-cluster", "serviceName": FAMILY,
            "containerName": "backend", "taskDefinitionArn": platform["taskDefinitionArn"],
        },
    }  # fmt: skip


def stub_env(tmp: Path) -> dict[str, str]:
    return {"STUB_ECS": str(tmp / "ecs.json"), "STUB_OUTPUTS": str(tmp / "outputs.json"),
            "STUB_AWS_LOG": str(tmp / "aws.log"), "ROLLOUT_POLL_SECONDS": "0"}  # fmt: skip


def write_state(tmp: Path, doc: dict[str, Any]) -> None:
    (tmp / "ecs.json").write_text(json.dumps(doc))
    (tmp / "outputs.json").write_text(json.dumps(doc["outputs"]))


def read_state(tmp: Path) -> dict[str, Any]:
    return json.loads((tmp / "ecs.json").read_text())
