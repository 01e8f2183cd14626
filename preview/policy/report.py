"""The result of a policy run and its JSON and markdown forms.

``to_json`` is embedded in the preview's ``--json`` dump and read by ``--compare``: its
keys stay (new ones may be added, none removed or renamed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import budgetbuddy_policies as bp
from budgetbuddy_policies.exemptions import Exemption
from budgetbuddy_policies.framework import UNKNOWN_MARKER
from pulumi.runtime.proto import analyzer_pb2 as pb

from preview.policy.levels import LEVEL, SEVERITY, SEVERITY_ORDER

REVIEW_RULE = "aws-governance-exemption-require-review"
# pulumi_policy's own wording when a rule reads an unknown value outside our wrapper.
_SDK_UNKNOWN = "during preview:"


@dataclass(frozen=True)
class RuleInfo:
    name: str
    description: str
    severity: str
    enforcement: str
    kind: str
    controls: tuple[str, ...]
    remediation: str
    stack: bool


@dataclass(frozen=True)
class Violation:
    rule: str
    severity: str
    enforcement: str
    urn: str
    resource_type: str
    resource_name: str
    message: str
    description: str
    remediation: str
    unknown: bool = False


@dataclass(frozen=True)
class ExemptionUse:
    rule: str
    resource_name: str
    resource_type: str
    urn: str
    justification: str
    expires: str | None
    expired: bool
    approved_by: str | None = None


@dataclass
class PolicyReport:
    project: str
    stack: str
    pack: str
    rules: list[RuleInfo]
    violations: list[Violation]
    exemptions: list[ExemptionUse]
    resource_count: int
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    not_applicable: list[dict[str, str]] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == "mandatory"]

    @property
    def unknowns(self) -> list[Violation]:
        return [v for v in self.violations if v.unknown]

    @property
    def has_mandatory_violations(self) -> bool:
        return bool(self.mandatory)

    @property
    def failed_rules(self) -> set[str]:
        return {v.rule for v in self.violations}


def rule_infos(info: Any, levels: Mapping[str, str] | None = None) -> list[RuleInfo]:
    out = []
    for p in info.policies:
        meta = bp.REGISTRY[p.name].meta
        out.append(
            RuleInfo(
                name=p.name,
                description=p.description,
                severity=SEVERITY[p.severity],
                enforcement=(levels or {}).get(p.name, LEVEL[p.enforcementLevel]),
                kind=meta.kind,
                controls=meta.controls,
                remediation=p.remediation_steps,
                stack=p.policy_type == pb.POLICY_TYPE_STACK,
            )
        )
    return out


def build_report(
    project: str,
    stack: str,
    info: Any,
    resources: Sequence[Mapping[str, Any]],
    diagnostics: list[dict[str, Any]],
    not_applicable: list[dict[str, str]],
    exemptions: Sequence[Exemption],
    today: dt.date,
) -> PolicyReport:
    by_urn = {r["urn"]: r for r in resources}
    rules = {p.name: p for p in info.policies}
    violations = []
    for d in diagnostics:
        if d["policyName"] == REVIEW_RULE:
            continue  # listed as exemptions below, not as a finding
        res = by_urn.get(d["urn"], {})
        message = d["message"]
        if message.startswith(d["description"]):
            message = message[len(d["description"]) :].lstrip("\n")
        policy = rules.get(d["policyName"])
        violations.append(
            Violation(
                rule=d["policyName"],
                severity=d["severity"],
                enforcement=d["enforcementLevel"],
                urn=d["urn"],
                resource_type=res.get("type", ""),
                resource_name=res.get("name", ""),
                message=message,
                description=d["description"],
                remediation=policy.remediation_steps if policy else "",
                unknown=UNKNOWN_MARKER in message or _SDK_UNKNOWN in message,
            )
        )
    return PolicyReport(
        project=project,
        stack=stack,
        pack=info.name,
        rules=rule_infos(info),
        violations=violations,
        exemptions=exemptions_in_use(resources, stack, exemptions, today),
        resource_count=len(resources),
        diagnostics=diagnostics,
        not_applicable=not_applicable,
    )


def exemptions_in_use(
    resources: Sequence[Mapping[str, Any]],
    stack: str,
    exemptions: Sequence[Exemption],
    today: dt.date,
) -> list[ExemptionUse]:
    """Exemptions that match a resource of this stack the rule applies to (same test as the pack)."""
    out = []
    names = set(bp.REGISTRY.names())
    for e in exemptions:
        if e.rule not in names:
            continue
        meta = bp.REGISTRY[e.rule].meta
        for r in resources:
            if e.matches(e.rule, r["type"], r["name"], stack) and (meta.stack or meta.applies_to(r["type"])):
                out.append(
                    ExemptionUse(
                        rule=e.rule,
                        resource_name=r["name"],
                        resource_type=r["type"],
                        urn=r["urn"],
                        justification=e.justification,
                        expires=e.expires.isoformat() if e.expires else None,
                        expired=e.expired(today),
                        approved_by=e.approved_by,
                    )
                )
    return out


def sorted_violations(violations: Sequence[Violation]) -> list[Violation]:
    return sorted(violations, key=lambda v: (SEVERITY_ORDER.index(v.severity), v.rule, v.urn))


def to_json(report: PolicyReport) -> dict[str, Any]:
    return {
        "project": report.project,
        "stack": report.stack,
        "pack": report.pack,
        "resourceCount": report.resource_count,
        "rulesEvaluated": len(report.rules),
        "mandatoryViolations": len(report.mandatory),
        "violations": [asdict(v) for v in sorted_violations(report.violations)],
        "unknowns": [asdict(v) for v in sorted_violations(report.unknowns)],
        "exemptions": [asdict(e) for e in report.exemptions],
    }
