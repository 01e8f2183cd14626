"""Settings of the ComputeService (docs/config.md) and the Fargate facts they are checked against."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from components.config.problems import MISSING, Problem
from components.settings import AppLogSettings, Settings, arn_pattern, runbook

# Fargate task sizes: cpu units -> allowed memory (MiB).
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
# AWS's TLS 1.3 policy (TLS 1.3 + TLS 1.2 with forward-secret AEAD ciphers only; "Res" = restricted).
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"


class ScalingSettings(Settings):
    """Target-tracking autoscaling (runbook "Auto-Scaling Configuration")."""

    min_capacity: int = Field(
        default=2,
        ge=1,
        le=1000,
        alias="minCapacity",
        description="Autoscaling minimum tasks",
        json_schema_extra=runbook("Min Capacity: 2 tasks"),
    )
    max_capacity: int = Field(
        default=5,
        ge=1,
        le=1000,
        alias="maxCapacity",
        description="Autoscaling maximum tasks",
        json_schema_extra=runbook("Max Capacity: 20 (production), 5 (staging)"),
    )
    cpu_target_percent: float = Field(
        default=70.0,
        gt=0,
        le=100,
        alias="cpuTargetPercent",
        description="Target-tracking average CPU",
        json_schema_extra=runbook("Target CPU: 70%"),
    )
    memory_target_percent: float = Field(
        default=70.0,
        gt=0,
        le=100,
        alias="memoryTargetPercent",
        description="Target-tracking average memory",
        json_schema_extra=runbook("Target Memory: 70%"),
    )
    scale_out_cooldown_seconds: int = Field(
        default=60,
        ge=0,
        le=3600,
        alias="scaleOutCooldownSeconds",
        description="Scale-out cooldown",
        json_schema_extra=runbook("Scale Out Cooldown: 60 seconds"),
    )
    scale_in_cooldown_seconds: int = Field(
        default=300,
        ge=0,
        le=3600,
        alias="scaleInCooldownSeconds",
        description="Scale-in cooldown",
        json_schema_extra=runbook("Scale In Cooldown: 300 seconds"),
    )

    def problems(self) -> list[Problem]:
        return [*super().problems(), *self.range_problems()]

    def range_problems(self) -> list[Problem]:
        if self.min_capacity > self.max_capacity:
            return [
                Problem(
                    ("minCapacity", "maxCapacity"),
                    self.min_capacity,
                    f"must not exceed maxCapacity ({self.max_capacity})",
                )
            ]
        return []


class TaskSettings(Settings):
    """The task, its image and health checks, and where it runs (FARGATE / FARGATE_SPOT)."""

    task_cpu: int = Field(
        default=512,
        alias="taskCpu",
        description="Fargate task cpu units",
        json_schema_extra=runbook("Optimize container resource allocation"),
    )
    task_memory: int = Field(
        default=1024,
        alias="taskMemory",
        description="Fargate task memory (MiB), valid for taskCpu",
        json_schema_extra=runbook("Optimize container resource allocation"),
    )
    container_port: int = Field(
        default=8080,
        ge=1024,
        le=65535,
        alias="containerPort",
        description="Port the backend listens on",
        json_schema_extra=runbook("Load Balancing: ALB with health check-based routing"),
    )
    image_tag: str = Field(
        default="initial",
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$",
        alias="imageTag",
        description="Image tag of the first deployment; the pipeline rolls out later tags",
        json_schema_extra=runbook("Rolling Updates"),
    )
    # A new environment's repository holds no image until the pipeline's first run: start the service
    # with 0 tasks and autoscaling minimum 0 (README "First deployment of a new environment").
    await_first_image: bool = Field(
        default=False,
        alias="awaitFirstImage",
        description="`true` for a new environment's first `pulumi up`: 0 tasks and autoscaling minimum 0 until "
        "the pipeline has deployed its first image; then unset it and `pulumi up` again (README, First deployment)",
        json_schema_extra=runbook("Initial Deployment"),
    )
    health_check_path: str = Field(
        default="/actuator/health",
        pattern=r"^/[\x21-\x7e]{0,1023}$",
        alias="healthCheckPath",
        description="Target group and container health check path",
        json_schema_extra=runbook("Health Checks"),
    )
    health_check_grace_period_seconds: int = Field(
        default=120,
        ge=0,
        le=2147483647,
        alias="healthCheckGracePeriodSeconds",
        description="Seconds ECS ignores ALB health checks after a task starts",
        json_schema_extra=runbook("Health Checks"),
    )
    health_check_healthy_threshold: int = Field(
        default=3,
        ge=2,
        le=10,
        alias="healthCheckHealthyThreshold",
        description="Consecutive passing ALB health checks (every 30 s) before a target is healthy",
        json_schema_extra=runbook("Health Checks: ALB with health check-based routing"),
    )
    health_check_unhealthy_threshold: int = Field(
        default=3,
        ge=2,
        le=10,
        alias="healthCheckUnhealthyThreshold",
        description="Consecutive failing ALB health checks before a target is unhealthy",
        json_schema_extra=runbook("Health Checks: Automatic rollback on health check failures"),
    )
    container_secrets: dict[str, str] = Field(
        default_factory=dict,
        alias="containerSecrets",
        description="Env var name -> Secrets Manager/SSM ARN injected as container secrets (JSON)",
        json_schema_extra=runbook("Security Procedures"),
    )
    ecr_keep_tagged_images: int = Field(
        default=30,
        ge=1,
        le=1000,
        alias="ecrKeepTaggedImages",
        description="Tagged images the ECR lifecycle keeps",
        json_schema_extra=runbook("Review and remove unused resources"),
    )
    enable_execute_command: bool = Field(
        default=False,
        alias="enableExecuteCommand",
        description="ECS Exec into tasks (off unless needed)",
        json_schema_extra=runbook("Security Procedures"),
    )
    capacity_on_demand_base: int = Field(
        default=0,
        ge=0,
        le=100000,
        alias="capacityOnDemandBase",
        description="Tasks always on FARGATE (on-demand)",
        json_schema_extra=runbook("Fargate Spot for non-critical workloads"),
    )
    capacity_on_demand_weight: int = Field(
        default=1,
        ge=0,
        le=1000,
        alias="capacityOnDemandWeight",
        description="FARGATE weight in the capacity provider strategy",
        json_schema_extra=runbook("Fargate Spot for non-production"),
    )
    capacity_spot_weight: int = Field(
        default=0,
        ge=0,
        le=1000,
        alias="capacitySpotWeight",
        description="FARGATE_SPOT weight (0 in production)",
        json_schema_extra=runbook("Enable Fargate Spot for non-production"),
    )

    @field_validator("task_cpu")
    @classmethod
    def _cpu(cls, v: int) -> int:
        if v not in FARGATE_MEMORY:
            raise ValueError(f"must be a Fargate cpu size {list(FARGATE_MEMORY)}")
        return v

    @field_validator("container_secrets")
    @classmethod
    def _secrets(cls, v: dict[str, str]) -> dict[str, str]:
        sm, ssm = arn_pattern("secretsmanager"), arn_pattern("ssm")
        for name, arn in v.items():
            if not re.match(r"^[A-Z_][A-Z0-9_]*$", name):
                raise ValueError(f"secret name {name!r} must be an environment variable name (A-Z, 0-9, _)")
            if not (sm.match(arn) or ssm.match(arn)):
                raise ValueError(f"secret {name} must be a Secrets Manager or SSM parameter ARN, got {arn!r}")
        return v

    def problems(self) -> list[Problem]:
        return [*super().problems(), *self.size_problems(), *self.weight_problems()]

    def size_problems(self) -> list[Problem]:
        allowed = list(FARGATE_MEMORY.get(self.task_cpu, ()))
        if self.task_memory not in allowed:
            return [
                Problem(
                    ("taskMemory", "taskCpu"),
                    self.task_memory,
                    f"with taskCpu {self.task_cpu} must be one of {allowed} (MiB)",
                )
            ]
        return []

    def weight_problems(self) -> list[Problem]:
        if self.capacity_on_demand_weight + self.capacity_spot_weight == 0:
            return [
                Problem(
                    ("capacitySpotWeight", "capacityOnDemandWeight"),
                    0,
                    "capacitySpotWeight and capacityOnDemandWeight cannot both be 0",
                )
            ]
        return []


class DeploymentSettings(Settings):
    """ECS native blue/green or canary deployments."""

    deployment_strategy: Literal["BLUE_GREEN", "CANARY"] = Field(
        default="BLUE_GREEN",
        alias="deploymentStrategy",
        description="ECS native `BLUE_GREEN` or `CANARY`",
        json_schema_extra=runbook("Zero-Downtime: ECS blue/green; Canary (optional)"),
    )
    canary_percent: float = Field(
        default=10.0,
        ge=0.1,
        le=100.0,
        alias="canaryPercent",
        description="Traffic share of the canary (0.1-99.9)",
        json_schema_extra=runbook("Canary Deployments: Gradual traffic shifting"),
    )
    canary_bake_minutes: int = Field(
        default=10,
        ge=0,
        le=1440,
        alias="canaryBakeMinutes",
        description="Minutes the canary runs before full shift",
        json_schema_extra=runbook("Canary Deployments"),
    )
    bake_time_minutes: int = Field(
        default=5,
        ge=0,
        le=1440,
        alias="bakeTimeMinutes",
        description="Minutes the old revision is kept for instant rollback",
        json_schema_extra=runbook("Automatic rollback"),
    )

    def problems(self) -> list[Problem]:
        return [*super().problems(), *self.canary_problems()]

    def canary_problems(self) -> list[Problem]:
        if self.deployment_strategy == "CANARY" and self.canary_percent >= 100:
            return [
                Problem(
                    ("canaryPercent", "deploymentStrategy"),
                    self.canary_percent,
                    "must be below 100 for a canary (0.1-99.9)",
                )
            ]
        return []


class CertificateSettings(Settings):
    """The HTTPS listener's certificate: an existing ARN, or a domain issued with DNS validation."""

    certificate_arn: str | None = Field(
        default=None,
        alias="certificateArn",
        examples=["arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"],
        description="Existing ACM certificate for the HTTPS listener",
        json_schema_extra=runbook("ALB (TLS)"),
    )
    domain_name: str | None = Field(
        default=None,
        alias="domainName",
        examples=["api.budgetbuddy.com"],
        description="Domain to issue a DNS-validated certificate for (with hostedZoneId)",
        json_schema_extra=runbook("ALB (TLS)"),
    )
    hosted_zone_id: str | None = Field(
        default=None,
        alias="hostedZoneId",
        pattern=r"^Z[A-Z0-9]{1,31}$",
        examples=["Z0OFFLINESTANDIN"],
        description="Route 53 zone for the certificate's validation records",
        json_schema_extra=runbook("ALB (TLS)"),
    )

    @field_validator("certificate_arn")
    @classmethod
    def _cert(cls, v: str | None) -> str | None:
        if v is not None and not arn_pattern("acm").match(v):
            raise ValueError("must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)")
        return v

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", v):
            raise ValueError("must be a lower-case DNS name such as api.budgetbuddy.com")
        return v

    def problems(self) -> list[Problem]:
        return [*super().problems(), *self.certificate_problems()]

    def certificate_problems(self) -> list[Problem]:
        """The HTTPS listener needs exactly one certificate source; a missing key is named as missing."""
        keys = ("certificateArn", "domainName", "hostedZoneId")
        if self.certificate_arn:
            if self.domain_name or self.hosted_zone_id:
                return [
                    Problem(
                        keys, self.certificate_arn, "set either certificateArn or domainName+hostedZoneId, not both"
                    )
                ]
            return []
        if self.domain_name and not self.hosted_zone_id:
            return [
                Problem(
                    ("hostedZoneId", "domainName", "certificateArn"),
                    MISSING,
                    f"required with domainName ({self.domain_name}): the Route 53 zone that holds the certificate's "
                    "DNS validation records (or set certificateArn instead of both)",
                )
            ]
        if self.hosted_zone_id and not self.domain_name:
            return [
                Problem(
                    ("domainName", "hostedZoneId", "certificateArn"),
                    MISSING,
                    f"required with hostedZoneId ({self.hosted_zone_id}): the name the certificate is issued for, "
                    "such as api.budgetbuddy.com (or set certificateArn instead of both)",
                )
            ]
        if not self.domain_name:
            return [
                Problem(
                    keys,
                    MISSING,
                    "the HTTPS listener needs a certificate: set certificateArn (an existing ACM certificate), or "
                    "domainName and hostedZoneId (a DNS-validated certificate is issued)",
                )
            ]
        return []


class ComputeSettings(CertificateSettings, DeploymentSettings, ScalingSettings, TaskSettings, AppLogSettings):
    """The backend's compute layer (docs/decisions.md "Compute"). Fields without an alias are the
    platform's constants (runbook values), changeable from Python only."""

    health_check_interval_seconds: int = Field(default=30, description="ALB and container health check interval")
    container_user: str = Field(default="1000:1000", description="Non-root UID:GID the container runs as")
    java_tool_options: str = Field(default="-XX:MaxRAMPercentage=75.0", description="JVM flags (runbook)")
    idle_timeout_seconds: int = Field(default=60, description="ALB idle timeout (runbook: 60 s)")
    test_listener_port: int = Field(default=8443, description="HTTPS port of the VPC-internal test listener")
    error_rate_threshold_percent: float = Field(
        default=1.0, description="Target 5XX share that rolls a deployment back (runbook: > 1 %)"
    )

    @model_validator(mode="after")
    def _constants(self) -> ComputeSettings:
        if self.test_listener_port in (80, 443):
            raise ValueError(f"test_listener_port={self.test_listener_port}: must differ from 80 and 443")
        if self.container_user.split(":")[0] in ("", "0", "root"):
            raise ValueError(f"container_user={self.container_user!r}: must be a non-root UID[:GID]")
        return self

    @property
    def scaling_floor(self) -> int:
        """Tasks the service starts with and autoscaling never goes below: 0 while no image exists.

        Both must be 0: registering a scalable target moves the service's desired count into
        [min, max] at once (Application Auto Scaling RegisterScalableTarget), so a floor of 2 would
        start two tasks that cannot pull an image that does not exist yet.
        """
        return 0 if self.await_first_image else self.min_capacity
