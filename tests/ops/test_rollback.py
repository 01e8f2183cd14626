"""``rollback``: the revision before the running one (not the runbook's PRIMARY one), ECS's verdict honoured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from ops import rollback
from ops.aws import OpsError
from tests.ops.helpers import context, run, stub

CLUSTER, SERVICE = "budgetbuddy-cluster", "budgetbuddy-backend"
ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/budgetbuddy-backend:{}"


def _running() -> str:
    service = boto3.client("ecs").describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    return str(service["deployments"][0]["taskDefinition"])


def test_default_goes_to_the_revision_before_the_running_one(platform_aws: dict[str, Any], capsys: Any) -> None:
    boto3.client("ecs").register_task_definition(
        family=SERVICE, containerDefinitions=[{"name": "b", "image": "x", "memory": 512}]
    )
    code, out, _ = run(capsys, "rollback", "production", "--yes")  # revision 3 exists, the service runs 2
    assert code == 0, out
    assert "Rolling budgetbuddy-backend back from budgetbuddy-backend:2 to budgetbuddy-backend:1" in out
    assert "has reached a steady state" in out
    assert "Done: budgetbuddy-backend is steady on budgetbuddy-backend:1" in out
    assert _running() == ARN.format(1)


def test_inactive_revisions_are_skipped(platform_aws: dict[str, Any], capsys: Any) -> None:
    ecs = boto3.client("ecs")
    ecs.register_task_definition(family=SERVICE, containerDefinitions=[{"name": "b", "image": "x", "memory": 512}])  # 3
    ecs.update_service(cluster=CLUSTER, service=SERVICE, taskDefinition=f"{SERVICE}:3")
    ecs.deregister_task_definition(taskDefinition=f"{SERVICE}:2")
    code, out, _ = run(capsys, "rollback", "production", "--yes")
    assert code == 0 and "from budgetbuddy-backend:3 to budgetbuddy-backend:1" in out


def test_to_a_given_revision(platform_aws: dict[str, Any], capsys: Any) -> None:
    code, _, _ = run(capsys, "rollback", "production", "--yes", "--to", "budgetbuddy-backend:1")
    assert code == 0 and _running() == ARN.format(1)


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("other-family:1", "expected a revision number or budgetbuddy-backend:N"),
        ("2", "the service already runs budgetbuddy-backend:2; nothing to roll back"),
    ],
)
def test_bad_targets_are_bad_input(platform_aws: dict[str, Any], capsys: Any, to: str, message: str) -> None:
    code, _, err = run(capsys, "rollback", "production", "--yes", "--to", to)
    assert code == 2 and message in err
    assert _running() == ARN.format(2)


def test_nothing_before_the_first_revision(platform_aws: dict[str, Any], capsys: Any) -> None:
    run(capsys, "rollback", "production", "--yes")
    code, _, err = run(capsys, "rollback", "production", "--yes")
    assert code == 1 and "no ACTIVE revision of budgetbuddy-backend before budgetbuddy-backend:1" in err


def test_production_needs_confirmation(platform_aws: dict[str, Any], capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = run(capsys, "rollback", "production")
    assert code == 2 and "changes production; no terminal to confirm on: pass --yes" in err
    assert _running() == ARN.format(2)


def test_a_typed_answer_other_than_yes_changes_nothing(
    platform_aws: dict[str, Any], capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda: "no")
    code, _, err = run(capsys, "rollback", "production")
    assert code == 2 and "not confirmed; nothing changed" in err and _running() == ARN.format(2)


def test_dry_run_prints_every_call_and_changes_nothing(platform_aws: dict[str, Any], capsys: Any) -> None:
    code, _, err = run(capsys, "rollback", "production", "--dry-run")
    assert code == 0
    assert (
        '[dry-run] ecs.list_task_definitions(familyPrefix="budgetbuddy-backend", status="ACTIVE", sort="DESC")' in err
    )
    assert '[dry-run] ecs.update_service(cluster="budgetbuddy-cluster", service="budgetbuddy-backend"' in err
    assert "[dry-run] wait: ecs services_stable" in err
    assert _running() == ARN.format(2)


# --- where moto has no API: botocore's Stubber, with requests and responses checked against the ECS model ------


def _service(deployments: list[dict[str, Any]], running: int = 2, **extra: Any) -> dict[str, Any]:
    return {
        "services": [
            {
                "serviceName": SERVICE,
                "status": "ACTIVE",
                "desiredCount": 2,
                "runningCount": running,
                "pendingCount": 0,
                "deploymentConfiguration": {"strategy": "BLUE_GREEN"},
                "deployments": deployments,
                **extra,
            }
        ]
    }


def _deployment(status: str, revision: int, rollout: str = "COMPLETED", **extra: Any) -> dict[str, Any]:
    return {"id": f"ecs-svc/{revision}", "status": status, "taskDefinition": ARN.format(revision),
            "rolloutState": rollout, "desiredCount": 2, "runningCount": 2, "pendingCount": 0, **extra}  # fmt: skip


DESCRIBE = {"cluster": CLUSTER, "services": [SERVICE]}


def test_an_in_progress_blue_green_deployment_is_stopped_with_a_rollback() -> None:
    ctx, buffer = context()
    ecs = stub(ctx, "ecs")
    arn = "arn:aws:ecs:us-east-1:123456789012:service-deployment/budgetbuddy-cluster/budgetbuddy-backend/abc"
    in_progress = [_deployment("PRIMARY", 3, "IN_PROGRESS"), _deployment("ACTIVE", 2)]
    ecs.add_response("describe_services", _service(in_progress), DESCRIBE)
    ecs.add_response(
        "list_service_deployments",
        {"serviceDeployments": [{"serviceDeploymentArn": arn, "status": "IN_PROGRESS"}]},
        {"cluster": CLUSTER, "service": SERVICE, "status": ["PENDING", "IN_PROGRESS"]},
    )
    ecs.add_response("stop_service_deployment", {"serviceDeploymentArn": arn},
                     {"serviceDeploymentArn": arn, "stopType": "ROLLBACK"})  # fmt: skip
    for state in ("ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL"):
        ecs.add_response(
            "describe_service_deployments",
            {"serviceDeployments": [{"serviceDeploymentArn": arn, "status": state}]},
            {"serviceDeploymentArns": [arn]},
        )
    ecs.add_response("describe_services", _service([_deployment("PRIMARY", 2)]), DESCRIBE)  # services_stable
    ecs.add_response("describe_services", _service([_deployment("PRIMARY", 2)]), DESCRIBE)  # final report
    assert rollback.rollback(ctx, None) == 0
    out = buffer.getvalue()
    assert "stopping it with a rollback to budgetbuddy-backend:2" in out
    assert "ECS: ROLLBACK_SUCCESSFUL; the service runs budgetbuddy-backend:2" in out
    ecs.assert_no_pending_responses()


def test_a_failed_stop_is_exit_1_with_ecs_reason() -> None:
    ctx, _ = context()
    ecs = stub(ctx, "ecs")
    arn = "arn:aws:ecs:us-east-1:123456789012:service-deployment/budgetbuddy-cluster/budgetbuddy-backend/abc"
    ecs.add_response("describe_services", _service([_deployment("PRIMARY", 3, "IN_PROGRESS")]), DESCRIBE)
    ecs.add_response("list_service_deployments", {"serviceDeployments": [{"serviceDeploymentArn": arn}]})
    ecs.add_response("stop_service_deployment", {"serviceDeploymentArn": arn})
    ecs.add_response(
        "describe_service_deployments",
        {
            "serviceDeployments": [
                {"serviceDeploymentArn": arn, "status": "ROLLBACK_FAILED", "statusReason": "tasks failed"}
            ]
        },
    )
    with pytest.raises(OpsError, match="ECS rolling back: ROLLBACK_FAILED: tasks failed") as exc:
        rollback.rollback(ctx, None)
    assert exc.value.exit_code == 1


def test_when_ecs_rolls_the_rollback_back_the_command_fails_with_its_reason() -> None:
    """The circuit breaker (or a deployment alarm) stops revision 1: ECS returns to 2 and says why."""
    ctx, buffer = context()
    ecs = stub(ctx, "ecs")
    ecs.add_response("describe_services", _service([_deployment("PRIMARY", 2)]), DESCRIBE)
    ecs.add_response("list_task_definitions", {"taskDefinitionArns": [ARN.format(2), ARN.format(1)]},
                     {"familyPrefix": SERVICE, "status": "ACTIVE", "sort": "DESC"})  # fmt: skip
    ecs.add_response("update_service", {"service": {"serviceName": SERVICE}},
                     {"cluster": CLUSTER, "service": SERVICE, "taskDefinition": f"{SERVICE}:1"})  # fmt: skip
    now = datetime.now(UTC) + timedelta(seconds=1)
    rolling = _service([_deployment("PRIMARY", 1, "IN_PROGRESS"), _deployment("ACTIVE", 2)], running=1)
    reason = "ECS deployment circuit breaker: tasks failed to start."
    back = _service(
        [_deployment("PRIMARY", 2, rolloutStateReason=reason)],
        events=[{"id": "1", "createdAt": now, "message": "(service budgetbuddy-backend) rolling back to :2"}],
    )
    ecs.add_response("describe_services", rolling, DESCRIBE)  # services_stable: not yet
    ecs.add_response("describe_services", back, DESCRIBE)  # services_stable: steady (on 2)
    ecs.add_response("describe_services", back, DESCRIBE)  # the verdict
    with pytest.raises(OpsError) as exc:
        rollback.rollback(ctx, None)
    assert exc.value.exit_code == 1
    assert "ECS rolled the rollback back: the service runs budgetbuddy-backend:2, not budgetbuddy-backend:1" in str(
        exc.value
    )
    assert reason in str(exc.value)
    assert "rolling back to :2" in buffer.getvalue()
    ecs.assert_no_pending_responses()


def test_an_aws_refusal_is_exit_3_with_the_request_id() -> None:
    ctx, _ = context()
    ecs = stub(ctx, "ecs")
    ecs.add_client_error("describe_services", "AccessDeniedException", "not allowed", http_status_code=400)
    with pytest.raises(OpsError, match=r"ecs.describe_services: AccessDeniedException: not allowed") as exc:
        rollback.rollback(ctx, None)
    assert exc.value.exit_code == 3
