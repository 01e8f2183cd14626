"""Alert channels (runbook "Alert Channels", "Severity Levels"): one SNS topic per route.

``page`` is the runbook's ``budgetbuddy-alarms`` (Critical alarms; email and, optionally,
PagerDuty), ``alert`` (High and Medium alarms, failed pipeline runs, manual approvals) and
``notice`` (Low alarms, successful pipeline runs) mail the ops address and never page. Every
topic is encrypted with the messaging CMK; its policy lets only the services that publish to that
route do so, each only on behalf of this account. docs/alerts.md lists what goes where.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.alarms import ROUTES, Route
from components.base import Component, StackContext
from components.iam import Statement, policy_document
from components.observability.contract import AlertingInputs, AlertingOutputs
from components.observability.settings import AlertingSettings
from components.outputs import exported

CLOUDWATCH = "cloudwatch.amazonaws.com"  # alarms
EVENTS = "events.amazonaws.com"  # EventBridge rules (failed backups, threat findings)
CODESTAR = "codestar-notifications.amazonaws.com"  # pipeline notifications


@dataclass(frozen=True)
class RouteSpec:
    """What one route is for, who may publish to it and whether PagerDuty subscribes."""

    purpose: str
    publishers: tuple[str, ...]
    pages: bool = False


# The messaging key policy (components/kms.py SNS_PUBLISHERS) admits every publisher listed here;
# tests/test_alert_routes.py fails when a route names one it does not.
ROUTE_SPECS: dict[Route, RouteSpec] = {
    "page": RouteSpec("Critical alarms: the on-call engineer is paged", (CLOUDWATCH,), pages=True),
    "alert": RouteSpec(
        "High and Medium alarms, failed backups and threat findings, failed pipeline runs, manual approvals",
        (CLOUDWATCH, EVENTS, CODESTAR),
    ),
    "notice": RouteSpec("Low alarms and successful pipeline runs: read when convenient", (CLOUDWATCH, CODESTAR)),
}


def topic_name(route: Route, ctx: StackContext) -> str:
    n = ctx.naming
    return {"page": n.alarm_topic, "alert": n.alert_topic, "notice": n.notice_topic}[route]


class Alerting(Component):
    """One topic per route (``topics``; ``topic`` is the paging one) and their subscriptions."""

    def __init__(
        self,
        name: str,
        settings: AlertingSettings,
        inputs: AlertingInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:observability:Alerting", name, ctx, opts)
        self.topics: dict[Route, aws.sns.Topic] = {}
        self.subscriptions: dict[str, aws.sns.TopicSubscription] = {}
        for route in ROUTES:
            spec = ROUTE_SPECS[route]
            # The paging topic keeps its original logical names ("topic", "email", "pagerduty"): no replacement.
            key = "" if route == "page" else f"{route}-"
            tname = topic_name(route, ctx)  # page: runbook "SNS: budgetbuddy-alarms topic"
            topic = aws.sns.Topic(
                self.child_name(f"{key}topic"),
                name=tname,
                kms_master_key_id=inputs.messaging_key_arn,
                tags=self.tags_with(Name=tname),
                opts=self.opts(delete_before_replace=True),
            )
            aws.sns.TopicPolicy(
                self.child_name(f"{key}topic"),
                arn=topic.arn,
                policy=topic_policy(topic.arn, ctx.account_id, ctx.partition, spec.publishers),
                opts=self.opts(),
            )
            self.subscriptions[f"{route}-email"] = aws.sns.TopicSubscription(
                self.child_name(f"{key}email"),
                topic=topic.arn,
                protocol="email",  # pending until the mailbox confirms (AWS sends the confirmation mail)
                endpoint=settings.alert_email,
                opts=self.opts(),
            )
            if spec.pages and settings.pagerduty_endpoint is not None:
                self.subscriptions[f"{route}-pagerduty"] = aws.sns.TopicSubscription(
                    self.child_name(f"{key}pagerduty"),
                    topic=topic.arn,
                    protocol="https",
                    # The integration key is part of the URL: keep it encrypted in state.
                    endpoint=pulumi.Output.secret(settings.pagerduty_endpoint),
                    endpoint_auto_confirms=True,  # PagerDuty confirms the subscription itself
                    opts=self.opts(),
                )
            self.topics[route] = topic
        self.topic = self.topics["page"]
        self.outputs = AlertingOutputs(
            alarm_topic_arn=self.topics["page"].arn,
            alert_topic_arn=self.topics["alert"].arn,
            notice_topic_arn=self.topics["notice"].arn,
        )
        # Registered under the names the stack exports (alarmTopicArn, ...): one name per value.
        self.register_outputs(self.stack_outputs())

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Observability")."""
        return exported(self.outputs)


def topic_policy(
    topic_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    partition: str = "aws",
    publishers: tuple[str, ...] = (CLOUDWATCH,),
) -> pulumi.Output[str]:
    """Publishing rights for the route's services, each confined to this account; TLS only."""
    statements: list[Statement] = [
        {
            "Sid": "AllowAlertingServicesPublish",
            "Effect": "Allow",
            "Principal": {"Service": list(publishers)},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            # Confused-deputy protection: only on behalf of resources in this account.
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
        {
            "Sid": "AllowAccountManage",
            "Effect": "Allow",
            "Principal": {"AWS": pulumi.Output.concat("arn:", partition, ":iam::", account_id, ":root")},
            "Action": [
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:ListSubscriptionsByTopic",
                "sns:Publish",
            ],
            "Resource": topic_arn,
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]
    return policy_document(*statements)
