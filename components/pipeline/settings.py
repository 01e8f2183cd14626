"""Settings of the Pipeline (docs/config.md) and the build platforms they are checked against.

The build platform must equal the task definition's CPU architecture: an image built for another
architecture starts and dies with "exec format error". ``PLATFORMS`` ties the three spellings of
one architecture together (ECS ``cpu_architecture``, Docker ``--platform``, CodeBuild environment
type) so a mismatch is refused at construction.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import Field, field_validator, model_validator

from components.settings import AppLogSettings, Settings, runbook

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


class PipelineKeys(Settings):
    github_repository: str = Field(
        default="budgetbuddy/budgetbuddy-backend",
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
        alias="githubRepository",
        description="Application repository `owner/name`",
        json_schema_extra=runbook("CodePipeline: CI/CD automation"),
    )
    github_branch: str = Field(
        default="main",
        pattern=r"^[A-Za-z0-9._/-]{1,255}$",
        alias="githubBranch",
        description="Branch the pipeline builds",
        json_schema_extra=runbook("CodePipeline"),
    )
    codestar_connection_arn: str | None = Field(
        default=None,
        alias="codestarConnectionArn",
        examples=["arn:aws:codeconnections:us-east-1:123456789012:connection/00000000-0000-0000-0000-000000000000"],
        description="Existing CodeStar connection (else the stack creates one)",
        json_schema_extra=runbook("CodePipeline"),
    )
    require_manual_approval: bool = Field(
        default=False,
        alias="requireManualApproval",
        description="Manual approval stage before deploy",
        json_schema_extra=runbook("Deploy: Apply updates in staging first"),
    )
    artifact_expiration_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        alias="artifactExpirationDays",
        description="Days pipeline artifacts are kept",
        json_schema_extra=runbook("S3 Lifecycle Policies"),
    )
    # CodeBuild on-demand sizes offered for ARM_CONTAINER (build-env-ref-compute-types).
    build_compute_type: Literal[
        "BUILD_GENERAL1_SMALL",
        "BUILD_GENERAL1_MEDIUM",
        "BUILD_GENERAL1_LARGE",
        "BUILD_GENERAL1_XLARGE",
        "BUILD_GENERAL1_2XLARGE",
    ] = Field(
        default="BUILD_GENERAL1_SMALL",
        alias="buildComputeType",
        description="CodeBuild size of the ARM64 image build",
        json_schema_extra=runbook("ECS Fargate (ARM64/Graviton2); CodePipeline"),
    )

    @field_validator("github_branch", mode="before")
    @classmethod
    def _branch(cls, v: Any) -> Any:
        # A clear message instead of the bare pattern (git check-ref-format rules that matter here).
        if isinstance(v, str) and (
            not v.strip()
            or not re.match(r"^[A-Za-z0-9._/-]{1,255}$", v)
            or v.startswith(("/", "-", "."))
            or v.endswith(("/", ".", ".lock"))
            or ".." in v
            or "//" in v
        ):
            raise ValueError(
                "must be the name of the branch the pipeline deploys, such as main (letters, digits, . _ / -; "
                "no spaces, no '..', not empty)"
            )
        return v

    @field_validator("codestar_connection_arn")
    @classmethod
    def _connection(cls, v: str | None) -> str | None:
        if v is not None and not re.match(
            r"^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection/.+$", v
        ):
            raise ValueError(
                "must be a CodeStar/CodeConnections connection ARN "
                "(arn:aws:codeconnections:REGION:ACCOUNT:connection/ID); unset, the stack creates the connection"
            )
        return v


class PipelineSettings(PipelineKeys, AppLogSettings):
    """The pipeline; its CodeBuild log group keeps ``logRetentionDays``. Fields without an alias are
    the build platform (the task's ARM64 by default: the build must match it) and CodeBuild limits."""

    build_platform: str = Field(default=PLATFORMS["ARM64"].docker, description="Docker platform of the image")
    build_environment_type: str = Field(
        default=PLATFORMS["ARM64"].environment_type, description="CodeBuild environment type"
    )
    build_image: str = Field(default=PLATFORMS["ARM64"].image, description="CodeBuild curated image")
    build_timeout_minutes: int = Field(default=30, ge=5, le=2160, description="A stuck build is stopped after this")
    buildspec_path: Path = Field(default=BUILDSPEC_PATH, description="The buildspec kept in this repository")

    @model_validator(mode="after")
    def _platform(self) -> PipelineSettings:
        problems: list[str] = []
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
        if not self.buildspec_path.is_file():
            problems.append(f"buildspec_path={str(self.buildspec_path)!r} does not exist")
        if problems:
            raise ValueError("; ".join(problems))
        return self
