"""Pipeline failures and successes to the alarm topic (AWS CodeStar Notifications).

Event type ids: Developer Tools console user guide, "Events for notification rules on pipelines".
The topic's policy must let codestar-notifications.amazonaws.com publish (and, for a
KMS-encrypted topic, its key policy must let that service use the key).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

PIPELINE_EVENTS: tuple[str, ...] = (
    "codepipeline-pipeline-pipeline-execution-failed",
    "codepipeline-pipeline-pipeline-execution-succeeded",
)


def notification_rule(
    resource_name: str,
    name: str,
    pipeline_arn: pulumi.Input[str],
    topic_arn: pulumi.Input[str],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.codestarnotifications.NotificationRule:
    return aws.codestarnotifications.NotificationRule(
        resource_name,
        name=name,
        resource=pipeline_arn,
        # FULL: the message carries the execution id and failing stage/action, not just a link.
        detail_type="FULL",
        event_type_ids=list(PIPELINE_EVENTS),
        status="ENABLED",
        targets=[{"address": topic_arn, "type": "SNS"}],
        tags=tags,
        opts=opts,
    )
