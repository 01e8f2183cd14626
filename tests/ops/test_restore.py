"""``restore``: into a new table with the stack's data key, verified, with the two ways back; ``copy-back``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from ops import verify
from tests.ops.helpers import context, run

USERS = "BudgetBuddy-Users"


def test_latest_restores_verifies_and_prints_the_ways_back(platform_aws: dict[str, Any], capsys: Any) -> None:
    code, out, _ = run(capsys, "restore", "production", "--table", "Users", "--latest", "--verify-items", "--yes")
    assert code == 0, out
    dynamodb = boto3.client("dynamodb")
    restored = dynamodb.describe_table(TableName=f"{USERS}-Restored")["Table"]
    assert restored["SSEDescription"]["KMSMasterKeyArn"] == platform_aws["key"]
    pitr = dynamodb.describe_continuous_backups(TableName=f"{USERS}-Restored")["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    tags = {t["Key"]: t["Value"] for t in dynamodb.list_tags_of_resource(ResourceArn=restored["TableArn"])["Tags"]}
    assert tags == {"Environment": "production", "Service": "budgetbuddy", "Team": "platform",
                    "Name": f"{USERS}-Restored"}  # fmt: skip
    for check in ("key schema", "indexes: EmailIndex", "encryption", "PITR: ENABLED, 35 days", "tags", "items: source 3, restored 3"):  # fmt: skip
        assert f"ok   {check}" in out
    assert f"python -m ops copy-back production --table Users --from {USERS}-Restored" in out
    assert "pulumi import --stack production aws:dynamodb/table:Table data-Users" in out


def test_from_a_backup_into_a_named_table(platform_aws: dict[str, Any], capsys: Any) -> None:
    arn = boto3.client("dynamodb").create_backup(TableName=USERS, BackupName="bak")["BackupDetails"]["BackupArn"]
    code, out, _ = run(capsys, "restore", "production", "--table", "Users", "--backup-arn", arn,
                       "--target", "Users-From-Backup", "--yes")  # fmt: skip
    assert code == 0, out
    assert "Restoring BudgetBuddy-Users from backup" in out and "Users-From-Backup is ACTIVE" in out


def test_an_existing_target_is_refused(platform_aws: dict[str, Any], capsys: Any) -> None:
    code, _, err = run(capsys, "restore", "production", "--table", "Users", "--latest", "--target",
                       "BudgetBuddy-Transactions", "--yes")  # fmt: skip
    assert code == 2 and "--target BudgetBuddy-Transactions: the table exists already" in err


def test_a_time_outside_the_pitr_window_is_bad_input(platform_aws: dict[str, Any], capsys: Any) -> None:
    when = (datetime.now(UTC) - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, _, err = run(capsys, "restore", "production", "--table", "Users", "--to-time", when, "--yes")
    assert code == 2 and f"--to-time {when[:10]}" in err and "can be restored from" in err


def test_a_bad_time_is_bad_input(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        run(capsys, "restore", "production", "--table", "Users", "--to-time", "yesterday")
    assert exc.value.code == 2 and "expected ISO 8601" in capsys.readouterr().err


def test_a_table_not_under_the_data_key_fails_verification(platform_aws: dict[str, Any]) -> None:
    ctx, _ = context()
    boto3.client("dynamodb").create_table(
        TableName="Other", KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )  # fmt: skip
    checks = {c.name: c for c in verify.verify(ctx, USERS, "Other", platform_aws["key"], count_items=True)}
    assert not checks["encryption"].ok and "AWS owned key" in checks["encryption"].detail
    assert not checks["indexes"].ok and not checks["items"].ok
    assert checks["key schema"].ok and checks["PITR"].ok and checks["tags"].ok  # the two the tool sets itself


def test_verification_failure_is_exit_1(platform_aws: dict[str, Any], capsys: Any, monkeypatch: Any) -> None:
    from ops import restore

    original = restore.start_restore

    def under_another_key(*args: Any) -> restore.Restored:
        restored = original(*args)
        return replace(restored, key_arn="arn:aws:kms:us-east-1:123456789012:key/other")

    monkeypatch.setattr(restore, "start_restore", under_another_key)
    code, out, err = run(capsys, "restore", "production", "--table", "Users", "--latest", "--yes")
    assert code == 1 and "FAIL encryption" in out
    assert "BudgetBuddy-Users-Restored failed verification: encryption" in err
    assert "copy-back" not in out  # no way back is offered for a table that failed


def test_copy_back_writes_every_restored_item_into_the_original(platform_aws: dict[str, Any], capsys: Any) -> None:
    run(capsys, "restore", "production", "--table", "Users", "--latest", "--yes")
    dynamodb = boto3.client("dynamodb")
    dynamodb.delete_item(TableName=USERS, Key={"userId": {"S": "userId-1"}})  # the incident
    code, out, _ = run(capsys, "copy-back", "production", "--table", "Users", "--from", f"{USERS}-Restored", "--yes")
    assert code == 0 and f"Copied 3 items from {USERS}-Restored into {USERS}" in out
    assert dynamodb.scan(TableName=USERS, Select="COUNT")["Count"] == 3


def test_copy_back_from_the_table_itself_is_refused(capsys: Any) -> None:
    code, _, err = run(capsys, "copy-back", "production", "--table", "Users", "--from", USERS, "--dry-run")
    assert code == 2 and "must be the restored table" in err


def test_dry_run_shows_the_restore_with_the_data_key(capsys: Any) -> None:
    code, _, err = run(capsys, "restore", "production", "--table", "Users", "--latest", "--dry-run")
    assert code == 0
    assert '[dry-run] kms.describe_key(KeyId="alias/budgetbuddy/data")' in err
    assert (
        '[dry-run] dynamodb.restore_table_to_point_in_time(SourceTableName="BudgetBuddy-Users", '
        'UseLatestRestorableTime=true, TargetTableName="BudgetBuddy-Users-Restored", '
        'BillingModeOverride="PAY_PER_REQUEST", SSESpecificationOverride={"Enabled": true, "SSEType": "KMS", '
        '"KMSMasterKeyId": "<the ARN of alias/budgetbuddy/data>"})'
    ) in err
    assert "[dry-run] wait: dynamodb table_exists" in err
    assert 'dynamodb.update_continuous_backups(TableName="BudgetBuddy-Users-Restored"' in err
