"""Governance of the pack itself: exemptions are visible and expire."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    Severity,
    StackValidationArgs,
)

from ..exemptions import Exemption
from ..framework import RuleContext, current_stack
from ..registry import REGISTRY


def exemption_targets(
    exemption: Exemption,
    resources: list[PolicyResource],
    context: RuleContext,
    stack: str | None,
) -> list[PolicyResource]:
    """Resources of this stack that the exemption would excuse from its rule."""
    if exemption.rule not in context.registry.names():
        return []
    meta = context.registry[exemption.rule].meta
    return [
        r
        for r in resources
        if exemption.matches(exemption.rule, r.resource_type, r.name, stack)
        and (meta.stack or r.resource_type in meta.resource_types)
    ]


@REGISTRY.stack(
    name="aws-governance-exemption-disallow-expired",
    kind="governance",
    description="No exemption that applies to this stack may be past its expiry date.",
    severity=Severity.HIGH,
    remediation="Fix the resource so the rule passes and delete the exemption, or renew it in "
    "policies/exemptions.json with a new justification, approver and expiry.",
    controls=("soc2:CC3.4", "pci-dss-4.0:12.3.4"),
    wants_context=True,
)
def expired(
    args: StackValidationArgs, cfg: Mapping[str, Any], context: RuleContext
) -> Iterator[tuple[str | None, str]]:
    stack = current_stack()
    for exemption in context.exemptions:
        if exemption.applies_to_stack(stack) and exemption.expired(context.today):
            targets = exemption_targets(exemption, list(args.resources), context, stack)
            urn = targets[0].urn if targets else None
            yield (
                urn,
                f"exemption expired on {exemption.expires}: {exemption.describe()}",
            )


@REGISTRY.stack(
    name="aws-governance-exemption-require-review",
    kind="governance",
    enforcement=EnforcementLevel.ADVISORY,
    description="Lists every exemption in use in this stack, with its justification and expiry, for review.",
    severity=Severity.LOW,
    remediation="Review each listed exemption at the quarterly SOC 2 review; remove those no longer needed.",
    controls=("soc2:CC3.4", "pci-dss-4.0:12.3.4"),
    wants_context=True,
)
def in_use(args: StackValidationArgs, cfg: Mapping[str, Any], context: RuleContext) -> Iterator[tuple[str | None, str]]:
    stack = current_stack()
    for exemption in context.exemptions:
        if exemption.expired(context.today):
            continue
        for target in exemption_targets(exemption, list(args.resources), context, stack):
            yield target.urn, f"exemption in use: {exemption.describe()}"
