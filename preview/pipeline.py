"""The offline preview, one stack: record (the program under mocks) -> cost -> judge (the policy pack).

Each step is a function here; ``preview.cli`` calls them and ``preview.report`` shows the result
(docs/preview.md). Bad input raises ``PreviewError`` with ``bad_input`` set (the CLI exits 2); a program
that fails raises it without (exit 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetbuddy_policies.exemptions import ExemptionError

from components.config.problems import ConfigError
from preview import cost, dump
from preview.cost import CostReport
from preview.cost.serialize import to_json as cost_json
from preview.policy.engine import evaluate
from preview.policy.load import PolicyConfigError
from preview.policy.report import PolicyReport
from preview.policy.report import to_json as policy_json
from preview.recorder import ProgramError, Recording, run_program
from preview.stackfiles import StackFileError, load_stack

ROOT = Path(__file__).resolve().parent.parent


class PreviewError(Exception):
    """The preview did not reach a verdict: bad input (``bad_input``), or the program failed."""

    def __init__(self, message: str, *, bad_input: bool, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.bad_input = bad_input
        self.cause = cause


@dataclass
class Preview:
    """One finished preview: the recording (normalized), its cost report and policy report."""

    doc: dict[str, Any]
    cost: CostReport
    policy: PolicyReport | None  # None with --no-policy
    stand_ins: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the stack's config assumed (ESC environments)

    def to_json(self) -> dict[str, Any]:
        return {
            "formatVersion": dump.FORMAT_VERSION,
            "project": self.doc["project"],
            "stack": self.doc["stack"],
            "resources": self.doc["resources"],
            "outputs": self.doc.get("outputs", {}),
            "cost": cost_json(self.cost),
            "policy": None if self.policy is None else policy_json(self.policy),
            **({"source": self.doc["source"]} if "source" in self.doc else {}),  # exported state: from where, when
        }


def record(stack: str, overrides: list[str], root: Path | None = None) -> tuple[dict[str, Any], list[str], list[str]]:
    """Run the program under mocks: the normalized recording, the secret keys given stand-ins, and notes on
    other assumed config (keys an ESC environment provides).

    ``root``: the project directory (default: this repository's, read at call time so tests can point it elsewhere).
    """
    try:
        settings = load_stack(root or ROOT, stack, overrides)
        recording: Recording = run_program(
            settings.program, settings.project, settings.stack, settings.config, settings.secret_keys, settings.region
        )
    except StackFileError as exc:
        raise PreviewError(str(exc), bad_input=True, cause=exc) from None
    except ProgramError as exc:
        cause = exc.cause
        # pulumi.RunError is how Pulumi reports a user error (e.g. a missing required config key).
        if isinstance(cause, ConfigError) or type(cause).__name__ == "RunError":
            raise PreviewError(str(cause), bad_input=True, cause=cause) from None
        raise PreviewError(f"{type(cause).__name__}: {cause}", bad_input=False, cause=cause) from None
    return dump.normalize(recording.to_json()), settings.stand_ins, settings.notes


def judge(
    doc: dict[str, Any], *, policy: bool = True, assumptions: Sequence[Mapping[str, Any]] | None = None
) -> Preview:
    """Cost and policy over a recording or a loaded dump; a bad policy config or exemptions is bad input.

    ``assumptions``: usage overrides (``cost.read_overrides``) applied over the stack's own assumptions.
    """
    resources = doc["resources"]
    try:
        usage = cost.for_stack(doc["stack"], *(assumptions or []))
    except cost.AssumptionError as exc:
        raise PreviewError(str(exc), bad_input=True, cause=exc) from None
    estimate = cost.estimate(resources, doc["stack"], usage)
    report = None
    if policy:
        try:
            report = evaluate(resources, stack=doc["stack"], project=doc.get("project", "budgetbuddy"))
        except (PolicyConfigError, ExemptionError) as exc:
            raise PreviewError(str(exc), bad_input=True, cause=exc) from None
    return Preview(doc=doc, cost=estimate, policy=report)


def run(
    stack: str,
    overrides: list[str] | None = None,
    *,
    policy: bool = True,
    assumptions: Sequence[Mapping[str, Any]] | None = None,
) -> Preview:
    """The whole offline preview of one stack: program, cost, policy."""
    doc, stand_ins, notes = record(stack, list(overrides or []))
    result = judge(doc, policy=policy, assumptions=assumptions)
    result.stand_ins, result.notes = stand_ins, notes
    return result


def build(
    stack: str,
    overrides: list[str] | None = None,
    *,
    policy: bool = True,
    assumptions: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The full dump dict of a fresh preview (what ``--json`` writes)."""
    return run(stack, overrides, policy=policy, assumptions=assumptions).to_json()


def evaluate_dump(source: Mapping[str, Any] | str | Path, **kwargs: Any) -> PolicyReport:
    """The policy run over a dump dict, or a dump file read and checked by ``dump.load`` (``dump.DumpError``)."""
    data = dump.load(source, "dump") if isinstance(source, (str, Path)) else source
    kwargs.setdefault("stack", data.get("stack") or "production")
    kwargs.setdefault("project", data.get("project") or "budgetbuddy")
    return evaluate(data["resources"], **kwargs)
