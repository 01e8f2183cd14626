"""A worker ECS service (Fargate, ARM64) joined to the BudgetBuddy platform's cluster and private subnets.

It owns its security group (no ingress, HTTPS out only), its KMS-encrypted log group, a task execution
role that may only write to that log group (and pull from its own ECR repository, if the image is in
one), and an empty task role: grant the worker's own permissions there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
from platform_ref import Platform

# Fargate task sizes the example allows (cpu units -> memory MiB); the full table is AWS's.
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {256: (512, 1024, 2048), 512: (1024, 2048, 3072, 4096)}
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365)
PRIVATE_ECR = re.compile(
    r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([a-z0-9._/-]+)(?::[\w.-]+|@sha256:[0-9a-f]{64})$"
)
NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}$")


class WorkerConfigError(pulumi.RunError):
    """Bad worker settings: every problem listed, naming the key, the value and what is allowed."""


@dataclass(frozen=True)
class WorkerSettings:
    """The worker's own settings (config namespace ``team-worker``).

    name: service name (and Service tag); team: Team tag; image: a linux/arm64 image;
    command: optional container command; cpu/memory: Fargate size; desired_count: tasks;
    log_retention_days: retention of the worker's log group; spot: Fargate Spot capacity.
    """

    name: str
    team: str
    image: str
    command: Sequence[str] = ()
    cpu: int = 256
    memory: int = 512
    desired_count: int = 1
    log_retention_days: int = 30
    spot: bool = False
    user: str = "1000:1000"

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not NAME.match(self.name):
            problems.append(f"name={self.name!r}: lower-case letters, digits and '-', 2-31 characters")
        if not self.team.strip():
            problems.append("team='': the team that owns the worker (Team tag)")
        if not self.image or any(c.isspace() for c in self.image):
            problems.append(f"image={self.image!r}: an image reference such as public.ecr.aws/org/name:tag")
        if self.memory not in FARGATE_MEMORY.get(self.cpu, ()):
            problems.append(f"cpu={self.cpu}, memory={self.memory}: allowed {FARGATE_MEMORY}")
        if not 0 <= self.desired_count <= 10:
            problems.append(f"desiredCount={self.desired_count}: 0-10")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            problems.append(f"logRetentionDays={self.log_retention_days}: one of {LOG_RETENTION_DAYS}")
        if problems:
            raise WorkerConfigError("invalid team-worker configuration:\n" + "\n".join(f"  - {p}" for p in problems))

    @classmethod
    def from_config(cls, config: pulumi.Config, platform_stack: str) -> WorkerSettings:
        command = config.get_object("command") or []
        if not (isinstance(command, list) and all(isinstance(c, str) for c in command)):
            raise WorkerConfigError(f"team-worker:command={command!r}: a JSON list of strings")
        return cls(
            name=config.get("name") or "team-worker",
            team=config.require("team"),
            image=config.require("image"),
            command=tuple(command),
            cpu=config.get_int("cpu") or 256,
            memory=config.get_int("memory") or 512,
            desired_count=config.get_int("desiredCount") if config.get("desiredCount") is not None else 1,
            log_retention_days=config.get_int("logRetentionDays") or 30,
            # The platform's rule: Fargate Spot outside production, on-demand in production.
            spot=config.get_bool("spot") if config.get("spot") is not None else platform_stack != "production",
        )

    @property
    def ecr_repository(self) -> tuple[str, str, str] | None:
        """(account, region, repository) when the image is in a private ECR repository."""
        m = PRIVATE_ECR.match(self.image)
        return (m[1], m[2], m[3]) if m else None


@dataclass
class Worker:
    security_group: aws.ec2.SecurityGroup
    log_group: aws.cloudwatch.LogGroup
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    task_definition: aws.ecs.TaskDefinition
    service: aws.ecs.Service
    rules: list[pulumi.CustomResource] = field(default_factory=list)


def _trust(account_id: pulumi.Input[str], region: pulumi.Input[str]) -> pulumi.Output[str]:
    """ecs-tasks.amazonaws.com, on behalf of this account's ECS only (confused-deputy guard)."""
    return pulumi.Output.all(account_id, region).apply(
        lambda v: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": v[0]},
                            "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:{v[1]}:{v[0]}:*"},
                        },
                    }
                ],
            }
        )
    )


def execution_policy(log_group_arn: str, ecr: tuple[str, str, str] | None) -> str:
    """Write to this log group; pull from the worker's own ECR repository only if it has one
    (public.ecr.aws images are pulled anonymously: no permission, only HTTPS egress through NAT)."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        }
    ]
    if ecr:
        account, region, repository = ecr
        # ecr:GetAuthorizationToken supports no resource-level permissions: "*" is its only Resource.
        statements.append({"Sid": "EcrAuth", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
        statements.append(
            {
                "Sid": "EcrPull",
                "Effect": "Allow",
                "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                "Resource": f"arn:aws:ecr:{region}:{account}:repository/{repository}",
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def container_definitions(settings: WorkerSettings, log_group: str, region: str) -> str:
    """Hardened like the platform's backend: read-only root with a writable /tmp, non-root, no
    capabilities, logs to the worker's own group."""
    container: dict[str, Any] = {
        "name": settings.name,
        "image": settings.image,
        "essential": True,
        "readonlyRootFilesystem": True,
        "user": settings.user,
        "privileged": False,
        "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}],
        "linuxParameters": {"initProcessEnabled": True, "capabilities": {"drop": ["ALL"]}},
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_group,
                "awslogs-region": region,
                "awslogs-stream-prefix": settings.name,
                "mode": "non-blocking",
            },
        },
    }
    if settings.command:
        container["command"] = list(settings.command)
    return json.dumps([container])


def build_worker(settings: WorkerSettings, platform: Platform, account_id: pulumi.Input[str]) -> Worker:
    # The platform's cost allocation tags (runbook "Cost Allocation Tags: Environment, Service,
    # Team"): its environment, this worker's service and team.
    tags: dict[str, pulumi.Input[str]] = {
        "Environment": platform.environment,
        "Service": settings.name,
        "Team": settings.team,
    }
    name = settings.name

    sg = aws.ec2.SecurityGroup(
        f"{name}-sg",
        description=f"{name}: no ingress; HTTPS out only",
        vpc_id=platform.vpc_id,
        revoke_rules_on_delete=True,
        tags={**tags, "Name": name},
    )
    # HTTPS to AWS APIs and the image registry (through the platform's NAT gateways and endpoints);
    # endpoint and registry addresses are not one stable CIDR. Nothing may connect in.
    egress = aws.vpc.SecurityGroupEgressRule(
        f"{name}-out-https",
        security_group_id=sg.id,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        cidr_ipv4="0.0.0.0/0",
        description="HTTPS to AWS APIs and the image registry",
        tags=tags,
    )

    log_group = aws.cloudwatch.LogGroup(
        f"{name}-logs",
        name=pulumi.Output.concat("/aws/ecs/", platform.cluster_name, "/", name),
        kms_key_id=platform.logs_key_arn,
        retention_in_days=settings.log_retention_days,
        tags=tags,
    )

    trust = _trust(account_id, platform.region)
    execution_role = aws.iam.Role(
        f"{name}-execution-role",
        description=f"{name}: write its own log group" + (", pull its image" if settings.ecr_repository else ""),
        assume_role_policy=trust,
        tags=tags,
    )
    execution_role_policy = aws.iam.RolePolicy(
        f"{name}-execution-policy",
        role=execution_role.id,
        policy=log_group.arn.apply(lambda arn: execution_policy(arn, settings.ecr_repository)),
    )
    # No permissions: the worker's own (queues, tables, ...) are granted here by the owning team,
    # scoped to exact ARNs.
    task_role = aws.iam.Role(
        f"{name}-task-role",
        description=f"{name}: the worker's own permissions (none by default)",
        assume_role_policy=trust,
        tags=tags,
    )

    task_definition = aws.ecs.TaskDefinition(
        f"{name}-task",
        family=pulumi.Output.concat(name, "-", platform.environment),
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
            cpu_architecture="ARM64", operating_system_family="LINUX"
        ),
        cpu=str(settings.cpu),
        memory=str(settings.memory),
        execution_role_arn=execution_role.arn,
        task_role_arn=task_role.arn,
        container_definitions=pulumi.Output.all(log_group.name, platform.region).apply(
            lambda v: container_definitions(settings, v[0], v[1])
        ),
        volumes=[aws.ecs.TaskDefinitionVolumeArgs(name="tmp")],
        tags=tags,
    )

    # The platform's capacity rule: Fargate Spot (with one on-demand task as a floor) outside
    # production, on-demand only in production.
    strategy = [aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider="FARGATE", base=1, weight=1)]
    if settings.spot:
        strategy.append(aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider="FARGATE_SPOT", weight=3))
    service = aws.ecs.Service(
        f"{name}-service",
        name=name,
        cluster=platform.cluster_arn,
        task_definition=task_definition.arn,
        desired_count=settings.desired_count,
        capacity_provider_strategies=strategy,
        platform_version="LATEST",
        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
            subnets=platform.private_subnet_ids, security_groups=[sg.id], assign_public_ip=False
        ),
        deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
        enable_ecs_managed_tags=True,
        propagate_tags="SERVICE",
        wait_for_steady_state=False,
        tags=tags,
        opts=pulumi.ResourceOptions(depends_on=[execution_role_policy, egress]),
    )
    return Worker(sg, log_group, execution_role, task_role, task_definition, service, [egress])
