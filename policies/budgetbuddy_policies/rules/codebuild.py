"""CodeBuild projects (CI builds of the ARM64 image)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import as_list, dig, is_set
from ..registry import REGISTRY

PROJECT = ("aws:codebuild/project:Project",)
_CREDENTIAL = re.compile(
    r"(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|SECRET|PASSWORD|TOKEN|API_?KEY)",
    re.IGNORECASE,
)


@REGISTRY.resource(
    name="aws-codebuild-project-disallow-plaintext-credentials",
    resource_types=PROJECT,
    description="Build environment variables must not carry credentials in plain text.",
    severity=Severity.CRITICAL,
    remediation="Use environment variables of type SECRETS_MANAGER or PARAMETER_STORE for secrets, and the "
    "project's service role instead of access keys.",
    controls=(
        "fsbp:CodeBuild.2",
        "pci-dss-4.0:8.6.2",
        "soc2:CC6.1",
        "hipaa:164.312(a)(2)(iv)",
    ),
)
def plaintext_credentials(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for var in as_list(dig(args.props, "environment", "environmentVariables")):
        kind = var.get("type") or "PLAINTEXT"
        name = str(var.get("name"))
        if kind == "PLAINTEXT" and _CREDENTIAL.search(name):
            yield f"environment variable {name} is PLAINTEXT."


@REGISTRY.resource(
    name="aws-codebuild-project-enable-logging",
    resource_types=PROJECT,
    description="Build logs must go to a named CloudWatch log group (with retention) or to S3.",
    severity=Severity.MEDIUM,
    remediation="Set logsConfig.cloudwatchLogs {status: ENABLED, groupName: <log group with retention>}.",
    controls=(
        "fsbp:CodeBuild.4",
        "pci-dss-4.0:10.2.1",
        "soc2:CC7.2",
        "hipaa:164.312(b)",
    ),
)
def build_logging(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    logs = dig(args.props, "logsConfig")
    cw_on = dig(logs, "cloudwatchLogs", "status") != "DISABLED" and is_set(logs, "cloudwatchLogs", "groupName")
    s3_on = dig(logs, "s3Logs", "status") == "ENABLED"
    if not (cw_on or s3_on):
        yield "logsConfig has neither a CloudWatch log group name nor S3 logs enabled."


@REGISTRY.resource(
    name="aws-codebuild-project-require-kms",
    resource_types=PROJECT,
    description="Build artifacts must be encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set encryptionKey to the stack's CMK ARN.",
    controls=("fsbp:CodeBuild.3", "pci-dss-4.0:3.5.1", "soc2:CC6.1"),
)
def build_kms(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not is_set(args.props, "encryptionKey"):
        yield "encryptionKey is not set."


@REGISTRY.resource(
    name="aws-codebuild-project-disallow-privileged-mode",
    resource_types=PROJECT,
    description="Builds must not run in privileged mode unless an exemption records why (Docker builds).",
    severity=Severity.HIGH,
    remediation="Set environment.privilegedMode: false, or build images without a Docker daemon; if Docker "
    "is required, add an exemption with a justification in policies/exemptions.json.",
    controls=("fsbp:CodeBuild.5", "pci-dss-4.0:2.2.6", "soc2:CC6.8"),
)
def privileged_mode(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if dig(args.props, "environment", "privilegedMode") is True:
        yield "environment.privilegedMode is true."
