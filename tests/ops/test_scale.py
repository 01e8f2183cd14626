"""``scale``: the runbook's register-scalable-target within the stack's limits, and how to make it permanent."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from tests.ops.helpers import run

RESOURCE = "service/budgetbuddy-cluster/budgetbuddy-backend"


def _bounds() -> tuple[int, int]:
    target = boto3.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[RESOURCE]
    )["ScalableTargets"][0]
    return target["MinCapacity"], target["MaxCapacity"]


def test_sets_the_bounds_and_prints_the_config_that_keeps_them(platform_aws: dict[str, Any], capsys: Any) -> None:
    # The runbook's own incident command: --min-capacity 4 --max-capacity 20.
    code, out, _ = run(capsys, "scale", "production", "--min", "4", "--max", "20", "--yes")
    assert code == 0 and _bounds() == (4, 20)
    assert f"{RESOURCE}: min 2, max 20 now" in out
    assert "The next `pulumi up` of production sets min 2, max 20 again" in out
    assert "pulumi config set --stack production minCapacity 4" in out
    assert "pulumi config set --stack production maxCapacity 20" in out


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        # The runbook's range (policies/config/production.json, aws-appautoscaling-target-configure-capacity).
        ("1", "20", "--min 1: allowed 2-20"),
        ("2", "30", "--max 30: allowed 2-20"),
        ("8", "4", "--min 8 must not exceed --max 4"),
    ],
)
def test_values_outside_the_limits_are_refused_before_any_call(
    platform_aws: dict[str, Any], capsys: Any, low: str, high: str, message: str
) -> None:
    code, _, err = run(capsys, "scale", "production", "--min", low, "--max", high, "--yes")
    assert code == 2 and message in err
    assert "policies/config/production.json (maxCapacity 20, minCapacity 2)" in err
    assert _bounds() == (2, 20)


def test_a_stack_without_a_scalable_target_is_named(capsys: Any) -> None:
    from moto import mock_aws

    with mock_aws():
        code, _, err = run(capsys, "scale", "staging", "--min", "2", "--max", "4")
    assert code == 1 and "no scalable target service/budgetbuddy-staging-cluster/budgetbuddy-staging-backend" in err


def test_dry_run(capsys: Any) -> None:
    code, _, err = run(capsys, "scale", "production", "--min", "4", "--max", "20", "--dry-run")
    assert code == 0
    assert (
        '[dry-run] application-autoscaling.register_scalable_target(ServiceNamespace="ecs", '
        f'ResourceId="{RESOURCE}", ScalableDimension="ecs:service:DesiredCount", MinCapacity=4, MaxCapacity=20)'
    ) in err
