"""Monthly cost estimate of an offline preview recording (us-east-1 list prices, stated assumptions).

API (for preview.pipeline; the views are in preview.report.cost):

    estimate(resources: list[dict], stack: str, assumptions: UsageAssumptions | None = None,
             prices: PriceTable = PRICES) -> CostReport
        resources: the ``--json`` dump's "resources" (engine camelCase inputs; unknowns and secrets in the
        engine's encoding). Never raises on odd input: unknown values become ``report.unknowns``,
        unpriceable resources ``report.warnings``. ``assumptions`` default: ``for_stack(stack)``.
    to_json(report) -> dict          machine-readable (rounded USD): the dump's "cost"
    CostReport: .items (LineItem), .total, .total_max, .fixed_total, .usage_total, .budget,
        .budget_percent, .budget_percent_max, .unknowns, .warnings, .comparisons, .no_direct_charge,
        .not_modeled, .by_category()
    UsageAssumptions / for_stack(stack, *overrides); PriceTable / PRICES (the single price table, with date and sources)
    read_overrides(files, assume) -> overrides   ``--assumptions FILE`` / ``--assume KEY=VALUE``, validated;
                                                 raises AssumptionError (a ValueError: exit 2) naming key and value

Typical wiring:  overrides = cost.read_overrides(args.assumptions, args.assume)   # before running the program
                 usage = cost.for_stack(doc["stack"], *overrides)
                 report = cost.estimate(doc["resources"], doc["stack"], usage)
"""

from __future__ import annotations

from preview.cost.assumptions import (
    PRODUCTION,
    STAGING,
    AssumptionError,
    UsageAssumptions,
    for_stack,
    read_overrides,
    resolve,
)
from preview.cost.estimate import estimate
from preview.cost.model import Budget, CostReport, LineItem, UnknownInput
from preview.cost.prices import HOURS_PER_MONTH, PRICES, PriceTable
from preview.cost.serialize import to_json

__all__ = [
    "HOURS_PER_MONTH",
    "PRICES",
    "PRODUCTION",
    "STAGING",
    "AssumptionError",
    "Budget",
    "CostReport",
    "LineItem",
    "PriceTable",
    "UnknownInput",
    "UsageAssumptions",
    "estimate",
    "for_stack",
    "read_overrides",
    "resolve",
    "to_json",
]
