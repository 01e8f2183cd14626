"""The offline preview, one stack: record (the program under mocks) -> cost -> judge (the policy pack).

Each step is a function here; ``preview.cli`` calls them and ``preview.report`` shows the result
(docs/preview.md). Bad input raises ``PreviewError`` with ``bad_input`` set (the CLI exits 2); a program
that fails raises it without (exit 3).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetbuddy_policies.exemptions import ExemptionError

from components.config.problems import ConfigError
from preview import cost, dump
from preview.cost import CostReport
from preview.cost.serialize import to_json as cost_json
from preview.policy.engine import check_inputs, evaluate
from preview.policy.load import PolicyConfigError
from preview.policy.report import PolicyReport
from preview.policy.report import to_json as policy_json
from preview.recorder import ProgramError, Recording, run_program
from preview.stackfiles import StackFileError, StackSettings, load_stack

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


def stack_settings(stack: str, overrides: list[str], root: Path | None = None) -> StackSettings:
    """The stack's files read and checked (a bad one is bad input).

    ``root``: the project directory (default: this repository's, read at call time so tests can point it elsewhere).
    """
    try:
        return load_stack(root or ROOT, stack, overrides)
    except StackFileError as exc:
        raise PreviewError(str(exc), bad_input=True, cause=exc) from None


def record(stack: str, overrides: list[str], root: Path | None = None) -> tuple[dict[str, Any], list[str], list[str]]:
    """Run the program under mocks: the normalized recording, the secret keys given stand-ins, and notes on
    other assumed config (keys an ESC environment provides)."""
    return record_settings(stack_settings(stack, overrides, root))


def record_settings(settings: StackSettings) -> tuple[dict[str, Any], list[str], list[str]]:
    """``record`` of stack files already read."""
    try:
        recording: Recording = run_program(
            settings.program, settings.project, settings.stack, settings.config, settings.secret_keys, settings.region
        )
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
        with _policy_input_errors():
            report = evaluate(resources, stack=doc["stack"], project=doc.get("project", "budgetbuddy"))
    return Preview(doc=doc, cost=estimate, policy=report)


@contextmanager
def _policy_input_errors() -> Iterator[None]:
    """A bad policy config or exemptions file is bad input (exit 2), not a failed program."""
    try:
        yield
    except (PolicyConfigError, ExemptionError) as exc:
        raise PreviewError(str(exc), bad_input=True, cause=exc) from None


def run(
    stack: str,
    overrides: list[str] | None = None,
    *,
    policy: bool = True,
    assumptions: Sequence[Mapping[str, Any]] | None = None,
) -> Preview:
    """The whole offline preview of one stack: program, cost, policy. The stack files and policy inputs are
    checked first: a bad one is refused before the program is recorded (docs/preview.md, "Exit codes")."""
    settings = stack_settings(stack, list(overrides or []))
    if policy:
        with _policy_input_errors():
            check_inputs(stack)
    doc, stand_ins, notes = record_settings(settings)
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
