"""Views of a CostReport: rich tables (terminal), Markdown (PR comments), JSON (machines)."""

from __future__ import annotations

import textwrap
from typing import Any

from rich.console import Console

from preview.cost.assumptions import specs, unit_of
from preview.cost.model import CostReport, LineItem

DISCLAIMER = "Offline estimate from the recorded program (mocks: nothing deployed); list prices, no discounts or tax."


def usd(v: float) -> str:
    """US dollars with cents, the sign before the symbol (-$1.00): every cost figure the preview prints."""
    return f"-${-v:,.2f}" if v < 0 else f"${v:,.2f}"


def _qty(v: float) -> str:
    """Every digit a quantity carries (line items round quantities to 4 decimals)."""
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def _price(v: float) -> str:
    """Every digit a unit price carries (up to 8 decimals), at least cents: $0.10, $0.03238, $0.000111."""
    whole, _, frac = f"{v:,.8f}".partition(".")
    frac = frac.rstrip("0")
    return f"${whole}.{frac.ljust(2, '0')}"


def _monthly(i: LineItem) -> str:
    if i.quantity_max is not None and abs(i.monthly_usd_max - i.monthly_usd) > 0.005:
        return f"{usd(i.monthly_usd)} - {usd(i.monthly_usd_max)}"
    return usd(i.monthly_usd)


def _quantity(i: LineItem) -> str:
    q = _qty(i.quantity)
    if i.free_quantity:
        q += f" ({_qty(i.free_quantity)} free)"
    return q


def arithmetic(i: LineItem) -> tuple[str, str, str, str]:
    """(quantity, free quantity or "", unit price, monthly) as printed: ``(quantity - free) x price`` rounds to
    the monthly figure, so every line can be checked by hand."""
    return _qty(i.quantity), _qty(i.free_quantity) if i.free_quantity else "", _price(i.unit_price), usd(i.monthly_usd)


def _assumption_value(key: str, value: Any) -> str:
    unit = unit_of(key)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_qty(v)}" for k, v in value.items()) + (f" {unit}" if unit else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _qty(float(value)) + (f" {unit}" if unit else "")
    return str(value)


def used_assumptions(report: CostReport) -> list[tuple[str, str, str]]:
    """(key, value with unit, what it means) for every assumption a figure of this report used."""
    helps = {s.key: s.help for s in specs()}
    return [
        (k, _assumption_value(k, v), helps.get(k, ""))
        for k, v in report.assumptions.describe().items()
        if k in report.used_assumptions
    ]


def _budget_line(report: CostReport) -> str:
    b = report.budget
    if b is None:
        return "Budget: no monthly USD cost budget (aws:budgets/budget:Budget) recorded."
    if b.amount is None:
        return f"Budget {b.resource}: limitAmount unknown during preview."
    pct, pct_max = report.budget_percent or 0.0, report.budget_percent_max or 0.0
    return f"Budget {b.resource}: {usd(b.amount)}/month; estimate {pct:.1f}% ({pct_max:.1f}% at max capacity)"


def totals_lines(report: CostReport) -> list[str]:
    """The headline, each line short enough for an 80-column log: total, range, budget."""
    lines = [
        f"Total: {usd(report.total)}/month (fixed {usd(report.fixed_total)} + usage {usd(report.usage_total)})",
        f"At max capacity: {usd(report.total_max)}/month",
    ]
    if report.load_factor != 1.0:
        lines[-1] += f" (tasks and task-driven usage x{report.load_factor:g})"
    return [*lines, _budget_line(report)]


RIGHT = 13  # "max $2,698.70"


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    # names (log groups, buckets) stay whole: break only a word longer than the line, never at hyphens
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False) or [""]


def table_lines(report: CostReport, width: int = 80) -> list[str]:
    """The full table as plain lines of at most ``width`` characters: per category, each line item (label and
    monthly USD), then its arithmetic and assumption, indented; the upper end of a range under the figure."""
    left = width - RIGHT - 1
    p = report.prices
    out = [
        *_wrap(f"Monthly cost estimate: {report.stack} ({p.region} list prices as of {p.as_of})", width),
        f"{'item / quantity x unit price; assumption':<{left}} {'USD/month':>{RIGHT}}",
        "-" * width,
    ]
    by_cat = report.by_category()
    for cat in by_cat:
        out.append(cat)
        for i in sorted((i for i in report.items if i.category == cat), key=lambda i: (-i.monthly_usd, i.key)):
            head = _wrap(i.item, left, "  ")
            right = [usd(i.monthly_usd)]
            if i.quantity_max is not None and abs(i.monthly_usd_max - i.monthly_usd) > 0.005:
                right.append(f"max {usd(i.monthly_usd_max)}")
            note = i.assumption or "fixed (from the program)"
            body = _wrap(f"{_quantity(i)} {i.unit} x {_price(i.unit_price)}; {note}", left, "      ")
            rows = [*head, *body]
            for n, line in enumerate(rows):
                figure = right[n] if n < len(right) else ""
                out.append(f"{line:<{left}} {figure:>{RIGHT}}".rstrip() if figure else line)
            for extra in right[len(rows) :]:
                out.append(f"{'':<{left}} {extra:>{RIGHT}}")
        out.append(f"{'  ' + cat + ' subtotal':<{left}} {usd(by_cat[cat]):>{RIGHT}}")
    return [*out, "-" * width]


def render(report: CostReport, console: Console | None = None) -> None:
    """Print the full estimate (behind ``--cost``): line items by category with the arithmetic of each,
    subtotals, totals, budget, notes, unknowns and the assumptions used, with units. Lines are laid out to the
    console width (at most 120): text wraps between words, no figure is ever cut."""
    console = console or Console()
    width = max(60, min(console.width, 120))
    lines = table_lines(report, width)
    for line in totals_lines(report):
        lines += _wrap(line, width)
    for c in report.comparisons:
        lines += _wrap(f"note: {c}", width)
    for w in report.warnings:
        lines += _wrap(f"warning: {w}", width)
    for u in report.unknowns:
        lines += _wrap(f"unknown in preview: {u.resource} ({u.resource_type}) {u.prop}: {u.effect}", width)
    free = sum(report.no_direct_charge.values())
    lines.append(f"No direct charge: {free} resources ({len(report.no_direct_charge)} types)")
    if report.not_modeled:
        lines += _wrap("Not modelled (may cost): " + ", ".join(f"{t} x{n}" for t, n in report.not_modeled.items()),
                       width)  # fmt: skip
    lines += ["", f"Usage assumptions used ({report.assumptions.environment}; --assume KEY=VALUE to change):"]
    for key, value, meaning in used_assumptions(report):
        lines += _wrap(f"{key} = {value}", width, "  ")
        lines += _wrap(meaning, width, "      ")
    lines += _wrap(f"{DISCLAIMER} Prices and sources: docs/cost.md.", width)
    console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def to_markdown(report: CostReport) -> str:
    """GitHub-flavoured Markdown for a pull-request comment."""

    def cell(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    out = [
        f"### Monthly cost estimate: `{report.stack}`",
        "",
        f"**{usd(report.total)}/month** (fixed {usd(report.fixed_total)}, usage-based {usd(report.usage_total)}); "
        f"{usd(report.total_max)} at max capacity. {_budget_line(report)}",
        "",
        "Each line: (quantity - free) x unit price = monthly USD.",
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
    out += [f"| {c} | {usd(v)} |" for c, v in report.by_category().items()]
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
        "<details><summary>Usage assumptions used</summary>",
        "",
        "| assumption | value | meaning |",
        "|---|---|---|",
        *(f"| `{k}` | {cell(v)} | {cell(m)} |" for k, v, m in used_assumptions(report)),
        "",
        "</details>",
        "",
        f"_{DISCLAIMER} Prices: {report.prices.region}, as of {report.prices.as_of}._",
    ]
    return "\n".join(out) + "\n"
