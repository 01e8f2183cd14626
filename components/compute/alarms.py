"""The alarms ECS watches during a deployment (rollback on ALARM): runbook "Error Rate > 1%" and
unhealthy targets. The observability component creates the other runbook alarms and reads these
from ``ComputeService.deployment_alarms``."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.alarms import AlertRoutes, metric_alarm
from components.base import Component
from components.compute.settings import ComputeSettings

ELB_NAMESPACE = "AWS/ApplicationELB"


def _elb_metric(
    qid: str, metric: str, dimensions: dict[str, pulumi.Input[str]]
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=qid,
        return_data=False,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=ELB_NAMESPACE, metric_name=metric, dimensions=dimensions, period=60, stat="Sum"
        ),
    )


def error_rate_alarm(
    c: Component, settings: ComputeSettings, alb_arn_suffix: pulumi.Input[str], routes: AlertRoutes
) -> aws.cloudwatch.MetricAlarm:
    """Target 5XX responses as a percentage of requests, per minute; ALARM on 2 of 3 minutes above 1 %."""
    dims = {"LoadBalancer": alb_arn_suffix}
    return metric_alarm(
        c,
        c.child_name("error-rate-alarm"),
        name=c.naming.resource("alb-5xx-error-rate"),
        routes=routes,
        severity="High",  # runbook "Severity Levels": high error rate
        runbook="High Error Rate",
        description=(
            f"Runbook 'Error Rate: Alert if > {settings.error_rate_threshold_percent:g}%': backend 5XX responses / "
            "requests at the ALB. ECS rolls a deployment back while this is in ALARM."
        ),
        metric_queries=[
            _elb_metric("errors", "HTTPCode_Target_5XX_Count", dims),
            _elb_metric("requests", "RequestCount", dims),
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="error_rate",
                expression="IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)",
                label="Target 5XX error rate (%)",
                return_data=True,
            ),
        ],
        comparison_operator="GreaterThanThreshold",
        threshold=settings.error_rate_threshold_percent,
        evaluation_periods=3,
        datapoints_to_alarm=2,
        # ALB publishes RequestCount and 5XX counts only when requests arrive: a gap is an idle
        # minute with no errors, and must not roll a deployment back.
        treat_missing_data="notBreaching",
        tags=c.tags,
    )


def unhealthy_hosts_alarm(
    c: Component,
    color: str,
    alb_arn_suffix: pulumi.Input[str],
    target_group_arn_suffix: pulumi.Input[str],
    routes: AlertRoutes,
) -> aws.cloudwatch.MetricAlarm:
    """Any unhealthy target for 2 consecutive minutes in one target group.

    ECS swaps which group is production on every blue/green deployment, so each group has one: the
    group serving production (or the green revision under test) is the one whose targets can fail;
    an idle group has no targets and reports 0.
    """
    return metric_alarm(
        c,
        c.child_name(f"unhealthy-{color}-alarm"),
        name=c.naming.resource(f"unhealthy-hosts-{color}"),
        routes=routes,
        # Degradation, not an outage: the ALB routes around unhealthy targets, and a service with no
        # reachable target pages through alb-elb-5xx (Critical).
        severity="High",
        runbook="Rolling Updates",
        description=(
            f"Unhealthy backend targets in the {color} target group (ALB health checks). "
            "ECS rolls a deployment back while this is in ALARM."
        ),
        namespace=ELB_NAMESPACE,
        metric_name="UnHealthyHostCount",
        dimensions={"TargetGroup": target_group_arn_suffix, "LoadBalancer": alb_arn_suffix},
        statistic="Maximum",
        period=60,
        evaluation_periods=2,
        comparison_operator="GreaterThanThreshold",
        threshold=0,
        # A gap means the group has no registered targets (the idle colour between deployments):
        # nothing is unhealthy. A deployment's new tasks register and publish within a minute.
        treat_missing_data="notBreaching",
        tags=c.tags,
    )
