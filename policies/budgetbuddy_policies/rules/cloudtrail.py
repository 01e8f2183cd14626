"""CloudTrail (runbook: all API calls logged; monthly review of trail logs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import dig, is_set
from ..registry import REGISTRY

TRAIL = ("aws:cloudtrail/trail:Trail",)


@REGISTRY.resource(
    name="aws-cloudtrail-trail-enable-multi-region",
    resource_types=TRAIL,
    description="The trail must record API calls in every region, including global service events.",
    severity=Severity.HIGH,
    remediation="Set isMultiRegionTrail: true and includeGlobalServiceEvents: true.",
    controls=(
        "fsbp:CloudTrail.1",
        "pci-dss-4.0:10.2.1",
        "soc2:CC7.2",
        "hipaa:164.312(b)",
    ),
)
def multi_region(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if dig(args.props, "isMultiRegionTrail") is not True:
        yield "isMultiRegionTrail is not true."
    if dig(args.props, "includeGlobalServiceEvents") is False:
        yield "includeGlobalServiceEvents is false."
    if dig(args.props, "enableLogging") is False:
        yield "enableLogging is false."


@REGISTRY.resource(
    name="aws-cloudtrail-trail-enable-log-validation",
    resource_types=TRAIL,
    description="The trail must sign log files so tampering is detectable.",
    severity=Severity.HIGH,
    remediation="Set enableLogFileValidation: true.",
    controls=(
        "fsbp:CloudTrail.4",
        "pci-dss-4.0:10.3.4",
        "soc2:CC7.2",
        "hipaa:164.312(c)(2)",
    ),
)
def log_validation(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if dig(args.props, "enableLogFileValidation") is not True:
        yield "enableLogFileValidation is not true."


@REGISTRY.resource(
    name="aws-cloudtrail-trail-require-kms",
    resource_types=TRAIL,
    description="Trail logs must be encrypted with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Set kmsKeyId to the stack's CMK ARN and allow cloudtrail.amazonaws.com in its key policy.",
    controls=(
        "fsbp:CloudTrail.2",
        "pci-dss-4.0:10.3.2",
        "soc2:CC6.1",
        "hipaa:164.312(a)(2)(iv)",
    ),
)
def trail_kms(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not is_set(args.props, "kmsKeyId"):
        yield "kmsKeyId is not set."


@REGISTRY.resource(
    name="aws-cloudtrail-trail-enable-cloudwatch-logs",
    resource_types=TRAIL,
    description="The trail must deliver to CloudWatch Logs so security metric filters and alarms can act on it.",
    severity=Severity.MEDIUM,
    remediation='Set cloudWatchLogsGroupArn ("<log group ARN>:*") and cloudWatchLogsRoleArn.',
    controls=(
        "fsbp:CloudTrail.5",
        "pci-dss-4.0:10.4.1",
        "soc2:CC7.2",
        "hipaa:164.308(a)(1)(ii)(D)",
    ),
)
def trail_cwl(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for key in ("cloudWatchLogsGroupArn", "cloudWatchLogsRoleArn"):
        if not is_set(args.props, key):
            yield f"{key} is not set."
