"""``python -m preview``: the arguments, the exit codes and what each run does (the steps: preview.pipeline).

    python -m preview STACK [--config KEY=VALUE ...] [--json FILE] [--tree] [--cost] [--violations]
                            [--report compliance] [--markdown] [--no-policy]
    python -m preview --resources FILE [...]          judge an existing --json dump
    python -m preview --compare BASE HEAD [--markdown] [--json FILE]

Exit codes (docs/preview.md): 0 fine; 1 a mandatory policy violation; 2 bad input (stack file, config,
arguments, dump, policy config, exemptions), one message and no traceback; 3 the program itself failed
(one line; --debug shows the traceback). Nothing is deployed or previewed against AWS.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console
from rich.text import Text

from preview import compare, cost, dump, export, pipeline
from preview.policy.report import PolicyReport
from preview.report import compare as compare_views
from preview.report.views import show_markdown, show_text
from preview.stackfiles import available_stacks

ROOT = pipeline.ROOT
EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE, EXIT_PROGRAM = 0, 1, 2, 3
EPILOG = """exit codes:
  0  the run reached its verdict and no mandatory policy rule is violated (--no-policy: the run finished)
  1  a mandatory policy violation (--compare: in HEAD)
  2  bad input: arguments, stack file, config, ESC environment, dump or export, policy config, exemptions
  3  the program failed, or a bug in the preview tool (--debug shows the traceback)

environment:
  BUDGETBUDDY_POLICY_UNKNOWN  the pack's unknown-value mode (docs/policies.md, "Unknown values")
  COLUMNS                     the width of the text views

The full contract (flags, the --json dump, exported state, ESC environments, --compare): docs/preview.md"""


def verdict(report: PolicyReport | None) -> int:
    """The exit code of a finished run: 1 on a mandatory violation; 0 otherwise (and without a policy run)."""
    return EXIT_VIOLATIONS if report is not None and report.has_mandatory_violations else EXIT_OK


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep the message short
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> _Parser:
    """The argument parser; other modules add their options here before ``check_args``."""
    p = _Parser(
        prog="python -m preview",
        description="Offline preview of the BudgetBuddy platform (Pulumi mocks), or a verdict on deployed state "
        "(`pulumi stack export` output with --resources).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("stack", nargs="?", help=f"stack name ({', '.join(available_stacks(ROOT))})")
    src = p.add_argument_group("what to judge (one of STACK, --resources, --compare)")
    src.add_argument(
        "--resources",
        type=Path,
        metavar="FILE",
        help="judge an existing --json dump, or deployed state (`pulumi stack export` output), instead of running the program",
    )
    src.add_argument(
        "--compare",
        nargs=2,
        metavar=("BASE", "HEAD"),
        help="compare two previews of one stack: BASE a dump or `none`, HEAD a dump or a stack name",
    )
    src.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, as `pulumi config set` would",
    )
    usage = p.add_argument_group("cost estimate (docs/cost.md)")
    usage.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a usage assumption, e.g. natGbProcessed=500 or logGb.app=20",
    )
    usage.add_argument(
        "--assumptions",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="YAML file of usage assumptions (over preview/cost/usage/STACK.yaml)",
    )
    out = p.add_argument_group("output (default: a summary for an 80-column log)")
    out.add_argument("--tree", action="store_true", help="also print the resource tree, counts by type and outputs")
    out.add_argument("--cost", action="store_true", help="also print the full cost table")
    out.add_argument("--violations", action="store_true", help="also print every policy finding and exemption")
    out.add_argument("--report", choices=["compliance"], help="also print the compliance report (per control)")
    out.add_argument("--markdown", action="store_true", help="print Markdown instead (pull-request comments)")
    out.add_argument("--json", type=Path, metavar="FILE", help="write the dump (or the comparison) as JSON to FILE")
    out.add_argument("--no-tree", action="store_true", help=argparse.SUPPRESS)  # the tree is opt-in now: a no-op
    p.add_argument("--no-policy", action="store_true", help="skip the policy pack (no verdict)")
    p.add_argument("--debug", action="store_true", help="show the traceback when the program fails")
    return p


def check_args(p: _Parser, args: argparse.Namespace) -> argparse.Namespace:
    sources = [x for x in (args.stack, args.resources, args.compare) if x]
    if len(sources) != 1:
        p.error("give one of STACK, --resources FILE or --compare BASE HEAD")
    views = [f for f in ("tree", "cost", "violations") if getattr(args, f)]
    if args.resources is not None and (args.config or args.json):
        p.error("--resources judges an existing dump: --config and --json do not apply")
    if args.compare and (views or args.report or args.no_policy):
        p.error("--compare prints the comparison (text, --markdown or --json): --tree, --cost, --violations, "
                "--report and --no-policy do not apply")  # fmt: skip
    if args.markdown and views:
        p.error(f"--markdown already holds the cost and policy tables; --{views[0]} is a terminal view")
    if args.no_policy and (args.report or args.violations):
        p.error(
            f"--{'report compliance' if args.report else 'violations'} shows policy results, which --no-policy skips"
        )
    return args


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = build_parser()
    return check_args(p, p.parse_args(argv))


def cost_assumptions(args: argparse.Namespace) -> list[dict[str, Any]]:
    """``--assumptions FILE`` then ``--assume KEY=VALUE``, validated (``cost.AssumptionError`` on bad input).

    Overrides, not a finished ``UsageAssumptions``: they apply over the defaults of whichever stack is judged,
    which for --resources and --compare is known only from the dump. Every run takes them from here.
    """
    return cost.read_overrides(args.assumptions, args.assume)


def judge_and_show(args: argparse.Namespace, console: Console, err: Console) -> int:
    if args.resources is not None:
        doc = export.load(args.resources)  # a dump, or `pulumi stack export` output (docs/preview.md)
        if dump.failure(doc) is not None:
            raise dump.DumpError(f"--resources {args.resources}: records a failed preview ({dump.failure(doc)})")
        try:
            result = pipeline.judge(dump.normalize(doc), policy=not args.no_policy, assumptions=args.usage_overrides)
        except pipeline.PreviewError as exc:
            raise pipeline.PreviewError(f"--resources {args.resources} (stack {doc['stack']!r}): {exc}",
                                        bad_input=exc.bad_input, cause=exc.cause) from None  # fmt: skip
    else:
        result = pipeline.run(args.stack, args.config, policy=not args.no_policy, assumptions=args.usage_overrides)
    if args.json:  # only now: the run reached its verdict
        dump.write(args.json, result.to_json())
    if args.markdown:
        show_markdown(args, result, err)
    else:
        show_text(args, result, console)
    return verdict(result.policy)


def compare_and_show(args: argparse.Namespace, console: Console) -> int:
    base_spec, head_spec = args.compare
    if args.config and Path(head_spec).is_file():
        raise dump.DumpError(f"--config applies when HEAD is a stack to preview; {head_spec} is a dump file")
    if args.json:
        inputs = [Path(s) for s in (base_spec, head_spec) if Path(s).is_file()]
        if any(args.json.resolve() == p.resolve() for p in inputs):
            raise dump.DumpError(f"--json {args.json}: is an input of --compare; write the comparison to another file")
    comparison = compare.run(base_spec, head_spec, args.config, args.usage_overrides)
    if args.json:
        dump.write(args.json, compare_views.to_json(comparison))
    if args.markdown:
        sys.stdout.write(compare_views.to_markdown(comparison))
    else:
        for line in compare_views.to_text(comparison, console.width):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    return comparison.exit_code


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(highlight=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    try:
        args.usage_overrides = cost_assumptions(args)  # bad assumptions are bad input: refused before the run
        if args.json:
            dump.check_writable(args.json)  # before the run, so a typo costs seconds, not the whole preview
        if args.compare:
            return compare_and_show(args, console)
        return judge_and_show(args, console, err)
    except (dump.DumpError, cost.AssumptionError) as exc:
        return _fail(err, "error", str(exc), EXIT_USAGE)
    except pipeline.PreviewError as exc:
        if exc.bad_input:
            return _fail(err, "error", str(exc), EXIT_USAGE)
        _fail(err, "program failed", f"{exc} (run again with --debug for the traceback)", EXIT_PROGRAM)
        if args.debug and exc.cause is not None:
            err.print("".join(traceback.format_exception(exc.cause)), markup=False)
        return EXIT_PROGRAM
    except Exception as exc:  # a bug in the preview itself: still one line and exit 3, never exit 1
        message = f"{type(exc).__name__}: {exc} (a bug in the preview tool; --debug shows the traceback)"
        _fail(err, "preview failed", message, EXIT_PROGRAM)
        if args.debug:
            err.print("".join(traceback.format_exception(exc)), markup=False)
        return EXIT_PROGRAM


def _fail(err: Console, label: str, message: str, code: int) -> int:
    err.print(Text.assemble((f"{label}:", "red"), " ", message))
    return code
