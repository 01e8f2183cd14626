"""Compute, deployments: blue/green and canary, alarms and rollback, autoscaling, service, outputs, policies."""

from __future__ import annotations

import pytest

from preview.policy.engine import evaluate
from tests.test_compute_helpers import ALARM, RULE, SERVICE, TG, TOPIC, by_name, run_compute


@pytest.fixture(scope="module")
def production():
    return run_compute("production", maxCapacity=20)


@pytest.fixture(scope="module")
def staging():
    return run_compute("staging")


# ---- 7. deployments -----------------------------------------------------------------------
def test_native_blue_green_by_default(production):
    svc = production.inputs(SERVICE)
    assert svc["deploymentController"] == {"type": "ECS"}
    assert svc["deploymentConfiguration"] == {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": "5"}
    assert svc["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}


def test_canary_from_config():
    r = run_compute("staging", deploymentStrategy="CANARY", canaryPercent=12.5, canaryBakeMinutes=15, bakeTimeMinutes=7)
    assert r.inputs(SERVICE)["deploymentConfiguration"] == {
        "strategy": "CANARY",
        "bakeTimeInMinutes": "7",
        "canaryConfiguration": {"canaryPercent": 12.5, "canaryBakeTimeInMinutes": "15"},
    }


def test_two_ip_target_groups_health_checked_every_30s():
    r = run_compute("staging", healthCheckPath="/ready", healthCheckHealthyThreshold=4, healthCheckUnhealthyThreshold=2)
    tgs = by_name(r, TG)
    assert set(tgs) == {"compute-blue", "compute-green"}
    for tg in tgs.values():
        assert tg["targetType"] == "ip" and tg["protocol"] == "HTTP" and tg["port"] == 8080
        hc = tg["healthCheck"]
        assert (hc["interval"], hc["path"], hc["healthyThreshold"], hc["unhealthyThreshold"]) == (30, "/ready", 4, 2)


def test_service_load_balancer_uses_alternate_group_and_both_rules(staging):
    (lb,) = staging.inputs(SERVICE)["loadBalancers"]
    blue, green = staging.outputs["targetGroupArns"]
    assert lb["targetGroupArn"] == blue and lb["containerName"] == "backend" and lb["containerPort"] == 8080
    adv = lb["advancedConfiguration"]
    assert adv["alternateTargetGroupArn"] == green
    rules = {r["name"]: r for r in staging.of_type(RULE)}
    deps = staging.one(SERVICE)["propertyDependencies"]["loadBalancers"]
    assert rules["compute-production-rule"]["urn"] in deps and rules["compute-test-rule"]["urn"] in deps
    assert adv["productionListenerRule"] != adv["testListenerRule"]


def test_listener_rules_forward_all_paths_and_pulumi_ignores_the_weights(staging):
    """Production rule: blue 100 / green 0 (ECS shifts the weights). Test rule: the alternate (green)
    group only -- with a test listener, ECS wants one group on the production rule and the other on
    the test rule, so the test listener reaches the new revision, never production."""
    blue, green = staging.outputs["targetGroupArns"]
    rules = {r["name"]: r for r in staging.of_type(RULE)}
    expected = {
        "compute-production-rule": ("httpsListenerArn", [{"arn": blue, "weight": 100}, {"arn": green, "weight": 0}]),
        "compute-test-rule": ("testListenerArn", [{"arn": green, "weight": 100}]),
    }
    for name, (listener_output, target_groups) in expected.items():
        rule = rules[name]
        assert rule["inputs"]["listenerArn"] == staging.outputs[listener_output]
        assert rule["inputs"]["conditions"] == [{"pathPattern": {"values": ["/*"]}}]
        (action,) = rule["inputs"]["actions"]
        assert action["type"] == "forward"
        assert action["forward"]["targetGroups"] == target_groups
        assert rule["ignoreChanges"] == ["actions"]


def test_pulumi_does_not_fight_the_deploy_system(staging):
    """taskDefinition (pipeline), desiredCount (autoscaling) and the target-group pair, which ECS
    swaps after every blue/green deployment: re-sending the original pair would point ECS at the
    group that no longer serves production."""
    svc = staging.one(SERVICE)
    assert set(svc["ignoreChanges"]) == {
        "taskDefinition",
        "desiredCount",
        "loadBalancers[0].targetGroupArn",
        "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn",
    }
    # The paths name fields that exist in the recorded inputs (a typo would silently ignore nothing).
    (lb,) = svc["inputs"]["loadBalancers"]
    assert lb["targetGroupArn"] and lb["advancedConfiguration"]["alternateTargetGroupArn"]


def test_rollback_on_the_deployment_alarms(staging):
    alarms = {a["name"]: a["inputs"] for a in staging.of_type(ALARM)}
    names = staging.inputs(SERVICE)["alarms"]
    assert names["enable"] is True and names["rollback"] is True
    assert sorted(names["alarmNames"]) == sorted(a["name"] for a in alarms.values())
    assert staging.outputs["deploymentAlarmNames"] == names["alarmNames"]
    for a in alarms.values():
        # High (error rate, degradation): the e-mail route, not the paging topic (docs/alerts.md).
        alert = TOPIC.replace("-alarms", "-alerts")
        assert a["alarmActions"] == [alert] and a["okActions"] == [alert] and a["actionsEnabled"] is True
        assert a["tags"]["Severity"] == "High"


def test_error_rate_alarm_is_5xx_over_requests_above_one_percent(production):
    alarm = by_name(production, ALARM)["compute-error-rate-alarm"]
    assert alarm["name"] == "budgetbuddy-alb-5xx-error-rate"
    assert alarm["threshold"] == 1 and alarm["comparisonOperator"] == "GreaterThanThreshold"
    q = {x["id"]: x for x in alarm["metricQueries"]}
    suffix = production.outputs["albArnSuffix"]
    assert suffix.startswith("app/")
    for qid, metric in (("errors", "HTTPCode_Target_5XX_Count"), ("requests", "RequestCount")):
        m = q[qid]["metric"]
        assert (m["namespace"], m["metricName"], m["stat"]) == ("AWS/ApplicationELB", metric, "Sum")
        assert m["dimensions"] == {"LoadBalancer": suffix} and q[qid]["returnData"] is False
    expr = q["error_rate"]["expression"]
    assert "100 * FILL(errors, 0) / requests" in expr and q["error_rate"]["returnData"] is True


def test_unhealthy_host_alarms_per_target_group(production):
    alarms = by_name(production, ALARM)
    suffixes = production.outputs["targetGroupArnSuffixes"]
    for color, suffix in zip(("blue", "green"), suffixes, strict=True):
        a = alarms[f"compute-unhealthy-{color}-alarm"]
        assert a["name"] == f"budgetbuddy-unhealthy-hosts-{color}"
        assert a["namespace"] == "AWS/ApplicationELB" and a["metricName"] == "UnHealthyHostCount"
        assert a["dimensions"] == {"TargetGroup": suffix, "LoadBalancer": production.outputs["albArnSuffix"]}
        assert a["threshold"] == 0 and a["comparisonOperator"] == "GreaterThanThreshold"


# ---- 8. autoscaling -----------------------------------------------------------------------
@pytest.mark.parametrize(("stack", "maximum"), [("production", 20), ("staging", 5)])
def test_autoscaling_runbook_numbers(stack, maximum):
    r = run_compute(stack, maxCapacity=maximum)
    target = r.inputs("aws:appautoscaling/target:Target")
    prefix = "budgetbuddy" if stack == "production" else "budgetbuddy-staging"
    assert target["resourceId"] == f"service/{prefix}-cluster/{prefix}-backend"
    assert target["scalableDimension"] == "ecs:service:DesiredCount" and target["serviceNamespace"] == "ecs"
    assert (target["minCapacity"], target["maxCapacity"]) == (2, maximum)
    policies = {
        p["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"]["predefinedMetricType"]: p
        for p in by_name(r, "aws:appautoscaling/policy:Policy").values()
    }
    assert set(policies) == {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"}
    for p in policies.values():
        tt = p["targetTrackingScalingPolicyConfiguration"]
        assert p["policyType"] == "TargetTrackingScaling" and p["resourceId"] == target["resourceId"]
        assert (tt["targetValue"], tt["scaleOutCooldown"], tt["scaleInCooldown"]) == (70, 60, 300)


def test_autoscaling_values_come_from_config():
    r = run_compute("staging", cpuTargetPercent=60, memoryTargetPercent=65, scaleOutCooldownSeconds=30,
                    scaleInCooldownSeconds=600, minCapacity=3, maxCapacity=4)  # fmt: skip
    target = r.inputs("aws:appautoscaling/target:Target")
    assert (target["minCapacity"], target["maxCapacity"]) == (3, 4)
    assert r.inputs(SERVICE)["desiredCount"] == 3
    values = sorted(
        (p["targetTrackingScalingPolicyConfiguration"]["targetValue"],
         p["targetTrackingScalingPolicyConfiguration"]["scaleOutCooldown"],
         p["targetTrackingScalingPolicyConfiguration"]["scaleInCooldown"])
        for p in by_name(r, "aws:appautoscaling/policy:Policy").values()
    )  # fmt: skip
    assert values == [(60, 30, 600), (65, 30, 600)]


# ---- 9. service ---------------------------------------------------------------------------
def test_service_settings(production):
    svc = production.inputs(SERVICE)
    assert svc["name"] == "budgetbuddy-backend"
    assert svc["cluster"] == production.outputs["clusterArn"]
    assert svc["healthCheckGracePeriodSeconds"] == 120
    assert svc["enableEcsManagedTags"] is True and svc["propagateTags"] == "SERVICE"
    assert svc["enableExecuteCommand"] is False
    assert svc["availabilityZoneRebalancing"] == "ENABLED"
    assert "launchType" not in svc  # capacity providers decide
    assert (
        run_compute("staging", healthCheckGracePeriodSeconds=45).inputs(SERVICE)["healthCheckGracePeriodSeconds"] == 45
    )


def test_service_waits_for_capacity_providers_and_role_policy(staging):
    deps = staging.one(SERVICE)["dependencies"]
    for needed in ("clusterCapacityProviders:ClusterCapacityProviders", "rolePolicyAttachment:RolePolicyAttachment"):
        assert any(needed in d for d in deps)


# ---- 10. outputs --------------------------------------------------------------------------
def test_outputs(production):
    out = production.outputs
    assert out["albDnsName"].endswith(".us-east-1.elb.amazonaws.com")
    assert out["albArn"].startswith("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/")
    assert out["clusterName"] == "budgetbuddy-cluster"
    assert out["clusterArn"] == "arn:aws:ecs:us-east-1:123456789012:cluster/budgetbuddy-cluster"
    assert out["serviceName"] == "budgetbuddy-backend"
    assert out["serviceArn"] == "arn:aws:ecs:us-east-1:123456789012:service/budgetbuddy-cluster/budgetbuddy-backend"
    assert out["ecrRepositoryUrl"].startswith("123456789012.dkr.ecr.us-east-1.amazonaws.com/")
    assert len(out["targetGroupArns"]) == 2 and all(":targetgroup/" in a for a in out["targetGroupArns"])
    assert out["albSecurityGroupId"].startswith("sg-") and out["taskSecurityGroupId"].startswith("sg-")
    assert out["albSecurityGroupId"] != out["taskSecurityGroupId"]
    assert out["containerName"] == "backend" and out["appLogGroupName"] == "/aws/ecs/budgetbuddy-cluster"


def test_every_output_is_documented():
    from pathlib import Path

    text = Path(__file__).resolve().parent.parent.joinpath("docs", "outputs.md").read_text()
    section = text.split("## Compute", 1)[1].split("\n## ", 1)[0]
    for key in run_compute("staging").outputs:
        assert f"`{key}`" in section, key


def test_every_taggable_resource_is_tagged(staging):
    from budgetbuddy_policies.taggable import TAGGABLE_TYPES

    for res in staging.custom():
        if res["type"] in TAGGABLE_TYPES:
            assert {"Environment", "Service", "Team"} <= set(res["inputs"].get("tags", {})), res["name"]


# ---- policies -----------------------------------------------------------------------------
@pytest.mark.parametrize("stack", ["production", "staging"])
def test_policy_pack_passes_on_compute_resources(stack):
    r = run_compute(stack, maxCapacity=20 if stack == "production" else 5, taskCpu=512, taskMemory=1024)
    report = evaluate(r.resources, stack=stack)
    # The ALB's web ACL is the edge component's (not built here); the full-stack test judges that rule.
    mine = [v for v in report.violations if "ComputeService" in v.urn and v.rule != "aws-elb-loadbalancer-require-waf"]
    assert mine == [], [f"{v.rule}: {v.resource_name}: {v.message}" for v in mine]
    # Stack rules report without a URN; none of them may be about compute's resources.
    stack_rules = {v.rule for v in report.violations if not v.urn}
    assert stack_rules <= {"aws-budgets-budget-require-cost-notifications"}, stack_rules
