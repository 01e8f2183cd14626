"""Offline preview: run the real program under Pulumi's mocks, estimate its cost, judge it with the policy pack.

    python -m preview STACK [--config KEY=VALUE ...] [--json FILE] [--report compliance] [--markdown]
    python -m preview --resources FILE [--report compliance] [--markdown]

Exit codes: 0 fine; 1 a mandatory policy violation; 2 unknown stack, bad config, bad policy
config, unreadable dump or bad arguments (clear message, no traceback); 3 the program itself
failed (a bug, reported in one line; --debug shows the traceback).
Nothing is deployed or previewed against AWS: no CLI, provider plugin or credentials are used.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import Any

from rich.console import Console

from components.config import ConfigError
from preview.recorder import ProgramError, Recording, run_program
from preview.render import print_recording
from preview.stackfiles import StackFileError, available_stacks, load_stack

ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_PROGRAM = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep the message short
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = _Parser(prog="python -m preview", description="Offline preview of the BudgetBuddy platform (Pulumi mocks).")
    p.add_argument("stack", nargs="?", help=f"stack name ({', '.join(available_stacks(ROOT))})")
    p.add_argument(
        "--resources", type=Path, metavar="FILE", help="judge an existing --json dump instead of running the program"
    )
    p.add_argument(
        "--report", choices=["compliance"], help="also print the compliance report (per framework and control)"
    )
    p.add_argument("--markdown", action="store_true", help="print policy results and reports as Markdown (PR comments)")
    p.add_argument("--no-policy", action="store_true", help="skip the policy pack")
    p.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, as `pulumi config set` would",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write the recorded resources and outputs as JSON")
    p.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a usage assumption of the cost estimate (docs/cost.md), e.g. natGbProcessed=500",
    )
    p.add_argument(
        "--assumptions",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="YAML file of usage assumptions for the cost estimate (over preview/cost/usage/STACK.yaml)",
    )
    p.add_argument("--no-tree", action="store_true", help="omit the resource tree")
    p.add_argument("--debug", action="store_true", help="show tracebacks of program failures")
    args = p.parse_args(argv)
    if args.resources is None and args.stack is None:
        p.error("give a STACK, or --resources FILE to judge an existing dump")
    if args.resources is not None and (args.stack or args.config or args.json):
        p.error("--resources judges an existing dump: STACK, --config and --json do not apply")
    return args


def record(stack: str, overrides: list[str]) -> tuple[Recording, list[str]]:
    settings = load_stack(ROOT, stack, overrides)
    recording = run_program(
        settings.program, settings.project, settings.stack, settings.config, settings.secret_keys, settings.region
    )
    return recording, settings.stand_ins


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(soft_wrap=args.markdown)
    err = Console(stderr=True)
    from preview import cost

    try:  # bad usage assumptions are bad input: refused before the program runs
        args.usage_overrides = cost.read_overrides(args.assumptions, args.assume)
    except cost.AssumptionError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    if args.resources is not None:
        return judge(args, console, err)
    try:
        recording, stand_ins = record(args.stack, args.config)
    except StackFileError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except ProgramError as exc:
        cause = exc.cause
        if isinstance(cause, ConfigError) or type(cause).__name__ == "RunError":
            err.print(f"[red]error:[/] {cause}", highlight=False, soft_wrap=True)
            return EXIT_USAGE
        err.print(f"[red]program failed:[/] {type(cause).__name__}: {cause}", highlight=False)
        if args.debug:
            err.print("".join(traceback.format_exception(cause)), highlight=False)
        return EXIT_PROGRAM
    doc = recording.to_json()
    for key in stand_ins:
        console.print(f"[yellow]note:[/] {key} is a secure value; offline it is a stand-in (still a secret)")
    if not args.markdown:
        print_recording(doc, console, tree=not args.no_tree)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
        console.print(f"wrote {args.json}")
    if args.no_policy:
        return EXIT_OK
    return judge(args, console, err, doc)


def judge(args: argparse.Namespace, console: Console, err: Console, doc: dict[str, Any] | None = None) -> int:
    """Estimate the monthly cost and run the policy pack over a recording (or a --resources dump)."""
    from preview import compliance_report, cost, policy_runner

    try:
        if doc is None:
            try:
                doc = policy_runner.load_dump(args.resources)
            except OSError as exc:
                raise policy_runner.DumpError(f"cannot read --resources {args.resources}: {exc.strerror}") from None
        report = policy_runner.evaluate(doc["resources"], stack=doc["stack"], project=doc.get("project", "budgetbuddy"))
    except (policy_runner.PolicyConfigError, policy_runner.DumpError) as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    try:
        usage = cost.for_stack(doc["stack"], *getattr(args, "usage_overrides", []))
    except cost.AssumptionError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    estimate = cost.estimate(doc["resources"], doc["stack"], usage)
    if args.markdown:
        console.print(cost.to_markdown(estimate), markup=False, highlight=False)
        console.print(policy_runner.to_markdown(report), markup=False, highlight=False)
    else:
        cost.render(estimate, console)
        policy_runner.render(report, console)
    if args.report == "compliance":
        if args.markdown:
            console.print(compliance_report.to_markdown(report), markup=False, highlight=False)
        else:
            compliance_report.render(report, console)
    return EXIT_VIOLATIONS if policy_runner.exit_code(report) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
