"""The default output of ``python -m preview``: a summary that reads in an 80-column CI log.

At most ``MAX_LINES`` lines and ``WIDTH`` columns: resources per top-level component, the cost headline
and the policy verdict with each violation (rule, resource, remediation). Text is wrapped at spaces
only, so no value is cut. Built from the dump document alone (docs/preview.md, "Default output"),
so it reads the same for a fresh run and for ``--resources FILE``.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import Any

from rich.console import Console
from rich.text import Text

from preview.export import headline
from preview.report.cost import usd

WIDTH = 80
MAX_LINES = 60
MAX_COMPONENTS = 15
NO_COMPONENT = "(no component)"
SEVERITY_ORDER = ["critical", "high", "medium", "low", "unspecified"]


def short_type(type_: str) -> str:
    """``aws:s3/bucket:Bucket`` -> ``aws:s3:Bucket``, as the Pulumi CLI displays resource types."""
    parts = type_.split(":")
    if len(parts) == 3 and "/" in parts[1]:
        return f"{parts[0]}:{parts[1].split('/')[0]}:{parts[2]}"
    return type_


def top_level(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """URN -> (name, type) of its top-level component: the ancestor whose parent is the stack."""
    by_urn = {r["urn"]: r for r in doc["resources"]}
    out: dict[str, tuple[str, str]] = {}
    for res in doc["resources"]:
        node, seen = res, set()
        while node.get("parent") in by_urn and node["urn"] not in seen:
            seen.add(node["urn"])  # a hand-edited dump may hold a parent cycle
            node = by_urn[node["parent"]]
        out[res["urn"]] = (node["name"], node["type"]) if not node.get("custom", True) else (NO_COMPONENT, "")
    return out


def component_counts(doc: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(component name, component type, resources in it, itself included), by name; sums to the total."""
    counts = Counter(top_level(doc).values())
    return sorted(((n, t, c) for (n, t), c in counts.items()), key=lambda x: (x[0] == NO_COMPONENT, x[0], x[1]))


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  " if subsequent is None else subsequent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [indent]


def _resources(doc: dict[str, Any], width: int) -> list[Text]:
    rows = component_counts(doc)
    lines = [Text(f"Resources: {len(doc['resources'])} in {sum(1 for r in rows if r[0] != NO_COMPONENT)} components",
                  style="bold")]  # fmt: skip
    shown = rows[:MAX_COMPONENTS]
    name_w = max([len("component"), *(len(n) for n, _, _ in shown)])
    type_w = max([len("type"), *(len(short_type(t)) for _, t, _ in shown)])
    if 2 + name_w + 2 + type_w + 2 + 9 > width:
        type_w = 0  # the type column is dropped rather than cut
    for name, type_, count in [("component", "type", -1), *shown]:
        cells = f"  {name:<{name_w}}" + (f"  {short_type(type_):<{type_w}}" if type_w else "")
        lines.append(Text(f"{cells}  {'resources' if count < 0 else count:>9}", style="dim" if count < 0 else ""))
    if len(rows) > len(shown):
        lines.append(Text(f"  ... and {len(rows) - len(shown)} more components (--tree shows them all)"))
    return lines


def _cost(cost: dict[str, Any] | None, width: int) -> list[Text]:
    if cost is None:
        return [Text("Cost: not estimated", style="bold")]
    text = f"Cost: {usd(cost['total'])}/month, {usd(cost['totalAtMaxCapacity'])} at max capacity"
    lines = [Text(line, style="bold") for line in wrap(text, width)]
    budget = cost.get("budget")
    if not budget:
        lines += [Text(x) for x in wrap("no monthly USD budget recorded", width, "  ")]
    elif budget.get("amount") is None:
        lines += [Text(x) for x in wrap(f"budget {budget['resource']}: amount unknown during preview", width, "  ")]
    else:
        pct = "?" if budget.get("percent") is None else f"{budget['percent']:.1f}%"
        pct_max = "?" if budget.get("percentAtMaxCapacity") is None else f"{budget['percentAtMaxCapacity']:.1f}%"
        text = f"{pct} of the {usd(budget['amount'])} budget ({pct_max} at max capacity)"
        lines += [Text(x) for x in wrap(text, width, "  ")]
    extra = []
    if cost.get("unknowns"):
        extra.append(f"{len(cost['unknowns'])} inputs unknown during preview")
    if cost.get("warnings"):
        extra.append(f"{len(cost['warnings'])} warnings")
    if cost.get("notModeled"):
        extra.append(f"{sum(cost['notModeled'].values())} resources not priced")
    if extra:
        lines += [Text(x, style="yellow") for x in wrap(", ".join(extra) + " (--cost shows them)", width, "  ")]
    return lines


def violation_order(v: dict[str, Any]) -> tuple[Any, ...]:
    sev = SEVERITY_ORDER.index(v["severity"]) if v["severity"] in SEVERITY_ORDER else len(SEVERITY_ORDER)
    return (v["enforcement"] != "mandatory", sev, v["rule"], v["urn"])


def violation_lines(v: dict[str, Any], width: int, indent: str = "  ") -> list[Text]:
    """One violation: rule with its level, the resource, the remediation (wrapped, never cut)."""
    tag = f"[{v['enforcement']}, {v['severity']}{', unknown input' if v.get('unknown') else ''}]"
    style = "red" if v["enforcement"] == "mandatory" else "yellow"
    where = f"{v['resource_name']} ({short_type(v['resource_type'])})" if v.get("resource_name") else "the stack"
    lines = [Text(x, style=style) for x in wrap(f"{tag} {v['rule']}", width, indent)]
    lines += [Text(x) for x in wrap(f"on {where}", width, indent + "  ", indent + "    ")]
    fix = " ".join((v.get("remediation") or "see the rule's description").split())
    lines += [Text(x, style="dim") for x in wrap(f"fix: {fix}", width, indent + "  ", indent + "       ")]
    return lines


def _policy(policy: dict[str, Any] | None, width: int, budget: int) -> list[Text]:
    if policy is None:
        return [Text("Policy: skipped (--no-policy): no verdict", style="bold yellow")]
    violations = sorted(policy["violations"], key=violation_order)
    mandatory = policy["mandatoryViolations"]
    verdict = "FAIL" if mandatory else "PASS"
    head = Text(f"Policy: {verdict}", style="bold red" if mandatory else "bold green")
    counts = (
        f", {policy['rulesEvaluated']} rules: {mandatory} mandatory and {len(violations) - mandatory} advisory "
        f"violations, {len(policy.get('unknowns', []))} unknown inputs, {len(policy.get('exemptions', []))} "
        "exemptions in use"
    )
    wrapped = wrap(f"Policy: {verdict}{counts}", width)
    lines = [head + Text(wrapped[0][len(head.plain) :], style="bold"), *(Text(x) for x in wrapped[1:])]
    for i, v in enumerate(violations):
        block = violation_lines(v, width)
        remaining = len(violations) - i
        if len(lines) + len(block) + (1 if remaining > 1 else 0) > budget:
            left_mandatory = sum(1 for x in violations[i:] if x["enforcement"] == "mandatory")
            more = f"... and {remaining} more violations ({left_mandatory} mandatory): --violations lists them all"
            lines += [Text(x, style="bold") for x in wrap(more, width, "  ")]
            break
        lines += block
    return lines


def summary(
    doc: dict[str, Any], width: int = WIDTH, notes: list[str] | None = None, trailer: list[str] | None = None
) -> list[Text]:
    """The summary lines (each at most ``width`` columns, at most MAX_LINES lines)."""
    width = min(width, WIDTH)
    lines = [Text(x, style="bold") for x in wrap(
        headline(doc), width
    )]  # fmt: skip
    for note in notes or []:
        lines += [Text(x, style="yellow") for x in wrap(f"note: {note}", width)]
    lines += [Text(""), *_resources(doc, width), Text(""), *_cost(doc.get("cost"), width), Text("")]
    footer = [Text(x, style="dim") for x in wrap(
        "Details: --tree (resources, outputs), --cost (cost table), --violations (findings), "
        "--report compliance, --markdown, --json FILE", width
    )]  # fmt: skip
    footer += [Text(x) for line in trailer or [] for x in wrap(line, width)]
    lines += _policy(doc.get("policy"), width, MAX_LINES - len(lines) - len(footer) - 1)
    return [*lines, Text(""), *footer]


def print_summary(
    doc: dict[str, Any], console: Console, notes: list[str] | None = None, trailer: list[str] | None = None
) -> None:
    for line in summary(doc, console.width, notes, trailer):
        console.print(line, soft_wrap=True, highlight=False)
