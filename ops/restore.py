"""``restore STACK --table T (--to-time | --latest | --backup-arn) [--target NAME]``: the runbook's "Recovery
Procedure", and ``copy-back``, the recommended way back into the original table.

The restore goes into a new table (default ``<name>-Restored``, as in the runbook), encrypted with the stack's
data key (found by its alias), on demand; the command waits until it is ACTIVE, verifies it (ops/verify.py) and
prints the two ways back with their exact commands (docs/operations.md says which one and why).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ops import verify
from ops.aws import EXIT_FAILED, EXIT_OK, EXIT_USAGE, OpsError
from ops.context import Ctx


@dataclass(frozen=True)
class Source:
    """What to restore from: exactly one of a time, the latest restorable time, or a backup."""

    to_time: datetime | None = None
    latest: bool = False
    backup_arn: str | None = None


@dataclass
class Restored:
    table: str
    key_arn: str
    requested: dict[str, Any]  # the restore response's TableDescription
    description: dict[str, Any]  # DescribeTable once ACTIVE


def data_key_arn(ctx: Ctx) -> str:
    """The stack's data key (tables and backup vault) by its alias; the restore and the check use its ARN."""
    alias = ctx.platform.data_key_alias
    meta = ctx.client("kms").describe_key(KeyId=alias).get("KeyMetadata", {})
    return str(meta.get("Arn", f"<the ARN of {alias}>"))


def _refuse_existing(ctx: Ctx, target: str) -> None:
    try:
        ctx.client("dynamodb").describe_table(TableName=target)
    except OpsError as exc:
        if exc.aws_code == "ResourceNotFoundException":
            return
        raise
    if not ctx.dry_run:
        raise OpsError(f"--target {target}: the table exists already; name another with --target", EXIT_USAGE)


def _check_window(ctx: Ctx, table: str, when: datetime) -> None:
    """A time outside the PITR window is bad input: say the window instead of passing AWS's refusal on."""
    pitr = (
        ctx.client("dynamodb")
        .describe_continuous_backups(TableName=table)
        .get("ContinuousBackupsDescription", {})
        .get("PointInTimeRecoveryDescription", {})
    )
    early, late = pitr.get("EarliestRestorableDateTime"), pitr.get("LatestRestorableDateTime")
    if early and late and not early <= when <= late:
        raise OpsError(f"--to-time {when.isoformat()}: {table} can be restored from {early} to {late}", EXIT_USAGE)


def request_restore(ctx: Ctx, table: str, target: str, source: Source, key: str) -> dict[str, Any]:
    """Ask DynamoDB for the restore into a new table; returns the response's TableDescription."""
    dynamodb = ctx.client("dynamodb")
    _refuse_existing(ctx, target)
    if source.to_time is not None:
        _check_window(ctx, table, source.to_time)
    common: dict[str, Any] = {
        "TargetTableName": target,
        "BillingModeOverride": "PAY_PER_REQUEST",
        "SSESpecificationOverride": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
    }
    if source.backup_arn:
        response = dynamodb.restore_table_from_backup(BackupArn=source.backup_arn, **common)
    elif source.latest:
        response = dynamodb.restore_table_to_point_in_time(
            SourceTableName=table, UseLatestRestorableTime=True, **common
        )
    else:
        response = dynamodb.restore_table_to_point_in_time(
            SourceTableName=table, RestoreDateTime=source.to_time, **common
        )
    return dict(response.get("TableDescription", {}))


def wait_active(ctx: Ctx, target: str) -> dict[str, Any]:
    """Wait (``table_exists``: until ACTIVE) and return DescribeTable's Table."""
    dynamodb = ctx.client("dynamodb")
    dynamodb.wait("table_exists", _table_state, f"restoring {target}", TableName=target)
    return dict(dynamodb.describe_table(TableName=target).get("Table", {}))


def start_restore(ctx: Ctx, table: str, target: str, source: Source) -> Restored:
    """Restore into ``target`` with the stack's data key and wait until the new table is ACTIVE."""
    key = data_key_arn(ctx)
    requested = request_restore(ctx, table, target, source, key)
    return Restored(target, key, requested, wait_active(ctx, target))


def _table_state(response: dict[str, Any]) -> str:
    return str(response.get("Table", {}).get("TableStatus", "not yet created"))


def ways_back(ctx: Ctx, table: str, target: str) -> None:
    """The two ways back, with their commands (docs/operations.md "After a restore")."""
    p = ctx.platform
    base = p.base_of(table)
    urn = p.table_urn(base)
    lines = [
        'Two ways back (docs/operations.md "After a restore"):',
        f"  1. Copy the restored items into {table} (recommended: the stack, its alarms, backups, streams and",
        "     IAM grants keep pointing at the original table):",
        f"       python -m ops copy-back {p.stack} --table {base} --from {target}",
        f"     then, once checked, delete {target}:",
        f"       aws dynamodb delete-table --table-name {target} --region {p.region}",
        f"  2. Adopt {target} into the stack instead: not possible with today's config. The program names the",
        f"     table {table} (components/naming.py); no config key points it at another name, so after",
        "     `pulumi import` the next `pulumi up` would replace the adopted table. What it would take:",
        f"       a `physicalName` for {base} in budgetbuddy:tables, then",
        f"       pulumi state unprotect --stack {p.stack} '{urn}'",
        f"       pulumi state delete --stack {p.stack} '{urn}'   # state only: {table} stays in AWS",
        f"       pulumi import --stack {p.stack} aws:dynamodb/table:Table data-{base} {target} \\",
        f"         --parent 'data=urn:pulumi:{p.stack}::{p.project}::budgetbuddy:data:DataTables::data'",
    ]
    for line in lines:
        ctx.say(line)


def restore(ctx: Ctx, table: str, source: Source, target: str | None, count_items: bool) -> int:
    target = target or f"{table}-Restored"
    how = (
        f"backup {source.backup_arn}"
        if source.backup_arn
        else "the latest restorable time"
        if source.latest
        else f"{source.to_time.isoformat() if source.to_time else '?'}"
    )
    ctx.say(f"Restoring {table} from {how} into {target}")
    ctx.confirm(f"Restore of {table} into a new table {target}")
    restored = start_restore(ctx, table, target, source)
    checks = verify.verify(ctx, table, target, restored.key_arn, count_items)
    if ctx.dry_run:
        return EXIT_OK
    ctx.say(f"{target} is ACTIVE ({restored.description.get('ItemCount', '?')} items as DynamoDB last counted)")
    ok = verify.show(ctx, checks)
    if not ok:
        raise OpsError(f"{target} failed verification: {', '.join(c.name for c in checks if not c.ok)}", EXIT_FAILED)
    ways_back(ctx, table, target)
    return EXIT_OK


def copy_back(ctx: Ctx, table: str, restored: str, batch: int = 25) -> int:
    """Write every item of ``restored`` into ``table`` (PutItem semantics: the restored version wins).

    Items written to ``table`` after the restore point that the restored table lacks are left as they are;
    this is a repair, not a replacement (docs/operations.md).
    """
    if restored == table:
        raise OpsError(f"--from {restored}: the source of a copy-back must be the restored table, not {table}", 2)
    dynamodb = ctx.client("dynamodb")
    dynamodb.describe_table(TableName=restored)
    ctx.say(f"Copying every item of {restored} into {table}")
    ctx.confirm(f"Copy of {restored} into {table}")
    copied, start = 0, None
    while True:
        page = dynamodb.scan(TableName=restored, **({"ExclusiveStartKey": start} if start else {}))
        items = page.get("Items", [])
        for i in range(0, len(items), batch):
            pending: dict[str, Any] = {table: [{"PutRequest": {"Item": it}} for it in items[i : i + batch]]}
            for attempt in range(20):
                pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(min(0.05 * 2**attempt, 5.0))  # throttled: back off as the SDK would
            else:
                raise OpsError(f"{table}: writes still unprocessed after 20 tries; {copied} items copied so far", 3)
            copied += len(items[i : i + batch])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    ctx.say(f"Copied {copied} items from {restored} into {table}")
    return EXIT_OK
