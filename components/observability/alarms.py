"""Typed alarm definitions and the one function that turns them into CloudWatch alarms.

Every alarm sends ALARM and OK to the alarm topic, has a deliberate period / evaluation window /
datapoints-to-alarm, and says how missing data is treated and why, next to the choice: what a
missing datapoint means for that metric (no traffic, no throttling, no errors: ``notBreaching``; a
heartbeat that must arrive: ``breaching``; a gap that says nothing: ``missing``). The application
alarms below carry the runbook's thresholds ("Monitoring & Alerting"); the 5xx error-rate and
unhealthy-host alarms belong to Compute (they drive the ECS deployment rollback) and are only
referenced here, never duplicated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.alarms import AlertRoutes, Severity, metric_alarm
from components.base import Component

COMPARISONS = (
    "GreaterThanThreshold",
    "GreaterThanOrEqualToThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
)
BAND_COMPARISONS = (
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
)
MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")
STATISTICS = ("Average", "Sum", "Minimum", "Maximum", "SampleCount")


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric: namespace, name, dimensions and statistic (``p95`` = percentile)."""

    namespace: str
    name: str
    stat: str
    dimensions: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.stat not in STATISTICS and not _is_percentile(self.stat):
            raise ValueError(f"Metric {self.name}: stat {self.stat!r} must be one of {STATISTICS} or pNN")

    @property
    def extended(self) -> bool:
        return _is_percentile(self.stat)


def _is_percentile(stat: str) -> bool:
    return stat.startswith("p") and stat[1:].replace(".", "", 1).isdigit()


@dataclass(frozen=True)
class AlarmSpec:
    """What one alarm watches and when it fires.

    Exactly one of ``metric`` (a single metric, static threshold), ``query`` (a metric-math or
    Metrics Insights expression returning one series) or ``anomaly_band`` (anomaly detection on
    ``metric``: the band width in standard deviations) describes the data.
    """

    key: str  # dict key, logical-name and physical-name suffix
    description: str
    severity: Severity  # runbook "Severity Levels": decides the route (components/alarms.py ROUTE_OF)
    runbook: str  # the runbook section the on-call engineer opens (components/alarms.RUNBOOK_SECTIONS)
    comparison: str
    period: int  # seconds
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str
    threshold: float | None = None
    metric: Metric | None = None
    query: pulumi.Input[str] | None = None
    query_label: str = ""
    anomaly_band: float | None = None

    def __post_init__(self) -> None:
        where = f"alarm {self.key}"
        if self.treat_missing_data not in MISSING_DATA:
            raise ValueError(f"{where}: treat_missing_data must be one of {MISSING_DATA}")
        if not 1 <= self.datapoints_to_alarm <= self.evaluation_periods:
            raise ValueError(f"{where}: datapoints_to_alarm must be between 1 and evaluation_periods")
        if self.period not in (10, 20, 30) and self.period % 60:
            raise ValueError(f"{where}: period {self.period} must be 10, 20, 30 or a multiple of 60 seconds")
        if self.period * self.evaluation_periods > 86400:
            raise ValueError(f"{where}: the evaluation window may not exceed one day")
        if self.anomaly_band is not None:
            if self.metric is None or self.query is not None:
                raise ValueError(f"{where}: anomaly detection needs exactly a metric")
            if self.comparison not in BAND_COMPARISONS:
                raise ValueError(f"{where}: anomaly alarms compare against the band {BAND_COMPARISONS}")
        else:
            if (self.metric is None) == (self.query is None):
                raise ValueError(f"{where}: set exactly one of metric or query")
            if self.threshold is None or self.comparison not in COMPARISONS:
                raise ValueError(f"{where}: a static alarm needs a threshold and a comparison in {COMPARISONS}")


def create_alarm(
    owner: Component, spec: AlarmSpec, routes: AlertRoutes, prefix: str = "alarm"
) -> aws.cloudwatch.MetricAlarm:
    """Register ``spec`` as an aws.cloudwatch.MetricAlarm child of ``owner``, notifying the route of its severity."""
    resource_name = owner.child_name(f"{prefix}-{spec.key}")
    common: dict[str, Any] = dict(
        name=owner.naming.resource(spec.key),
        routes=routes,
        severity=spec.severity,
        runbook=spec.runbook,
        description=spec.description,
        comparison_operator=spec.comparison,
        evaluation_periods=spec.evaluation_periods,
        datapoints_to_alarm=spec.datapoints_to_alarm,
        treat_missing_data=spec.treat_missing_data,
    )
    if spec.anomaly_band is not None:
        assert spec.metric is not None
        queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict] = [
            {"id": "m1", "metric": _query_metric(spec.metric, spec.period), "return_data": True},
            {
                "id": "ad1",
                "expression": f"ANOMALY_DETECTION_BAND(m1, {spec.anomaly_band:g})",
                "label": f"{spec.metric.name} (expected)",
                "return_data": True,
            },
        ]
        return metric_alarm(owner, resource_name, metric_queries=queries, threshold_metric_id="ad1", **common)
    if spec.query is not None:
        queries = [
            {
                "id": "q1",
                "expression": spec.query,
                "label": spec.query_label or spec.key,
                "period": spec.period,
                "return_data": True,
            }
        ]
        return metric_alarm(owner, resource_name, metric_queries=queries, threshold=spec.threshold, **common)
    m = spec.metric
    assert m is not None
    return metric_alarm(
        owner,
        resource_name,
        namespace=m.namespace,
        metric_name=m.name,
        dimensions=dict(m.dimensions) or None,
        period=spec.period,
        threshold=spec.threshold,
        # A percentile (p95) is an extended statistic; the argument left None is not sent.
        extended_statistic=m.stat if m.extended else None,
        statistic=None if m.extended else m.stat,
        **common,
    )


def _query_metric(m: Metric, period: int) -> aws.cloudwatch.MetricAlarmMetricQueryMetricArgsDict:
    return {
        "namespace": m.namespace,
        "metric_name": m.name,
        "dimensions": dict(m.dimensions),
        "period": period,
        "stat": m.stat,
    }


# ---- the application alarms (runbook "Key Metrics") ----------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Runbook thresholds; defaults are the runbook's values."""

    cpu_percent: float = 80.0  # "CPU Utilization: Alert > 80%"
    memory_percent: float = 80.0  # "Memory Utilization: Alert > 80%"
    p95_seconds: float = 1.0  # "Response Time: Alert if p95 > 1s"
    error_count: float = 10.0  # ERROR log lines per 5 minutes
    anomaly_band: float = 2.0  # request count band width, standard deviations
    # WAF blocked requests per 5 minutes in 2 of 3 periods: far above the trickle of scanners every
    # public endpoint sees, i.e. a flood or attack under way (or a rule blocking real clients).
    waf_blocked_requests: float = 500.0


def application_alarms(
    *,
    thresholds: Thresholds,
    cluster_name: pulumi.Input[str],
    service_name: pulumi.Input[str],
    alb_arn_suffix: pulumi.Input[str],
    table_names: Mapping[str, pulumi.Input[str]],
    backup_vault_name: pulumi.Input[str],
    error_namespace: str,
    web_acl_name: pulumi.Input[str] | None = None,
    region: str = "us-east-1",
) -> list[AlarmSpec]:
    ecs = {"ClusterName": cluster_name, "ServiceName": service_name}
    alb = {"LoadBalancer": alb_arn_suffix}
    specs = [
        AlarmSpec(
            key="ecs-cpu-high",
            severity="Medium",
            runbook="High CPU Utilization",
            description=f"ECS service CPU above {thresholds.cpu_percent:g}% for 5 minutes (runbook: alert > 80%; "
            "autoscaling targets 70%, so this means scaling cannot keep up or maxCapacity is reached).",
            metric=Metric("AWS/ECS", "CPUUtilization", "Average", ecs),
            comparison="GreaterThanThreshold",
            threshold=thresholds.cpu_percent,
            period=60,
            evaluation_periods=5,
            datapoints_to_alarm=5,
            # ECS publishes every minute while a task runs: a gap means no task (or no metrics), which
            # says nothing about CPU; the unhealthy-host alarms catch the outage. "missing" shows it as
            # INSUFFICIENT_DATA instead of calling it OK or paging on it.
            treat_missing_data="missing",
        ),
        AlarmSpec(
            key="ecs-memory-high",
            severity="Medium",
            runbook="Key Metrics",
            description=f"ECS service memory above {thresholds.memory_percent:g}% for 5 minutes (runbook: alert > 80%).",
            metric=Metric("AWS/ECS", "MemoryUtilization", "Average", ecs),
            comparison="GreaterThanThreshold",
            threshold=thresholds.memory_percent,
            period=60,
            evaluation_periods=5,
            datapoints_to_alarm=5,
            treat_missing_data="missing",  # as CPU: a gap means no task, not memory pressure
        ),
        AlarmSpec(
            key="alb-p95-latency-high",
            severity="High",
            runbook="Key Metrics",
            description=f"p95 target response time above {thresholds.p95_seconds:g}s in 3 of 5 minutes "
            "(runbook: alert if p95 > 1s).",
            metric=Metric("AWS/ApplicationELB", "TargetResponseTime", "p95", alb),
            comparison="GreaterThanThreshold",
            threshold=thresholds.p95_seconds,
            period=60,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            # No requests, no latency datapoint: that is not slowness.
            treat_missing_data="notBreaching",
        ),
        AlarmSpec(
            key="alb-request-count-anomaly",
            severity="Low",
            runbook="Key Metrics",
            description="ALB request count outside the expected band in 2 of 3 five-minute periods "
            "(runbook: monitor request count for anomalies).",
            metric=Metric("AWS/ApplicationELB", "RequestCount", "Sum", alb),
            comparison="LessThanLowerOrGreaterThanUpperThreshold",
            anomaly_band=thresholds.anomaly_band,
            period=300,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            # ALB publishes RequestCount only when there are requests, so a gap is a quiet period (every
            # night in staging, small hours in production), not an anomaly. Treating it as breaching paged
            # on every idle night. An unreachable API is alb-elb-5xx's business (the ALB's own 5XX answers).
            treat_missing_data="notBreaching",
        ),
        AlarmSpec(
            key="alb-elb-5xx",
            severity="Critical",
            runbook="High Error Rate",
            description="The load balancer itself answered 5XX (no healthy target, target unreachable or timing out) "
            "10 or more times a minute in 3 of 5 minutes: clients cannot reach the service (runbook: Critical, "
            "service down).",
            metric=Metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", alb),
            comparison="GreaterThanOrEqualToThreshold",
            threshold=10,
            period=60,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            # Published only when the ALB answers 5XX itself. A request the ALB could not route to any
            # target is left out of RequestCount, so the error-rate alarm (target 5XX / requests) never
            # sees a service whose targets are all gone: this alarm does. No datapoint: no such answers.
            treat_missing_data="notBreaching",
        ),
        AlarmSpec(
            key="app-error-count-high",
            severity="Medium",
            runbook="High Error Rate",
            description=f"{thresholds.error_count:g} or more ERROR lines in the application log in 5 minutes "
            f"(metric {error_namespace}/ErrorCount; runbook 'High Error Rate').",
            metric=Metric(error_namespace, "ErrorCount", "Sum"),
            comparison="GreaterThanOrEqualToThreshold",
            threshold=thresholds.error_count,
            period=300,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            # The filter emits 0 while logs flow; no log lines at all means no ERROR lines either.
            treat_missing_data="notBreaching",
        ),
        AlarmSpec(
            key="backup-jobs-failed",
            severity="High",
            runbook="DynamoDB Backups",
            description="An AWS Backup job for the stack's vault failed in the last hour (runbook: daily "
            "on-demand backups at 2 AM UTC).",
            # Metrics Insights over every dimension set AWS Backup publishes for the vault.
            query=pulumi.Output.from_input(backup_vault_name).apply(
                lambda v: f"SELECT SUM(NumberOfBackupJobsFailed) FROM \"AWS/Backup\" WHERE BackupVaultName = '{v}'"
            ),
            query_label="Failed backup jobs",
            comparison="GreaterThanOrEqualToThreshold",
            threshold=1,
            period=3600,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            # AWS Backup publishes only when jobs change state: no datapoint, no failed job. A backup that
            # never runs is caught by the backup-job-failed event rule (EXPIRED) instead.
            treat_missing_data="notBreaching",
        ),
    ]
    for base, table in sorted(table_names.items()):
        slug = base.lower()
        dims = {"TableName": table}
        for metric_name, key in (("ReadThrottleEvents", "read"), ("WriteThrottleEvents", "write")):
            specs.append(
                AlarmSpec(
                    key=f"dynamodb-{slug}-{key}-throttles",
                    severity="Medium",
                    runbook="DynamoDB Throttling",
                    description=f"{metric_name} on table {base} (runbook: alert on any DynamoDB throttling).",
                    metric=Metric("AWS/DynamoDB", metric_name, "Sum", dims),
                    comparison="GreaterThanThreshold",
                    threshold=0,
                    period=60,
                    evaluation_periods=1,
                    datapoints_to_alarm=1,
                    # DynamoDB publishes throttle metrics only when non-zero: a gap is no throttling.
                    treat_missing_data="notBreaching",
                )
            )
        specs.append(
            AlarmSpec(
                key=f"dynamodb-{slug}-throttled-requests",
                severity="Medium",
                runbook="DynamoDB Throttling",
                description=f"ThrottledRequests on table {base}, summed over every operation "
                "(runbook: alert on any DynamoDB throttling).",
                # ThrottledRequests is published per TableName *and* Operation: one query sums them all.
                query=pulumi.Output.from_input(table).apply(
                    lambda t: (
                        'SELECT SUM(ThrottledRequests) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) '
                        f"WHERE TableName = '{t}'"
                    )
                ),
                query_label=f"{base} throttled requests",
                comparison="GreaterThanThreshold",
                threshold=0,
                period=60,
                evaluation_periods=1,
                datapoints_to_alarm=1,
                treat_missing_data="notBreaching",  # as the throttle events: published only when non-zero
            )
        )
    if web_acl_name is not None:
        specs.append(
            AlarmSpec(
                key="waf-blocked-requests-spike",
                severity="High",
                runbook="Security Incident Response",
                description=f"AWS WAF blocked {thresholds.waf_blocked_requests:g}+ requests in 5 minutes, in 2 of "
                "3 periods: an attack or flood, or a rule blocking real clients. Check the WAF log group and the "
                "'WAF' widget of the application dashboard (runbook: Security Incident Response).",
                metric=Metric(
                    "AWS/WAFV2", "BlockedRequests", "Sum", {"WebACL": web_acl_name, "Region": region, "Rule": "ALL"}
                ),
                comparison="GreaterThanOrEqualToThreshold",
                threshold=thresholds.waf_blocked_requests,
                period=300,
                evaluation_periods=3,
                datapoints_to_alarm=2,
                # WAF publishes BlockedRequests only when it blocks something: a gap is nothing blocked.
                treat_missing_data="notBreaching",
            )
        )
    return specs


def alarm_arns(alarms: Mapping[str, aws.cloudwatch.MetricAlarm]) -> Sequence[pulumi.Output[str]]:
    return [a.arn for _, a in sorted(alarms.items())]
