"""Both stacks end to end through the offline preview: compute wired to its real upstream outputs."""

from __future__ import annotations

import json

import pytest

from preview.policy.engine import evaluate
from tests.harness import run_stack

SERVICE = "aws:ecs/service:Service"


@pytest.fixture(scope="module", params=["staging", "production"])
def stack(request):
    return request.param, run_stack(request.param)


def _compute(result):
    return [r for r in result.resources if "budgetbuddy:compute:ComputeService" in r["urn"]]


def test_compute_is_wired_with_upstream_outputs(stack):
    name, r = stack
    prefix = "budgetbuddy" if name == "production" else "budgetbuddy-staging"
    out = r.outputs
    assert out["clusterName"] == f"{prefix}-cluster" and out["serviceName"] == f"{prefix}-backend"
    svc = r.inputs(SERVICE)
    assert svc["networkConfiguration"]["subnets"] == out["privateSubnetIds"]
    alb = r.inputs("aws:lb/loadBalancer:LoadBalancer")
    assert alb["subnets"] == out["publicSubnetIds"]
    # ALB access logs go to Security's log bucket, and the ALB waits for its bucket policy.
    assert alb["accessLogs"]["bucket"].startswith("security-logs")
    deps = r.one("aws:lb/loadBalancer:LoadBalancer")["propertyDependencies"]["accessLogs"]
    assert any("bucketPolicy:BucketPolicy::security-logs" in d for d in deps), deps
    # The task role is scoped to the Data component's real table and index ARNs.
    task_policy = json.loads(r.inputs("aws:iam/rolePolicy:RolePolicy", "compute-task-policy")["policy"])
    tables = next(s for s in task_policy["Statement"] if s["Sid"] == "Tables")["Resource"]
    assert set(out["tableArns"]) <= set(tables)
    assert any("/index/" in a for a in tables)
    # Deployment alarms notify the alerting topic (every one of them is registered, none skipped).
    alarms = {a["inputs"]["name"]: a["inputs"] for a in r.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert len(out["deploymentAlarmNames"]) == 3 and set(out["deploymentAlarmNames"]) <= set(alarms)
    for name in out["deploymentAlarmNames"]:
        assert alarms[name]["alarmActions"] == [out["alertTopicArn"]]


def test_stack_capacity_and_strategy(stack):
    name, r = stack
    svc = r.inputs(SERVICE)
    providers = {s["capacityProvider"]: s["weight"] for s in svc["capacityProviderStrategies"]}
    target = r.inputs("aws:appautoscaling/target:Target")
    if name == "production":
        assert providers == {"FARGATE": 1} and target["maxCapacity"] == 20
        assert svc["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
        assert r.inputs("aws:lb/loadBalancer:LoadBalancer")["enableDeletionProtection"] is True
    else:
        assert providers["FARGATE_SPOT"] > providers["FARGATE"] and target["maxCapacity"] == 5
        assert svc["deploymentConfiguration"]["strategy"] == "CANARY"
    # Both stack files issue a certificate for their domain.
    assert r.inputs("aws:acm/certificate:Certificate")["validationMethod"] == "DNS"


def test_policy_pack_passes_on_compute_in_the_full_stack(stack):
    name, r = stack
    compute = _compute(r)
    assert len(compute) > 30
    report = evaluate(r.resources, stack=name)
    mine = [v for v in report.violations if "ComputeService" in v.urn]
    assert mine == [], [f"{v.rule}: {v.resource_name}: {v.message}" for v in mine]
