"""``status``: runbook "Verify deployment" in one screen; exit 1 when not steady or a critical alarm fires."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from ops import status
from tests.ops.helpers import context, run, stub


def test_a_steady_service_without_critical_alarms_exits_0(platform_aws: dict[str, Any], capsys: Any) -> None:
    code, out, _ = run(capsys, "status", "production")
    assert code == 0, out
    assert "desired 2, running 2, pending 0" in out
    assert "PRIMARY budgetbuddy-backend:2 COMPLETED" in out
    assert "budgetbuddy-blue:" in out and "budgetbuddy-green:" in out
    assert "Autoscaling: min 2, max 20" in out
    assert "BudgetBuddy-Users: PITR ENABLED" in out and "BudgetBuddy-Transactions: PITR ENABLED" in out
    assert "Verdict: steady, no critical alarm." in out


def test_a_firing_deployment_alarm_is_critical_and_exits_1(platform_aws: dict[str, Any], capsys: Any) -> None:
    cloudwatch = boto3.client("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName="budgetbuddy-alb-5xx-error-rate", StateValue="ALARM", StateReason="5xx")
    cloudwatch.set_alarm_state(AlarmName="budgetbuddy-ecs-cpu-high", StateValue="ALARM", StateReason="cpu")
    code, out, err = run(capsys, "status", "production")
    assert code == 1
    assert "CRITICAL (the service rolls back on it) budgetbuddy-alb-5xx-error-rate" in out
    assert "  budgetbuddy-ecs-cpu-high since" in out  # listed, not critical
    assert "critical alarm in ALARM: budgetbuddy-alb-5xx-error-rate" in err


def test_a_non_critical_alarm_is_shown_but_does_not_fail(platform_aws: dict[str, Any], capsys: Any) -> None:
    boto3.client("cloudwatch").set_alarm_state(
        AlarmName="budgetbuddy-ecs-cpu-high", StateValue="ALARM", StateReason="cpu"
    )
    code, out, _ = run(capsys, "status", "production")
    assert code == 0 and "budgetbuddy-ecs-cpu-high" in out


def test_staging_alarms_are_not_productions(platform_aws: dict[str, Any], capsys: Any) -> None:
    cloudwatch = boto3.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="budgetbuddy-staging-alb-5xx-error-rate", Namespace="AWS/ApplicationELB", MetricName="X",
        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    cloudwatch.set_alarm_state(AlarmName="budgetbuddy-staging-alb-5xx-error-rate", StateValue="ALARM", StateReason="x")
    code, out, _ = run(capsys, "status", "production")
    assert code == 0 and "staging" not in out and "Alarms: none in ALARM" in out


def test_a_service_still_deploying_is_not_steady(platform_aws: dict[str, Any], capsys: Any) -> None:
    from moto.ecs.models import ecs_backends

    service = next(iter(ecs_backends["123456789012"]["us-east-1"].services.values()))
    service.running_count = 1
    code, _, err = run(capsys, "status", "production")
    assert code == 1 and "the service is not steady (running 1/2" in err


def test_scaling_bounds_that_differ_from_the_stack_config_are_called_out(
    platform_aws: dict[str, Any], capsys: Any
) -> None:
    boto3.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs", ResourceId="service/budgetbuddy-cluster/budgetbuddy-backend",
        ScalableDimension="ecs:service:DesiredCount", MinCapacity=4, MaxCapacity=30,
    )  # fmt: skip
    _, out, _ = run(capsys, "status", "production")
    assert "min 4, max 30 (stack config 2-20: the next `pulumi up` sets that again)" in out


def test_a_missing_service_is_named(capsys: Any) -> None:
    from moto import mock_aws

    with mock_aws():
        boto3.client("ecs").create_cluster(clusterName="budgetbuddy-cluster")
        code, _, err = run(capsys, "status", "production")
    assert code == 1
    assert "ECS service budgetbuddy-backend in cluster budgetbuddy-cluster (us-east-1): MISSING" in err


def test_the_last_backup_job_per_table_comes_from_aws_backup(platform_aws: dict[str, Any]) -> None:
    """moto has no ListBackupJobs: botocore's Stubber answers (checked against the Backup model)."""
    ctx, buffer = context()
    backup = stub(ctx, "backup")
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/BudgetBuddy-Users"
    older, newer = datetime(2026, 1, 1, 2, 5, tzinfo=UTC), datetime(2026, 1, 2, 2, 5, tzinfo=UTC)
    backup.add_response(
        "list_backup_jobs",
        {"BackupJobs": [{"State": "COMPLETED", "CreationDate": older}, {"State": "FAILED", "CreationDate": newer}]},
        {"ByResourceArn": arn},
    )
    backup.add_response("list_backup_jobs", {"BackupJobs": []}, {"ByResourceArn": arn.replace("Users", "Transactions")})
    assert status.status(ctx) == 0
    out = buffer.getvalue()
    assert "BudgetBuddy-Users: PITR ENABLED" in out and "last AWS Backup job FAILED 2026-01-02 02:05 UTC" in out
    assert "last AWS Backup job none" in out
    backup.assert_no_pending_responses()


def test_a_refused_backup_query_shows_in_its_row(platform_aws: dict[str, Any]) -> None:
    ctx, buffer = context()
    backup = stub(ctx, "backup")
    for _ in range(2):
        backup.add_client_error("list_backup_jobs", "AccessDeniedException", "no backup:ListBackupJobs")
    assert status.status(ctx) == 0
    assert buffer.getvalue().count("last AWS Backup job unavailable (AccessDeniedException)") == 2


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_dry_run_prints_the_reads_and_makes_none(stack: str, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: a real call would fail
    code, out, err = run(capsys, "status", stack, "--dry-run")
    assert code == 0
    prefix = "budgetbuddy" if stack == "production" else "budgetbuddy-staging"
    assert f'[dry-run] ecs.describe_services(cluster="{prefix}-cluster", services=["{prefix}-backend"])' in out + err
    assert f'cloudwatch.describe_alarms(AlarmNamePrefix="{prefix}-", StateValue="ALARM")' in out + err
