"""Evaluate the real CrossGuard pack (policies/) in-process over recorded resources.

The pack is driven exactly as the Pulumi engine drives it: the analyzer servicer
pulumi_policy builds inside ``PolicyPack`` is given the same protobuf requests
the engine sends (GetAnalyzerInfo, Configure with the per-stack policy config
reconciled the way the CLI does, one Analyze per resource, one AnalyzeStack).
tests/policies/test_grpc_plugin.py checks that a real plugin process returns
identical diagnostics.

API (for preview/__main__.py):

    evaluate(resources, *, stack, project="budgetbuddy", policy_config=None,
             exemptions=None, today=None) -> PolicyReport
        resources: list of recorded resource dicts (the ``--json`` dump's
        "resources"); policy_config: parsed policy-config JSON (default:
        policies/config/<stack>.json); exemptions: override
        policies/exemptions.json (tests).
    evaluate_dump(dump, **same keywords) -> PolicyReport
        dump: the ``--json`` dict, or a path to it (``--resources FILE``).
    load_dump(path) -> dict;  load_policy_config(stack) -> dict
    PolicyReport: .violations (list[Violation], unknown-input reports included,
        each flagged .unknown), .unknowns, .mandatory, .has_mandatory_violations,
        .exemptions (list[ExemptionUse]), .rules (list[RuleInfo]),
        .failed_rules (set[str]), .diagnostics (raw, engine order)
    exit_code(report) -> int   (1 on any mandatory violation, else 0)
    render(report, console=None)   rich output, grouped by severity, with remediation
    to_json(report) -> dict;  to_markdown(report) -> str
Errors: PolicyConfigError (bad policy config: unknown rule, schema violation).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb

ROOT = Path(__file__).resolve().parent.parent
PACK_DIR = ROOT / "policies"
CONFIG_DIR = PACK_DIR / "config"
if str(PACK_DIR) not in sys.path:
    # The engine runs the pack with its own directory on sys.path; mirror that.
    sys.path.insert(0, str(PACK_DIR))

import budgetbuddy_policies as bp
from budgetbuddy_policies.exemptions import Exemption
from budgetbuddy_policies.framework import EXEMPTION_EXPIRED_MARKER, UNKNOWN_MARKER
from pulumi_policy import PolicyPack  # noqa: F401  (documents which class's arguments we mirror)
from pulumi_policy.policy import _PolicyAnalyzerServicer

SEVERITY_ORDER = ["critical", "high", "medium", "low", "unspecified"]
_SEVERITY = {
    pb.POLICY_SEVERITY_CRITICAL: "critical",
    pb.POLICY_SEVERITY_HIGH: "high",
    pb.POLICY_SEVERITY_MEDIUM: "medium",
    pb.POLICY_SEVERITY_LOW: "low",
    pb.POLICY_SEVERITY_UNSPECIFIED: "unspecified",
}
_LEVEL = {
    pb.ADVISORY: "advisory",
    pb.MANDATORY: "mandatory",
    pb.REMEDIATE: "remediate",
    pb.DISABLED: "disabled",
}
_LEVEL_PB = {v: k for k, v in _LEVEL.items()}
REVIEW_RULE = "aws-governance-exemption-require-review"
# pulumi_policy's own wording when a rule reads an unknown value outside our wrapper.
_SDK_UNKNOWN = "during preview:"


class PolicyConfigError(ValueError):
    """The policy config is invalid (the CLI would refuse it too)."""


class DumpError(ValueError):
    """The file is not an offline-preview ``--json`` dump."""


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


# Inputs -----------------------------------------------------------------------


def load_dump(path: str | Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
        raise DumpError(f"{path}: not a preview dump (expected an object with a 'resources' list)")
    return data


def load_policy_config(stack: str, directory: Path = CONFIG_DIR) -> dict[str, Any]:
    path = directory / f"{stack}.json"
    if not path.exists():
        raise PolicyConfigError(f"no policy config for stack {stack!r} ({path})")
    return json.loads(path.read_text())


# Config reconciliation (what `pulumi preview --policy-pack-config` does) ---------


def reconcile_config(info: Any, file_config: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Schema defaults, then "all", then per-policy values; validated like the CLI."""
    policies = {p.name: p for p in info.policies}
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, p in policies.items():
        props = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
        defaults = {k: v["default"] for k, v in props.items() if "default" in v}
        result[name] = (_LEVEL[p.enforcementLevel], defaults)
    errors: list[str] = []
    all_level = file_config.get("all")
    if all_level is not None:
        level = all_level if isinstance(all_level, str) else all_level.get("enforcementLevel")
        if level in _LEVEL_PB:
            result = {k: (level, v) for k, (_, v) in result.items()}
    for name, given in file_config.items():
        if name == "all":
            continue
        if name not in policies:
            errors.append(f"{name}: no such policy in pack {info.name}")
            continue
        level, props = result[name]
        if isinstance(given, str):
            given = {"enforcementLevel": given}
        if not isinstance(given, dict):
            errors.append(f"{name}: must be an enforcement level or an object")
            continue
        given = dict(given)
        new_level = given.pop("enforcementLevel", level)
        if new_level not in _LEVEL_PB:
            errors.append(f"{name}: {new_level!r} is not a valid enforcement level")
        # The CLI ignores settings its schema does not name (no additionalProperties), so a typo
        # such as "maxNatGateway" would silently keep the default; refuse it here instead.
        known = set(json_format.MessageToDict(policies[name].configSchema.properties))
        for key in sorted(set(given) - known):
            errors.append(f"{name}: unknown setting {key!r}; the rule's settings are {sorted(known) or 'none'}")
        result[name] = (new_level, {**props, **given})
    for name, (_, props) in result.items():
        p = policies[name]
        schema = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
        errors += [f"{name}: {e}" for e in validate_schema(schema, list(p.configSchema.required), props)]
    if errors:
        raise PolicyConfigError("invalid policy config:\n  " + "\n  ".join(errors))
    return result


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int, float),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
}
SUPPORTED_KEYWORDS = {
    "type",
    "enum",
    "minimum",
    "maximum",
    "items",
    "minItems",
    "default",
    "description",
}


def validate_schema(properties: Mapping[str, Any], required: Sequence[str], config: Mapping[str, Any]) -> list[str]:
    """The JSON-schema subset the pack's config schemas use (a test keeps them to it)."""
    errors = [f"{r} is required" for r in required if r not in config]
    for key, value in config.items():
        if key not in properties:
            continue  # JSON schema allows additional properties, and so does the CLI
        errors += _check(key, properties[key], value)
    return errors


def _check(path: str, schema: Mapping[str, Any], value: Any) -> list[str]:
    kind = schema.get("type")
    if kind:
        ok = isinstance(value, _TYPES[kind]) and not (kind != "boolean" and isinstance(value, bool))
        if ok and kind == "integer" and isinstance(value, float) and not value.is_integer():
            ok = False
        if not ok:
            return [f"{path}: {value!r} is not of type {kind}"]
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: {value!r} is less than the minimum {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: {value!r} is greater than the maximum {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: needs at least {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                errors += _check(f"{path}[{i}]", schema["items"], item)
    return errors


def configure_request(
    reconciled: Mapping[str, tuple[str, dict[str, Any]]],
) -> pb.ConfigureAnalyzerRequest:
    req = pb.ConfigureAnalyzerRequest()
    for name, (level, props) in reconciled.items():
        pc = req.policyConfig[name]
        pc.enforcementLevel = _LEVEL_PB[level]
        pc.properties.update(props)
    return req


# Requests (what the engine sends) ------------------------------------------------


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(dict(values), s)
    return s


def _options(r: Mapping[str, Any]) -> pb.AnalyzerResourceOptions:
    dbr = r.get("deleteBeforeReplace")
    return pb.AnalyzerResourceOptions(
        protect=bool(r.get("protect")),
        ignoreChanges=list(r.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(dbr),
        deleteBeforeReplaceDefined=dbr is not None,
        additionalSecretOutputs=list(r.get("additionalSecretOutputs") or []),
        aliases=[str(a) for a in r.get("aliases") or []],
        customTimeouts=pb.AnalyzerResourceOptions.CustomTimeouts(),
        parent=r.get("parent") or "",
    )


def _provider(r: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> pb.AnalyzerProviderResource | None:
    ref = r.get("provider") or ""
    # A provider reference is "<provider urn>::<provider id>".
    prov = by_urn.get(ref) or by_urn.get(ref.rsplit("::", 1)[0])
    if prov is None:
        return None
    return pb.AnalyzerProviderResource(
        type=prov["type"],
        name=prov["name"],
        urn=prov["urn"],
        properties=_struct(prov.get("inputs") or {}),
    )


def analyze_requests(resources: Sequence[Mapping[str, Any]]) -> list[pb.AnalyzeRequest]:
    by_urn = {r["urn"]: r for r in resources}
    reqs = []
    for r in resources:
        req = pb.AnalyzeRequest(
            type=r["type"],
            urn=r["urn"],
            name=r["name"],
            properties=_struct(r.get("inputs") or {}),
            options=_options(r),
        )
        prov = _provider(r, by_urn)
        if prov is not None:
            req.provider.CopyFrom(prov)
        reqs.append(req)
    return reqs


def analyze_stack_request(
    resources: Sequence[Mapping[str, Any]],
) -> pb.AnalyzeStackRequest:
    by_urn = {r["urn"]: r for r in resources}
    req = pb.AnalyzeStackRequest()
    for r in resources:
        ar = req.resources.add(
            type=r["type"],
            urn=r["urn"],
            name=r["name"],
            properties=_struct(r.get("inputs") or {}),
            options=_options(r),
            parent=r.get("parent") or "",
            dependencies=list(r.get("dependencies") or []),
        )
        for prop, urns in (r.get("propertyDependencies") or {}).items():
            if urns:  # the engine skips properties without dependencies
                ar.propertyDependencies[prop].urns.extend(urns)
        prov = _provider(r, by_urn)
        if prov is not None:
            ar.provider.CopyFrom(prov)
    return req


# Evaluation ----------------------------------------------------------------------


@contextmanager
def _stack_env(stack: str) -> Iterator[None]:
    # The engine starts the analyzer with PULUMI_STACK; exemptions scoped to stacks read it.
    # PULUMI_PROJECT/PULUMI_DRY_RUN are left alone so pulumi's runtime settings are not reset.
    old = os.environ.get("PULUMI_STACK")
    os.environ["PULUMI_STACK"] = stack
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PULUMI_STACK", None)
        else:
            os.environ["PULUMI_STACK"] = old


def new_servicer(exemptions: Sequence[Exemption] | None = None, today: dt.date | None = None) -> Any:
    """The analyzer servicer PolicyPack(**pack_arguments()) would serve, without the server."""
    a = bp.pack_arguments(exemptions, today)
    return _PolicyAnalyzerServicer(
        a["name"], "0.0.1", a["policies"], a["enforcement_level"], None, a["description"],
        None, None, a["provider"], a["tags"], None,
    )  # fmt: skip


def diagnostic_dict(d: Any, urn: str = "") -> dict[str, Any]:
    """Comparable form of an AnalyzeDiagnostic; resource diagnostics get the analyzed URN."""
    return {
        "policyName": d.policyName,
        "urn": d.urn or urn,
        "message": d.message,
        "description": d.description,
        "enforcementLevel": _LEVEL[d.enforcementLevel],
        "severity": _SEVERITY[d.severity],
        "policyPackName": d.policyPackName,
    }


def evaluate(
    resources: Sequence[Mapping[str, Any]],
    *,
    stack: str,
    project: str = "budgetbuddy",
    policy_config: Mapping[str, Any] | None = None,
    exemptions: Sequence[Exemption] | None = None,
    today: dt.date | None = None,
) -> PolicyReport:
    today = today or dt.date.today()
    if exemptions is None:
        exemptions = bp.load_exemptions(known_rules=bp.REGISTRY.names())
    config = load_policy_config(stack) if policy_config is None else policy_config
    with _stack_env(stack):
        servicer = new_servicer(exemptions, today)
        info = servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
        servicer.Configure(configure_request(reconcile_config(info, config)), None)
        diagnostics: list[dict[str, Any]] = []
        not_applicable: list[dict[str, str]] = []
        for req in analyze_requests(resources):
            resp = servicer.Analyze(req, None)
            diagnostics += [diagnostic_dict(d, req.urn) for d in resp.diagnostics]
            not_applicable += [
                {"policy": n.policy_name, "urn": req.urn, "reason": n.reason} for n in resp.not_applicable
            ]
        resp = servicer.AnalyzeStack(analyze_stack_request(resources), None)
        diagnostics += [diagnostic_dict(d) for d in resp.diagnostics]
    return build_report(project, stack, info, resources, diagnostics, not_applicable, exemptions, today)


def evaluate_dump(dump: Mapping[str, Any] | str | Path, **kwargs: Any) -> PolicyReport:
    data = load_dump(dump) if isinstance(dump, (str, Path)) else dump
    kwargs.setdefault("stack", data.get("stack") or "production")
    kwargs.setdefault("project", data.get("project") or "budgetbuddy")
    return evaluate(data["resources"], **kwargs)


def rule_infos(info: Any, levels: Mapping[str, str] | None = None) -> list[RuleInfo]:
    out = []
    for p in info.policies:
        meta = bp.REGISTRY[p.name].meta
        out.append(
            RuleInfo(
                name=p.name,
                description=p.description,
                severity=_SEVERITY[p.severity],
                enforcement=(levels or {}).get(p.name, _LEVEL[p.enforcementLevel]),
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
    for e in exemptions:
        if e.rule not in bp.REGISTRY.names():
            continue
        meta = bp.REGISTRY[e.rule].meta
        for r in resources:
            if e.matches(e.rule, r["type"], r["name"], stack) and (meta.stack or r["type"] in meta.resource_types):
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


def exit_code(report: PolicyReport) -> int:
    return 1 if report.has_mandatory_violations else 0


# Output --------------------------------------------------------------------------


def _sorted(violations: Sequence[Violation]) -> list[Violation]:
    return sorted(violations, key=lambda v: (SEVERITY_ORDER.index(v.severity), v.rule, v.urn))


def to_json(report: PolicyReport) -> dict[str, Any]:
    return {
        "project": report.project,
        "stack": report.stack,
        "pack": report.pack,
        "resourceCount": report.resource_count,
        "rulesEvaluated": len(report.rules),
        "mandatoryViolations": len(report.mandatory),
        "violations": [asdict(v) for v in _sorted(report.violations)],
        "unknowns": [asdict(v) for v in _sorted(report.unknowns)],
        "exemptions": [asdict(e) for e in report.exemptions],
    }


def _where(v: Violation) -> str:
    return f"{v.resource_name} ({v.resource_type})" if v.resource_name else "stack"


def _summary(report: PolicyReport) -> str:
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
        _summary(report),
    ]
    for sev in SEVERITY_ORDER:
        group = [v for v in _sorted(report.violations) if v.severity == sev]
        if not group:
            continue
        lines += ["", f"### {sev.capitalize()} ({len(group)})", "", "| Rule | Enforcement | Resource | Finding | Remediation |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for v in group:
            cells = [f"`{v.rule}`", v.enforcement, _where(v), v.message, v.remediation]
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


def render(report: PolicyReport, console: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    colour = {
        "critical": "bold red",
        "high": "red",
        "medium": "yellow",
        "low": "cyan",
        "unspecified": "white",
    }
    console.rule(f"Policy pack {report.pack} - {report.project}/{report.stack}")
    for sev in SEVERITY_ORDER:
        group = [v for v in _sorted(report.violations) if v.severity == sev]
        if not group:
            continue
        table = Table(
            title=f"{sev.upper()} ({len(group)})",
            title_style=colour[sev],
            show_lines=True,
            expand=True,
        )
        for col in ("Rule", "Level", "Resource", "Finding", "Remediation"):
            table.add_column(col, overflow="fold")
        for v in group:
            level = "[bold red]mandatory[/]" if v.enforcement == "mandatory" else v.enforcement
            finding = ("[magenta]unknown input[/] " if v.unknown else "") + v.message
            table.add_row(v.rule, level, _where(v), finding, v.remediation)
        console.print(table)
    if report.exemptions:
        table = Table(title="Exemptions in use", expand=True)
        for col in ("Rule", "Resource", "Expires", "Justification"):
            table.add_column(col, overflow="fold")
        for e in report.exemptions:
            expires = (e.expires or "never") + (" [bold red]EXPIRED[/]" if e.expired else "")
            table.add_row(e.rule, e.resource_name, expires, e.justification)
        console.print(table)
    verdict = "[bold red]FAIL[/]" if report.has_mandatory_violations else "[bold green]PASS[/]"
    console.print(
        f"{verdict}: {len(report.rules)} rules, {report.resource_count} resources, "
        f"{len(report.mandatory)} mandatory / {len(report.violations) - len(report.mandatory)} advisory violations, "
        f"{len(report.unknowns)} unknown inputs, {len(report.exemptions)} exemptions in use."
    )


__all__ = [
    "EXEMPTION_EXPIRED_MARKER",
    "UNKNOWN_MARKER",
    "DumpError",
    "ExemptionUse",
    "PolicyConfigError",
    "PolicyReport",
    "RuleInfo",
    "Violation",
    "evaluate",
    "evaluate_dump",
    "exit_code",
    "load_dump",
    "load_policy_config",
    "render",
    "to_json",
    "to_markdown",
]
