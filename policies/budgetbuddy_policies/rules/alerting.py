"""Alert routing (runbook "Alert Channels", "Severity Levels"; docs/alerts.md).

Every alarm states its severity (a ``Severity`` tag, and ``[<Severity>] ... Runbook: <section>.`` in its
description); a Critical alarm notifies a paging topic and nothing else does: not a High or Low alarm,
not a pipeline notification, an EventBridge target, a budget or a manual approval. And no alarm's
``treatMissingData`` hides an outage of what it watches (the table in ``missing_data.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity, StackValidationArgs
from pulumi_policy.proxy import UnknownValueError

from ..framework import known, of_type
from ..missing_data import TABLE, entry_for
from ..props import as_list, dig, tags_of
from ..registry import REGISTRY
from .helpers import each

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
NOTIFICATION_RULE = "aws:codestarnotifications/notificationRule:NotificationRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
BUDGET = "aws:budgets/budget:Budget"
PIPELINE = "aws:codepipeline/pipeline:Pipeline"
SEVERITIES = ("Critical", "High", "Medium", "Low")

PAGING_CONFIG = {
    "pagingTopics": {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 1,
        "default": ["budgetbuddy-alarms"],
        "description": "names of the topics that page (PagerDuty): the runbook's budgetbuddy-alarms",
    }
}


def _topic_names(res: PolicyResource, prop: str, values: list[Any], topics: list[PolicyResource]) -> set[str]:
    """Names of the topics ``values`` (ARNs) of ``res.props[prop]`` point at: the ARN's last segment when
    known, else the referenced topic resource's name (a topic created in the same update)."""
    names = {v.rsplit(":", 1)[-1] for v in values if isinstance(v, str) and v.startswith("arn:")}
    deps = {d.urn for d in res.property_dependencies.get(prop, [])}
    for topic in topics:
        if topic.urn in deps:
            names.add(str(known(topic, "name") or topic.name))
    return names


def _strings(values: Any) -> list[Any]:
    return _known_list(lambda: [v for v in as_list(values) if isinstance(v, str)])


def _known_list(read: Callable[[], list[Any]]) -> list[Any]:
    """``read()``, or [] where a value is unknown (a topic created in the same update): such a topic is
    identified through the property dependencies instead (``_topic_names``)."""
    try:
        return read()
    except UnknownValueError:
        return []


@REGISTRY.stack(
    name="aws-cloudwatch-metricalarm-require-severity-route",
    description="Every alarm has a Severity tag (Critical, High, Medium, Low), states it and the runbook section in "
    "its description, and notifies the route of its severity: Critical alarms a paging topic, all others never.",
    severity=Severity.HIGH,
    remediation="Create alarms with components/alarms.py metric_alarm(severity=..., runbook=...): it tags them, "
    "writes '[<Severity>] ... Runbook: <section>.' and sends ALARM/OK to the route of the severity (docs/alerts.md).",
    controls=("runbook:alert-channels", "runbook:severity-levels", "soc2:CC7.3", "pci-dss-4.0:12.10.1"),
    config=PAGING_CONFIG,
)
def severity_route(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    paging = set(cfg["pagingTopics"])
    topics = of_type(args.resources, TOPIC)

    def one(alarm: PolicyResource) -> Iterator[str]:
        severity = tags_of(alarm.props).get("Severity")
        if severity not in SEVERITIES:
            yield f"Severity tag is {severity!r}; expected one of {list(SEVERITIES)} (runbook 'Severity Levels')."
            return
        description = dig(alarm.props, "alarmDescription") or ""
        if not (description.startswith(f"[{severity}]") and "Runbook: " in description):
            yield f"alarmDescription must start with '[{severity}]' and name the runbook section ('Runbook: ...')."
        targets = _topic_names(alarm, "alarmActions", _strings(dig(alarm.props, "alarmActions")), topics)
        if severity == "Critical" and not targets & paging:
            yield f"a Critical alarm must notify a paging topic {sorted(paging)}; it notifies {sorted(targets)}."
        if severity != "Critical" and targets & paging:
            yield f"a {severity} alarm notifies the paging topic {sorted(targets & paging)}: only Critical alarms page."

    yield from each(of_type(args.resources, ALARM), one)


@REGISTRY.stack(
    name="aws-sns-topic-disallow-non-alarm-paging",
    description="Only Critical alarms reach a paging topic: pipeline notifications (successes included), "
    "EventBridge targets, budget notices and manual approval requests go to a route that does not page.",
    severity=Severity.HIGH,
    remediation="Send pipeline failures and approvals to the alert route, successes to the notice route, events to "
    "the alert route and budget notices to e-mail (components/pipeline/notifications.py, docs/alerts.md).",
    controls=("runbook:alert-channels", "soc2:CC7.3"),
    config=PAGING_CONFIG,
)
def non_alarm_paging(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    paging = set(cfg["pagingTopics"])
    topics = of_type(args.resources, TOPIC)

    def pages(res: PolicyResource, prop: str, arns: list[Any], what: str) -> Iterator[str]:
        hit = _topic_names(res, prop, arns, topics) & paging
        if hit:
            yield f"{what} goes to the paging topic {sorted(hit)}."

    def one(res: PolicyResource) -> Iterator[str]:
        p = res.props
        if res.resource_type == NOTIFICATION_RULE:
            arns = _known_list(lambda: [t.get("address") for t in as_list(dig(p, "targets"))])
            events = ", ".join(_strings(dig(p, "eventTypeIds")))
            yield from pages(res, "targets", arns, f"the notification rule ({events})")
        elif res.resource_type == EVENT_TARGET:
            yield from pages(res, "arn", _known_list(lambda: [dig(p, "arn")]), "the EventBridge target")
        elif res.resource_type == BUDGET:
            arns = _known_list(
                lambda: [a for n in as_list(dig(p, "notifications")) for a in _strings(n.get("subscriberSnsTopicArns"))]
            )
            yield from pages(res, "notifications", arns, "a budget notification")
        elif res.resource_type == PIPELINE:
            arns = _known_list(
                lambda: [
                    dig(a, "configuration", "NotificationArn")
                    for stage in as_list(dig(p, "stages"))
                    for a in as_list(stage.get("actions"))
                    if a.get("category") == "Approval"
                ]
            )
            yield from pages(res, "stages", arns, "the manual approval request")

    yield from each(of_type(args.resources, NOTIFICATION_RULE, EVENT_TARGET, BUDGET, PIPELINE), one)


@REGISTRY.resource(
    name="aws-cloudwatch-metricalarm-configure-missing-data",
    resource_types=(ALARM,),
    description="Every alarm treats missing data as docs/decisions.md decides for it ('Alarms: what a missing "
    "datapoint means'): a heartbeat breaches when silent, an event metric is quiet when absent, so that no "
    "treatment hides an outage of what the alarm watches or pages on every idle night.",
    severity=Severity.HIGH,
    remediation="Set treatMissingData to the table's treatment for the alarm; a new alarm needs a row in "
    "policies/budgetbuddy_policies/missing_data.py and in the docs/decisions.md table (decide what a gap means).",
    controls=("runbook:key-metrics", "pci-dss-4.0:10.7.2", "soc2:CC7.2"),
)
def missing_data(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    name = dig(args.props, "name") or args.name
    row = entry_for(name)
    treatment = dig(args.props, "treatMissingData")
    if row is None:
        labels = ", ".join(r.label for r in TABLE)
        yield f"alarm {name!r} is not in the missing-data table ({labels}): decide what a gap means and add a row."
    elif treatment != row.treatment:
        yield f"treatMissingData is {treatment!r}; the table ({row.label}) says {row.treatment!r}."
