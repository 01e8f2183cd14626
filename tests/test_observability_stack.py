"""Observability wired into the real program (stack files, upstream components) under mocks."""

from __future__ import annotations

import json

import pytest

from preview.policy.engine import evaluate
from tests.harness import run_stack

OWN_TYPES = ("budgetbuddy:observability:", "aws:cloudwatch/", "aws:sns/", "aws:budgets/", "aws:kinesis/")


@pytest.fixture(scope="module", params=["staging", "production"])
def stack(request):
    return request.param, run_stack(request.param)


def test_outputs_are_exported(stack):
    name, r = stack
    prefix = "budgetbuddy" if name == "production" else f"budgetbuddy-{name}"
    assert r.outputs["alarmTopicArn"] == f"arn:aws:sns:us-east-1:123456789012:{prefix}-alarms"
    assert r.outputs["dashboardNames"] == [f"{prefix}-application", f"{prefix}-compliance", f"{prefix}-cost"]
    assert r.outputs["budgetName"] == f"{prefix}-monthly-cost"
    assert r.outputs["logArchiveBucket"].startswith("observability-log-archive-bucket-")


def test_alarms_watch_the_real_upstream_resources(stack):
    name, r = stack
    prefix = "budgetbuddy" if name == "production" else f"budgetbuddy-{name}"
    cpu = r.inputs("aws:cloudwatch/metricAlarm:MetricAlarm", "observability-alarm-ecs-cpu-high")
    assert cpu["dimensions"] == {"ClusterName": f"{prefix}-cluster", "ServiceName": f"{prefix}-backend"}
    latency = r.inputs("aws:cloudwatch/metricAlarm:MetricAlarm", "observability-alarm-alb-p95-latency-high")
    assert latency["dimensions"]["LoadBalancer"].startswith("app/")  # the ALB's ARN suffix, not its ARN
    errors = r.inputs("aws:cloudwatch/logMetricFilter:LogMetricFilter", "observability-app-errors")
    assert errors["logGroupName"] == f"/aws/ecs/{prefix}-cluster"
    trail = r.inputs("aws:cloudwatch/logGroup:LogGroup", "security-trail")["name"]
    cis = [f for f in r.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter") if "-cis-" in f["name"]]
    assert len(cis) == 14 and {f["inputs"]["logGroupName"] for f in cis} == {trail}


def test_dashboards_show_compute_rollback_alarms(stack):
    _, r = stack
    app = next(d for d in r.of_type("aws:cloudwatch/dashboard:Dashboard") if d["name"].endswith("application"))
    body = json.loads(app["inputs"]["dashboardBody"])
    shown = {a for w in body["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]}
    compute_alarms = {
        a["inputs"]["name"]
        for a in r.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a["name"].startswith("compute")
    }
    assert compute_alarms and all(any(s.endswith(f":alarm:{n}") for s in shown) for n in compute_alarms)


def test_budget_and_policies_on_observability_resources(stack):
    name, r = stack
    budget = r.inputs("aws:budgets/budget:Budget")
    assert budget["limitAmount"] == {"production": "5000.00", "staging": "1000.00"}[name]
    report = evaluate(r.resources, stack=name)
    own = {x["urn"] for x in r.resources if x["type"].startswith(OWN_TYPES) and "observability" in x["urn"]}
    assert own
    mine = [v for v in report.violations if v.urn in own or v.rule.startswith("aws-budgets")]
    assert mine == [], [(v.rule, v.message) for v in mine]
