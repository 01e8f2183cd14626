"""Application log group and the Fargate task definition (Linux/ARM64, hardened container)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component
from components.compute.contract import ComputeInputs
from components.compute.settings import ComputeSettings

TMP_VOLUME = "tmp"
# ECS Exec's SSM agent must write its state and logs; with a read-only root filesystem these two
# paths get writable task-storage volumes (the workaround from aws/containers-roadmap#1359).
EXEC_VOLUMES = {"ssm-state": "/var/lib/amazon", "ssm-logs": "/var/log/amazon"}


def writable_mounts(settings: ComputeSettings) -> dict[str, str]:
    """Volume name -> path of every writable mount: /tmp always, the SSM agent's paths with ECS Exec."""
    return {TMP_VOLUME: "/tmp", **(EXEC_VOLUMES if settings.enable_execute_command else {})}


def build_log_group(c: Component, settings: ComputeSettings, inputs: ComputeInputs) -> aws.cloudwatch.LogGroup:
    """`/aws/ecs/budgetbuddy-cluster` (runbook "Application Dashboard" and `aws logs tail`)."""
    return aws.cloudwatch.LogGroup(
        c.child_name("logs"),
        name=c.naming.app_log_group,
        kms_key_id=inputs.logs_key_arn,
        retention_in_days=settings.log_retention_days,
        tags=c.tags,
        opts=c.stateful_opts(delete_before_replace=True),
    )


def container_definition(
    settings: ComputeSettings, name: str, image: str, log_group: str, region: str
) -> dict[str, Any]:
    """The backend container: read-only root with a writable /tmp, non-root, unprivileged, no Linux
    capabilities, secrets by ARN only, JVM sized to the task, health-checked every 30 s."""
    port = settings.container_port
    return {
        "name": name,
        "image": image,
        "essential": True,
        "portMappings": [
            {"name": "http", "containerPort": port, "hostPort": port, "protocol": "tcp", "appProtocol": "http"}
        ],
        "environment": [
            {"name": "JAVA_TOOL_OPTIONS", "value": settings.java_tool_options},
            {"name": "SERVER_PORT", "value": str(port)},
        ],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(settings.container_secrets.items())],
        "readonlyRootFilesystem": True,
        "mountPoints": [
            {"sourceVolume": v, "containerPath": path, "readOnly": False}
            for v, path in writable_mounts(settings).items()
        ],
        "user": settings.container_user,
        "privileged": False,
        # initProcessEnabled reaps zombies and is what ECS Exec needs; no capabilities are required
        # by a JVM listening on an unprivileged port.
        "linuxParameters": {"initProcessEnabled": True, "capabilities": {"drop": ["ALL"]}},
        "healthCheck": {
            "command": ["CMD-SHELL", f"curl -fsS http://localhost:{port}{settings.health_check_path} || exit 1"],
            "interval": settings.health_check_interval_seconds,
            "timeout": 5,
            "retries": 3,
            "startPeriod": min(settings.health_check_grace_period_seconds, 300),
        },
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_group,
                "awslogs-region": region,
                "awslogs-stream-prefix": name,
                # Never block the application on a slow log pipe.
                "mode": "non-blocking",
                "max-buffer-size": "25m",
            },
        },
    }


def build_task_definition(
    c: Component,
    settings: ComputeSettings,
    repository_url: pulumi.Input[str],
    log_group: aws.cloudwatch.LogGroup,
    execution_role: aws.iam.Role,
    task_role: aws.iam.Role,
) -> aws.ecs.TaskDefinition:
    name = c.naming.container
    definitions = pulumi.Output.all(repository_url, log_group.name).apply(
        lambda v: json.dumps([container_definition(settings, name, f"{v[0]}:{settings.image_tag}", v[1], c.ctx.region)])
    )
    return aws.ecs.TaskDefinition(
        c.child_name("task"),
        family=c.naming.ecs_service,
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
            cpu_architecture="ARM64", operating_system_family="LINUX"
        ),
        cpu=str(settings.task_cpu),
        memory=str(settings.task_memory),
        execution_role_arn=execution_role.arn,
        task_role_arn=task_role.arn,
        container_definitions=definitions,
        # Fargate task storage (not the image's root filesystem) backs the writable mounts.
        volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=v) for v in writable_mounts(settings)],
        tags=c.tags,
        opts=c.opts(),
    )
