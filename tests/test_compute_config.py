"""Impossible compute settings fail before any resource, naming the key."""

from __future__ import annotations

import pytest

from components.compute import ComputeArgs
from components.config import ConfigError, parse_stack_config
from tests.harness import CERT

BASE = {"certificateArn": CERT}


def problems(stack: str = "staging", **values: object) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_stack_config(stack, {**BASE, **values})
    return info.value.problems


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"taskCpu": 512, "taskMemory": 512}, "budgetbuddy:taskMemory=512"),
        ({"taskCpu": 1024, "taskMemory": 16384}, "budgetbuddy:taskMemory=16384"),
        ({"taskCpu": 300}, "budgetbuddy:taskCpu=300"),
    ],
)
def test_invalid_fargate_cpu_memory(values, key):
    (p,) = problems(**values)
    assert p.startswith(key)


def test_min_above_max():
    (p,) = problems(minCapacity=6, maxCapacity=5)
    assert p.startswith("budgetbuddy:minCapacity=6") and "maxCapacity" in p


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"deploymentStrategy": "CANARY", "canaryPercent": 0}, "budgetbuddy:canaryPercent=0"),
        ({"deploymentStrategy": "CANARY", "canaryPercent": 100}, "budgetbuddy:canaryPercent=100"),
        ({"deploymentStrategy": "CANARY", "canaryPercent": 150}, "budgetbuddy:canaryPercent=150"),
        ({"deploymentStrategy": "CANARY", "canaryBakeMinutes": 1441}, "budgetbuddy:canaryBakeMinutes=1441"),
        ({"bakeTimeMinutes": -1}, "budgetbuddy:bakeTimeMinutes=-1"),
        ({"deploymentStrategy": "LINEAR"}, "budgetbuddy:deploymentStrategy='LINEAR'"),
    ],
)
def test_canary_settings_out_of_range(values, key):
    (p,) = problems(**values)
    assert p.startswith(key)


def test_missing_certificate_source():
    with pytest.raises(ConfigError) as info:
        parse_stack_config("staging", {})
    (p,) = info.value.problems
    assert p.startswith("budgetbuddy:certificateArn: not set") and "domainName" in p and "hostedZoneId" in p
    # a domain without its zone is not a source either: the missing zone is named
    with pytest.raises(ConfigError, match="hostedZoneId: not set: required with domainName"):
        parse_stack_config("staging", {"domainName": "api.example.com"})
    (both,) = problems(domainName="api.example.com", hostedZoneId="Z123")
    assert both.startswith("budgetbuddy:certificateArn=") and "not both" in both


@pytest.mark.parametrize("key", ["healthCheckHealthyThreshold", "healthCheckUnhealthyThreshold"])
@pytest.mark.parametrize("value", [1, 11])
def test_health_check_thresholds_range(key, value):
    (p,) = problems(**{key: value})
    assert p.startswith(f"budgetbuddy:{key}={value}")


def test_production_cannot_use_spot():
    (p,) = problems("production", capacitySpotWeight=1)
    assert p.startswith("budgetbuddy:capacitySpotWeight=1")


def test_every_problem_is_reported_at_once():
    ps = problems(taskCpu=512, taskMemory=512, minCapacity=9, maxCapacity=3, healthCheckHealthyThreshold=1)
    assert {p.split("=")[0] for p in ps} == {
        "budgetbuddy:taskMemory",
        "budgetbuddy:minCapacity",
        "budgetbuddy:healthCheckHealthyThreshold",
    }


def test_defaults_map_to_args():
    args = ComputeArgs.from_config(parse_stack_config("production", BASE))
    assert (args.healthy_threshold, args.unhealthy_threshold, args.health_check_interval_seconds) == (3, 3, 30)
    assert args.deletion_protection is True and args.idle_timeout_seconds == 60
    assert ComputeArgs.from_config(parse_stack_config("staging", BASE)).deletion_protection is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task_cpu": 256, "task_memory": 4096}, "task_memory=4096"),
        ({"min_capacity": 5, "max_capacity": 2}, "min_capacity=5"),
        ({"deployment_strategy": "CANARY", "canary_percent": 100.0}, "canary_percent=100.0"),
        ({"certificate_arn": None}, "certificate source"),
        ({"domain_name": "a.example.com", "hosted_zone_id": "Z1"}, "certificate source"),
        ({"container_user": "0:0"}, "container_user"),
        ({"test_listener_port": 443}, "test_listener_port=443"),
        ({"on_demand_weight": 0, "spot_weight": 0}, "both be 0"),
    ],
)
def test_args_reject_impossible_combinations(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ComputeArgs(**{"certificate_arn": CERT, **kwargs})
