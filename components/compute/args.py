"""Typed settings (ComputeArgs) and upstream outputs (ComputeInputs) of the ComputeService."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi

from components.config import FARGATE_MEMORY, StackConfig

# AWS's TLS 1.3 policy (TLS 1.3 + TLS 1.2 with forward-secret AEAD ciphers only; "Res" = restricted).
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"


@dataclass(frozen=True)
class ComputeArgs:
    """Settings of the compute layer. Defaults are the runbook's values; ``from_config`` maps the stack config.

    task_cpu / task_memory: Fargate task size; memory must be valid for cpu (Fargate table).
    container_port: port the backend listens on (target groups, task security group).
    image_tag: tag of the first image deployed; the pipeline rolls out later tags.
    await_first_image: no image exists yet (a new environment): the service starts with 0 tasks and the
        autoscaling floor is 0 until the pipeline has deployed its first image (docs/decisions.md).
    health_check_path: ALB target group and container health check path.
    health_check_interval_seconds: ALB and container health check interval (runbook: 30 s).
    healthy_threshold / unhealthy_threshold: consecutive ALB checks before a target changes state.
    health_check_grace_period_seconds: seconds ECS ignores ALB health checks after a task starts.
    container_secrets: env var name -> Secrets Manager/SSM parameter ARN (injected, never plain).
    container_user: non-root UID:GID the container runs as.
    java_tool_options: JVM flags (runbook: -XX:MaxRAMPercentage=75.0).
    ecr_keep_tagged_images: tagged images the ECR lifecycle policy keeps.
    enable_execute_command: ECS Exec (off unless needed).
    on_demand_base / on_demand_weight / spot_weight: FARGATE / FARGATE_SPOT capacity provider strategy.
    min_capacity / max_capacity, cpu_target_percent / memory_target_percent, scale_*_cooldown_seconds:
        target-tracking autoscaling (runbook: 70 %, 2-20, 60 s out, 300 s in).
    deployment_strategy: BLUE_GREEN or CANARY (native ECS); canary_percent / canary_bake_minutes for CANARY.
    bake_time_minutes: minutes the old revision is kept after the shift (instant rollback).
    certificate_arn | (domain_name + hosted_zone_id): the HTTPS listener's certificate source.
    idle_timeout_seconds: ALB idle timeout (runbook: 60 s).
    test_listener_port: HTTPS port of the test listener (VPC-internal) used during blue/green.
    deletion_protection: ALB deletion protection (production).
    log_retention_days: retention of the application log group.
    error_rate_threshold_percent: target 5XX share that rolls a deployment back (runbook: > 1 %).
    """

    task_cpu: int = 512
    task_memory: int = 1024
    container_port: int = 8080
    image_tag: str = "initial"
    await_first_image: bool = False
    health_check_path: str = "/actuator/health"
    health_check_interval_seconds: int = 30
    healthy_threshold: int = 3
    unhealthy_threshold: int = 3
    health_check_grace_period_seconds: int = 120
    container_secrets: Mapping[str, str] = field(default_factory=dict)
    container_user: str = "1000:1000"
    java_tool_options: str = "-XX:MaxRAMPercentage=75.0"
    ecr_keep_tagged_images: int = 30
    enable_execute_command: bool = False
    on_demand_base: int = 0
    on_demand_weight: int = 1
    spot_weight: int = 0
    min_capacity: int = 2
    max_capacity: int = 5
    cpu_target_percent: float = 70.0
    memory_target_percent: float = 70.0
    scale_out_cooldown_seconds: int = 60
    scale_in_cooldown_seconds: int = 300
    deployment_strategy: Literal["BLUE_GREEN", "CANARY"] = "BLUE_GREEN"
    canary_percent: float = 10.0
    canary_bake_minutes: int = 10
    bake_time_minutes: int = 5
    certificate_arn: str | None = None
    domain_name: str | None = None
    hosted_zone_id: str | None = None
    idle_timeout_seconds: int = 60
    test_listener_port: int = 8443
    deletion_protection: bool = False
    log_retention_days: int = 30
    error_rate_threshold_percent: float = 1.0

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.task_memory not in FARGATE_MEMORY.get(self.task_cpu, ()):
            problems.append(
                f"task_memory={self.task_memory}: not a Fargate size for task_cpu={self.task_cpu} "
                f"(allowed: {list(FARGATE_MEMORY.get(self.task_cpu, ()))})"
            )
        if self.min_capacity > self.max_capacity:
            problems.append(f"min_capacity={self.min_capacity}: must not exceed max_capacity={self.max_capacity}")
        if self.on_demand_weight + self.spot_weight == 0:
            problems.append("on_demand_weight and spot_weight cannot both be 0")
        if self.deployment_strategy == "CANARY" and not 0.1 <= self.canary_percent < 100:
            problems.append(f"canary_percent={self.canary_percent}: must be 0.1-99.9 for a canary")
        if not 0 <= self.canary_bake_minutes <= 1440 or not 0 <= self.bake_time_minutes <= 1440:
            problems.append("canary_bake_minutes and bake_time_minutes must be 0-1440")
        if bool(self.certificate_arn) == bool(self.domain_name and self.hosted_zone_id):
            problems.append("set exactly one certificate source: certificate_arn, or domain_name + hosted_zone_id")
        if self.test_listener_port in (80, 443):
            problems.append(f"test_listener_port={self.test_listener_port}: must differ from 80 and 443")
        if self.container_user.split(":")[0] in ("", "0", "root"):
            problems.append(f"container_user={self.container_user!r}: must be a non-root UID[:GID]")
        if problems:
            raise ValueError("invalid ComputeArgs:\n" + "\n".join(f"  - {p}" for p in problems))

    @property
    def scaling_floor(self) -> int:
        """Tasks the service starts with and autoscaling never goes below: 0 while no image exists.

        Both must be 0: registering a scalable target moves the service's desired count into
        [min, max] at once (Application Auto Scaling RegisterScalableTarget), so a floor of 2 would
        start two tasks that cannot pull an image that does not exist yet.
        """
        return 0 if self.await_first_image else self.min_capacity

    @classmethod
    def from_config(cls, cfg: StackConfig) -> ComputeArgs:
        return cls(
            task_cpu=cfg.task_cpu,
            task_memory=cfg.task_memory,
            container_port=cfg.container_port,
            image_tag=cfg.image_tag,
            await_first_image=cfg.await_first_image,
            health_check_path=cfg.health_check_path,
            healthy_threshold=cfg.health_check_healthy_threshold,
            unhealthy_threshold=cfg.health_check_unhealthy_threshold,
            health_check_grace_period_seconds=cfg.health_check_grace_period_seconds,
            container_secrets=dict(cfg.container_secrets),
            ecr_keep_tagged_images=cfg.ecr_keep_tagged_images,
            enable_execute_command=cfg.enable_execute_command,
            on_demand_base=cfg.capacity_on_demand_base,
            on_demand_weight=cfg.capacity_on_demand_weight,
            spot_weight=cfg.capacity_spot_weight,
            min_capacity=cfg.min_capacity,
            max_capacity=cfg.max_capacity,
            cpu_target_percent=cfg.cpu_target_percent,
            memory_target_percent=cfg.memory_target_percent,
            scale_out_cooldown_seconds=cfg.scale_out_cooldown_seconds,
            scale_in_cooldown_seconds=cfg.scale_in_cooldown_seconds,
            deployment_strategy=cfg.deployment_strategy,
            canary_percent=cfg.canary_percent,
            canary_bake_minutes=cfg.canary_bake_minutes,
            bake_time_minutes=cfg.bake_time_minutes,
            certificate_arn=cfg.certificate_arn,
            domain_name=cfg.domain_name,
            hosted_zone_id=cfg.hosted_zone_id,
            deletion_protection=cfg.is_production,
            log_retention_days=cfg.log_retention_days,
        )


@dataclass(frozen=True)
class ComputeInputs:
    """Outputs of upstream components (literal strings in tests).

    vpc_id, public_subnet_ids (ALB), private_subnet_ids (tasks); test_listener_cidrs (who may reach the
    blue/green test listener: the NAT gateways' public /32s, since clients inside the VPC reach the
    internet-facing ALB through NAT);
    logs_key_arn (CloudWatch Logs CMK), storage_key_arn (ECR CMK), data_key_arn (DynamoDB CMK);
    log_bucket_name (ALB access logs, prefix "alb"); table_arns / index_arns (task role scope);
    alarm_topic_arn (actions of the deployment alarms).
    """

    vpc_id: pulumi.Input[str]
    public_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    test_listener_cidrs: Sequence[pulumi.Input[str]]
    logs_key_arn: pulumi.Input[str]
    storage_key_arn: pulumi.Input[str]
    data_key_arn: pulumi.Input[str]
    log_bucket_name: pulumi.Input[str]
    table_arns: Sequence[pulumi.Input[str]]
    index_arns: Sequence[pulumi.Input[str]]
    alarm_topic_arn: pulumi.Input[str]
