"""CloudWatch log groups, log resource policies, alarms and the CIS metric filters."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, PolicyResource, ResourceValidationArgs, Severity, StackValidationArgs

from ..framework import known, of_type, references
from ..props import dig, is_set, json_input, maybe, number
from ..registry import REGISTRY
from .helpers import each
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
        "runbook:alert-channels",
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


@dataclass(frozen=True)
class CisEvent:
    control: str  # Security Hub control id
    what: str
    tokens: tuple[str, ...]  # every one must appear in the filter pattern


# The CIS AWS Foundations v1.4 section 4 metric filters (Security Hub CloudWatch.1-14), recognised by the
# event names their filter patterns must mention.
CIS_EVENTS = (
    CisEvent("CloudWatch.1", "root user usage", ("userIdentity.type", '"Root"')),
    CisEvent("CloudWatch.2", "unauthorized API calls", ("UnauthorizedOperation", "AccessDenied")),
    CisEvent("CloudWatch.3", "console sign-in without MFA", ("ConsoleLogin", "MFAUsed")),
    CisEvent("CloudWatch.4", "IAM policy changes", ("PutRolePolicy", "DeleteRolePolicy")),
    CisEvent("CloudWatch.5", "CloudTrail configuration changes", ("StopLogging", "DeleteTrail")),
    CisEvent("CloudWatch.6", "console authentication failures", ("ConsoleLogin", "Failed authentication")),
    CisEvent("CloudWatch.7", "disabling or deleting CMKs", ("DisableKey", "ScheduleKeyDeletion")),
    CisEvent("CloudWatch.8", "S3 bucket policy changes", ("PutBucketPolicy",)),
    CisEvent("CloudWatch.9", "AWS Config changes", ("StopConfigurationRecorder",)),
    CisEvent("CloudWatch.10", "security group changes", ("AuthorizeSecurityGroupIngress",)),
    CisEvent("CloudWatch.11", "network ACL changes", ("CreateNetworkAclEntry",)),
    CisEvent("CloudWatch.12", "network gateway changes", ("CreateCustomerGateway", "AttachInternetGateway")),
    CisEvent("CloudWatch.13", "route table changes", ("CreateRoute",)),
    CisEvent("CloudWatch.14", "VPC changes", ("CreateVpc", "DeleteVpc")),
)
TRAIL = "aws:cloudtrail/trail:Trail"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _alarmed(f: PolicyResource, alarms: list[PolicyResource]) -> bool:
    """Some alarm with an action watches the filter's metric."""
    metric = dig(f.props, "metricTransformation")
    name, namespace = dig(metric, "name"), dig(metric, "namespace")
    watching = [a for a in alarms if (maybe(a.props, "metricName"), maybe(a.props, "namespace")) == (name, namespace)]
    return any(is_set(a.props, "alarmActions") and dig(a.props, "actionsEnabled") is not False for a in watching)


@REGISTRY.stack(
    name="aws-cloudwatch-logmetricfilter-require-cis-alarms",
    description="The CloudTrail log group must carry the CIS metric filters (root usage, unauthorized calls, "
    "console sign-in without MFA, IAM/CloudTrail/KMS/S3/Config/network changes), each watched by an alarm "
    "with an action.",
    severity=Severity.MEDIUM,
    remediation="For each missing event class add a LogMetricFilter on the trail's log group with the CIS pattern "
    "and a MetricAlarm (threshold >= 1) on its metric that notifies the alarm topic (runbook: Security Monitoring).",
    controls=(
        *(f"fsbp:{e.control}" for e in CIS_EVENTS),
        "pci-dss-4.0:10.4.1",
        "soc2:CC7.2",
        "hipaa:164.308(a)(1)(ii)(D)",
    ),
)
def cis_alarms(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    groups = of_type(resources, *LOG_GROUP)
    filters = of_type(resources, METRIC_FILTER)
    alarms = of_type(resources, ALARM)

    def one(trail: PolicyResource) -> Iterator[str]:
        trail_groups = [g for g in groups if references(trail, "cloudWatchLogsGroupArn", g, known(g, "arn"))]
        if not trail_groups:
            return  # no CloudWatch Logs delivery: aws-cloudtrail-trail-enable-cloudwatch-logs reports it
        on_trail = [f for f in filters if any(references(f, "logGroupName", g, known(g, "name")) for g in trail_groups)]
        for event in CIS_EVENTS:
            matching = [f for f in on_trail if all(t in str(dig(f.props, "pattern") or "") for t in event.tokens)]
            if not matching:
                yield f"no metric filter for {event.what} on the trail's log group ({event.control})."
            elif not any(_alarmed(f, alarms) for f in matching):
                yield f"the {event.what} metric filter has no alarm with an action ({event.control})."

    yield from each(of_type(resources, TRAIL), one)
