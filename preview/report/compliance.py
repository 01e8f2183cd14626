"""Compliance report: per framework and control, the rules evidencing it and whether they pass.

Generated from the rules' own metadata (their control tags) and a policy run, so
it cannot drift from the pack. Runbook: Compliance Dashboard, quarterly SOC 2 review.

A rule with no finding but an active exemption in use is EXEMPT, not PASS: its evidence is an
accepted risk (justification and expiry shown). A control whose only evidence is exempted rules is
EXEMPT; with at least one passing rule beside them it passes (the exempt rule is still shown).
Totals read "N pass, M exempt, K fail".

API (for ``--report compliance``, preview.report.views):
    build(report: PolicyReport) -> list[FrameworkSection]
    to_markdown(report: PolicyReport) -> str      # for PR comments
    render(report: PolicyReport, console=None)     # rich tables
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from preview.policy.report import PolicyReport, RuleInfo

FRAMEWORKS: dict[str, str] = {
    "pci-dss-4.0": "PCI DSS 4.0",
    "soc2": "SOC 2 (Trust Services Criteria)",
    "hipaa": "HIPAA Security Rule (45 CFR 164)",
    "fsbp": "AWS Foundational Security Best Practices",
    "cost": "Runbook: Cost Optimization",
    "runbook": "Runbook: operational guarantees",
}


@dataclass(frozen=True)
class RuleStatus:
    rule: str
    status: str  # "pass", "exempt", "fail", "unknown" (could not verify), "disabled"
    enforcement: str
    findings: int
    exemption: str = ""  # for "exempt": "until YYYY-MM-DD: justification"


@dataclass(frozen=True)
class Control:
    framework: str
    control: str
    rules: tuple[RuleStatus, ...]

    @property
    def status(self) -> str:
        states = {r.status for r in self.rules if r.status != "disabled"}
        for s in ("fail", "unknown", "pass", "exempt"):
            if s in states:
                return s
        return "not evaluated"


@dataclass(frozen=True)
class FrameworkSection:
    key: str
    title: str
    controls: tuple[Control, ...]

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.controls)

    @property
    def passed(self) -> int:
        return self.count("pass")

    @property
    def totals(self) -> str:
        return totals_text(self.controls)


def totals_text(controls: Sequence[Control]) -> str:
    """ "N pass, M exempt, K fail" (plus unknown / not evaluated when there are any)."""
    n = {s: sum(c.status == s for c in controls) for s in ("pass", "exempt", "fail", "unknown", "not evaluated")}
    text = f"{n['pass']} pass, {n['exempt']} exempt, {n['fail']} fail"
    extra = [f"{n[s]} {s}" for s in ("unknown", "not evaluated") if n[s]]
    return ", ".join([text, *extra])


def totals(report: PolicyReport) -> str:
    """The totals over every framework's controls (a control counted once per framework)."""
    return totals_text([c for section in build(report) for c in section.controls])


def _status(rule: RuleInfo, report: PolicyReport) -> RuleStatus:
    hits = [v for v in report.violations if v.rule == rule.name]
    if rule.enforcement == "disabled":
        return RuleStatus(rule.name, "disabled", rule.enforcement, 0)
    # An expired exemption is not honoured: its violation is reported, so the rule fails below.
    active = [e for e in report.exemptions if e.rule == rule.name and not e.expired]
    exemption = ""
    if any(not v.unknown for v in hits):
        state = "fail"
    elif hits:
        state = "unknown"
    elif active:
        state = "exempt"
        exemption = "; ".join(
            sorted({f"{e.resource_name} until {e.expires or 'no expiry'}: {e.justification}" for e in active})
        )
    else:
        state = "pass"
    return RuleStatus(rule.name, state, hits[0].enforcement if hits else rule.enforcement, len(hits), exemption)


def _control_key(control: str) -> tuple[Any, ...]:
    # Natural order: 3.5.1 < 10.2.1, CC6.1 < CC7.2.
    return tuple(int(p) if p.isdigit() else p for p in control.replace("(", ".").replace(")", "").split("."))


def build(report: PolicyReport) -> list[FrameworkSection]:
    by_control: dict[tuple[str, str], list[RuleStatus]] = defaultdict(list)
    for rule in report.rules:
        status = _status(rule, report)
        for tag in rule.controls:
            framework, _, control = tag.partition(":")
            by_control[(framework, control)].append(status)
    sections = []
    for key, title in FRAMEWORKS.items():
        controls = sorted(
            (Control(key, c, tuple(sorted(rs, key=lambda r: r.rule))) for (f, c), rs in by_control.items() if f == key),
            key=lambda c: _control_key(c.control),
        )
        if controls:
            sections.append(FrameworkSection(key, title, tuple(controls)))
    return sections


_ICON = {
    "pass": "PASS",
    "exempt": "EXEMPT",
    "fail": "FAIL",
    "unknown": "UNKNOWN",
    "disabled": "disabled",
    "not evaluated": "-",
}


PREVIEW_EVIDENCE = "offline preview: configuration evidence, not a deployed-state audit"


def to_markdown(report: PolicyReport, evidence: str = PREVIEW_EVIDENCE) -> str:
    """``evidence``: what was judged (preview.export.evidence: a preview, or exported state from where and when)."""
    lines = [f"## Compliance report: {report.project}/{report.stack}", ""]
    lines.append(f"Evidence from the CrossGuard pack's rules over the judged resources ({evidence}).")
    sections = build(report)
    lines += ["", f"**Controls: {totals_text([c for s in sections for c in s.controls])}.**"]
    for section in sections:
        lines += [
            "",
            f"### {section.title}: {section.totals} ({len(section.controls)} controls)",
            "",
        ]
        lines += ["| Control | Status | Rules (status) |", "|---|---|---|"]
        for c in section.controls:
            rules = "<br>".join(_rule_md(r) for r in c.rules)
            lines.append(f"| {c.control} | **{_ICON[c.status]}** | {rules} |")
    return "\n".join(lines) + "\n"


def _rule_md(r: RuleStatus) -> str:
    text = f"`{r.rule}` {_ICON[r.status]}"
    if r.exemption:
        text += " (" + r.exemption.replace("|", "\\|") + ")"
    return text


def render(report: PolicyReport, console: Any = None, evidence: str = PREVIEW_EVIDENCE) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console()
    style = {
        "pass": "green",
        "exempt": "yellow",
        "fail": "bold red",
        "unknown": "magenta",
        "disabled": "dim",
        "not evaluated": "dim",
    }
    console.rule(f"Compliance report - {report.project}/{report.stack}")
    console.print(f"Evidence: {evidence}.", markup=False, highlight=False)
    sections = build(report)
    for section in sections:
        table = Table(
            title=f"{section.title}: {section.totals} ({len(section.controls)} controls)",
            expand=True,
        )
        table.add_column("Control", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Rules", overflow="fold")
        for c in section.controls:
            rules = "\n".join(
                f"[{style[r.status]}]{r.rule}[/]"
                + (f" {_ICON[r.status]} ({escape(r.exemption)})" if r.exemption else "")
                for r in c.rules
            )
            table.add_row(c.control, f"[{style[c.status]}]{_ICON[c.status]}[/]", rules)
        console.print(table)
    console.print(f"Controls: {totals_text([c for s in sections for c in s.controls])}.", markup=False)
