"""Compliance report: per framework and control, the rules evidencing it and whether they pass.

Generated from the rules' own metadata (their control tags) and a policy run, so
it cannot drift from the pack. Runbook: Compliance Dashboard, quarterly SOC 2 review.

API (for ``--report compliance``, preview.report.views):
    build(report: PolicyReport) -> list[FrameworkSection]
    to_markdown(report: PolicyReport) -> str      # for PR comments
    render(report: PolicyReport, console=None)     # rich tables
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from preview.policy.report import PolicyReport, RuleInfo

FRAMEWORKS: dict[str, str] = {
    "pci-dss-4.0": "PCI DSS 4.0",
    "soc2": "SOC 2 (Trust Services Criteria)",
    "hipaa": "HIPAA Security Rule (45 CFR 164)",
    "fsbp": "AWS Foundational Security Best Practices",
    "cost": "Runbook: Cost Optimization",
}


@dataclass(frozen=True)
class RuleStatus:
    rule: str
    status: str  # "pass", "fail", "unknown" (could not verify), "disabled"
    enforcement: str
    findings: int


@dataclass(frozen=True)
class Control:
    framework: str
    control: str
    rules: tuple[RuleStatus, ...]

    @property
    def status(self) -> str:
        states = {r.status for r in self.rules if r.status != "disabled"}
        for s in ("fail", "unknown", "pass"):
            if s in states:
                return s
        return "not evaluated"


@dataclass(frozen=True)
class FrameworkSection:
    key: str
    title: str
    controls: tuple[Control, ...]

    @property
    def passed(self) -> int:
        return sum(c.status == "pass" for c in self.controls)


def _status(rule: RuleInfo, report: PolicyReport) -> RuleStatus:
    hits = [v for v in report.violations if v.rule == rule.name]
    if rule.enforcement == "disabled":
        return RuleStatus(rule.name, "disabled", rule.enforcement, 0)
    if any(not v.unknown for v in hits):
        state = "fail"
    elif hits:
        state = "unknown"
    else:
        state = "pass"
    return RuleStatus(rule.name, state, hits[0].enforcement if hits else rule.enforcement, len(hits))


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
    for section in build(report):
        lines += [
            "",
            f"### {section.title}: {section.passed}/{len(section.controls)} controls pass",
            "",
        ]
        lines += ["| Control | Status | Rules (status) |", "|---|---|---|"]
        for c in section.controls:
            rules = "<br>".join(f"`{r.rule}` {_ICON[r.status]}" for r in c.rules)
            lines.append(f"| {c.control} | **{_ICON[c.status]}** | {rules} |")
    return "\n".join(lines) + "\n"


def render(report: PolicyReport, console: Any = None, evidence: str = PREVIEW_EVIDENCE) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    style = {
        "pass": "green",
        "fail": "bold red",
        "unknown": "magenta",
        "disabled": "dim",
        "not evaluated": "dim",
    }
    console.rule(f"Compliance report - {report.project}/{report.stack}")
    console.print(f"Evidence: {evidence}.", markup=False, highlight=False)
    for section in build(report):
        table = Table(
            title=f"{section.title}: {section.passed}/{len(section.controls)} controls pass",
            expand=True,
        )
        table.add_column("Control", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Rules", overflow="fold")
        for c in section.controls:
            rules = "\n".join(f"[{style[r.status]}]{r.rule}[/]" for r in c.rules)
            table.add_row(c.control, f"[{style[c.status]}]{_ICON[c.status]}[/]", rules)
        console.print(table)
