"""The one alarm builder (components/alarms.py): every CloudWatch alarm of both stacks is named,
notifies the alarm topic, and is replaced delete-first (PutMetricAlarm overwrites by name)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.harness import ROOT, run_stack

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.mark.parametrize("name", ["production", "staging"])
def test_every_alarm_is_named_and_replaced_delete_first(name):
    alarms = run_stack(name).of_type(ALARM)
    assert len(alarms) > 20  # runbook, CIS and deployment alarms
    for alarm in alarms:
        assert alarm["inputs"]["name"], alarm["name"]
        assert alarm["deleteBeforeReplace"] is True, (
            f"{alarm['name']}: a named alarm must be deleted before replacement"
        )
        topic = alarm["inputs"]["alarmActions"]
        assert topic == alarm["inputs"]["okActions"] and len(topic) == 1, alarm["name"]


def test_no_component_builds_an_alarm_but_the_builder():
    """MetricAlarm is constructed in components/alarms.py only."""
    offenders = []
    for path in sorted((ROOT / "components").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "MetricAlarm"
                and Path(path).relative_to(ROOT).as_posix() != "components/alarms.py"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
