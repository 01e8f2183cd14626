"""Cost model: arithmetic against the price table, unknown inputs, ranges, budget, properties."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from preview import cost
from preview.cost import fargate
from preview.cost.inputs import UNKNOWN
from preview.cost.pricers.data import cron_runs_per_day as _cron_runs_per_day
from preview.report import cost as cost_views
from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY
from tests.policies.policy_fixtures import baseline

P = cost.PRICES
H = cost.HOURS_PER_MONTH
NO_FREE = replace(cost.STAGING, apply_free_tier=False)


def res(type_: str, name: str, inputs: dict[str, Any], *, deps: dict[str, list[str]] | None = None, **kw: Any) -> dict:
    parent = kw.pop("parent_type", "budgetbuddy:compute:Service")
    return {
        "urn": f"urn:pulumi:staging::budgetbuddy::{parent}${type_}::{name}",
        "type": type_,
        "name": name,
        "custom": kw.pop("custom", True),
        "remote": kw.pop("remote", False),
        "dependencies": sorted({u for v in (deps or {}).values() for u in v}),
        "propertyDependencies": deps or {},
        "inputs": inputs,
    }


def service_stack(
    *,
    cpu: Any = "1024",
    memory: Any = "2048",
    arch: str = "ARM64",
    min_capacity: Any = 2.0,
    max_capacity: Any = 4.0,
    strategies: list[dict[str, Any]] | None = None,
) -> list[dict]:
    td = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        {"family": "backend", "cpu": cpu, "memory": memory, "requiresCompatibilities": ["FARGATE"],
         "runtimePlatform": {"cpuArchitecture": arch, "operatingSystemFamily": "LINUX"},
         "containerDefinitions": json.dumps([{"name": "backend", "image": "x"}])},
    )  # fmt: skip
    svc_inputs: dict[str, Any] = {"name": "budgetbuddy-backend", "desiredCount": 2.0, "taskDefinition": UNKNOWN}
    if strategies is None:
        svc_inputs["launchType"] = "FARGATE"
    else:
        svc_inputs["capacityProviderStrategies"] = strategies
    svc = res("aws:ecs/service:Service", "service", svc_inputs, deps={"taskDefinition": [td["urn"]]})
    target = res(
        "aws:appautoscaling/target:Target",
        "scaling",
        {"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount", "resourceId": UNKNOWN,
         "minCapacity": min_capacity, "maxCapacity": max_capacity},
        deps={"resourceId": [svc["urn"]]},
    )  # fmt: skip
    return [td, svc, target]


def compute_items(report: cost.CostReport) -> list[cost.LineItem]:
    return [i for i in report.items if i.category == "Compute"]


def compute_total(report: cost.CostReport) -> float:
    return sum(i.monthly_usd for i in compute_items(report))


# --- Fargate ---------------------------------------------------------------------------


def test_two_arm_tasks_cost_exactly_the_price_table_figure() -> None:
    report = cost.estimate(service_stack(), "staging", NO_FREE)
    vcpu = next(i for i in compute_items(report) if i.unit == "vCPU-hour")
    mem = next(i for i in compute_items(report) if i.unit == "GB-hour")
    assert vcpu.quantity == 2 * 1 * 730 and vcpu.unit_price == P.fargate_arm_vcpu_hour
    assert mem.quantity == 2 * 2 * 730 and mem.unit_price == P.fargate_arm_gb_hour
    expected = 2 * 730 * (1 * 0.03238 + 2 * 0.00356)
    assert compute_total(report) == pytest.approx(expected)  # $57.67
    assert "minCapacity" in vcpu.assumption and "4 at maxCapacity" in vcpu.assumption


def test_max_capacity_is_shown_as_the_upper_end_of_a_range() -> None:
    report = cost.estimate(service_stack(min_capacity=2.0, max_capacity=20.0), "production")
    lo, hi = compute_total(report), sum(i.monthly_usd_max for i in compute_items(report))
    assert hi == pytest.approx(lo * 10)
    assert report.total_max - report.total == pytest.approx(hi - lo)


def test_fargate_spot_share_lowers_x86_cost_by_the_documented_discount() -> None:
    strategies = [
        {"capacityProvider": "FARGATE", "base": 1.0, "weight": 1.0},
        {"capacityProvider": "FARGATE_SPOT", "base": 0.0, "weight": 3.0},
    ]
    on_demand = compute_total(cost.estimate(service_stack(arch="X86_64"), "staging", NO_FREE))
    mixed = cost.estimate(service_stack(arch="X86_64", strategies=strategies), "staging", NO_FREE)
    # 2 tasks: base 1 on FARGATE, the other split 1:3 -> 1.25 on-demand, 0.75 Spot
    per_task = 730 * (0.04048 + 2 * 0.004445)
    assert compute_total(mixed) == pytest.approx((1.25 + 0.75 * (1 - P.fargate_spot_discount)) * per_task)
    assert compute_total(mixed) < on_demand == pytest.approx(2 * per_task)
    assert any(i.item.startswith("Fargate X86_64 Spot") for i in compute_items(mixed))


def test_spot_share_on_arm64_is_priced_as_spot_on_platform_1_4() -> None:
    strategies = [{"capacityProvider": "FARGATE", "base": 1.0, "weight": 1.0},
                  {"capacityProvider": "FARGATE_SPOT", "weight": 3.0}]  # fmt: skip
    per_task = 730 * (0.03238 + 2 * 0.00356)
    report = cost.estimate(service_stack(strategies=strategies), "staging", NO_FREE)
    assert not report.warnings
    assert compute_total(report) == pytest.approx((1.25 + 0.75 * (1 - P.fargate_spot_discount)) * per_task)
    assert fargate.spot_supported(fargate.ARM64, "LATEST") and fargate.spot_supported(fargate.ARM64, "1.4.0")


def test_spot_share_on_arm64_before_platform_1_4_is_a_warning_and_priced_on_demand() -> None:
    strategies = [{"capacityProvider": "FARGATE", "base": 1.0, "weight": 1.0},
                  {"capacityProvider": "FARGATE_SPOT", "weight": 3.0}]  # fmt: skip
    stack = service_stack(strategies=strategies)
    stack[1]["inputs"]["platformVersion"] = "1.3.0"
    report = cost.estimate(stack, "staging", NO_FREE)
    (warning,) = report.warnings
    assert "ARM64" in warning and "1.3.0" in warning and "on-demand" in warning
    # Both tasks at the ARM64 on-demand rate: 2 x 730 h x (1 vCPU + 2 GB), no Spot line.
    assert compute_total(report) == pytest.approx(2 * 730 * (0.03238 + 2 * 0.00356))
    assert not any("Spot" in i.item for i in compute_items(report))
    # X86_64 Spot has run on platform 1.3.0 all along: no warning, Spot priced.
    x86 = service_stack(arch="X86_64", strategies=strategies)
    x86[1]["inputs"]["platformVersion"] = "1.3.0"
    x86_report = cost.estimate(x86, "staging", NO_FREE)
    assert not x86_report.warnings and any("Spot" in i.item for i in compute_items(x86_report))


def test_split_tasks_places_base_first_then_weights() -> None:
    s = [fargate.Strategy("FARGATE", base=2, weight=1), fargate.Strategy("FARGATE_SPOT", weight=1)]
    assert fargate.split_tasks(2, s) == (2, 0)
    assert fargate.split_tasks(6, s) == (4, 2)
    assert fargate.split_tasks(5, []) == (5, 0)


def test_arm_vs_x86_comparison_note() -> None:
    report = cost.estimate(service_stack(), "staging")
    assert any("ARM64 $57.67/month vs X86_64 $72.08/month" in c and "cheaper" in c for c in report.comparisons)


def test_ephemeral_storage_above_20_gib_is_charged() -> None:
    stack = service_stack()
    stack[0]["inputs"]["ephemeralStorage"] = {"sizeInGib": 50.0}
    report = cost.estimate(stack, "staging", NO_FREE)
    item = next(i for i in report.items if "ephemeral" in i.item)
    assert item.monthly_usd == pytest.approx(2 * 30 * 730 * P.fargate_ephemeral_gb_hour)


# --- network ---------------------------------------------------------------------------


def vpc(strategy: str | None, azs: Any = 3.0) -> dict:
    inputs: dict[str, Any] = {"cidrBlock": "10.0.0.0/16", "numberOfAvailabilityZones": azs}
    if strategy is not None:
        inputs["natGateways"] = {"strategy": strategy}
    return res("awsx:ec2:Vpc", "network", inputs, custom=False, remote=True, parent_type="budgetbuddy:net:Network")


def nat_hours(report: cost.CostReport) -> float:
    return sum(i.quantity for i in report.items if i.unit == "NAT gateway-hour")


@pytest.mark.parametrize(("strategy", "azs", "count"), [("OnePerAz", 3.0, 3), ("Single", 3.0, 1), ("None", 3.0, 0),
                                                         ("OnePerAz", 2.0, 2), (None, 3.0, 3)])  # fmt: skip
def test_nat_gateways_counted_from_awsx_vpc_inputs(strategy: str | None, azs: float, count: int) -> None:
    report = cost.estimate([vpc(strategy, azs)], "staging")
    assert nat_hours(report) == count * H
    ipv4 = [i for i in report.items if "NAT gateways (awsx" in i.item]
    assert sum(i.quantity for i in ipv4) == count * H
    data = [i for i in report.items if i.item.startswith("NAT data processed")]
    assert bool(data) == bool(count)


def test_explicit_nat_gateways_add_to_awsx_ones() -> None:
    nats = [res("aws:ec2/natGateway:NatGateway", f"nat-{i}", {"subnetId": "s"}) for i in range(2)]
    report = cost.estimate([vpc("Single"), *nats], "staging")
    assert nat_hours(report) == 3 * H
    assert sum(i.monthly_usd for i in report.items if i.unit == "NAT gateway-hour") == pytest.approx(3 * 730 * 0.045)


def test_unknown_az_count_is_reported_and_defaults_to_awsx_three() -> None:
    report = cost.estimate([vpc("OnePerAz", UNKNOWN)], "staging")
    assert nat_hours(report) == 3 * H
    assert [(u.resource, u.prop) for u in report.unknowns] == [("network", "numberOfAvailabilityZones")]


def test_alb_hourly_lcu_and_public_ipv4() -> None:
    lb = res("aws:lb/loadBalancer:LoadBalancer", "alb", {"loadBalancerType": "application", "internal": False,
             "subnets": ["a", "b", "c"]})  # fmt: skip
    report = cost.estimate([lb], "staging", NO_FREE)
    by_unit = {i.unit: i for i in report.items}
    assert by_unit["ALB-hour"].monthly_usd == pytest.approx(730 * 0.0225)
    assert by_unit["LCU-hour"].monthly_usd == pytest.approx(NO_FREE.alb_lcus * 730 * 0.008)
    assert by_unit["LCU-hour"].assumption and by_unit["ALB-hour"].assumption is None
    assert by_unit["IPv4-hour"].quantity == 3 * H


# --- CloudWatch, KMS, logs -------------------------------------------------------------


def alarm(name: str, anomaly: bool = False, period: float = 60.0) -> dict:
    if anomaly:
        inputs = {"comparisonOperator": "GreaterThanUpperThreshold", "thresholdMetricId": "ad1", "metricQueries": [
            {"id": "m1", "returnData": True, "metric": {"metricName": "RequestCount", "namespace": "AWS/ApplicationELB",
                                                         "period": 300.0, "stat": "Sum"}},
            {"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 2)", "returnData": True}]}  # fmt: skip
    else:
        inputs = {"metricName": "CPUUtilization", "namespace": "AWS/ECS", "period": period, "threshold": 80.0}
    return res("aws:cloudwatch/metricAlarm:MetricAlarm", name, inputs)


def test_anomaly_detection_alarm_costs_three_standard_alarms() -> None:
    std = cost.estimate([alarm("cpu")], "staging", NO_FREE).total
    anomaly = cost.estimate([alarm("requests", anomaly=True)], "staging", NO_FREE).total
    assert std == pytest.approx(P.alarm_metric_month)
    assert anomaly == pytest.approx(3 * std)


def test_high_resolution_alarm_and_free_tier() -> None:
    assert cost.estimate([alarm("fast", period=10.0)], "staging", NO_FREE).total == pytest.approx(0.30)
    twelve = [alarm(f"a{i}") for i in range(12)]
    assert cost.estimate(twelve, "staging").total == pytest.approx(2 * 0.10)  # 10 free alarm metrics
    assert cost.estimate(twelve, "staging", NO_FREE).total == pytest.approx(12 * 0.10)


def test_dashboards_beyond_free_tier_and_metric_filters() -> None:
    boards = [res("aws:cloudwatch/dashboard:Dashboard", f"d{i}", {"dashboardBody": "{}"}) for i in range(4)]
    assert cost.estimate(boards, "staging").total == pytest.approx(3.00)
    filters = [res("aws:cloudwatch/logMetricFilter:LogMetricFilter", f"f{i}", {"pattern": "ERROR"}) for i in range(3)]
    assert cost.estimate(filters, "staging", NO_FREE).total == pytest.approx(3 * 0.30)


def test_kms_keys_and_replicas_cost_a_dollar_each() -> None:
    keys = [res("aws:kms/key:Key", "k1", {}), res("aws:kms/key:Key", "k2", {"multiRegion": True}),
            res("aws:kms/replicaKey:ReplicaKey", "k2-dr", {"primaryKeyArn": UNKNOWN})]  # fmt: skip
    report = cost.estimate(keys, "staging", replace(NO_FREE, kms_requests=0.0))
    assert report.total == pytest.approx(3.00)


def test_log_group_ingestion_and_storage_by_retention() -> None:
    group = res(
        "aws:cloudwatch/logGroup:LogGroup", "app", {"name": "/aws/ecs/budgetbuddy-cluster", "retentionInDays": 90.0}
    )
    a = replace(NO_FREE, log_gb={"app": 10.0, "other": 0.0})
    report = cost.estimate([group], "production", a)
    ingest = next(i for i in report.items if i.item.startswith("Log ingestion"))
    storage = next(i for i in report.items if i.item.startswith("Log storage"))
    assert ingest.monthly_usd == pytest.approx(10 * 0.50)
    assert storage.quantity == pytest.approx(10 * 90 / (365 / 12), abs=1e-4)  # rounded to 4 decimals
    assert storage.monthly_usd == pytest.approx(storage.quantity * 0.03)


def test_flow_log_target_group_is_not_ingested_twice() -> None:
    group = res("aws:cloudwatch/logGroup:LogGroup", "flow", {"name": "/x/vpc-flow", "retentionInDays": 30.0})
    fl = res("aws:ec2/flowLog:FlowLog", "fl", {"trafficType": "ALL"}, deps={"logDestination": [group["urn"]]})
    report = cost.estimate([group, fl], "staging", NO_FREE)
    assert [i.item for i in report.items if "ingest" in i.item.lower()] == []
    assert any(i.item.startswith("VPC flow logs delivery") for i in report.items)


# --- data, CI/CD, budget ---------------------------------------------------------------


def table(name: str, gsis: int = 0, pitr: bool = True) -> dict:
    return res("aws:dynamodb/table:Table", name.lower(), {
        "name": name, "billingMode": "PAY_PER_REQUEST", "hashKey": "pk",
        "globalSecondaryIndexes": [{"name": f"g{i}", "hashKey": "pk", "projectionType": "ALL"} for i in range(gsis)],
        "pointInTimeRecovery": {"enabled": pitr}})  # fmt: skip


def test_dynamodb_on_demand_gsi_writes_pitr_and_backup() -> None:
    a = replace(NO_FREE, dynamodb_million_reads=10.0, dynamodb_million_writes=2.0, dynamodb_storage_gb=4.0)
    plan = res("aws:backup/plan:Plan", "plan", {"rules": [{"ruleName": "daily", "schedule": "cron(0 2 * * ? *)",
               "targetVaultName": "v", "lifecycle": {"deleteAfter": 35.0}}]})  # fmt: skip
    report = cost.estimate([table("BudgetBuddy-Transactions", gsis=2), plan], "staging", a)
    got = {i.item.split(" ", 2)[-1]: i.monthly_usd for i in report.items}
    assert got["on-demand reads"] == pytest.approx(10 * 0.125)
    assert got["on-demand writes"] == pytest.approx(2 * 3 * 0.625)
    assert got["storage"] == pytest.approx(4 * 0.25)
    assert got["point-in-time recovery"] == pytest.approx(4 * 0.20)
    backup = next(i for i in report.items if i.item.startswith("AWS Backup warm storage"))
    assert backup.monthly_usd == pytest.approx(35 * 4 * 0.10)


def test_cron_runs_per_day() -> None:
    assert _cron_runs_per_day("cron(0 2 * * ? *)") == 1
    assert _cron_runs_per_day("cron(0 0/6 * * ? *)") == 4
    assert _cron_runs_per_day("cron(0 2 ? * MON *)") == pytest.approx(1 / 7)
    assert _cron_runs_per_day("rate(1 day)") is None


def test_codebuild_arm_minutes_and_pipeline_v2() -> None:
    build = res("aws:codebuild/project:Project", "build", {"environment": {"type": "ARM_CONTAINER",
                "computeType": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/amazonlinux2-aarch64-standard:3.0"}})  # fmt: skip
    pipe = res("aws:codepipeline/pipeline:Pipeline", "pipe", {"pipelineType": "V2", "stages": [
        {"name": "Source", "actions": [{"category": "Source", "name": "s"}]},
        {"name": "Build", "actions": [{"category": "Build", "name": "b"}]}]})  # fmt: skip
    a = replace(NO_FREE, builds_per_month=30.0, build_minutes=10.0, pipeline_runs=30.0)
    report = cost.estimate([build, pipe], "staging", a)
    cb = next(i for i in report.items if i.resource_type == "aws:codebuild/project:Project")
    cp = next(i for i in report.items if i.resource_type == "aws:codepipeline/pipeline:Pipeline")
    assert cb.monthly_usd == pytest.approx(300 * P.codebuild_rate("ARM_CONTAINER", "BUILD_GENERAL1_SMALL"))
    assert cp.quantity == 30 * (1 + 8) and cp.monthly_usd == pytest.approx(270 * 0.002)


def test_secrets_cloudtrail_and_guardduty() -> None:
    trails = [res("aws:cloudtrail/trail:Trail", "main", {"isMultiRegionTrail": True}),
              res("aws:cloudtrail/trail:Trail", "data", {"eventSelectors": [{"includeManagementEvents": False,
                  "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]})]  # fmt: skip
    secret = res("aws:secretsmanager/secret:Secret", "db", {"replicas": [{"region": "us-west-2"}]})
    a = replace(NO_FREE, cloudtrail_data_events=2_000_000.0)
    report = cost.estimate([*trails, secret], "staging", a)
    assert sum(i.monthly_usd for i in report.items if i.resource_type.startswith("aws:cloudtrail")) == pytest.approx(
        20 * 0.10
    )  # first management trail free, data events 2M x $0.10/100k
    assert next(i for i in report.items if "Secrets" in i.item).monthly_usd == pytest.approx(0.80)
    gd = cost.estimate([res("aws:guardduty/detector:Detector", "gd", {"enable": True})], "staging", NO_FREE)
    assert gd.total > 0 and all(i.assumption for i in gd.items)


def test_budget_from_limit_amount_and_percent() -> None:
    budget = res("aws:budgets/budget:Budget", "monthly", {"budgetType": "COST", "timeUnit": "MONTHLY",
                 "limitAmount": "100", "limitUnit": "USD"})  # fmt: skip
    report = cost.estimate([*service_stack(), budget], "staging", NO_FREE)
    assert report.budget is not None and report.budget.amount == 100.0
    assert report.budget_percent == pytest.approx(report.total)  # total / 100 * 100
    assert to_json_budget(report)["percent"] == round(report.total, 1)


def to_json_budget(report: cost.CostReport) -> dict:
    return cost.to_json(report)["budget"]


# --- unknowns and robustness -----------------------------------------------------------


def test_unknown_inputs_are_reported_not_raised() -> None:
    stack = service_stack(cpu=UNKNOWN)
    budget = res(
        "aws:budgets/budget:Budget", "b", {"budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": UNKNOWN}
    )
    lb = res("aws:lb/loadBalancer:LoadBalancer", "alb", {"subnets": UNKNOWN})
    report = cost.estimate([*stack, budget, lb], "staging")
    props = {(u.resource, u.prop) for u in report.unknowns}
    assert {("task", "cpu"), ("b", "limitAmount"), ("alb", "subnets")} <= props
    assert compute_items(report) == []
    assert report.budget is not None and report.budget.amount is None and report.budget_percent is None
    assert "unknown during preview" in cost_views.to_markdown(report)


def test_secret_wrapped_and_float_inputs_are_read() -> None:
    stack = service_stack(min_capacity={SPECIAL_SIG_KEY: SECRET_SIG, "value": 2.0})
    assert compute_total(cost.estimate(stack, "staging", NO_FREE)) == pytest.approx(57.6708, abs=1e-3)


def test_resources_without_cost_are_counted_and_unmodelled_types_flagged() -> None:
    extra = [res("aws:iam/role:Role", "r", {}), res("aws:lb/targetGroup:TargetGroup", "tg", {}),
             res("aws:sns/topic:Topic", "t", {}), res("aws:redshift/cluster:Cluster", "rs", {}),
             res("budgetbuddy:compute:Service", "svc", {}, custom=False)]  # fmt: skip
    report = cost.estimate([*service_stack(), *extra], "staging")
    assert report.no_direct_charge == {"aws:iam/role:Role": 1, "aws:lb/targetGroup:TargetGroup": 1,
                                       "aws:sns/topic:Topic": 1}  # fmt: skip
    assert report.not_modeled == {"aws:redshift/cluster:Cluster": 1}


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_policy_baseline_fixture_renders_in_every_format(stack: str) -> None:
    report = cost.estimate(baseline(stack), stack)
    assert report.total > 0 and not report.not_modeled
    console = Console(record=True, width=200)
    cost_views.render(report, console)
    text = console.export_text()
    assert "Monthly cost estimate" in text and f"${report.total:,.2f}" in text
    md = cost_views.to_markdown(report)
    assert md.startswith(f"### Monthly cost estimate: `{stack}`") and "Usage assumptions" in md
    doc = cost.to_json(report)
    json.dumps(doc)
    assert doc["total"] == round(report.total, 2) and doc["budget"]["amount"] == 500.0


def test_production_defaults_are_busier_than_staging() -> None:
    prod, stag = cost.for_stack("production"), cost.for_stack("staging")
    assert prod.nat_gb_processed > stag.nat_gb_processed
    assert prod.dynamodb_million_reads > stag.dynamodb_million_reads
    assert (
        cost.estimate(baseline("production"), "production").usage_total
        > cost.estimate(baseline("production"), "staging").usage_total
    )


# --- properties ------------------------------------------------------------------------

sizes = st.sampled_from([(256, 512), (512, 1024), (1024, 2048), (2048, 4096), (4096, 8192)])


@settings(max_examples=60, deadline=None)
@given(
    size=sizes,
    n=st.integers(0, 50),
    extra=st.integers(1, 20),
    spot=st.integers(0, 5),
    arch=st.sampled_from(["ARM64", "X86_64"]),
)
def test_cost_is_non_negative_and_monotonic_in_task_count(
    size: tuple[int, int], n: int, extra: int, spot: int, arch: str
) -> None:
    strategies = [{"capacityProvider": "FARGATE", "base": 1.0, "weight": 1.0},
                  {"capacityProvider": "FARGATE_SPOT", "weight": float(spot)}]  # fmt: skip
    cpu, mem = size

    def total(tasks: int) -> float:
        stack = service_stack(cpu=str(cpu), memory=str(mem), arch=arch, min_capacity=float(tasks),
                              max_capacity=float(tasks), strategies=strategies)  # fmt: skip
        return compute_total(cost.estimate(stack, "staging", NO_FREE))

    lo, hi = total(n), total(n + extra)
    assert lo >= 0
    assert hi > lo


@settings(max_examples=60, deadline=None)
@given(size=sizes, tasks=st.floats(0.5, 200), hours=st.floats(1, 744))
def test_arm_is_cheaper_than_x86_for_the_same_size(size: tuple[int, int], tasks: float, hours: float) -> None:
    vcpu, gb = size[0] / 1024, size[1] / 1024
    arm = fargate.monthly_cost(tasks, vcpu, gb, "ARM64", P, hours=hours)
    x86 = fargate.monthly_cost(tasks, vcpu, gb, "X86_64", P, hours=hours)
    assert 0 < arm < x86


json_leaf = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
                      st.just(UNKNOWN))  # fmt: skip
json_value = st.recursive(
    json_leaf,
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=6), c, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_never_raises_and_never_negative_on_mangled_inputs(data: st.DataObject) -> None:
    # Each example mangles a few inputs of any resources (draws per mangled value, not per resource: the
    # generation stays cheap, and a failure shrinks to the one input that breaks the estimate).
    resources = [{**r, "inputs": dict(r["inputs"])} for r in [*baseline("staging"), *service_stack()]]
    mangles = st.tuples(st.integers(0, len(resources) - 1), st.integers(0, 2), json_value)
    for index, nth, value in data.draw(st.lists(mangles, min_size=1, max_size=40)):
        keys = list(resources[index]["inputs"])
        if keys:
            resources[index]["inputs"][keys[nth % len(keys)]] = value
    report = cost.estimate(resources, "staging")
    assert report.total >= 0 and all(i.monthly_usd >= 0 for i in report.items)
    cost_views.to_markdown(report)
    json.dumps(cost.to_json(report))


def test_gateway_endpoints_are_free_and_interface_endpoints_are_priced() -> None:
    gw = res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", {"serviceName": "com.amazonaws.us-east-1.s3"})
    itf = res("aws:ec2/vpcEndpoint:VpcEndpoint", "ecr", {"serviceName": "com.amazonaws.us-east-1.ecr.api",
              "vpcEndpointType": "Interface", "subnetIds": ["a", "b"]})  # fmt: skip
    report = cost.estimate([gw, itf], "staging", NO_FREE)
    assert report.no_direct_charge == {"aws:ec2/vpcEndpoint:VpcEndpoint": 1}
    hours = next(i for i in report.items if i.unit == "endpoint-AZ-hour")
    assert hours.resources == ("ecr",) and hours.monthly_usd == pytest.approx(2 * 730 * 0.01)


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_real_program_recording_is_fully_classified(stack: str) -> None:
    from tests.harness import run_stack

    resources = run_stack(stack).resources
    report = cost.estimate(resources, stack)
    assert not report.not_modeled, report.not_modeled
    assert not [w for w in report.warnings if "not priced" in w]
    # Both stacks run the Fargate service and carry a budget: both must be priced and compared.
    assert "aws:ecs/service:Service" in {i.resource_type for i in report.items}
    assert report.budget is not None and report.budget.amount == {"staging": 1000.0, "production": 5000.0}[stack]
    assert report.budget_percent == pytest.approx(report.total / report.budget.amount * 100)
