"""Missing-data treatment of every alarm both stacks create (components/observability/alarms.py).

What a missing datapoint means decides the treatment: a metric published only when something
happens (requests, throttles, errors, blocks, matched log events) is quiet, so ``notBreaching``; a
heartbeat that must arrive is ``breaching``; a gap that says nothing about the measure is ``missing``.
"""

from __future__ import annotations

from functools import cache

import pytest

from components.observability.security_alarms import CIS_CHECKS
from tests.harness import Result, run_stack

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
PREFIX = {"production": "budgetbuddy-", "staging": "budgetbuddy-staging-"}

# Alarm name (after the stack prefix) -> treatment. Every alarm of both stacks must be listed.
EXPECTED: dict[str, str] = {
    # ECS publishes each minute while a task runs; a gap is no task, which says nothing about load.
    "ecs-cpu-high": "missing",
    "ecs-memory-high": "missing",
    # ALB metrics exist only when requests arrive: an idle API is not slow, anomalous or failing.
    "alb-p95-latency-high": "notBreaching",
    "alb-request-count-anomaly": "notBreaching",
    "alb-5xx-error-rate": "notBreaching",
    "alb-elb-5xx": "notBreaching",
    # An idle target group (no registered targets) has nothing unhealthy.
    "unhealthy-hosts-blue": "notBreaching",
    "unhealthy-hosts-green": "notBreaching",
    # Published only when something happens: no ERROR lines, no failed jobs, no throttling, no blocks.
    "app-error-count-high": "notBreaching",
    "backup-jobs-failed": "notBreaching",
    "waf-blocked-requests-spike": "notBreaching",
    **{
        f"dynamodb-{table}-{kind}": "notBreaching"
        for table in ("users", "transactions")
        for kind in ("read-throttles", "write-throttles", "throttled-requests")
    },
    # CIS metric filters publish on matching CloudTrail events only.
    **{f"cis-{c.key}": "notBreaching" for c in CIS_CHECKS},
    # The trail's events are a heartbeat: silence is the failure (CIS alarms gone blind).
    "cloudtrail-delivery-stopped": "breaching",
}


@cache
def stack(name: str) -> Result:
    return run_stack(name)


def _alarms(name: str) -> dict[str, dict]:
    out = {}
    for a in stack(name).of_type(ALARM):
        physical = a["inputs"]["name"]
        assert physical.startswith(PREFIX[name]), physical
        out[physical.removeprefix(PREFIX[name])] = a["inputs"]
    return out


@pytest.mark.parametrize("name", ["production", "staging"])
def test_every_alarm_has_an_explicit_treatment(name):
    alarms = _alarms(name)
    unset = [k for k, a in alarms.items() if "treatMissingData" not in a]
    assert not unset, f"alarms left to the AWS default: {unset}"
    unlisted = sorted(set(alarms) - set(EXPECTED))
    assert not unlisted, f"decide and list the missing-data treatment of {unlisted}"


@pytest.mark.parametrize("name", ["production", "staging"])
@pytest.mark.parametrize("alarm", sorted(EXPECTED))
def test_missing_data_treatment(name, alarm):
    alarms = _alarms(name)
    assert alarm in alarms, f"{name} has no alarm {alarm}"
    assert alarms[alarm]["treatMissingData"] == EXPECTED[alarm]


def test_trail_heartbeat_watches_the_trail_log_group():
    r = stack("production")
    alarm = r.inputs(ALARM, "observability-alarm-cloudtrail-delivery-stopped")
    assert (alarm["namespace"], alarm["metricName"], alarm["statistic"]) == ("AWS/Logs", "IncomingLogEvents", "Sum")
    assert alarm["dimensions"] == {"LogGroupName": r.outputs["trailLogGroupName"]}
    assert (alarm["comparisonOperator"], alarm["threshold"], alarm["period"]) == ("LessThanThreshold", 1, 3600)
    # High: the CIS alarms are blind, nothing is down yet (docs/alerts.md).
    assert alarm["alarmActions"] == alarm["okActions"] == [r.outputs["alertTopicArn"]]
