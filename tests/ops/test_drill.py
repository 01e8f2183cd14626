"""``drill``: timed restores against RTO 1 h / RPO 15 min, verified, scratch tables always deleted, evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3

from ops import drill
from tests.ops.helpers import run

TABLES = ["BudgetBuddy-Transactions", "BudgetBuddy-Users"]


def _evidence(directory: Path) -> tuple[dict[str, Any], str]:
    (json_file,) = directory.glob("drill-production-*.json")
    return json.loads(json_file.read_text()), json_file.with_suffix(".md").read_text()


def test_a_drill_passes_deletes_its_scratch_tables_and_writes_evidence(
    platform_aws: dict[str, Any], capsys: Any, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "drill", "production", "--yes", "--verify-items", "--evidence-dir", str(tmp_path))
    assert code == 0, out
    assert sorted(boto3.client("dynamodb").list_tables()["TableNames"]) == TABLES
    doc, md = _evidence(tmp_path)
    assert doc["passed"] and doc["outcome"] == "completed"
    assert doc["rto_target_seconds"] == 3600 and doc["rpo_target_seconds"] == 900
    assert [t["table"] for t in doc["tables"]] == ["BudgetBuddy-Users", "BudgetBuddy-Transactions"]
    for t in doc["tables"]:
        assert t["verified"] and t["deleted"] == "deleted" and t["source_items"] == t["restored_items"] == 3
        assert {c["name"] for c in t["checks"]} == {"key schema", "indexes", "encryption", "PITR", "tags", "items"}
    operations = {r["operation"] for r in doc["requests"]}
    assert {"RestoreTableToPointInTime", "DeleteTable", "DescribeTable"} <= operations
    assert all(r["request_id"] for r in doc["requests"])
    assert "Outcome: **PASS**" in md and "| RestoreTableToPointInTime |" in md


def test_production_is_refused_without_yes(capsys: Any) -> None:
    code, _, err = run(capsys, "drill", "production")
    assert code == 2 and "pass --yes to run it there" in err


def test_a_missed_rpo_fails_the_drill(
    platform_aws: dict[str, Any], capsys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    old = datetime.now(UTC) - timedelta(minutes=20)
    monkeypatch.setattr(drill, "_restore_point", lambda requested, described, latest: old)
    code, out, _ = run(capsys, "drill", "production", "--yes", "--evidence-dir", str(tmp_path))
    assert code == 1 and "(target 3600 s): FAIL" in out
    doc, md = _evidence(tmp_path)
    assert "Outcome: **FAIL**" in md
    assert not doc["passed"] and all(t["rpo_seconds"] >= 1200 for t in doc["tables"])


def test_an_interrupted_drill_still_deletes_its_scratch_tables(
    platform_aws: dict[str, Any], capsys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    def interrupt(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ops.verify.verify", interrupt)
    code, out, err = run(capsys, "drill", "production", "--yes", "--evidence-dir", str(tmp_path))
    assert code == 1 and "interrupted" in err
    assert "the scratch tables created so far were deleted" in out
    assert sorted(boto3.client("dynamodb").list_tables()["TableNames"]) == TABLES
    doc, _ = _evidence(tmp_path)
    assert doc["outcome"] == "interrupted" and not doc["passed"]
    assert [t["deleted"] for t in doc["tables"]] == ["deleted", "deleted"]


def test_dry_run_writes_nothing(capsys: Any, tmp_path: Path) -> None:
    code, _, err = run(capsys, "drill", "production", "--dry-run", "--evidence-dir", str(tmp_path))
    assert code == 0 and "restore_table_to_point_in_time" in err and "delete_table" in err
    assert list(tmp_path.iterdir()) == []
