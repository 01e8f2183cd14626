"""Pipeline notifications by route (AWS CodeStar Notifications; docs/alerts.md).

A failed run needs a person today: the ``alert`` route (e-mail, never a page). A successful run is
information: the ``notice`` route, which nothing that pages subscribes to. Manual approval requests
go to the approvers, who are the ops team reading the ``alert`` route (``APPROVAL_ROUTE``).

Event type ids: Developer Tools console user guide, "Events for notification rules on pipelines".
A topic's policy must let codestar-notifications.amazonaws.com publish (and, for a KMS-encrypted
topic, its key policy must let that service use the key).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.alarms import AlertRoutes, Route
from components.naming import Naming

# route -> the pipeline events sent there.
PIPELINE_EVENTS: Mapping[Route, tuple[str, ...]] = {
    "alert": ("codepipeline-pipeline-pipeline-execution-failed",),
    "notice": ("codepipeline-pipeline-pipeline-execution-succeeded",),
}
# Manual approval requests: the approvers are the ops address the alert route mails (ops@budgetbuddy.com).
APPROVAL_ROUTE: Route = "alert"
# The notification rule's name suffix per route.
RULE_SUFFIX: Mapping[Route, str] = {"alert": "failures", "notice": "successes"}


def notification_rules(
    component: str,
    naming: Naming,
    pipeline_arn: pulumi.Input[str],
    routes: AlertRoutes,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> dict[Route, aws.codestarnotifications.NotificationRule]:
    """One rule per route: ``<component>-<suffix>`` named ``naming.resource("pipeline-<suffix>")``."""
    return {
        route: aws.codestarnotifications.NotificationRule(
            f"{component}-{RULE_SUFFIX[route]}",
            name=naming.resource(f"pipeline-{RULE_SUFFIX[route]}"),
            resource=pipeline_arn,
            # FULL: the message carries the execution id and failing stage/action, not just a link.
            detail_type="FULL",
            event_type_ids=list(events),
            status="ENABLED",
            targets=[{"address": routes.route(route), "type": "SNS"}],
            tags=tags,
            opts=opts,
        )
        for route, events in PIPELINE_EVENTS.items()
    }
