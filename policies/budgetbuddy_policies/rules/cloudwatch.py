"""CloudWatch log groups and alarms."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationArgs, Severity

from ..props import dig, is_set, json_input, maybe, number
from ..registry import REGISTRY
from .policydocs import public_statements

LOG_GROUP = ("aws:cloudwatch/logGroup:LogGroup",)
# The only values CloudWatch Logs accepts for retentionInDays.
VALID_RETENTION = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
AUDIT_PATTERNS = ["*cloudtrail*", "*audit*", "*trail*"]


def is_audit(args: ResourceValidationArgs, patterns: list[str]) -> bool:
    """Audit logs are recognised by name (physical or logical) or a LogClass=audit tag."""
    names = [n.lower() for n in (maybe(args.props, "name"), args.name) if isinstance(n, str)]
    if str(maybe(args.props, "tags", "LogClass")).lower() == "audit":
        return True
    return any(fnmatch.fnmatchcase(n, p.lower()) for n in names for p in patterns)


_AUDIT_CONFIG = {
    "auditLogGroupPatterns": {
        "type": "array",
        "items": {"type": "string"},
        "default": AUDIT_PATTERNS,
    },
}


@REGISTRY.resource(
    name="aws-cloudwatch-loggroup-configure-retention",
    resource_types=LOG_GROUP,
    description="Log groups must set a valid retention of at least the configured minimum; audit logs at least "
    "a year (PCI-DSS 10.5.1).",
    severity=Severity.MEDIUM,
    remediation="Set retentionInDays to a CloudWatch-accepted value >= minRetentionDays (audit log groups >= "
    "auditMinRetentionDays) from policies/config/<stack>.json.",
    controls=(
        "fsbp:CloudWatch.16",
        "pci-dss-4.0:10.5.1",
        "soc2:CC7.2",
        "hipaa:164.316(b)(2)(i)",
    ),
    config={
        "minRetentionDays": {"type": "integer", "minimum": 1, "default": 30},
        "auditMinRetentionDays": {"type": "integer", "minimum": 365, "default": 365},
        **_AUDIT_CONFIG,
    },
)
def retention(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    days = number(dig(args.props, "retentionInDays"))
    if days is None or days == 0:
        yield "retentionInDays is not set (logs never expire and the retention is not deliberate)."
        return
    if int(days) not in VALID_RETENTION:
        yield f"retentionInDays {days:g} is not a value CloudWatch accepts."
    floor = cfg["auditMinRetentionDays"] if is_audit(args, cfg["auditLogGroupPatterns"]) else cfg["minRetentionDays"]
    if days < floor:
        yield f"retentionInDays {days:g} is below the minimum {floor}."


@REGISTRY.resource(
    name="aws-cloudwatch-loggroup-disallow-excess-retention",
    resource_types=LOG_GROUP,
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="Non-audit log groups must not keep logs longer than the configured bound (archive to S3 "
    "instead; runbook cost checklist).",
    severity=Severity.LOW,
    remediation="Lower retentionInDays to maxRetentionDays or below and archive older logs to S3 through the "
    "log archive subscription.",
    controls=("cost:log-retention",),
    config={
        "maxRetentionDays": {"type": "integer", "minimum": 1, "default": 365},
        **_AUDIT_CONFIG,
    },
)
def retention_cap(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if is_audit(args, cfg["auditLogGroupPatterns"]):
        return
    days = number(dig(args.props, "retentionInDays"))
    if days is None or days == 0:
        yield "retentionInDays is unset: logs are kept (and billed) forever."
    elif days > cfg["maxRetentionDays"]:
        yield f"retentionInDays {days:g} exceeds {cfg['maxRetentionDays']}."


@REGISTRY.resource(
    name="aws-cloudwatch-loggroup-require-kms",
    resource_types=LOG_GROUP,
    description="Log groups must be encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set kmsKeyId to the stack's CMK ARN and allow logs.<region>.amazonaws.com in its key policy.",
    controls=("pci-dss-4.0:3.5.1", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)"),
)
def log_kms(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not is_set(args.props, "kmsKeyId"):
        yield "kmsKeyId is not set."


@REGISTRY.resource(
    name="aws-cloudwatch-metricalarm-require-actions",
    resource_types=("aws:cloudwatch/metricAlarm:MetricAlarm",),
    description="Alarms must notify someone: actions enabled with at least one ALARM action.",
    severity=Severity.MEDIUM,
    remediation="Set alarmActions (and okActions) to the alarm topic ARN and leave actionsEnabled true.",
    controls=(
        "fsbp:CloudWatch.15",
        "fsbp:CloudWatch.17",
        "pci-dss-4.0:10.7.2",
        "soc2:CC7.3",
        "hipaa:164.308(a)(6)(ii)",
    ),
)
def alarm_actions(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if dig(args.props, "actionsEnabled") is False:
        yield "actionsEnabled is false."
    if not is_set(args.props, "alarmActions"):
        yield "alarmActions is empty."


@REGISTRY.resource(
    name="aws-cloudwatch-logresourcepolicy-disallow-public-access",
    resource_types=("aws:cloudwatch/logResourcePolicy:LogResourcePolicy",),
    description="Log resource policies (which let AWS services such as WAF log delivery write to log groups) must "
    'not let everyone write: a Principal "*" statement needs a condition naming the source account or resource.',
    severity=Severity.HIGH,
    remediation="Grant delivery.logs.amazonaws.com by Service principal on the aws-waf-logs-* log group ARNs only, "
    "with aws:SourceAccount and aws:SourceArn conditions.",
    controls=("pci-dss-4.0:10.3.2", "soc2:CC6.1", "hipaa:164.312(c)(1)"),
)
def log_policy_public(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for sid in public_statements(json_input(args.props, "policyDocument")):
        yield f"policy statement {sid} allows everyone without a restricting condition."
