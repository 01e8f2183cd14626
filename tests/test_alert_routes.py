"""Alert routing (docs/alerts.md; runbook "Alert Channels", "Severity Levels"): every alarm of both stacks
has a severity and the runbook section to open, and notifies the route of its severity; only Critical
alarms reach the paging topic; the routing page is generated from the code."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from components.alarms import ROUTE_OF, RUNBOOK_SECTIONS, SEVERITIES, AlertRoutes, describe, metric_alarm
from components.kms import SNS_PUBLISHERS
from components.observability.alerting import ROUTE_SPECS
from tests.harness import ROOT, Result, run_stack
from tools import gen_alert_routes

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC_SUFFIX = {"page": "alarms", "alert": "alerts", "notice": "notices"}
PREFIX = {"production": "budgetbuddy-", "staging": "budgetbuddy-staging-"}


@cache
def stack(name: str) -> Result:
    return run_stack(name)


def topic_arn(name: str, route: str) -> str:
    return f"arn:aws:sns:us-east-1:123456789012:{PREFIX[name]}{TOPIC_SUFFIX[route]}"


@pytest.mark.parametrize("name", ["production", "staging"])
def test_every_alarm_has_a_severity_a_runbook_section_and_the_route_of_its_severity(name):
    alarms = stack(name).of_type(ALARM)
    assert len(alarms) > 20
    for a in alarms:
        i = a["inputs"]
        severity = i["tags"].get("Severity")
        assert severity in SEVERITIES, f"{i['name']}: Severity tag {severity!r}"
        desc = i["alarmDescription"]
        assert desc.startswith(f"[{severity}] "), i["name"]
        section = desc.rsplit(" Runbook: ", 1)[-1].removesuffix(".")
        assert section in RUNBOOK_SECTIONS, f"{i['name']}: runbook section {section!r}"
        route = topic_arn(name, ROUTE_OF[severity])
        assert i["actionsEnabled"] is True
        assert i["alarmActions"] == i["okActions"] == [route], i["name"]


@pytest.mark.parametrize("name", ["production", "staging"])
def test_the_paging_topic_gets_critical_alarms_and_nothing_else(name):
    r = stack(name)
    page = topic_arn(name, "page")
    senders = [a["inputs"]["name"] for a in r.of_type(ALARM) if page in a["inputs"]["alarmActions"]]
    assert senders and all(
        a["inputs"]["tags"]["Severity"] == "Critical" for a in r.of_type(ALARM) if a["inputs"]["name"] in senders
    )
    # Every other notifier (events, pipeline notifications and approvals, budgets) is kept off it.
    everything_else = json.dumps(
        [res["inputs"] for res in r.resources if res["type"] != ALARM and "sns" not in res["type"]]
    )
    assert page not in everything_else
    # And PagerDuty subscribes to nothing but the paging topic (when configured).
    with_pd = run_stack(name, "pagerDutyEndpoint=https://events.pagerduty.com/integration/x/enqueue")
    https = [s["inputs"]["topic"] for s in with_pd.of_type("aws:sns/topicSubscription:TopicSubscription")
             if s["inputs"]["protocol"] == "https"]  # fmt: skip
    assert https == [page]


@pytest.mark.parametrize("name", ["production", "staging"])
def test_pipeline_successes_never_reach_a_paging_route(name):
    r = stack(name)
    for rule in r.of_type("aws:codestarnotifications/notificationRule:NotificationRule"):
        targets = {t["address"] for t in rule["inputs"]["targets"]}
        if any("succeeded" in e for e in rule["inputs"]["eventTypeIds"]):
            assert targets == {topic_arn(name, "notice")}
        if any("failed" in e for e in rule["inputs"]["eventTypeIds"]):
            assert targets == {topic_arn(name, "alert")}


def test_every_route_publisher_may_use_the_messaging_key():
    # The messaging key admits SNS_PUBLISHERS for any topic of the account: a route whose publisher it
    # does not list would accept the publish and fail to encrypt it.
    for route, spec in ROUTE_SPECS.items():
        assert set(spec.publishers) <= set(SNS_PUBLISHERS), route
    assert ROUTE_SPECS["page"].publishers == ("cloudwatch.amazonaws.com",)  # alarms only may page
    assert [r for r, s in ROUTE_SPECS.items() if s.pages] == ["page"]


def test_the_builder_refuses_an_alarm_without_a_known_severity_or_section():
    class Owner:  # only reached after the checks
        def opts(self, **_: Any) -> None:
            raise AssertionError("unreachable")

    routes = AlertRoutes(page="p", alert="a", notice="n")
    with pytest.raises(ValueError, match="severity 'Urgent' is not one of"):
        metric_alarm(Owner(), "x", name="x", routes=routes, severity="Urgent", runbook="Key Metrics", description="d")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="runbook section 'Somewhere'"):
        metric_alarm(Owner(), "x", name="x", routes=routes, severity="Low", runbook="Somewhere", description="d")
    assert describe("CPU high.", "High", "Key Metrics") == "[High] CPU high. Runbook: Key Metrics."
    assert {routes.for_severity(s) for s in SEVERITIES} == {"p", "a", "n"}


def test_alerts_doc_is_generated_from_the_code_and_not_stale():
    text = gen_alert_routes.render({s: stack(s).resources for s in ("production", "staging")})
    assert (ROOT / "docs" / "alerts.md").read_text(encoding="utf-8") == text, "run python tools/gen_alert_routes.py"
    assert "| Critical | service down, data breach, security incident | `page` | `budgetbuddy-alarms` |" in text
    assert "| `alb-elb-5xx` | Critical | `alarms` |" in text
