"""What a missing datapoint means for each alarm: the data of the rule
``aws-cloudwatch-metricalarm-configure-missing-data`` and of the table in docs/decisions.md
("Alarms: what a missing datapoint means"), which tests/policies/test_policy_rules_runbook.py checks
against this module row by row.

A metric published only when something happens (requests, throttles, errors, blocks, matched log
events) is quiet when absent: ``notBreaching``. A heartbeat that must arrive is ``breaching``. A gap
that says nothing about the measure is ``missing``. A treatment other than the row's would either
page on every quiet night or, worse, hide an outage of what the alarm watches.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

TREATMENTS = ("breaching", "notBreaching", "ignore", "missing")


@dataclass(frozen=True)
class MissingData:
    label: str  # the first cell of the docs/decisions.md row, verbatim
    patterns: tuple[str, ...]  # globs on the alarm's name after the stack prefix
    treatment: str


TABLE: tuple[MissingData, ...] = (
    MissingData("`alb-request-count-anomaly`", ("alb-request-count-anomaly",), "notBreaching"),
    MissingData(
        "`alb-p95-latency-high`, `alb-5xx-error-rate`", ("alb-p95-latency-high", "alb-5xx-error-rate"), "notBreaching"
    ),
    MissingData("`alb-elb-5xx`", ("alb-elb-5xx",), "notBreaching"),
    MissingData("`unhealthy-hosts-blue` / `-green`", ("unhealthy-hosts-blue", "unhealthy-hosts-green"), "notBreaching"),
    MissingData("`app-error-count-high`", ("app-error-count-high",), "notBreaching"),
    MissingData(
        "DynamoDB throttle events and throttled requests",
        ("dynamodb-*-read-throttles", "dynamodb-*-write-throttles", "dynamodb-*-throttled-requests"),
        "notBreaching",
    ),
    MissingData("`backup-jobs-failed`", ("backup-jobs-failed",), "notBreaching"),
    MissingData("CIS filters (`cis-*`)", ("cis-*",), "notBreaching"),
    MissingData("`waf-blocked-requests-spike`", ("waf-blocked-requests-spike",), "notBreaching"),
    MissingData("`ecs-cpu-high`, `ecs-memory-high`", ("ecs-cpu-high", "ecs-memory-high"), "missing"),
    MissingData("`cloudtrail-delivery-stopped` (new)", ("cloudtrail-delivery-stopped",), "breaching"),
)


def entry_for(alarm_name: str) -> MissingData | None:
    """The row for a physical alarm name (``<stack prefix>-<key>``), or None when none matches."""
    for row in TABLE:
        if any(fnmatch.fnmatchcase(alarm_name, f"*-{p}") or alarm_name == p for p in row.patterns):
            return row
    return None
