"""Views of a CostReport: rich tables (terminal), Markdown (PR comments), JSON (machines)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table

from preview.cost.model import CostReport, LineItem
from preview.cost.prices import NOTES

DISCLAIMER = "Offline estimate from the recorded program (mocks: nothing deployed); list prices, no discounts or tax."


def _usd(v: float) -> str:
    return f"${v:,.2f}"


def _qty(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if v % 1 else f"{v:,.0f}"


def _price(v: float) -> str:
    return f"${v:.6f}".rstrip("0").rstrip(".") if v < 0.01 else f"${v:,.4f}".rstrip("0").rstrip(".")


def _monthly(i: LineItem) -> str:
    if i.quantity_max is not None and abs(i.monthly_usd_max - i.monthly_usd) > 0.005:
        return f"{_usd(i.monthly_usd)} - {_usd(i.monthly_usd_max)}"
    return _usd(i.monthly_usd)


def _quantity(i: LineItem) -> str:
    q = _qty(i.quantity)
    if i.free_quantity:
        q += f" ({_qty(i.free_quantity)} free)"
    return q


def _budget_line(report: CostReport) -> str:
    b = report.budget
    if b is None:
        return "Budget: no monthly USD cost budget (aws:budgets/budget:Budget) recorded."
    if b.amount is None:
        return f"Budget {b.resource}: limitAmount unknown during preview."
    pct, pct_max = report.budget_percent or 0.0, report.budget_percent_max or 0.0
    return (
        f"Budget {b.resource}: {_usd(b.amount)}/month - estimate {_usd(report.total)} = {pct:.1f}% "
        f"({pct_max:.1f}% at max capacity)"
    )


def render(report: CostReport, console: Console | None = None) -> None:
    """Print the estimate: line items by category, totals, budget, unknowns, assumptions (rich)."""
    console = console or Console()
    table = Table(
        title=f"Monthly cost estimate - {report.stack} ({report.prices.region}, prices {report.prices.as_of})"
    )
    for col, kw in (
        ("category", {}),
        ("resource type / component", {"overflow": "fold"}),
        ("item", {"overflow": "fold"}),
        ("quantity", {"justify": "right"}),
        ("unit", {}),
        ("unit price", {"justify": "right"}),
        ("monthly USD", {"justify": "right"}),
        ("assumption", {"overflow": "fold"}),
    ):
        table.add_column(col, **kw)
    for i in sorted(report.items, key=lambda i: (i.category, i.resource_type, -i.monthly_usd)):
        table.add_row(
            i.category,
            f"{i.resource_type}\n[dim]{i.component}[/]",
            i.item,
            _quantity(i),
            i.unit,
            _price(i.unit_price),
            _monthly(i),
            i.assumption or "[dim]fixed (from the program)[/]",
        )
    table.add_section()
    for cat, usd in report.by_category().items():
        table.add_row(f"[bold]{cat}[/]", "", "subtotal", "", "", "", _usd(usd), "")
    table.add_row("[bold]total[/]", "", f"fixed {_usd(report.fixed_total)} + usage {_usd(report.usage_total)}",
                  "", "", "", f"[bold]{_usd(report.total)}[/]", f"{_usd(report.total_max)} at max capacity")  # fmt: skip
    console.print(table)
    console.print(_budget_line(report), highlight=False)
    for c in report.comparisons:
        console.print(f"[cyan]note:[/] {c}", highlight=False)
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if report.unknowns:
        t = Table(title="Inputs unknown during preview")
        for col in ("resource", "type", "property", "effect"):
            t.add_column(col, overflow="fold")
        for u in report.unknowns:
            t.add_row(u.resource, u.resource_type, u.prop, u.effect)
        console.print(t)
    free = sum(report.no_direct_charge.values())
    console.print(f"No direct charge: {free} resources ({len(report.no_direct_charge)} types)", highlight=False)
    if report.not_modeled:
        listed = ", ".join(f"{t} x{n}" for t, n in report.not_modeled.items())
        console.print(f"[yellow]Not modelled (may cost):[/] {listed}", highlight=False)
    a = Table(title=f"Usage assumptions ({report.assumptions.environment})")
    a.add_column("assumption")
    a.add_column("value", overflow="fold")
    for k, v in report.assumptions.describe().items():
        a.add_row(k, str(v))
    console.print(a)
    console.print(f"[dim]{DISCLAIMER} Sources: AWS pricing pages (see docs/cost.md).[/]", highlight=False)


def to_markdown(report: CostReport) -> str:
    """GitHub-flavoured Markdown for a pull-request comment."""

    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    out = [
        f"### Monthly cost estimate: `{report.stack}`",
        "",
        f"**{_usd(report.total)}/month** (fixed {_usd(report.fixed_total)}, usage-based {_usd(report.usage_total)}); "
        f"{_usd(report.total_max)} at max capacity. {_budget_line(report)}",
        "",
        "| category | resource type | component | item | quantity | unit | unit price | monthly USD | assumption |",
        "|---|---|---|---|--:|---|--:|--:|---|",
    ]
    for i in sorted(report.items, key=lambda i: (i.category, i.resource_type, -i.monthly_usd)):
        out.append(
            "| "
            + " | ".join(
                cell(x)
                for x in (
                    i.category,
                    f"`{i.resource_type}`",
                    i.component,
                    i.item,
                    _quantity(i),
                    i.unit,
                    _price(i.unit_price),
                    _monthly(i),
                    i.assumption or "fixed",
                )
            )
            + " |"
        )
    out += ["", "| category | monthly USD |", "|---|--:|"]
    out += [f"| {c} | {_usd(v)} |" for c, v in report.by_category().items()]
    if report.comparisons or report.warnings:
        out.append("")
        out += [f"- note: {c}" for c in report.comparisons]
        out += [f"- **warning:** {w}" for w in report.warnings]
    if report.unknowns:
        out += [
            "",
            "**Inputs unknown during preview**",
            "",
            "| resource | type | property | effect |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {cell(u.resource)} | `{u.resource_type}` | {cell(u.prop)} | {cell(u.effect)} |" for u in report.unknowns
        ]
    out += ["", f"No direct charge: {sum(report.no_direct_charge.values())} resources."]
    if report.not_modeled:
        out.append("Not modelled (may cost): " + ", ".join(f"`{t}` x{n}" for t, n in report.not_modeled.items()))
    out += [
        "",
        "<details><summary>Usage assumptions</summary>",
        "",
        "| assumption | value |",
        "|---|---|",
        *(f"| {k} | {cell(str(v))} |" for k, v in report.assumptions.describe().items()),
        "",
        "</details>",
        "",
        f"_{DISCLAIMER} Prices: {report.prices.region}, as of {report.prices.as_of}._",
    ]
    return "\n".join(out) + "\n"


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
                **{k: v for k, v in asdict(i).items() if k != "resources"},
                "resources": list(i.resources),
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
        "assumptions": report.assumptions.describe(),
        "priceNotes": list(NOTES),
        "priceSources": list(report.prices.sources),
    }
