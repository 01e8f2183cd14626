"""Monthly cost estimate of an offline preview recording (us-east-1 list prices, stated assumptions).

API (for preview/__main__.py):

    estimate(resources: list[dict], stack: str, assumptions: UsageAssumptions | None = None,
             prices: PriceTable = PRICES) -> CostReport
        resources: the ``--json`` dump's "resources" (engine camelCase inputs; unknowns and secrets in the
        engine's encoding). Never raises on odd input: unknown values become ``report.unknowns``,
        unpriceable resources ``report.warnings``. ``assumptions`` default: ``for_stack(stack)``.
    render(report, console=None)     rich table: line items, subtotals, total (range at max capacity),
                                     budget %, notes, warnings, unknowns, no-direct-charge count, assumptions
    to_markdown(report) -> str       the same for a pull-request comment
    to_json(report) -> dict          machine-readable (rounded USD)
    CostReport: .items (LineItem), .total, .total_max, .fixed_total, .usage_total, .budget,
        .budget_percent, .budget_percent_max, .unknowns, .warnings, .comparisons, .no_direct_charge,
        .not_modeled, .by_category()
    UsageAssumptions / for_stack(stack); PriceTable / PRICES (the single price table, with date and sources)

Typical wiring:  report = cost.estimate(doc["resources"], doc["stack"]); cost.render(report, console)
"""

from __future__ import annotations

from preview.cost.assumptions import PRODUCTION, STAGING, UsageAssumptions, for_stack
from preview.cost.estimate import estimate
from preview.cost.model import Budget, CostReport, LineItem, UnknownInput
from preview.cost.output import render, to_json, to_markdown
from preview.cost.prices import HOURS_PER_MONTH, PRICES, PriceTable

__all__ = [
    "HOURS_PER_MONTH",
    "PRICES",
    "PRODUCTION",
    "STAGING",
    "Budget",
    "CostReport",
    "LineItem",
    "PriceTable",
    "UnknownInput",
    "UsageAssumptions",
    "estimate",
    "for_stack",
    "render",
    "to_json",
    "to_markdown",
]
