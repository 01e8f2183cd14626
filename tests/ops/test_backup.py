"""``backup``: the runbook's create-backup, named as the runbook names them, waited for, ARNs printed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3

from tests.ops.helpers import run


def test_backs_up_every_table_with_the_runbooks_names(platform_aws: dict[str, Any], capsys: Any) -> None:
    code, out, _ = run(capsys, "backup", "production")
    assert code == 0, out
    day = datetime.now(UTC).strftime("%Y%m%d")
    dynamodb = boto3.client("dynamodb")
    for table, name in (("BudgetBuddy-Users", "users"), ("BudgetBuddy-Transactions", "transactions")):
        (summary,) = dynamodb.list_backups(TableName=table)["BackupSummaries"]
        assert summary["BackupName"] == f"{name}-backup-{day}"
        assert f"{table}: {name}-backup-{day} AVAILABLE" in out
        assert summary["BackupArn"] in out


def test_one_table(platform_aws: dict[str, Any], capsys: Any) -> None:
    code, out, _ = run(capsys, "backup", "production", "--table", "Users")
    assert code == 0 and "users-backup-" in out and "transactions" not in out
    assert boto3.client("dynamodb").list_backups(TableName="BudgetBuddy-Transactions")["BackupSummaries"] == []


def test_an_unknown_table_is_bad_input(capsys: Any) -> None:
    code, _, err = run(capsys, "backup", "production", "--table", "Budgets", "--dry-run")
    assert code == 2 and "--table 'Budgets': not a table of stack 'production'" in err


def test_dry_run(capsys: Any) -> None:
    code, _, err = run(capsys, "backup", "staging", "--table", "Users", "--dry-run")
    assert code == 0
    day = datetime.now(UTC).strftime("%Y%m%d")
    assert f'dynamodb.create_backup(TableName="BudgetBuddy-staging-Users", BackupName="users-backup-{day}")' in err
