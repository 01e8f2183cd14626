"""Rich output of a policy run, readable at 80 columns and in a non-TTY CI log.

One block per finding and per exemption rather than wide tables: each field wraps at
word boundaries as an indented paragraph (only identifiers longer than a line are
folded), lines carry no trailing padding, and messages are plain text, so brackets
such as ``[unknown-input]`` are never read as markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from preview.policy.levels import SEVERITY_ORDER
from preview.policy.report import ExemptionUse, PolicyReport, Violation, sorted_violations

COLOUR = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
    "unspecified": "white",
}
INDENT = 3


def _paragraph(console: Console, text: Text, indent: int = INDENT) -> None:
    """``text`` wrapped to the console's width less ``indent``, each line indented."""
    for line in text.wrap(console, max(console.width - indent, 20)):
        line.rstrip()
        console.print(Text(" " * indent) + line, no_wrap=True, overflow="ignore", crop=False)


def _field(label: str, value: str | Text) -> Text:
    return Text.assemble((f"{label}: ", "dim"), value)


def _violation(console: Console, v: Violation) -> None:
    level = Text(v.enforcement, style="bold red" if v.enforcement == "mandatory" else "")
    _paragraph(console, Text.assemble(("x ", COLOUR[v.severity]), (v.rule, "bold"), " (", level, ")"), indent=0)
    _paragraph(console, _field("resource", where(v)))
    finding = Text.assemble(("unknown input: ", "magenta") if v.unknown else "", v.message)
    _paragraph(console, _field("finding", finding))
    if v.remediation:
        _paragraph(console, _field("fix", v.remediation))


def _exemption(console: Console, e: ExemptionUse) -> None:
    _paragraph(console, Text.assemble(("- ", "dim"), (e.rule, "bold")), indent=0)
    _paragraph(console, _field("resource", f"{e.resource_name} ({e.resource_type})"))
    expires = Text(e.expires or "never")
    if e.expired:
        expires.append(" EXPIRED", style="bold red")
    _paragraph(console, _field("expires", expires))
    if e.approved_by:
        _paragraph(console, _field("approved by", e.approved_by))
    _paragraph(console, Text(e.justification))


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
            _violation(console, v)
    if report.exemptions:
        console.print(Text(f"Exemptions in use ({len(report.exemptions)})", style="bold"))
        for e in report.exemptions:
            _exemption(console, e)
    verdict = Text("FAIL", style="bold red") if report.has_mandatory_violations else Text("PASS", style="bold green")
    advisory = len(report.violations) - len(report.mandatory)
    _paragraph(
        console,
        Text.assemble(
            verdict,
            f": {len(report.rules)} rules, {report.resource_count} resources, "
            f"{len(report.mandatory)} mandatory / {advisory} advisory violations, "
            f"{len(report.unknowns)} unknown inputs, {len(report.exemptions)} exemptions in use.",
        ),
        indent=0,
    )


def where(v: Violation) -> str:
    return f"{v.resource_name} ({v.resource_type})" if v.resource_name else "stack"


def summary(report: PolicyReport) -> str:
    advisory = len(report.violations) - len(report.mandatory)
    return (
        f"{len(report.rules)} rules over {report.resource_count} resources: "
        f"{len(report.mandatory)} mandatory and {advisory} advisory violations, "
        f"{len(report.unknowns)} unknown inputs, {len(report.exemptions)} exemptions in use."
    )


def to_markdown(report: PolicyReport) -> str:
    status = "FAIL" if report.has_mandatory_violations else "PASS"
    lines = [
        f"## Policy results: {report.project}/{report.stack} - {status}",
        "",
        summary(report),
    ]
    for sev in SEVERITY_ORDER:
        group = [v for v in sorted_violations(report.violations) if v.severity == sev]
        if not group:
            continue
        lines += ["", f"### {sev.capitalize()} ({len(group)})", "", "| Rule | Enforcement | Resource | Finding | Remediation |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for v in group:
            cells = [f"`{v.rule}`", v.enforcement, where(v), v.message, v.remediation]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    if report.exemptions:
        lines += [
            "",
            "### Exemptions in use",
            "",
            "| Rule | Resource | Expires | Justification |",
            "|---|---|---|---|",
        ]
        for e in report.exemptions:
            expires = (e.expires or "never") + (" (EXPIRED)" if e.expired else "")
            lines.append(f"| `{e.rule}` | {e.resource_name} | {expires} | {e.justification} |")
    return "\n".join(lines) + "\n"
