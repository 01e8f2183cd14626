"""Offline preview: run the real program under Pulumi's mocks, then judge it.

    python -m preview STACK [--config KEY=VALUE ...] [--json FILE] [--no-tree]

Exit codes: 0 fine; 2 unknown stack, bad config or bad arguments (clear message, no traceback);
3 the program itself failed (a bug, reported in one line; --debug shows the traceback).
Nothing is deployed or previewed against AWS: no CLI, provider plugin or credentials are used.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from rich.console import Console

from preview.recorder import ProgramError, Recording, run_program
from preview.render import print_recording
from preview.stackfiles import StackFileError, available_stacks, load_stack

ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_USAGE, EXIT_PROGRAM = 0, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep the message short
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = _Parser(prog="python -m preview", description="Offline preview of the BudgetBuddy platform (Pulumi mocks).")
    p.add_argument("stack", help=f"stack name ({', '.join(available_stacks(ROOT))})")
    p.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value, as `pulumi config set` would",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write the recorded resources and outputs as JSON")
    p.add_argument("--no-tree", action="store_true", help="omit the resource tree")
    p.add_argument("--debug", action="store_true", help="show tracebacks of program failures")
    return p.parse_args(argv)


def record(stack: str, overrides: list[str]) -> tuple[Recording, list[str]]:
    settings = load_stack(ROOT, stack, overrides)
    recording = run_program(
        settings.program, settings.project, settings.stack, settings.config, settings.secret_keys, settings.region
    )
    return recording, settings.stand_ins


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console()
    err = Console(stderr=True)
    try:
        recording, stand_ins = record(args.stack, args.config)
    except StackFileError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except ProgramError as exc:
        from components.config import ConfigError

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
    print_recording(doc, console, tree=not args.no_tree)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n")
        console.print(f"wrote {args.json}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
