"""Every dashboard body of both real stacks renders and points only at what the stack creates.

CloudWatch runs one GetMetricData call per widget and a call may hold only one Metrics Insights
(``SELECT``) query; widgets live on a 24-column grid. What a stack "creates" is replayed from the
recording through the preview's own mocks (the same deterministic names and ARNs the program saw),
so a widget naming a table, log group, alarm or metric of another stack fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pulumi
import pytest

from components.observability.dashboards import Expression, MetricWidget, is_metrics_insights
from preview.mocks import PlatformMocks
from tests.harness import Result, run_stack

STACKS = ("staging", "production")
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


@dataclass
class Created:
    """Names, ARNs and metric dimension values of one stack's resources."""

    region: str
    values: dict[str, set[str]] = field(default_factory=dict)  # dimension / query key -> allowed values
    log_groups: set[str] = field(default_factory=set)
    alarm_arns: set[str] = field(default_factory=set)
    custom_metrics: set[tuple[str, str]] = field(default_factory=set)  # (namespace, name) from metric filters

    def add(self, key: str, value: Any) -> None:
        self.values.setdefault(key, set()).add(str(value))


def _replay(result: Result) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(recorded resource, the state the mocks returned for it), providers first."""
    mocks = PlatformMocks(region=result.outputs["region"])
    ordered = sorted(result.custom(), key=lambda r: not r["type"].startswith("pulumi:providers:"))
    for res in ordered:
        args = pulumi.runtime.MockResourceArgs(
            res["type"], res["name"], res["inputs"], res["provider"] or None, None, res["custom"]
        )
        _, state = mocks.new_resource(args)
        yield res, state


@cache
def stack(name: str) -> Result:
    return run_stack(name)


@cache
def created(name: str) -> Created:
    r = stack(name)
    c = Created(region=r.outputs["region"])
    c.add("Region", c.region)
    c.add("Currency", "USD")  # AWS/Billing: the account's charges, in the only currency it reports
    for res, state in _replay(r):
        t = res["type"]
        if t == "aws:ecs/cluster:Cluster":
            c.add("ClusterName", state["name"])
        elif t == "aws:ecs/service:Service":
            c.add("ServiceName", state["name"])
        elif t == "aws:lb/loadBalancer:LoadBalancer":
            c.add("LoadBalancer", state["arnSuffix"])
        elif t == "aws:lb/targetGroup:TargetGroup":
            c.add("TargetGroup", state["arnSuffix"])
        elif t == "aws:dynamodb/table:Table":
            c.add("TableName", state["name"])
        elif t == "aws:cloudwatch/logGroup:LogGroup":
            c.log_groups.add(state["name"])
            c.add("LogGroupName", state["name"])
        elif t == "aws:cloudwatch/metricAlarm:MetricAlarm":
            c.alarm_arns.add(state["arn"])
        elif t == "aws:cloudwatch/eventRule:EventRule":
            c.add("RuleName", state["name"])
        elif t == "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
            c.add("DeliveryStreamName", state["name"])
        elif t == "aws:backup/vault:Vault":
            c.add("BackupVaultName", state["name"])
        elif t == "aws:wafv2/webAcl:WebAcl":
            c.add("WebACL", state["name"])
            c.add("Rule", "ALL")
            for rule in res["inputs"]["rules"]:
                c.add("Rule", rule["visibilityConfig"]["metricName"])
        elif t == "aws:cloudwatch/logMetricFilter:LogMetricFilter":
            mt = res["inputs"]["metricTransformation"]
            c.custom_metrics.add((mt["namespace"], mt["name"]))
    return c


def bodies(name: str) -> dict[str, dict[str, Any]]:
    return {
        d["inputs"]["dashboardName"]: json.loads(d["inputs"]["dashboardBody"]) for d in stack(name).of_type(DASHBOARD)
    }


def widgets(name: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for dash, body in sorted(bodies(name).items()):
        for i, w in enumerate(body["widgets"]):
            yield dash, i + 1, w  # 1-based, as the console numbers them


def _expressions(w: dict[str, Any]) -> list[str]:
    return [m[0]["expression"] for m in w["properties"].get("metrics", []) if isinstance(m[0], dict)]


# ---- rendering -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STACKS)
def test_both_stacks_have_the_three_dashboards(name):
    prefix = "budgetbuddy" if name == "production" else "budgetbuddy-staging"
    assert set(bodies(name)) == {f"{prefix}-{k}" for k in ("application", "compliance", "cost")}


@pytest.mark.parametrize("name", STACKS)
def test_at_most_one_metrics_insights_query_per_widget(name):
    seen = 0
    for dash, i, w in widgets(name):
        selects = [e for e in _expressions(w) if is_metrics_insights(e)]
        assert len(selects) <= 1, f"{dash} widget {i} ({w['properties'].get('title')}): {selects}"
        seen += len(selects)
    # Two tables' ThrottledRequests plus completed and failed backup jobs: each in a widget of its own.
    assert seen == 4


@pytest.mark.parametrize("name", STACKS)
def test_widgets_fit_the_24_column_grid_without_overlapping(name):
    for dash, body in bodies(name).items():
        cells: dict[tuple[int, int], int] = {}
        for i, w in enumerate(body["widgets"], start=1):
            assert w["x"] >= 0 and w["y"] >= 0 and w["width"] >= 1 and w["height"] >= 1, (dash, i)
            assert w["x"] + w["width"] <= 24, f"{dash} widget {i} ends at column {w['x'] + w['width']}"
            for col in range(w["x"], w["x"] + w["width"]):
                for row in range(w["y"], w["y"] + w["height"]):
                    assert (col, row) not in cells, f"{dash} widget {i} overlaps widget {cells[(col, row)]}"
                    cells[(col, row)] = i


def test_a_widget_with_two_metrics_insights_queries_is_refused():
    q = "SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = '{}'"
    with pytest.raises(ValueError, match="2 Metrics Insights queries"):
        MetricWidget("t", (Expression(q.format("a"), "a", "a"), Expression(q.format("b"), "b", "b")), "us-east-1")
    MetricWidget("t", (Expression(q.format("a"), "a", "a"), Expression("a * 2", "b", "b")), "us-east-1")


# ---- references --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", STACKS)
def test_every_metric_dimension_is_a_resource_of_this_stack(name):
    c = created(name)
    checked = 0
    for dash, i, w in widgets(name):
        if w["type"] != "metric":
            continue
        assert w["properties"]["region"] in {c.region, "us-east-1"}, (dash, i)
        for m in w["properties"]["metrics"]:
            if isinstance(m[0], dict):
                continue
            namespace, metric = m[0], m[1]
            dims = m[2:-1] if isinstance(m[-1], dict) else m[2:]
            if not namespace.startswith("AWS/") and not namespace.startswith("ECS/"):
                assert (namespace, metric) in c.custom_metrics, f"{dash} widget {i}: {namespace}/{metric}"
            for key, value in zip(dims[::2], dims[1::2], strict=True):
                assert key in c.values, f"{dash} widget {i}: unexpected dimension {key}"
                assert value in c.values[key], f"{dash} widget {i}: {key}={value} is not created by {name}"
                checked += 1
    assert checked > 30


@pytest.mark.parametrize("name", STACKS)
def test_metrics_insights_queries_filter_on_created_names(name):
    c = created(name)
    for dash, i, w in widgets(name):
        for e in _expressions(w):
            if not is_metrics_insights(e):
                continue
            filters = re.findall(r"(\w+) = '([^']*)'", e)
            assert filters, f"{dash} widget {i}: an unfiltered query reads other stacks' metrics: {e}"
            for key, value in filters:
                assert value in c.values.get(key, set()), f"{dash} widget {i}: {key}={value}"


@pytest.mark.parametrize("name", STACKS)
def test_log_widgets_read_created_log_groups(name):
    c = created(name)
    groups = []
    for dash, i, w in widgets(name):
        if w["type"] == "log":
            found = re.findall(r"SOURCE '([^']+)'", w["properties"]["query"])
            assert found, (dash, i)
            groups += found
    assert groups and set(groups) <= c.log_groups, set(groups) - c.log_groups


@pytest.mark.parametrize("name", STACKS)
def test_alarm_widgets_show_created_alarms_and_every_alarm_is_shown(name):
    c = created(name)
    shown = [a for _, _, w in widgets(name) if w["type"] == "alarm" for a in w["properties"]["alarms"]]
    assert set(shown) <= c.alarm_arns, set(shown) - c.alarm_arns
    assert set(shown) == c.alarm_arns  # no alarm missing from the dashboards
