"""The cost section of the --json dump (docs/preview.md, "The --json dump"): a CostReport as JSON (rounded USD)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from preview.cost.assumptions import unit_of
from preview.cost.model import CostReport
from preview.cost.prices import NOTES


def to_json(report: CostReport) -> dict[str, Any]:
    b = report.budget
    return {
        "stack": report.stack,
        "currency": "USD",
        "region": report.prices.region,
        "pricesAsOf": report.prices.as_of,
        "total": round(report.total, 2),
        "totalAtMaxCapacity": round(report.total_max, 2),
        "fixedTotal": round(report.fixed_total, 2),
        "usageTotal": round(report.usage_total, 2),
        "byCategory": {k: round(v, 2) for k, v in report.by_category().items()},
        "budget": None
        if b is None
        else {
            "resource": b.resource,
            "amount": b.amount,
            "percent": None if report.budget_percent is None else round(report.budget_percent, 1),
            "percentAtMaxCapacity": None if report.budget_percent_max is None else round(report.budget_percent_max, 1),
        },
        "items": [
            {
                **{k: v for k, v in asdict(i).items() if k not in ("resources", "key")},
                "id": i.key,
                "resources": list(i.resources),
                "billableQuantity": round(i.billable, 4),
                "monthlyUsd": round(i.monthly_usd, 4),
                "monthlyUsdMax": round(i.monthly_usd_max, 4),
            }
            for i in report.items
        ],
        "unknowns": [asdict(u) for u in report.unknowns],
        "warnings": list(report.warnings),
        "notes": list(report.comparisons),
        "noDirectCharge": dict(report.no_direct_charge),
        "notModeled": dict(report.not_modeled),
        "assumptions": asdict(report.assumptions),
        "assumptionsUsed": {
            k: {"value": v, "unit": unit_of(k)}
            for k, v in report.assumptions.describe().items()
            if k in report.used_assumptions
        },
        "loadFactor": report.load_factor,
        "priceNotes": list(NOTES),
        "priceSources": list(report.prices.sources),
    }
