"""Rich output of a policy run, readable at 80 columns and in a non-TTY CI log.

One block per finding and per exemption rather than wide tables: text wraps at word
boundaries as a paragraph (only identifiers longer than a line are folded), and
messages are plain text, so brackets such as ``[unknown-input]`` are never read as
markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from preview.policy.levels import SEVERITY_ORDER
from preview.policy.report import ExemptionUse, PolicyReport, Violation, sorted_violations, where

COLOUR = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "unspecified": "white",
}
_INDENT = 3


def _fields(rows: list[tuple[str, Text | str]]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value if isinstance(value, Text) else Text(value))
    return grid


def _violation(v: Violation) -> Group:
    level = Text(v.enforcement, style="bold red" if v.enforcement == "mandatory" else "")
    head = Text.assemble(("x ", COLOUR[v.severity]), (v.rule, "bold"), "  ", level)
    finding = Text.assemble(("unknown input: ", "magenta") if v.unknown else "", v.message)
    rows: list[tuple[str, Text | str]] = [("resource", where(v)), ("finding", finding)]
    if v.remediation:
        rows.append(("fix", v.remediation))
    return Group(head, Padding(_fields(rows), (0, 0, 0, _INDENT)))


def _exemption(e: ExemptionUse) -> Group:
    expires = Text(e.expires or "never")
    if e.expired:
        expires.append(" EXPIRED", style="bold red")
    rows: list[tuple[str, Text | str]] = [("resource", f"{e.resource_name} ({e.resource_type})"), ("expires", expires)]
    if e.approved_by:
        rows.append(("approved", e.approved_by))
    return Group(
        Text.assemble(("- ", "dim"), (e.rule, "bold")),
        Padding(Group(_fields(rows), Text(e.justification)), (0, 0, 0, _INDENT)),
    )


def render(report: PolicyReport, console: Any = None) -> None:
    console = console or Console()
    console.rule(Text(f"Policy pack {report.pack} - {report.project}/{report.stack}"))
    violations = sorted_violations(report.violations)
    for sev in SEVERITY_ORDER:
        group = [v for v in violations if v.severity == sev]
        if not group:
            continue
        console.print(Text(f"{sev.upper()} ({len(group)})", style=COLOUR[sev]))
        for v in group:
            console.print(_violation(v))
    if report.exemptions:
        console.print(Text(f"Exemptions in use ({len(report.exemptions)})", style="bold"))
        for e in report.exemptions:
            console.print(_exemption(e))
    verdict = Text("FAIL", style="bold red") if report.has_mandatory_violations else Text("PASS", style="bold green")
    console.print(
        Text.assemble(
            verdict,
            f": {len(report.rules)} rules, {report.resource_count} resources, "
            f"{len(report.mandatory)} mandatory / {len(report.violations) - len(report.mandatory)} advisory violations, "
            f"{len(report.unknowns)} unknown inputs, {len(report.exemptions)} exemptions in use.",
        )
    )
