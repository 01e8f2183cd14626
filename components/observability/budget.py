"""Cost controls (runbook "Cost Monitoring").

A monthly COST budget filtered to this environment's cost-allocation tag, with notifications at
80 % and 100 % of actual and 100 % of forecasted spend to the ops email (never a topic: a budget
notice is not an incident, docs/alerts.md); and
the Environment, Service and Team cost allocation tags activated so the filter sees the spend.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

from components.base import Component
from components.naming import TAG_KEYS


@dataclass(frozen=True)
class Notification:
    kind: str  # ACTUAL | FORECASTED
    percent: float


# Runbook "Budget Alerts: 80% and 100% thresholds", plus an early warning on the forecast.
NOTIFICATIONS: tuple[Notification, ...] = (
    Notification("ACTUAL", 80),
    Notification("ACTUAL", 100),
    Notification("FORECASTED", 100),
)


def tag_filter_value(environment: str) -> str:
    """Budgets filter user-defined cost allocation tags as ``user:<key>$<value>``."""
    return f"user:Environment${environment}"


def create_budget(
    owner: Component,
    *,
    limit_usd: float,
    environment: str,
    email: str,
) -> aws.budgets.Budget:
    if limit_usd <= 0:
        raise ValueError(f"monthlyBudgetUsd={limit_usd!r} must be greater than 0")
    name = owner.naming.resource("monthly-cost")
    return aws.budgets.Budget(
        owner.child_name("budget"),
        name=name,
        budget_type="COST",
        time_unit="MONTHLY",
        limit_amount=f"{limit_usd:.2f}",
        limit_unit="USD",
        cost_filters=[{"name": "TagKeyValue", "values": [tag_filter_value(environment)]}],
        notifications=[
            {
                "comparison_operator": "GREATER_THAN",
                "notification_type": n.kind,
                "threshold": n.percent,
                "threshold_type": "PERCENTAGE",
                "subscriber_email_addresses": [email],
            }
            for n in NOTIFICATIONS
        ],
        tags=owner.tags_with(Name=name),
        opts=owner.opts(delete_before_replace=True),
    )


def activate_cost_allocation_tags(owner: Component) -> dict[str, aws.costexplorer.CostAllocationTag]:
    """Environment, Service, Team. Account-wide settings: retained on delete so destroying one stack
    never deactivates the tags another stack's budget filters on."""
    return {
        key: aws.costexplorer.CostAllocationTag(
            owner.child_name(f"cost-tag-{key.lower()}"),
            tag_key=key,
            status="Active",
            opts=owner.opts(retain_on_delete=True),
        )
        for key in TAG_KEYS
    }
