"""The Alerting and Observability contracts: what each takes from other components and what it gives.

Inputs hold only outputs of other components (literal strings in tests); settings come from
``AlertingSettings`` / ``ObservabilitySettings``, names from ``ctx.naming``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.alarms import AlertRoutes
from components.outputs import stack_output


@dataclass(frozen=True)
class AlertingInputs:
    """messaging_key_arn: the CMK the alarm topic is encrypted with."""

    messaging_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class AlertingOutputs:
    """One topic per route (docs/alerts.md): ``alarm_topic_arn`` pages (Critical), ``alert_topic_arn``
    mails ops (High, Medium, pipeline failures, approvals), ``notice_topic_arn`` mails what needs no
    action soon (Low, successful deployments)."""

    alarm_topic_arn: pulumi.Output[str] = field(metadata=stack_output("alarmTopicArn"))
    alert_topic_arn: pulumi.Output[str] = field(metadata=stack_output("alertTopicArn", since="1.1.0"))
    notice_topic_arn: pulumi.Output[str] = field(metadata=stack_output("noticeTopicArn", since="1.1.0"))

    @property
    def routes(self) -> AlertRoutes:
        return AlertRoutes(page=self.alarm_topic_arn, alert=self.alert_topic_arn, notice=self.notice_topic_arn)


@dataclass(frozen=True)
class ObservabilityInputs:
    """Upstream outputs (names and ARNs) this component watches."""

    routes: AlertRoutes
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    alb_arn_suffix: pulumi.Input[str]
    target_group_arn_suffixes: Sequence[pulumi.Input[str]]  # production, alternate
    table_names: Mapping[str, pulumi.Input[str]]  # base name -> physical name
    app_log_group_name: pulumi.Input[str]
    trail_log_group_name: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    storage_key_arn: pulumi.Input[str]
    log_bucket_name: pulumi.Input[str]
    backup_vault_name: pulumi.Input[str]
    deployment_alarm_arns: Sequence[pulumi.Input[str]] = ()
    # The WAF web ACL's name (AWS/WAFV2 WebACL dimension) and its rules' metric names; None: no WAF.
    web_acl_name: pulumi.Input[str] | None = None
    waf_rule_names: Sequence[str] = ()

    def __post_init__(self) -> None:
        if not self.table_names:
            raise ValueError("ObservabilityInputs.table_names must name at least one table")


@dataclass(frozen=True)
class ObservabilityOutputs:
    """What Observability gives the stack (docs/outputs.md, "## Observability")."""

    dashboard_names: pulumi.Output[list[str]] = field(
        metadata=stack_output("dashboardNames")
    )  # application, compliance, cost
    budget_name: pulumi.Output[str] = field(metadata=stack_output("budgetName"))
    log_archive_bucket: pulumi.Output[str] = field(metadata=stack_output("logArchiveBucket"))
