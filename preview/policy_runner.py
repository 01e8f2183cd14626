"""Evaluate the real CrossGuard pack (policies/) in-process over recorded resources.

The work is split in ``preview.policy`` (load, config, engine, report, render); this
module keeps the public names callers and tests use.

API (for preview/__main__.py):

    evaluate(resources, *, stack, project="budgetbuddy", policy_config=None,
             exemptions=None, today=None) -> PolicyReport
        resources: list of recorded resource dicts (the ``--json`` dump's
        "resources"); policy_config: parsed policy-config JSON (default:
        policies/config/<stack>.json); exemptions: override
        policies/exemptions.json (tests).
    evaluate_dump(dump, **same keywords) -> PolicyReport
        dump: the ``--json`` dict, or a path to it (read by ``preview.dump.load``).
    load_policy_config(stack) -> dict;  read_policy_config(path) -> dict
    PolicyReport: .violations (list[Violation], unknown-input reports included,
        each flagged .unknown), .unknowns, .mandatory, .has_mandatory_violations,
        .exemptions (list[ExemptionUse]), .rules (list[RuleInfo]),
        .failed_rules (set[str]), .diagnostics (raw, engine order)
    exit_code(report) -> int   (1 on any mandatory violation, else 0)
    render(report, console=None)   rich output, grouped by severity, with remediation
    to_json(report) -> dict;  to_markdown(report) -> str
Errors: PolicyConfigError for every bad policy-side input (policy config file or content,
exemptions file, BUDGETBUDDY_POLICY_UNKNOWN), one message naming the file or variable,
the place and what is expected (a file that is not a dump: ``preview.dump.DumpError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from preview.policy import CONFIG_DIR, PACK_DIR, ROOT
from preview.policy.config import SUPPORTED_KEYWORDS, configure_request, reconcile_config, validate_schema
from preview.policy.engine import (
    InProcessAnalyzer,
    analyze_requests,
    analyze_stack_request,
    diagnostic_dict,
    evaluate,
    new_servicer,
)
from preview.policy.levels import SEVERITY_ORDER
from preview.policy.load import (  # the pack comes through here: preview.policy put it on sys.path
    EXEMPTION_EXPIRED_MARKER,
    UNKNOWN_MARKER,
    PolicyConfigError,
    bp,
    load_policy_config,
    read_policy_config,
)
from preview.policy.render import render
from preview.policy.report import (
    REVIEW_RULE,
    ExemptionUse,
    PolicyReport,
    RuleInfo,
    Violation,
    build_report,
    exemptions_in_use,
    exit_code,
    rule_infos,
    to_json,
    to_markdown,
)


def evaluate_dump(dump: Mapping[str, Any] | str | Path, **kwargs: Any) -> PolicyReport:
    """A dump dict, or a dump file read and checked by ``preview.dump.load`` (``preview.dump.DumpError``)."""
    from preview import dump as dumps  # not at import time: preview.dump runs the pack through this module

    data = dumps.load(dump, "dump") if isinstance(dump, (str, Path)) else dump
    kwargs.setdefault("stack", data.get("stack") or "production")
    kwargs.setdefault("project", data.get("project") or "budgetbuddy")
    return evaluate(data["resources"], **kwargs)


__all__ = [
    "CONFIG_DIR",
    "EXEMPTION_EXPIRED_MARKER",
    "PACK_DIR",
    "REVIEW_RULE",
    "ROOT",
    "SEVERITY_ORDER",
    "SUPPORTED_KEYWORDS",
    "UNKNOWN_MARKER",
    "ExemptionUse",
    "InProcessAnalyzer",
    "PolicyConfigError",
    "PolicyReport",
    "RuleInfo",
    "Violation",
    "analyze_requests",
    "analyze_stack_request",
    "bp",
    "build_report",
    "configure_request",
    "diagnostic_dict",
    "evaluate",
    "evaluate_dump",
    "exemptions_in_use",
    "exit_code",
    "load_policy_config",
    "new_servicer",
    "read_policy_config",
    "reconcile_config",
    "render",
    "rule_infos",
    "to_json",
    "to_markdown",
    "validate_schema",
]
