"""AWS Budgets (runbook: budget alerts at 80 % and 100 %)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity, StackValidationArgs

from ..framework import of_type
from ..props import as_list, dig, is_set, number
from ..registry import REGISTRY
from .helpers import each

BUDGET = "aws:budgets/budget:Budget"


def _actual_percent_thresholds(budget: Any) -> set[float]:
    found = set()
    for n in as_list(dig(budget.props, "notifications")):
        # LESS_THAN/EQUAL_TO at 80 % would not alert when spend crosses 80 %.
        if (
            n.get("notificationType") == "ACTUAL"
            and (n.get("thresholdType") or "PERCENTAGE") == "PERCENTAGE"
            and n.get("comparisonOperator") == "GREATER_THAN"
        ):
            value = number(n.get("threshold"))
            # A topic ARN still unknown (created in this update) is a subscriber.
            if value is not None and (is_set(n, "subscriberEmailAddresses") or is_set(n, "subscriberSnsTopicArns")):
                found.add(value)
    return found


@REGISTRY.stack(
    name="aws-budgets-budget-require-cost-notifications",
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="The stack has a monthly COST budget notifying subscribers at 80 % and 100 % of actual spend.",
    severity=Severity.MEDIUM,
    remediation="Create an aws.budgets.Budget (budgetType COST, timeUnit MONTHLY) with ACTUAL PERCENTAGE "
    "GREATER_THAN notifications at each of requiredThresholds, sent to the ops email and the alarm topic.",
    controls=("cost:budget-alerts", "soc2:CC9.1"),
    config={
        "requiredThresholds": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 1,
            "default": [80, 100],
        }
    },
)
def budget_notifications(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    budgets = [b for b in of_type(args.resources, BUDGET) if dig(b.props, "budgetType") == "COST"]
    if not budgets:
        yield None, "the stack has no aws:budgets/budget:Budget with budgetType COST."
        return
    wanted = {float(t) for t in cfg["requiredThresholds"]}

    def one(budget: Any) -> Iterator[str]:
        have = _actual_percent_thresholds(budget)
        if not wanted <= have:
            yield f"ACTUAL notifications at {sorted(have)} %; need {sorted(wanted)} %."

    results = list(each(budgets, one))
    # One compliant budget satisfies the rule; otherwise report every candidate.
    if len({urn for urn, _ in results}) == len(budgets):
        yield from results
