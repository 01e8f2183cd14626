"""CloudWatch dashboards built from typed data (runbook "CloudWatch Dashboards").

Widgets are frozen dataclasses that serialise to the dashboard body schema; the three builders
take ``DashboardRefs`` (resolved names of what this stack creates) so every widget points at a
metric or resource of this stack and the body is plain, testable JSON.

CloudWatch renders each metric widget with one GetMetricData call, and one call may hold only one
Metrics Insights (``SELECT ...``) query: a widget holds at most one, so per-table and per-result
queries get a widget each (``MetricWidget`` refuses a second one).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

BILLING_REGION = "us-east-1"  # AWS/Billing metrics exist only there


# ---- widget model --------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One metric of a metric widget."""

    namespace: str
    name: str
    dimensions: Mapping[str, str] = field(default_factory=dict)
    stat: str | None = None
    label: str | None = None
    id: str | None = None
    visible: bool = True

    def to_json(self) -> list[Any]:
        row: list[Any] = [self.namespace, self.name]
        for k, v in self.dimensions.items():
            row += [k, v]
        opts: dict[str, Any] = {}
        if self.stat:
            opts["stat"] = self.stat
        if self.label:
            opts["label"] = self.label
        if self.id:
            opts["id"] = self.id
        if not self.visible:
            opts["visible"] = False
        return [*row, opts] if opts else row


@dataclass(frozen=True)
class Expression:
    """A metric-math, SEARCH or Metrics Insights expression of a metric widget."""

    expression: str
    label: str
    id: str

    def to_json(self) -> list[Any]:
        # No label: a SEARCH expression then names each series it returns (one label would name them all).
        opts = {"expression": self.expression, "id": self.id}
        if self.label:
            opts["label"] = self.label
        return [opts]


def is_metrics_insights(expression: str) -> bool:
    """A Metrics Insights query (``SELECT ...``), as opposed to metric math or SEARCH."""
    return expression.lstrip().upper().startswith("SELECT ")


@dataclass(frozen=True)
class Annotation:
    value: float
    label: str
    color: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "label": self.label}
        if self.color:
            out["color"] = self.color
        return out


@dataclass(frozen=True)
class MetricWidget:
    title: str
    lines: tuple[Line | Expression, ...]
    region: str
    stat: str = "Average"
    period: int = 300
    view: str = "timeSeries"
    annotations: tuple[Annotation, ...] = ()
    width: int = 12
    height: int = 6

    def __post_init__(self) -> None:
        selects = [ln for ln in self.lines if isinstance(ln, Expression) and is_metrics_insights(ln.expression)]
        if len(selects) > 1:
            raise ValueError(
                f"widget {self.title!r}: {len(selects)} Metrics Insights queries; GetMetricData takes one per call"
            )

    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = {
            "title": self.title,
            "metrics": [ln.to_json() for ln in self.lines],
            "region": self.region,
            "stat": self.stat,
            "period": self.period,
            "view": self.view,
        }
        if self.annotations:
            props["annotations"] = {"horizontal": [a.to_json() for a in self.annotations]}
        return props

    kind = "metric"


@dataclass(frozen=True)
class AlarmWidget:
    title: str
    alarms: tuple[str, ...]
    width: int = 24
    height: int = 4

    kind = "alarm"

    def properties(self) -> dict[str, Any]:
        return {"title": self.title, "alarms": list(self.alarms), "sortBy": "stateUpdatedTimestamp"}


@dataclass(frozen=True)
class LogWidget:
    title: str
    log_groups: tuple[str, ...]
    query: str  # Logs Insights query after the SOURCE clause
    region: str
    width: int = 24
    height: int = 6

    kind = "log"

    def properties(self) -> dict[str, Any]:
        source = " | ".join(f"SOURCE '{g}'" for g in self.log_groups)
        return {"title": self.title, "query": f"{source} | {self.query}", "region": self.region, "view": "table"}


@dataclass(frozen=True)
class TextWidget:
    markdown: str
    width: int = 24
    height: int = 2

    kind = "text"

    def properties(self) -> dict[str, Any]:
        return {"markdown": self.markdown}


Widget = MetricWidget | AlarmWidget | LogWidget | TextWidget


@dataclass(frozen=True)
class Dashboard:
    widgets: tuple[Widget, ...]

    def body(self) -> dict[str, Any]:
        """Widgets flow left to right over the 24-column grid."""
        out, x, y, row_h = [], 0, 0, 0
        for w in self.widgets:
            if x + w.width > 24:
                x, y, row_h = 0, y + row_h, 0
            out.append(
                {"type": w.kind, "x": x, "y": y, "width": w.width, "height": w.height, "properties": w.properties()}
            )
            x += w.width
            row_h = max(row_h, w.height)
        return {"widgets": out}

    def to_json(self) -> str:
        return json.dumps(self.body(), sort_keys=True)


# ---- what the dashboards point at ------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRefs:
    """Resolved names and ARNs of this stack's resources (plain strings)."""

    environment: str
    region: str
    cluster: str
    service: str
    alb_suffix: str
    target_group_suffixes: tuple[str, ...]
    tables: Mapping[str, str]
    app_log_group: str
    trail_log_group: str
    error_namespace: str
    cis_namespace: str
    cis_metrics: Mapping[str, str]  # check key -> metric name
    app_alarm_arns: tuple[str, ...]
    deployment_alarm_arns: tuple[str, ...]
    cis_alarm_arns: tuple[str, ...]
    backup_alarm_arn: str
    trail_delivery_alarm_arn: str
    backup_vault: str
    backup_events_rule: str
    min_capacity: int
    max_capacity: int
    guardduty_rule: str | None
    securityhub_rule: str | None
    firehose_stream: str
    archive_bucket: str
    budget_name: str
    monthly_budget_usd: float
    web_acl: str | None = None  # WAF web ACL name (the AWS/WAFV2 WebACL dimension); None: no WAF
    waf_rules: tuple[str, ...] = ()  # each rule's metric name (the Rule dimension), by priority


def _ecs(r: DashboardRefs) -> dict[str, str]:
    return {"ClusterName": r.cluster, "ServiceName": r.service}


def _tasks_widget(r: DashboardRefs, title: str) -> MetricWidget:
    return MetricWidget(
        title,
        (
            Line("ECS/ContainerInsights", "RunningTaskCount", _ecs(r), label="Running tasks"),
            Line("ECS/ContainerInsights", "DesiredTaskCount", _ecs(r), label="Desired tasks"),
        ),
        r.region,
        stat="Average",
        period=60,
        annotations=(
            Annotation(r.min_capacity, "minCapacity", "#2ca02c"),
            Annotation(r.max_capacity, "maxCapacity", "#d62728"),
        ),
    )


def application_dashboard(r: DashboardRefs) -> Dashboard:
    ecs, alb = _ecs(r), {"LoadBalancer": r.alb_suffix}
    tables = sorted(r.tables.items())
    health = tuple(
        Line(
            "AWS/ApplicationELB",
            metric,
            {"TargetGroup": tg, "LoadBalancer": r.alb_suffix},
            label=f"{tg.split('/')[1]} {short}",
        )
        for tg in r.target_group_suffixes
        for metric, short in (("HealthyHostCount", "healthy"), ("UnHealthyHostCount", "unhealthy"))
    )
    # One widget per table: each holds that table's ThrottledRequests query (one SELECT per widget).
    throttles = tuple(
        MetricWidget(
            f"DynamoDB throttling: {base}",
            (
                Line("AWS/DynamoDB", "ReadThrottleEvents", {"TableName": t}, label=f"{base} read throttles"),
                Line("AWS/DynamoDB", "WriteThrottleEvents", {"TableName": t}, label=f"{base} write throttles"),
                Expression(
                    f"SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = '{t}'",
                    f"{base} throttled requests",
                    "tr",
                ),
            ),
            r.region,
            stat="Sum",
            period=60,
        )
        for base, t in tables
    )
    capacity = tuple(
        Line("AWS/DynamoDB", metric, {"TableName": t}, label=f"{base} {short}")
        for base, t in tables
        for metric, short in (("ConsumedReadCapacityUnits", "RCU"), ("ConsumedWriteCapacityUnits", "WCU"))
    )
    return Dashboard(
        (
            TextWidget(
                f"# BudgetBuddy application ({r.environment})\nCluster `{r.cluster}`, service `{r.service}`, "
                f"logs `{r.app_log_group}`. Runbook: Monitoring & Alerting, Incident Response."
            ),
            AlarmWidget("Alarms (application and deployment rollback)", r.app_alarm_arns + r.deployment_alarm_arns),
            MetricWidget(
                "ECS CPU and memory utilization (%)",
                (
                    Line("AWS/ECS", "CPUUtilization", ecs, label="CPU"),
                    Line("AWS/ECS", "MemoryUtilization", ecs, label="Memory"),
                ),
                r.region,
                period=60,
                annotations=(Annotation(80, "alarm 80%", "#d62728"), Annotation(70, "scaling target 70%")),
            ),
            _tasks_widget(r, "Tasks against scaling limits"),
            MetricWidget(
                "ALB requests, target 5xx and error rate",
                (
                    Line("AWS/ApplicationELB", "RequestCount", alb, label="Requests", id="req"),
                    Line("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", alb, label="Target 5xx", id="e5xx"),
                    Expression("100 * FILL(e5xx, 0) / req", "5xx error rate (%)", "rate"),
                ),
                r.region,
                stat="Sum",
                period=60,
            ),
            MetricWidget(
                "Target response time percentiles (s)",
                tuple(
                    Line("AWS/ApplicationELB", "TargetResponseTime", alb, stat=p, label=p)
                    for p in ("p50", "p90", "p95", "p99")
                ),
                r.region,
                period=60,
                annotations=(Annotation(1, "p95 alarm 1s", "#d62728"),),
            ),
            *_waf_widgets(r),
            MetricWidget("Target health (production and alternate)", health, r.region, stat="Minimum", period=60),
            MetricWidget("DynamoDB consumed capacity", capacity, r.region, stat="Sum", period=300),
            *throttles,
            MetricWidget(
                f"Application errors ({r.error_namespace}/ErrorCount)",
                (Line(r.error_namespace, "ErrorCount", label="ERROR lines"),),
                r.region,
                stat="Sum",
                period=300,
            ),
            LogWidget(
                "Latest ERROR lines",
                (r.app_log_group,),
                "fields @timestamp, @logStream, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 50",
                r.region,
            ),
        )
    )


def _waf_widgets(r: DashboardRefs) -> tuple[MetricWidget, ...]:
    """Allowed against blocked requests at the web ACL, and what each rule blocked or (in count
    mode) would have blocked. AWS/WAFV2 publishes REGIONAL metrics with a Region dimension."""
    if not r.web_acl:
        return ()
    acl = {"WebACL": r.web_acl, "Region": r.region}
    lines: list[Line | Expression] = [
        Line("AWS/WAFV2", "AllowedRequests", {**acl, "Rule": "ALL"}, label="Allowed (all)"),
        Line("AWS/WAFV2", "BlockedRequests", {**acl, "Rule": "ALL"}, label="Blocked (all)"),
    ]
    for rule in r.waf_rules:
        lines.append(Line("AWS/WAFV2", "BlockedRequests", {**acl, "Rule": rule}, label=f"{rule} blocked"))
        lines.append(Line("AWS/WAFV2", "CountedRequests", {**acl, "Rule": rule}, label=f"{rule} counted"))
    return (
        MetricWidget(
            "WAF: allowed against blocked requests, by rule", tuple(lines), r.region, stat="Sum", period=300, width=24
        ),
    )


def compliance_dashboard(r: DashboardRefs) -> Dashboard:
    cis = tuple(Line(r.cis_namespace, m, label=key) for key, m in sorted(r.cis_metrics.items()))
    vault = r.backup_vault
    widgets: list[Widget] = [
        TextWidget(
            f"# Compliance evidence ({r.environment})\nPCI-DSS 10.2/10.4/10.7, SOC 2 CC7.2/CC7.3, HIPAA "
            f"164.312(b): CIS monitoring alarms on `{r.trail_log_group}`, CloudTrail delivery, backup results "
            f"for vault `{vault}`, threat findings."
        ),
        AlarmWidget("CIS AWS Foundations security alarms", r.cis_alarm_arns, height=6),
        MetricWidget(f"Security events ({r.cis_namespace})", cis, r.region, stat="Sum", period=3600, width=24),
        MetricWidget(
            "CloudTrail delivery to CloudWatch Logs",
            (
                Line("AWS/Logs", "IncomingLogEvents", {"LogGroupName": r.trail_log_group}, label="Trail events"),
                Line("AWS/Logs", "IncomingBytes", {"LogGroupName": r.trail_log_group}, label="Trail bytes"),
            ),
            r.region,
            stat="Sum",
            period=3600,
        ),
        # Completed and failed jobs are one Metrics Insights query each, so one widget each.
        MetricWidget(
            "Backup jobs completed",
            (
                Expression(
                    f"SELECT SUM(NumberOfBackupJobsCompleted) FROM \"AWS/Backup\" WHERE BackupVaultName = '{vault}'",
                    "Completed",
                    "completed",
                ),
            ),
            r.region,
            stat="Sum",
            period=86400,
        ),
        MetricWidget(
            "Backup jobs failed",
            (
                Expression(
                    f"SELECT SUM(NumberOfBackupJobsFailed) FROM \"AWS/Backup\" WHERE BackupVaultName = '{vault}'",
                    "Failed",
                    "failed",
                ),
                Line(
                    "AWS/Events", "MatchedEvents", {"RuleName": r.backup_events_rule}, label="Failed/aborted job events"
                ),
            ),
            r.region,
            stat="Sum",
            period=86400,
        ),
        AlarmWidget(
            "Backup failure and audit-log delivery alarms",
            (r.backup_alarm_arn, r.trail_delivery_alarm_arn),
            width=12,
            height=3,
        ),
    ]
    findings: list[Line | Expression] = []
    if r.guardduty_rule:
        findings.append(Line("AWS/Events", "MatchedEvents", {"RuleName": r.guardduty_rule}, label="GuardDuty findings"))
    if r.securityhub_rule:
        findings.append(
            Line("AWS/Events", "MatchedEvents", {"RuleName": r.securityhub_rule}, label="Security Hub findings")
        )
    if findings:
        widgets.append(
            MetricWidget(
                "Threat and posture findings (sent to the alarm topic)",
                tuple(findings),
                r.region,
                stat="Sum",
                period=3600,
            )
        )
    else:
        widgets.append(
            TextWidget(
                "GuardDuty and Security Hub are disabled for this stack (enableGuardDuty / enableSecurityHub).",
                width=12,
                height=3,
            )
        )
    widgets.append(
        LogWidget(
            "Recent denied API calls (CloudTrail)",
            (r.trail_log_group,),
            "fields @timestamp, eventSource, eventName, errorCode, userIdentity.arn, sourceIPAddress "
            "| filter errorCode like /AccessDenied|UnauthorizedOperation/ | sort @timestamp desc | limit 50",
            r.region,
        )
    )
    return Dashboard(tuple(widgets))


def cost_dashboard(r: DashboardRefs) -> Dashboard:
    ecs = _ecs(r)
    usd = {"Currency": "USD"}
    tables = sorted(r.tables.items())
    return Dashboard(
        (
            TextWidget(
                f"# Cost ({r.environment})\nBudget `{r.budget_name}`: {r.monthly_budget_usd:,.2f} USD a month, "
                f"alerts at 80 % and 100 % actual and 100 % forecast. Log archive `{r.archive_bucket}`. "
                "Runbook: Cost Optimization."
            ),
            MetricWidget(
                "Estimated charges this month (USD, account)",
                (Line("AWS/Billing", "EstimatedCharges", usd, label="Total"),),
                BILLING_REGION,
                stat="Maximum",
                period=21600,
                annotations=(Annotation(r.monthly_budget_usd, "monthly budget", "#d62728"),),
            ),
            MetricWidget(
                "Estimated charges by service (USD)",
                (
                    Expression(
                        'SEARCH(\'{AWS/Billing,Currency,ServiceName} MetricName="EstimatedCharges" Currency="USD"\', '
                        "'Maximum', 21600)",
                        "",
                        "byservice",
                    ),
                ),
                BILLING_REGION,
                stat="Maximum",
                period=21600,
                view="timeSeries",
            ),
            MetricWidget(
                "ECS CPU: used against reserved (units)",
                (
                    Line("ECS/ContainerInsights", "CpuUtilized", ecs, label="CPU used"),
                    Line("ECS/ContainerInsights", "CpuReserved", ecs, label="CPU reserved"),
                ),
                r.region,
                period=300,
            ),
            MetricWidget(
                "ECS memory: used against reserved (MiB)",
                (
                    Line("ECS/ContainerInsights", "MemoryUtilized", ecs, label="Memory used"),
                    Line("ECS/ContainerInsights", "MemoryReserved", ecs, label="Memory reserved"),
                ),
                r.region,
                period=300,
            ),
            _tasks_widget(r, "Tasks against scaling limits (cost ceiling)"),
            MetricWidget(
                "DynamoDB on-demand consumption",
                tuple(
                    Line("AWS/DynamoDB", metric, {"TableName": t}, label=f"{base} {short}")
                    for base, t in tables
                    for metric, short in (("ConsumedReadCapacityUnits", "RCU"), ("ConsumedWriteCapacityUnits", "WCU"))
                ),
                r.region,
                stat="Sum",
                period=3600,
            ),
            MetricWidget(
                "Log ingestion and archive (bytes)",
                (
                    Line(
                        "AWS/Logs",
                        "IncomingBytes",
                        {"LogGroupName": r.app_log_group},
                        label="Application log ingestion",
                    ),
                    Line(
                        "AWS/Firehose",
                        "DeliveryToS3.Bytes",
                        {"DeliveryStreamName": r.firehose_stream},
                        label="Archived to S3",
                    ),
                ),
                r.region,
                stat="Sum",
                period=3600,
            ),
        )
    )


def referenced_strings(body: Any) -> Sequence[str]:
    """Every string in a dashboard body (tests use it to check what a dashboard points at)."""
    if isinstance(body, dict):
        return [s for v in body.values() for s in referenced_strings(v)]
    if isinstance(body, list):
        return [s for v in body for s in referenced_strings(v)]
    return [body] if isinstance(body, str) else []
