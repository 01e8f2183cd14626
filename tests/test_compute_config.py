"""Impossible compute settings fail before any resource, naming the key."""

from __future__ import annotations

import pytest

from components.compute import ComputeSettings
from components.config.load import parse_stack_config
from components.config.problems import ConfigError
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


def test_defaults_are_the_runbook_values():
    s = parse_stack_config("production", BASE)
    assert (s.health_check_healthy_threshold, s.health_check_unhealthy_threshold) == (3, 3)
    assert (s.health_check_interval_seconds, s.idle_timeout_seconds) == (30, 60)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"task_cpu": 256, "task_memory": 4096}, "taskMemory=4096: with taskCpu 256"),
        ({"min_capacity": 5, "max_capacity": 2}, "minCapacity=5: must not exceed maxCapacity"),
        ({"deployment_strategy": "CANARY", "canary_percent": 100.0}, "canaryPercent=100.0: must be below 100"),
        ({"certificate_arn": None}, "the HTTPS listener needs a certificate"),
        ({"domain_name": "a.example.com", "hosted_zone_id": "Z1"}, "not both"),
        ({"container_user": "0:0"}, "container_user"),
        ({"test_listener_port": 443}, "test_listener_port=443"),
        ({"capacity_on_demand_weight": 0, "capacity_spot_weight": 0}, "both be 0"),
    ],
)
def test_settings_reject_impossible_combinations(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ComputeSettings(**{"certificate_arn": CERT, **kwargs})
