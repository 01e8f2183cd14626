"""The runbook's procedures against the live platform: ``python -m ops COMMAND STACK [options]``.

Exit codes (docs/operations.md): 0 done; 1 the operation failed (ECS rolled back, a restore failed its
verification, a drill missed its target, the service is not steady); 2 bad input (arguments, stack, not
confirmed); 3 AWS refused a call after botocore's retries, or could not be reached. One message per failure.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.text import Text

from ops import platform
from ops.aws import EXIT_AWS, EXIT_FAILED, EXIT_USAGE, Aws, OpsError, Waits
from ops.context import Ctx

EXAMPLES = """\
examples (runbook procedure -> command):
  Verify deployment       python -m ops status production
  Rollback Procedure      python -m ops rollback production            # the revision before the running one
                          python -m ops rollback production --to 41    # a given revision
  Scale up (High CPU)     python -m ops scale production --min 4 --max 20
  Backup Procedure        python -m ops backup production --table Users
  Recovery Procedure      python -m ops restore production --table Users --latest --verify-items
                          python -m ops restore production --table Users --backup-arn ARN
  (after a restore)       python -m ops copy-back production --table Users --from BudgetBuddy-Users-Restored
  DR: RTO 1 h / RPO 15 min python -m ops drill staging
  Any command with --dry-run prints the AWS calls it would make and makes none.

environment: AWS_PROFILE, AWS_REGION (default: the stack file's aws:region), AWS_ENDPOINT_URL (an emulator)
exit codes: 0 done, 1 the operation failed, 2 bad input, 3 an AWS error after retries
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep the message to one line
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected ISO 8601, such as 2026-03-01T02:30:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds above 0")
    return value


def build_parser() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument("stack", help="stack name (Pulumi.<stack>.yaml), e.g. production or staging")
    common.add_argument("--dry-run", action="store_true", help="print every AWS call with its parameters; make none")
    common.add_argument("--yes", action="store_true", help="do not ask before changing production")
    common.add_argument("--poll-seconds", type=_positive, default=15.0, help="seconds between checks (15)")
    common.add_argument("--timeout", type=_positive, default=3600.0, help="seconds a wait may take (3600)")
    common.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")

    p = _Parser(
        prog="python -m ops",
        description="The runbook's operational procedures against the live platform (docs/operations.md).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name, parents=[common], help=text, description=text, epilog=EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )  # fmt: skip

    command("status", "runbook 'Verify deployment': service, targets, alarms, scaling, PITR and backups")
    rb = command("rollback", "runbook 'Rollback Procedure': back to the revision before the running one")
    rb.add_argument("--to", metavar="REVISION", help="revision number or FAMILY:N (default: the one before)")
    sc = command("scale", "runbook 'Scale up service': the scalable target's min/max capacity")
    sc.add_argument("--min", type=int, required=True, dest="low", metavar="N", help="minimum task count")
    sc.add_argument("--max", type=int, required=True, dest="high", metavar="M", help="maximum task count")
    bk = command("backup", "runbook 'Backup Procedure': on-demand backup of each table (or one)")
    bk.add_argument("--table", metavar="T", help="base name (Users) or table name (default: every table)")
    rs = command("restore", "runbook 'Recovery Procedure': restore into a new table and verify it")
    rs.add_argument("--table", required=True, metavar="T", help="base name (Users) or table name")
    when = rs.add_mutually_exclusive_group(required=True)
    when.add_argument("--to-time", type=_when, metavar="ISO8601", help="a point in the PITR window")
    when.add_argument("--latest", action="store_true", help="the latest restorable time")
    when.add_argument("--backup-arn", metavar="ARN", help="an on-demand or AWS Backup backup of the table")
    rs.add_argument("--target", metavar="NAME", help="new table's name (default: <table>-Restored)")
    rs.add_argument("--verify-items", action="store_true", help="also count both tables' items (full scans)")
    cb = command("copy-back", "after a restore: write the restored table's items into the original")
    cb.add_argument("--table", required=True, metavar="T", help="the original table: base name or table name")
    cb.add_argument("--from", required=True, dest="source", metavar="NAME", help="the restored table")
    dr = command("drill", "timed restore drill of every table against RTO 1 h / RPO 15 min, with evidence")
    dr.add_argument("--evidence-dir", type=Path, default=Path("drill-evidence"), metavar="DIR",
                    help="where the JSON and Markdown evidence go (drill-evidence)")  # fmt: skip
    dr.add_argument("--verify-items", action="store_true", help="also count both tables' items (full scans)")
    return p


def run(args: argparse.Namespace, ctx: Ctx) -> int:
    from ops import backup, drill, restore, rollback, scale, status

    p = ctx.platform
    if args.command == "status":
        return status.status(ctx)
    if args.command == "rollback":
        return rollback.rollback(ctx, args.to)
    if args.command == "scale":
        return scale.scale(ctx, args.low, args.high, platform.capacity_limits(p.stack))
    if args.command == "backup":
        return backup.backup(ctx, [p.table(args.table)] if args.table else list(p.tables.values()))
    if args.command == "restore":
        source = restore.Source(to_time=args.to_time, latest=args.latest, backup_arn=args.backup_arn)
        return restore.restore(ctx, p.table(args.table), source, args.target, args.verify_items)
    if args.command == "copy-back":
        return restore.copy_back(ctx, p.table(args.table), args.source)
    return drill.drill(ctx, args.evidence_dir, args.verify_items)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        stack = platform.load(args.stack)
        aws = Aws(stack.region, args.dry_run, err, Waits(args.poll_seconds, args.timeout))
        return run(args, Ctx(stack, aws, out, args.yes))
    except platform.PlatformError as exc:
        return _fail(err, "error", str(exc), EXIT_USAGE)
    except OpsError as exc:
        label = {EXIT_USAGE: "error", EXIT_AWS: "AWS error"}.get(exc.exit_code, "failed")
        return _fail(err, label, str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return _fail(err, "interrupted", "stopped by the operator", EXIT_FAILED)
    except Exception as exc:  # a bug in the tool: still one line, never a bare traceback (unless --debug)
        message = f"{type(exc).__name__}: {exc} (a bug in the tool; --debug shows the traceback)"
        _fail(err, "ops failed", message, EXIT_FAILED)
        if args.debug:
            err.print("".join(traceback.format_exception(exc)), markup=False)
        return EXIT_FAILED


def _fail(err: Console, label: str, message: str, code: int) -> int:
    err.print(Text.assemble((f"{label}:", "red"), " ", message))
    return code


if __name__ == "__main__":
    sys.exit(main())
