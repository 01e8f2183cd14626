"""The one CloudWatch alarm builder: every component's alarms (compute's deployment alarms, the
runbook's application alarms, the CIS security alarms) are created by ``metric_alarm``.

Every alarm carries a severity (runbook "Severity Levels") and the runbook section an on-call
engineer opens first; its ALARM and OK actions go to the route of its severity (``ROUTE_OF``), so
only a Critical alarm reaches the paging topic. docs/alerts.md is generated from this module and
the alarm definitions by tools/gen_alert_routes.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

import pulumi
import pulumi_aws as aws

from components.base import Component

# Runbook "Severity Levels", in order.
Severity = Literal["Critical", "High", "Medium", "Low"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
SEVERITY_MEANING: dict[Severity, str] = {
    "Critical": "service down, data breach, security incident",
    "High": "performance degradation, high error rate",
    "Medium": "non-critical errors, capacity issues",
    "Low": "minor issues, optimization opportunities",
}

# The routes (one SNS topic each, components/observability/alerting.py). "page" is the runbook's
# budgetbuddy-alarms topic, the only one PagerDuty subscribes to; "alert" mails ops; "notice" mails
# ops too but carries only what needs no action soon (low alarms, successful deployments, budget).
Route = Literal["page", "alert", "notice"]
ROUTES: tuple[Route, ...] = get_args(Route)
ROUTE_OF: dict[Severity, Route] = {"Critical": "page", "High": "alert", "Medium": "alert", "Low": "notice"}

# Runbook sections (its headings) an alarm may point to: the first page the on-call engineer opens.
RUNBOOK_SECTIONS: tuple[str, ...] = (
    "Rolling Updates",
    "Key Metrics",
    "High CPU Utilization",
    "High Error Rate",
    "DynamoDB Throttling",
    "Auto-Scaling Configuration",
    "DynamoDB Backups",
    "Recovery Procedure",
    "Security Monitoring",
    "Security Incident Response",
)


@dataclass(frozen=True)
class AlertRoutes:
    """The topic ARN of each route (Alerting's outputs)."""

    page: pulumi.Input[str]
    alert: pulumi.Input[str]
    notice: pulumi.Input[str]

    def route(self, route: Route) -> pulumi.Input[str]:
        return {"page": self.page, "alert": self.alert, "notice": self.notice}[route]

    def for_severity(self, severity: Severity) -> pulumi.Input[str]:
        return self.route(ROUTE_OF[severity])


def describe(description: str, severity: Severity, runbook: str) -> str:
    """The alarm description: severity first (it leads the notification), then what and where to look."""
    return f"[{severity}] {description.rstrip()} Runbook: {runbook}."


def metric_alarm(
    owner: Component,
    resource_name: str,
    *,
    name: str,
    routes: AlertRoutes,
    severity: Severity,
    runbook: str,
    description: str,
    tags: Mapping[str, str] | None = None,
    **alarm: Any,
) -> aws.cloudwatch.MetricAlarm:
    """The alarm ``name`` (a physical name from ``Naming``), a child of ``owner``, notifying the route of
    ``severity`` on ALARM and on OK. ``runbook``: one of ``RUNBOOK_SECTIONS``. ``alarm``: the metric,
    threshold and evaluation (MetricAlarm arguments); ``tags``: the owner's tags with ``Name`` unless
    given; ``Severity`` is always added."""
    if severity not in SEVERITIES:
        raise ValueError(f"alarm {name}: severity {severity!r} is not one of {SEVERITIES} (runbook 'Severity Levels')")
    if runbook not in RUNBOOK_SECTIONS:
        raise ValueError(f"alarm {name}: runbook section {runbook!r} is not one of {RUNBOOK_SECTIONS}")
    topic_arn = routes.for_severity(severity)
    base_tags = dict(tags) if tags is not None else owner.tags_with(Name=name)
    return aws.cloudwatch.MetricAlarm(
        resource_name,
        name=name,
        alarm_description=describe(description, severity, runbook),
        actions_enabled=True,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        tags={**base_tags, "Severity": severity},
        # Every alarm is named, and PutMetricAlarm creates or overwrites the alarm of that name. A
        # create-before-delete replacement would write the new alarm over the old one, then delete the
        # old one by name, i.e. the alarm just written: delete first.
        opts=owner.opts(delete_before_replace=True),
        **alarm,
    )
