"""The one CloudWatch alarm builder: every component's alarms (compute's deployment alarms, the
runbook's application alarms, the CIS security alarms) are created by ``metric_alarm``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component


def metric_alarm(
    owner: Component,
    resource_name: str,
    *,
    name: str,
    topic_arn: pulumi.Input[str],
    tags: Mapping[str, str] | None = None,
    **alarm: Any,
) -> aws.cloudwatch.MetricAlarm:
    """The alarm ``name`` (a physical name from ``Naming``), a child of ``owner``, notifying ``topic_arn``
    on ALARM and on OK. ``alarm``: the metric, threshold and evaluation (MetricAlarm arguments);
    ``tags``: the owner's tags with ``Name`` unless given."""
    return aws.cloudwatch.MetricAlarm(
        resource_name,
        name=name,
        actions_enabled=True,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        tags=dict(tags) if tags is not None else owner.tags_with(Name=name),
        # Every alarm is named, and PutMetricAlarm creates or overwrites the alarm of that name. A
        # create-before-delete replacement would write the new alarm over the old one, then delete the
        # old one by name, i.e. the alarm just written: delete first.
        opts=owner.opts(delete_before_replace=True),
        **alarm,
    )
