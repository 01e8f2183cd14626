"""End to end, as an operator types it: ``python -m ops ...`` in a subprocess against moto's server on 127.0.0.1
(AWS_ENDPOINT_URL, dummy credentials), one server for the whole test session (conftest.moto_endpoint)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3

from tests.ops.conftest import FAST, run_ops


def _client(platform: dict[str, Any], service: str) -> Any:
    return boto3.client(service, endpoint_url=platform["endpoint"], region_name="us-east-1")


def test_status(server_platform: dict[str, Any]) -> None:
    result = run_ops(server_platform["endpoint"], "status", "production", *FAST)
    assert result.returncode == 0, result.stderr
    assert "PRIMARY budgetbuddy-backend:2 COMPLETED" in result.stdout and "Verdict: steady" in result.stdout


def test_rollback_from_revision_2_to_1(server_platform: dict[str, Any]) -> None:
    result = run_ops(server_platform["endpoint"], "rollback", "production", "--yes", *FAST)
    assert result.returncode == 0, result.stderr
    assert "from budgetbuddy-backend:2 to budgetbuddy-backend:1" in result.stdout
    service = _client(server_platform, "ecs").describe_services(
        cluster="budgetbuddy-cluster", services=["budgetbuddy-backend"]
    )["services"][0]
    assert service["deployments"][0]["taskDefinition"].endswith("task-definition/budgetbuddy-backend:1")


def test_scale(server_platform: dict[str, Any]) -> None:
    result = run_ops(server_platform["endpoint"], "scale", "production", "--min", "4", "--max", "20", "--yes", *FAST)
    assert result.returncode == 0, result.stderr
    target = _client(server_platform, "application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")
    assert target["ScalableTargets"][0]["MinCapacity"] == 4


def test_backup(server_platform: dict[str, Any]) -> None:
    result = run_ops(server_platform["endpoint"], "backup", "production", *FAST)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(":backup/") == 0 and result.stdout.count("/backup/") == 2


def test_restore_latest_with_verification_then_copy_back(server_platform: dict[str, Any]) -> None:
    endpoint = server_platform["endpoint"]
    result = run_ops(
        endpoint, "restore", "production", "--table", "Users", "--latest", "--verify-items", "--yes", *FAST
    )
    assert result.returncode == 0, result.stderr
    assert "ok   encryption" in result.stdout and "ok   items: source 3, restored 3" in result.stdout
    result = run_ops(endpoint, "copy-back", "production", "--table", "Users", "--from", "BudgetBuddy-Users-Restored",
                     "--yes", *FAST)  # fmt: skip
    assert result.returncode == 0 and "Copied 3 items" in result.stdout


def test_drill_writes_its_evidence(server_platform: dict[str, Any], tmp_path: Path) -> None:
    result = run_ops(server_platform["endpoint"], "drill", "production", "--yes", *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (evidence,) = (tmp_path / "drill-evidence").glob("*.json")
    doc = json.loads(evidence.read_text())
    assert doc["passed"] and all(t["deleted"] == "deleted" for t in doc["tables"])
    assert sorted(_client(server_platform, "dynamodb").list_tables()["TableNames"]) == [
        "BudgetBuddy-Transactions",
        "BudgetBuddy-Users",
    ]
