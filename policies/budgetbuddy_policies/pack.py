"""Assemble the pack: the arguments ``PolicyPack`` is constructed with.

``policies/__main__.py`` passes them to ``PolicyPack`` (which starts the
analyzer server); the offline runner passes the same ones to the analyzer
servicer in-process, so both evaluate identical policies. Building them reads
``policies/exemptions.json`` and ``BUDGETBUDDY_POLICY_UNKNOWN``; a bad value of
either raises ``PackConfigError`` before anything is served.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pulumi_policy import EnforcementLevel, Policy

from . import rules  # noqa: F401  (registers every rule)
from .exemptions import Exemption, load_exemptions
from .framework import Registry, RuleContext, to_policy, unknown_mode
from .registry import REGISTRY

PACK_NAME = "budgetbuddy-aws"
PACK_DESCRIPTION = "BudgetBuddy AWS cost and compliance rules (PCI-DSS 4.0, SOC 2, HIPAA, AWS FSBP)."


def build_policies(
    exemptions: Sequence[Exemption] | None = None,
    today: dt.date | None = None,
    registry: Registry = REGISTRY,
) -> list[Policy]:
    """One pulumi_policy Policy per registered rule, exemptions applied.

    Raises PackConfigError (a bad exemptions file or BUDGETBUDDY_POLICY_UNKNOWN) here, at
    start-up, rather than from inside a rule during the first Analyze.
    """
    unknown_mode()
    if exemptions is None:
        exemptions = load_exemptions(known_rules=registry.names())
    context = RuleContext(tuple(exemptions), today or dt.date.today(), registry)
    return [to_policy(rule, context) for rule in registry]


def pack_arguments(exemptions: Sequence[Exemption] | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Keyword arguments for ``PolicyPack``."""
    return {
        "name": PACK_NAME,
        "description": PACK_DESCRIPTION,
        "enforcement_level": EnforcementLevel.ADVISORY,
        "policies": build_policies(exemptions, today),
        "provider": "aws",
        "tags": ["aws", "pci-dss-4.0", "soc2", "hipaa", "fsbp", "cost"],
    }
