"""Rollouts (docs/decisions.md, "Rollouts"): a reviewed task-definition change reaches the service on the deploy
path. scripts/deploy.sh runs against stub `pulumi` and `aws` CLIs (tests/stubs/aws) holding an ECS service; the
program's side is checked on the recorded stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import ecs_state as ecs
from tests.harness import run_stack
from tests.test_scripts_deploy import CLOUD, make_checkout, run


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return make_checkout(tmp_path)


def resized() -> dict:
    """The reviewed change: production 1024/2048 -> 2048/4096; the platform registered revision 3 for it."""
    return ecs.state(platform=ecs.task_definition(3, ecs.PLACEHOLDER, "2048", "4096"),
                     running=ecs.task_definition(2, ecs.PIPELINE_IMAGE))  # fmt: skip


def aws_calls(checkout: Path) -> list[str]:
    log = checkout.parent / "aws.log"
    return log.read_text().splitlines() if log.exists() else []


def test_a_task_size_change_is_rolled_out_with_the_pipelines_image(checkout: Path):
    ecs.write_state(checkout.parent, resized())
    proc, calls = run(checkout, "deploy.sh", "production", **CLOUD)
    assert proc.returncode == 0, proc.stderr
    assert calls[-1].startswith("up ")  # pulumi up first, then the rollout
    state = ecs.read_state(checkout.parent)
    body = state["registered"]
    assert (body["cpu"], body["memory"]) == ("2048", "4096")  # the platform's configuration ...
    assert body["containerDefinitions"][0]["image"] == ecs.PIPELINE_IMAGE  # ... with the image that runs
    new = ecs.arn(4)
    (update,) = [c for c in aws_calls(checkout) if c.startswith("ecs update-service")]
    # only the revision: the service's own strategy, alarms, circuit breaker and bake time apply
    assert update == (f"ecs update-service --cluster budgetbuddy-cluster --service budgetbuddy-backend "
                      f"--task-definition {new} --region us-east-1 --output json")  # fmt: skip
    # steady state: the new revision runs alone, so the pipeline's next revision derives from it
    assert state["service"]["taskDefinition"] == new and len(state["service"]["deployments"]) == 1
    assert f"deployed {new}" in proc.stdout


def test_nothing_is_registered_when_the_service_runs_the_platforms_configuration(checkout: Path):
    proc, _ = run(checkout, "deploy.sh", "staging", **CLOUD)
    assert proc.returncode == 0, proc.stderr
    assert "already runs the platform's task definition" in proc.stdout
    assert not [c for c in aws_calls(checkout) if "register-task-definition" in c or "update-service" in c]


@pytest.mark.parametrize(
    ("outcome", "message"),
    [("rolled_back", "ECS rolled back to " + ecs.arn(2)), ("failed", "circuit breaker: tasks failed to start")],
)
def test_a_rollout_ecs_rolls_back_fails_the_deploy_visibly(checkout: Path, outcome: str, message: str):
    ecs.write_state(checkout.parent, {**resized(), "outcome": outcome})
    proc, _ = run(checkout, "deploy.sh", "production", **CLOUD, GITHUB_ACTIONS="true")
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "::error title=Rollout production::" in proc.stdout


def test_a_rollout_that_does_not_finish_in_time_fails(checkout: Path):
    ecs.write_state(checkout.parent, resized())
    proc, _ = run(checkout, "deploy.sh", "production", **CLOUD, ROLLOUT_TIMEOUT_SECONDS="0")
    assert proc.returncode == 1 and "did not finish within 0 s" in proc.stderr


def test_a_container_port_change_is_refused_before_pulumi_up(checkout: Path):
    stack_file = checkout / "Pulumi.production.yaml"
    stack_file.write_text(
        stack_file.read_text().replace("config:\n", "config:\n  budgetbuddy:containerPort: '9090'\n", 1)
    )
    proc, calls = run(checkout, "deploy.sh", "production", **CLOUD)
    assert proc.returncode == 2
    assert "containerPort 9090" in proc.stderr and "Changing the container port or the target groups" in proc.stderr
    assert not any(c.startswith("up ") for c in calls)


def test_the_program_never_reverts_the_deployed_revision_or_image():
    """Under mocks: the service ignores its task definition (the deploy path rolls revisions out), the task
    definition is the service's family, and the outputs the rollout reads are exported."""
    r = run_stack("production")
    service = r.one("aws:ecs/service:Service")
    assert "taskDefinition" in service["ignoreChanges"]
    task = r.inputs("aws:ecs/taskDefinition:TaskDefinition")
    assert task["family"] == service["inputs"]["name"]
    (container,) = json.loads(task["containerDefinitions"])
    assert container["name"] == r.outputs["containerName"] and container["image"].endswith(":initial")
    assert {"region", "clusterName", "serviceName", "containerName", "taskDefinitionArn"} <= set(r.outputs)
