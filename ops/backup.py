"""``backup STACK [--table T]``: the runbook's "Backup Procedure" (``create-backup``) for each table or one.

Backups are named as the runbook names them (``users-backup-$(date +%Y%m%d)``, the date in UTC); the command
waits until each is AVAILABLE and prints its ARN. A backup adds a recovery point and changes nothing that serves
traffic, so it asks no confirmation in production.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ops.aws import EXIT_OK
from ops.context import Ctx


def backup_name(base: str, now: datetime) -> str:
    """``Users`` -> ``users-backup-20260101``."""
    return f"{base.lower()}-backup-{now:%Y%m%d}"


def wait_available(ctx: Ctx, arn: str, name: str) -> dict[str, Any]:
    """DynamoDB has no waiter for backups: poll DescribeBackup until AVAILABLE (DELETED is a failure)."""
    last: dict[str, Any] = {}

    def check(response: dict[str, Any]) -> tuple[bool | None, str]:
        last.update(response.get("BackupDescription", {}).get("BackupDetails", {}))
        state = last.get("BackupStatus", "?")
        return (True if state == "AVAILABLE" else False if state == "DELETED" else None), state

    ctx.client("dynamodb").poll("describe_backup", check, f"backup {name}", BackupArn=arn)
    return last


def backup(ctx: Ctx, tables: list[str]) -> int:
    now = datetime.now(UTC)
    dynamodb = ctx.client("dynamodb")
    made: list[tuple[str, str, str]] = []
    for table in tables:
        name = backup_name(ctx.platform.base_of(table), now)
        details = dynamodb.create_backup(TableName=table, BackupName=name).get("BackupDetails", {})
        made.append((table, name, details.get("BackupArn", f"<the ARN of backup {name}>")))
    for table, name, arn in made:
        details = wait_available(ctx, arn, name)
        size = details.get("BackupSizeBytes")
        ctx.say(
            f"{table}: {name} {details.get('BackupStatus', 'not made (dry run)')}"
            + (f", {size} bytes" if size is not None else "")
        )
        ctx.say(f"  {arn}")
    return EXIT_OK
