"""Typed settings (``PipelineArgs``) and upstream outputs (``PipelineInputs``) of the pipeline.

The build platform must equal the task definition's CPU architecture: an image built for another
architecture starts and dies with "exec format error". ``PLATFORMS`` ties the three spellings of
one architecture together (ECS ``cpu_architecture``, Docker ``--platform``, CodeBuild environment
type) so a mismatch is refused at construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pulumi

from components.config import LOG_RETENTION_DAYS, StackConfig

ROOT = Path(__file__).resolve().parents[2]
BUILDSPEC_PATH = ROOT / "pipeline" / "buildspec.yml"


class Platform(NamedTuple):
    docker: str  # docker build --platform
    environment_type: str  # CodeBuild environment type
    image: str  # CodeBuild curated image for that architecture


# ECS runtime_platform.cpu_architecture -> how CodeBuild must build for it.
PLATFORMS: dict[str, Platform] = {
    "ARM64": Platform("linux/arm64", "ARM_CONTAINER", "aws/codebuild/amazonlinux-aarch64-standard:3.0"),
    "X86_64": Platform("linux/amd64", "LINUX_CONTAINER", "aws/codebuild/amazonlinux-x86_64-standard:5.0"),
}
# On-demand compute types CodeBuild offers for each environment type (build-env-ref-compute-types).
COMPUTE_TYPES: dict[str, tuple[str, ...]] = {
    "ARM_CONTAINER": (
        "BUILD_GENERAL1_SMALL",
        "BUILD_GENERAL1_MEDIUM",
        "BUILD_GENERAL1_LARGE",
        "BUILD_GENERAL1_XLARGE",
        "BUILD_GENERAL1_2XLARGE",
    ),
    "LINUX_CONTAINER": (
        "BUILD_GENERAL1_SMALL",
        "BUILD_GENERAL1_MEDIUM",
        "BUILD_GENERAL1_LARGE",
        "BUILD_GENERAL1_XLARGE",
        "BUILD_GENERAL1_2XLARGE",
    ),
}


@dataclass(frozen=True)
class PipelineArgs:
    """Settings of the pipeline. Defaults are the safe ones.

    repository: GitHub ``owner/repo`` of the application (config ``githubRepository``).
    branch: the branch that triggers and is deployed (config ``githubBranch``).
    connection_arn: an existing CodeStar/CodeConnections connection; None (default) creates one,
        which stays PENDING until approved once in the console (docs/pipeline.md).
    require_manual_approval: an Approval stage before Deploy (default False; production: true).
    artifact_expiration_days: artifacts are deleted after this many days (default 30).
    log_retention_days: retention of the CodeBuild log group (default 30).
    build_compute_type: CodeBuild size (default BUILD_GENERAL1_SMALL: 2 vCPU, 4 GB on ARM).
    build_platform: Docker platform of the image (default linux/arm64, the task's ARM64).
    build_environment_type / build_image: the CodeBuild environment (default ARM_CONTAINER on
        aws/codebuild/amazonlinux-aarch64-standard:3.0, Amazon Linux 2023 aarch64).
    build_timeout_minutes: a stuck build is stopped after this (default 30).
    buildspec_path: the buildspec kept in this repository (default pipeline/buildspec.yml).
    """

    repository: str
    branch: str
    connection_arn: str | None = None
    require_manual_approval: bool = False
    artifact_expiration_days: int = 30
    log_retention_days: int = 30
    build_compute_type: str = "BUILD_GENERAL1_SMALL"
    build_platform: str = PLATFORMS["ARM64"].docker
    build_environment_type: str = PLATFORMS["ARM64"].environment_type
    build_image: str = PLATFORMS["ARM64"].image
    build_timeout_minutes: int = 30
    buildspec_path: Path = BUILDSPEC_PATH

    def __post_init__(self) -> None:
        problems: list[str] = []
        if "/" not in self.repository or self.repository.count("/") != 1:
            problems.append(f"repository={self.repository!r} must be owner/repo")
        if not self.branch.strip():
            problems.append("branch must not be empty")
        platform = next((p for p in PLATFORMS.values() if p.docker == self.build_platform), None)
        if platform is None:
            allowed = [p.docker for p in PLATFORMS.values()]
            problems.append(f"build_platform={self.build_platform!r} must be one of {allowed}")
        elif platform.environment_type != self.build_environment_type:
            problems.append(
                f"build_environment_type={self.build_environment_type!r} cannot build {self.build_platform} "
                f"natively; use {platform.environment_type}"
            )
        allowed_sizes = COMPUTE_TYPES.get(self.build_environment_type, ())
        if self.build_compute_type not in allowed_sizes:
            problems.append(
                f"build_compute_type={self.build_compute_type!r} is not offered for "
                f"{self.build_environment_type} (allowed: {list(allowed_sizes)})"
            )
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            problems.append(f"log_retention_days={self.log_retention_days} must be one of {list(LOG_RETENTION_DAYS)}")
        if not 1 <= self.artifact_expiration_days <= 3650:
            problems.append(f"artifact_expiration_days={self.artifact_expiration_days} must be 1-3650")
        if not 5 <= self.build_timeout_minutes <= 2160:
            problems.append(f"build_timeout_minutes={self.build_timeout_minutes} must be 5-2160 (CodeBuild limits)")
        if not self.buildspec_path.is_file():
            problems.append(f"buildspec_path={str(self.buildspec_path)!r} does not exist")
        if problems:
            raise ValueError("invalid PipelineArgs: " + "; ".join(problems))

    @classmethod
    def from_config(cls, cfg: StackConfig) -> PipelineArgs:
        return cls(
            repository=cfg.github_repository,
            branch=cfg.github_branch,
            connection_arn=cfg.codestar_connection_arn,
            require_manual_approval=cfg.require_manual_approval,
            artifact_expiration_days=cfg.artifact_expiration_days,
            log_retention_days=cfg.log_retention_days,
            build_compute_type=cfg.build_compute_type,
        )


@dataclass(frozen=True)
class PipelineInputs:
    """Outputs of the upstream components the pipeline builds for and deploys to.

    repository_*: the ECR repository images are pushed to. cluster_* / service_*: the ECS
    service the deploy action updates (an ECS service's id is its ARN). task_role_arn /
    execution_role_arn: the only roles the deploy action may pass (to ecs-tasks). container_name:
    the container in the task definition (imagedefinitions.json). task_cpu_architecture: the
    task definition's runtime_platform.cpu_architecture ("ARM64"). alarm_topic_arn: failures,
    successes and approvals. storage_key_arn: CMK of the artifact bucket, the build artifacts and
    ECR. logs_key_arn: CMK of the build log group. log_bucket_name: the S3 access-log bucket.
    alarm_topic_key_arn: the CMK the alarm topic is encrypted with, if any: the pipeline role
        publishes approval requests to the topic and then needs that key.
    """

    repository_url: pulumi.Input[str]
    repository_arn: pulumi.Input[str]
    repository_name: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    service_arn: pulumi.Input[str]
    task_role_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    container_name: str
    task_cpu_architecture: pulumi.Input[str]
    alarm_topic_arn: pulumi.Input[str]
    storage_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    log_bucket_name: pulumi.Input[str]
    alarm_topic_key_arn: pulumi.Input[str] | None = None
