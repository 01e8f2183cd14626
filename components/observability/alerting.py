"""Alert channels (runbook "Alert Channels").

One SNS topic (``budgetbuddy-alarms`` in production), encrypted with the messaging CMK, that
CloudWatch alarms, AWS Budgets, EventBridge rules and CodeStar notifications may publish to, each
only on behalf of this account. Subscribers: the ops email and, optionally, PagerDuty over HTTPS.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.iam import Statement, policy_document
from components.observability.contract import AlertingInputs, AlertingOutputs
from components.observability.settings import AlertingSettings
from components.outputs import exported

# Services that publish alarms, budget alerts, events and pipeline notifications to the topic.
# The messaging key policy (Security, keys.messaging) admits the same principals.
PUBLISHERS: tuple[str, ...] = (
    "cloudwatch.amazonaws.com",
    "budgets.amazonaws.com",
    "events.amazonaws.com",
    "codestar-notifications.amazonaws.com",
)


class Alerting(Component):
    """The alarm topic and its subscriptions. ``topic`` is the aws.sns.Topic."""

    def __init__(
        self,
        name: str,
        settings: AlertingSettings,
        inputs: AlertingInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:observability:Alerting", name, ctx, opts)
        topic_name = ctx.naming.alarm_topic
        self.topic = aws.sns.Topic(
            self.child_name("topic"),
            name=topic_name,  # runbook: "SNS: budgetbuddy-alarms topic"
            kms_master_key_id=inputs.messaging_key_arn,
            tags=self.tags_with(Name=topic_name),
            opts=self.opts(delete_before_replace=True),
        )
        self.topic_policy = aws.sns.TopicPolicy(
            self.child_name("topic"),
            arn=self.topic.arn,
            policy=topic_policy(self.topic.arn, ctx.account_id, ctx.partition),
            opts=self.opts(),
        )
        self.email_subscription = aws.sns.TopicSubscription(
            self.child_name("email"),
            topic=self.topic.arn,
            protocol="email",  # pending until the mailbox confirms (AWS sends the confirmation mail)
            endpoint=settings.alert_email,
            opts=self.opts(),
        )
        self.pagerduty_subscription: aws.sns.TopicSubscription | None = None
        if settings.pagerduty_endpoint is not None:
            self.pagerduty_subscription = aws.sns.TopicSubscription(
                self.child_name("pagerduty"),
                topic=self.topic.arn,
                protocol="https",
                # The integration key is part of the URL: keep it encrypted in state.
                endpoint=pulumi.Output.secret(settings.pagerduty_endpoint),
                endpoint_auto_confirms=True,  # PagerDuty confirms the subscription itself
                opts=self.opts(),
            )
        self.outputs = AlertingOutputs(alarm_topic_arn=self.topic.arn)
        # Registered under the name the stack exports (alarmTopicArn): one name per value.
        self.register_outputs(self.stack_outputs())

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Observability")."""
        return exported(self.outputs)


def topic_policy(
    topic_arn: pulumi.Input[str], account_id: pulumi.Input[str], partition: str = "aws"
) -> pulumi.Output[str]:
    """Publishing rights for the alerting services, each confined to this account; TLS only."""
    statements: list[Statement] = [
        {
            "Sid": "AllowAlertingServicesPublish",
            "Effect": "Allow",
            "Principal": {"Service": list(PUBLISHERS)},
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
