"""CIS AWS Foundations Benchmark CloudWatch monitoring set, and the heartbeat that keeps it honest.

Each check is a metric filter on the CloudTrail log group and an alarm on its metric, firing on
the first matching event (CIS v1.4/v3 section "Monitoring", Security Hub CloudWatch.1-14). Those
alarms are silent when nothing matches, and equally silent when CloudTrail stops delivering to the
log group: ``trail_delivery_alarm`` fires when the trail's events stop arriving.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.alarms import AlertRoutes, Severity
from components.base import Component
from components.observability.alarms import AlarmSpec, Metric, create_alarm


@dataclass(frozen=True)
class CisCheck:
    key: str  # logical/physical name suffix
    control: str  # CIS control / Security Hub control
    metric: str  # metric name in the CIS namespace
    description: str
    pattern: str  # CloudWatch Logs filter pattern on CloudTrail JSON events
    # Runbook "Severity Levels": Critical only where the event itself is the incident (root use,
    # disabling the keys that guard the data); change events happen on every deployment and are Medium.
    severity: Severity = "Medium"


def _any_event(*names: str) -> str:
    return " || ".join(f"($.eventName = {n})" for n in names)


CIS_CHECKS: tuple[CisCheck, ...] = (
    CisCheck(
        "unauthorized-api-calls",
        "CIS 4.1 / CloudWatch.2",
        "UnauthorizedAPICalls",
        "Unauthorized API calls",
        '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
        '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    ),
    CisCheck(
        "console-signin-without-mfa",
        "CIS 4.2 / CloudWatch.3",
        "ConsoleSignInWithoutMfa",
        "Management console sign-in without MFA",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
        '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        severity="High",
    ),
    CisCheck(
        "root-account-usage",
        "CIS 4.3 / CloudWatch.1",
        "RootAccountUsage",
        "Use of the root account",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        severity="Critical",
    ),
    CisCheck(
        "iam-policy-changes",
        "CIS 4.4 / CloudWatch.4",
        "IAMPolicyChanges",
        "IAM policy changes",
        "{ "
        + _any_event(
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        )
        + " }",
    ),
    CisCheck(
        "cloudtrail-config-changes",
        "CIS 4.5 / CloudWatch.5",
        "CloudTrailConfigChanges",
        "CloudTrail configuration changes",
        "{ " + _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging") + " }",
        severity="High",
    ),
    CisCheck(
        "console-auth-failures",
        "CIS 4.6 / CloudWatch.6",
        "ConsoleAuthenticationFailures",
        "Management console authentication failures",
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    ),
    CisCheck(
        "kms-key-disable-or-deletion",
        "CIS 4.7 / CloudWatch.7",
        "KMSKeyDisableOrDeletion",
        "Disabling or scheduled deletion of customer-managed KMS keys",
        "{ ($.eventSource = kms.amazonaws.com) && "
        "(($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
        severity="Critical",
    ),
    CisCheck(
        "s3-bucket-policy-changes",
        "CIS 4.8 / CloudWatch.8",
        "S3BucketPolicyChanges",
        "S3 bucket policy changes",
        "{ ($.eventSource = s3.amazonaws.com) && ("
        + _any_event(
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        )
        + ") }",
    ),
    CisCheck(
        "aws-config-changes",
        "CIS 4.9 / CloudWatch.9",
        "AWSConfigChanges",
        "AWS Config configuration changes",
        "{ ($.eventSource = config.amazonaws.com) && ("
        + _any_event(
            "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"
        )
        + ") }",
    ),
    CisCheck(
        "security-group-changes",
        "CIS 4.10 / CloudWatch.10",
        "SecurityGroupChanges",
        "Security group changes",
        "{ "
        + _any_event(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        )
        + " }",
    ),
    CisCheck(
        "nacl-changes",
        "CIS 4.11 / CloudWatch.11",
        "NetworkAclChanges",
        "Network ACL changes",
        "{ "
        + _any_event(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        )
        + " }",
    ),
    CisCheck(
        "network-gateway-changes",
        "CIS 4.12 / CloudWatch.12",
        "NetworkGatewayChanges",
        "Network gateway changes",
        "{ "
        + _any_event(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        )
        + " }",
    ),
    CisCheck(
        "route-table-changes",
        "CIS 4.13 / CloudWatch.13",
        "RouteTableChanges",
        "Route table changes",
        "{ ($.eventSource = ec2.amazonaws.com) && ("
        + _any_event(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        )
        + ") }",
    ),
    CisCheck(
        "vpc-changes",
        "CIS 4.14 / CloudWatch.14",
        "VPCChanges",
        "VPC changes",
        "{ "
        + _any_event(
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        )
        + " }",
    ),
)


def create_cis_monitoring(
    owner: Component,
    trail_log_group_name: pulumi.Input[str],
    routes: AlertRoutes,
    namespace: str,
) -> tuple[dict[str, aws.cloudwatch.LogMetricFilter], dict[str, aws.cloudwatch.MetricAlarm]]:
    filters: dict[str, aws.cloudwatch.LogMetricFilter] = {}
    alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
    for check in CIS_CHECKS:
        filters[check.key] = aws.cloudwatch.LogMetricFilter(
            owner.child_name(f"cis-{check.key}"),
            log_group_name=trail_log_group_name,
            pattern=check.pattern,
            metric_transformation={"name": check.metric, "namespace": namespace, "value": "1"},
            opts=owner.opts(),
        )
        spec = AlarmSpec(
            key=f"cis-{check.key}",
            severity=check.severity,
            runbook="Security Incident Response",
            description=f"{check.description} ({check.control}); investigate in the CloudTrail log group "
            "(runbook: Security Incident Response).",
            metric=Metric(namespace, check.metric, "Sum"),
            comparison="GreaterThanOrEqualToThreshold",
            threshold=1,
            period=300,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            # The filter publishes only on matching events: a gap is no such event.
            treat_missing_data="notBreaching",
        )
        alarms[spec.key] = create_alarm(owner, spec, routes)
    return filters, alarms


TRAIL_DELIVERY_KEY = "cloudtrail-delivery-stopped"


def trail_delivery_alarm(trail_log_group_name: pulumi.Input[str]) -> AlarmSpec:
    """No CloudTrail event reached the trail log group for an hour. An account running this platform
    makes API calls every minute (ECS, autoscaling, role sessions), so silence means delivery broke and
    the CIS alarms above are blind (PCI-DSS 10.7.2: failures of audit logging are detected)."""
    return AlarmSpec(
        key=TRAIL_DELIVERY_KEY,
        # The CIS alarms are blind, nothing is down yet: High, not a page.
        severity="High",
        runbook="Security Monitoring",
        description="No CloudTrail events delivered to the trail log group for 1 hour: the CIS monitoring "
        "alarms are blind. Check the trail's CloudWatch Logs role and delivery status (aws cloudtrail "
        "get-trail-status).",
        metric=Metric("AWS/Logs", "IncomingLogEvents", "Sum", {"LogGroupName": trail_log_group_name}),
        comparison="LessThanThreshold",
        threshold=1,
        period=3600,
        evaluation_periods=1,
        datapoints_to_alarm=1,
        # A heartbeat: CloudWatch Logs publishes IncomingLogEvents only when events arrive, so a missing
        # datapoint IS the failure this alarm exists for.
        treat_missing_data="breaching",
    )
