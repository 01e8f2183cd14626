"""Cost model, the charges beyond the first version: internet egress, GSI storage, KMS rotation steps,
Metrics Insights alarms, S3 lifecycle classes and requests, the shared-account free tier, WAF, and usage
that grows with the number of tasks "at max capacity" (docs/cost.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from preview import cost
from preview.cost.pricers.storage import lifecycle, segments
from tests.preview.cost.test_estimate import NO_FREE, res, service_stack

P = cost.PRICES


def item(report: cost.CostReport, prefix: str) -> cost.LineItem:
    (found,) = [i for i in report.items if i.key.split(":")[0] == prefix]
    return found


def keys(report: cost.CostReport) -> set[str]:
    return {i.key.split(":")[0] for i in report.items}


def alb(internal: bool = False) -> dict:
    return res("aws:lb/loadBalancer:LoadBalancer", "alb",
               {"loadBalancerType": "application", "internal": internal, "subnets": ["a", "b", "c"]})  # fmt: skip


# --- internet data transfer out --------------------------------------------------------


def test_internet_egress_after_the_free_100_gb() -> None:
    a = replace(cost.STAGING, internet_egress_gb=500.0)
    line = item(cost.estimate([alb()], "staging", a), "internet-egress")
    assert (line.quantity, line.free_quantity, line.unit_price) == (500.0, 100.0, 0.09)
    assert line.monthly_usd == pytest.approx(400 * 0.09)
    no_free = item(cost.estimate([alb()], "staging", replace(a, apply_free_tier=False)), "internet-egress")
    assert no_free.monthly_usd == pytest.approx(500 * 0.09)


def test_an_internal_load_balancer_sends_nothing_to_the_internet() -> None:
    assert "internet-egress" not in keys(cost.estimate([alb(internal=True)], "staging"))


# --- DynamoDB global secondary indexes ---------------------------------------------------


def table_with(projections: list[str]) -> dict:
    return res("aws:dynamodb/table:Table", "t", {
        "name": "T", "billingMode": "PAY_PER_REQUEST", "hashKey": "pk",
        "globalSecondaryIndexes": [{"name": f"g{i}", "hashKey": "pk", "projectionType": p}
                                   for i, p in enumerate(projections)]})  # fmt: skip


def test_an_all_projection_index_stores_a_full_copy_and_keys_only_a_share() -> None:
    a = replace(NO_FREE, dynamodb_storage_gb=8.0, dynamodb_gsi_keys_only_share=0.25)
    both = item(cost.estimate([table_with(["ALL", "KEYS_ONLY"])], "staging", a), "dynamodb-index-storage")
    assert both.quantity == pytest.approx(8 * 1 + 8 * 0.25)
    assert both.monthly_usd == pytest.approx(10 * P.dynamodb_storage_gb_month)
    two_all = item(cost.estimate([table_with(["ALL", "ALL"])], "staging", a), "dynamodb-index-storage")
    assert two_all.quantity == 16.0
    assert "dynamodb-index-storage" not in keys(cost.estimate([table_with([])], "staging", a))


def test_index_storage_shares_the_25_gb_free_tier_with_the_table() -> None:
    a = replace(cost.STAGING, dynamodb_storage_gb=20.0)
    report = cost.estimate([table_with(["ALL"])], "staging", a)
    assert item(report, "dynamodb-storage").free_quantity == 20.0
    assert item(report, "dynamodb-index-storage").free_quantity == 5.0
    assert item(report, "dynamodb-index-storage").monthly_usd == pytest.approx(15 * 0.25)


# --- KMS rotation price steps ------------------------------------------------------------


def key(name: str, rotation: bool = True, period: float | None = None) -> dict:
    inputs: dict[str, Any] = {"enableKeyRotation": rotation}
    if period is not None:
        inputs["rotationPeriodInDays"] = period
    return res("aws:kms/key:Key", name, inputs)


@pytest.mark.parametrize(("age", "period", "steps"), [(0, 365, 0), (364, 365, 0), (365, 365, 1), (730, 365, 2),
                                                      (5000, 365, 2), (200, 90, 2), (100, 90, 1)])  # fmt: skip
def test_rotated_keys_cost_a_dollar_more_after_the_first_and_second_rotation(age: int, period: int, steps: int) -> None:
    a = replace(NO_FREE, kms_requests=0.0, kms_key_age_days=float(age))
    report = cost.estimate([key("k", period=period)], "staging", a)
    assert report.total == pytest.approx(1.00 + steps * 1.00)


def test_a_key_without_rotation_stays_at_one_dollar() -> None:
    a = replace(NO_FREE, kms_requests=0.0, kms_key_age_days=5000.0)
    report = cost.estimate([key("k1", rotation=False), key("k2")], "staging", a)
    assert report.total == pytest.approx(2 * 1.00 + 2 * 1.00)
    assert item(report, "kms-rotations").resources == ("k2",)


# --- Metrics Insights alarms ------------------------------------------------------------


def insights_alarm(name: str) -> dict:
    return res("aws:cloudwatch/metricAlarm:MetricAlarm", name, {"metricQueries": [{
        "id": "q1", "returnData": True, "period": 60.0,
        "expression": "SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName)"}]})  # fmt: skip


def test_metrics_insights_alarms_are_priced_per_metric_analysed_without_the_free_tier() -> None:
    a = replace(cost.STAGING, metrics_insights_metrics=7.0)
    plain = res("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", {"metricName": "CPU", "period": 60.0})
    report = cost.estimate([insights_alarm("a"), insights_alarm("b"), plain], "staging", a)
    line = item(report, "alarms-metrics-insights")
    assert line.quantity == 14.0 and line.free_quantity == 0.0
    assert line.monthly_usd == pytest.approx(14 * P.metrics_insights_alarm_metric_month)
    assert item(report, "alarms-standard").free_quantity == 1.0  # the plain alarm keeps the free tier


# --- S3 lifecycle and requests -----------------------------------------------------------


def bucket_with(rules: list[dict] | None, name: str = "security-logs") -> list[dict]:
    b = res("aws:s3/bucket:Bucket", name, {"forceDestroy": False}, parent_type="budgetbuddy:storage:SecureBucket")
    if rules is None:
        return [b]
    cfg = res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name,
              {"bucket": f"{name}-123", "rules": rules}, deps={"bucket": [b["urn"]]})  # fmt: skip
    return [b, cfg]


TRAIL_RULES = [{"id": "lifecycle", "status": "Enabled", "filter": {}, "expiration": {"days": 365.0},
                "transitions": [{"storageClass": "GLACIER_IR", "days": 90.0}, {"storageClass": "GLACIER", "days": 180.0}]}]  # fmt: skip


def test_lifecycle_transitions_put_the_aged_share_of_the_data_in_the_target_class() -> None:
    a = replace(NO_FREE, s3_gb={"logs": 365.0}, s3_thousand_puts={"logs": 40.0}, s3_thousand_gets={"logs": 0.0})
    report = cost.estimate(bucket_with(TRAIL_RULES), "staging", a)
    std, ir, glacier = (item(report, f"s3-storage-{c}") for c in ("standard", "glacier_ir", "glacier"))
    assert (std.quantity, ir.quantity, glacier.quantity) == (90.0, 90.0, 185.0)  # 365 GB over 365 days
    assert (std.unit_price, ir.unit_price, glacier.unit_price) == (0.023, 0.004, 0.0036)
    to_ir, to_glacier = item(report, "s3-transitions-glacier_ir"), item(report, "s3-transitions-glacier")
    assert to_ir.monthly_usd == pytest.approx(40 * 0.02) and to_glacier.monthly_usd == pytest.approx(40 * 0.03)
    assert item(report, "s3-puts").monthly_usd == pytest.approx(40 * 0.005)
    everything_standard = 365 * 0.023
    storage = sum(i.monthly_usd for i in report.items if i.key.startswith("s3-storage"))
    assert storage == pytest.approx(90 * 0.023 + 90 * 0.004 + 185 * 0.0036) and storage < everything_standard


def test_a_bucket_without_lifecycle_stays_in_standard_with_requests() -> None:
    a = replace(NO_FREE, s3_gb={"logs": 10.0}, s3_thousand_puts={"logs": 2.0}, s3_thousand_gets={"logs": 50.0})
    report = cost.estimate(bucket_with(None), "staging", a)
    assert keys(report) == {"s3-storage-standard", "s3-puts", "s3-gets"}
    assert item(report, "s3-storage-standard").quantity == 10.0
    assert item(report, "s3-gets").monthly_usd == pytest.approx(50 * 0.0004)


def test_minimum_storage_duration_and_intelligent_tiering_tiers() -> None:
    mins = dict(P.s3_min_storage_days)
    late = segments([(300.0, "GLACIER")], 365.0, mins)
    assert [(s.storage_class, s.end - s.start, s.billed_days) for s in late] == [("STANDARD", 300.0, 300.0),
                                                                                  ("GLACIER", 65.0, 90.0)]  # fmt: skip
    it = segments([(0.0, "INTELLIGENT_TIERING"), (180.0, "GLACIER")], 365.0, mins)
    assert [(s.price_key, s.start, s.end) for s in it] == [
        ("INTELLIGENT_TIERING/frequent", 0.0, 30.0),
        ("INTELLIGENT_TIERING/infrequent", 30.0, 90.0),
        ("INTELLIGENT_TIERING/archive-instant", 90.0, 180.0),
        ("GLACIER", 180.0, 365.0),
    ]


def test_disabled_rules_are_ignored_and_partial_filters_warned() -> None:
    disabled = [{**TRAIL_RULES[0], "status": "Disabled"}]
    assert lifecycle(disabled) == ([], None, False)
    partial = [{**TRAIL_RULES[0], "filter": {"prefix": "AWSLogs/"}}]
    report = cost.estimate(bucket_with(partial), "staging")
    assert any("part of the bucket" in w for w in report.warnings)


# --- one AWS account for both stacks ----------------------------------------------------


def free_used(report: cost.CostReport) -> float:
    return sum(i.free_quantity for i in report.items)


def test_shared_account_applies_the_free_tier_to_production_only() -> None:
    alarms = [res("aws:cloudwatch/metricAlarm:MetricAlarm", f"a{i}", {"metricName": "X", "period": 60.0})
              for i in range(4)]  # fmt: skip
    trail = res("aws:cloudtrail/trail:Trail", "trail", {"isMultiRegionTrail": True})
    stack = [*alarms, trail, alb()]
    own = {s: cost.estimate(stack, s, cost.for_stack(s)) for s in ("staging", "production")}
    shared = {s: cost.estimate(stack, s, replace(cost.for_stack(s), shared_account=True)) for s in own}
    assert free_used(own["staging"]) > 0 and free_used(own["production"]) > 0
    assert free_used(shared["staging"]) == 0  # the account's free tier is production's
    assert free_used(shared["production"]) == free_used(own["production"])
    assert item(shared["staging"], "alarms-standard").monthly_usd == pytest.approx(4 * 0.10)
    # the first copy of management events is free once per account: production's trail has it
    assert item(shared["staging"], "trail-management-events").unit_price == P.cloudtrail_mgmt_100k_events
    assert item(shared["production"], "trail-management-events").unit_price == 0.0


# --- GuardDuty, Security Hub and WAF only when deployed ---------------------------------


def test_security_services_and_their_assumptions_appear_only_when_deployed() -> None:
    bare = cost.estimate(service_stack(), "staging")
    assert not {"guarddutyDnsGb", "securityhubFindings", "wafMillionRequests"} & bare.used_assumptions
    assert not [i for i in bare.items if "GuardDuty" in i.item or "WAF" in i.item or "Security Hub" in i.item]
    deployed = cost.estimate(
        [*service_stack(), res("aws:guardduty/detector:Detector", "gd", {"enable": True}),
         res("aws:securityhub/account:Account", "hub", {}), web_acl([])], "staging")  # fmt: skip
    assert {"guarddutyDnsGb", "securityhubFindings", "wafMillionRequests"} <= deployed.used_assumptions


# --- WAF -------------------------------------------------------------------------------


def managed(name: str) -> dict:
    return {"name": name, "priority": 1.0, "overrideAction": {"none": {}},
            "statement": {"managedRuleGroupStatement": {"name": name, "vendorName": "AWS"}},
            "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": name, "sampledRequestsEnabled": True}}  # fmt: skip


WAF_RULES = [
    *(managed(n) for n in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                           "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList")),
    {"name": "rate", "priority": 5.0, "action": {"block": {}},
     "statement": {"rateBasedStatement": {"limit": 2000.0, "aggregateKeyType": "IP"}}},
    {"name": "auth-rate", "priority": 6.0, "action": {"block": {}},
     "statement": {"rateBasedStatement": {"limit": 100.0, "aggregateKeyType": "IP"}}},
    {"name": "body-size", "priority": 7.0, "action": {"block": {}},
     "statement": {"sizeConstraintStatement": {"comparisonOperator": "GT", "size": 65536.0}}},
]  # fmt: skip


def web_acl(rules: list[dict]) -> dict:
    return res("aws:wafv2/webAcl:WebAcl", "edge-waf", {"scope": "REGIONAL", "rules": rules, "name": "budgetbuddy-api",
               "defaultAction": {"allow": {}}}, parent_type="budgetbuddy:edge:Edge")  # fmt: skip


def waf_stack() -> list[dict]:
    acl = web_acl(WAF_RULES)
    group = res("aws:cloudwatch/logGroup:LogGroup", "waf-logs",
                {"name": "aws-waf-logs-budgetbuddy", "retentionInDays": 365.0})  # fmt: skip
    assoc = res("aws:wafv2/webAclAssociation:WebAclAssociation", "waf-assoc", {"webAclArn": "arn", "resourceArn": "a"},
                deps={"webAclArn": [acl["urn"]]})  # fmt: skip
    logging = res("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "waf-logging",
                  {"resourceArn": "arn", "logDestinationConfigs": ["arn:aws:logs:...:aws-waf-logs-budgetbuddy"]},
                  deps={"resourceArn": [acl["urn"]], "logDestinationConfigs": [group["urn"]]})  # fmt: skip
    return [acl, group, assoc, logging]


def test_waf_prices_the_acl_each_rule_and_the_requests() -> None:
    a = replace(NO_FREE, waf_million_requests=25.0)
    report = cost.estimate(waf_stack(), "production", a)
    assert item(report, "waf-web-acl").monthly_usd == pytest.approx(5.00)
    rules = item(report, "waf-rules")
    assert rules.quantity == 7 and rules.monthly_usd == pytest.approx(7 * 1.00)
    assert "4 managed group" in rules.item and "2 rate-based" in rules.item
    assert item(report, "waf-requests").monthly_usd == pytest.approx(25 * 0.60)
    assert {i.category for i in report.items if i.key.startswith("waf")} == {"Security"}
    assert report.no_direct_charge == {"aws:wafv2/webAclAssociation:WebAclAssociation": 1,
                                       "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": 1}  # fmt: skip


def test_waf_logs_are_vended_log_ingestion_sized_by_requests() -> None:
    a = replace(NO_FREE, waf_million_requests=10.0, waf_log_kb_per_request=1.5)
    report = cost.estimate(waf_stack(), "production", a)
    ingest = item(report, "log-ingestion")
    assert ingest.quantity == pytest.approx(15.0)  # 10M requests x 1.5 KB
    assert ingest.unit_price == P.vended_logs_gb["cloud-watch-logs"] and "vended" in ingest.item
    assert item(report, "log-storage").quantity == pytest.approx(15.0 * 12, abs=1e-3)


def test_waf_counts_in_the_budget_check() -> None:
    budget = res("aws:budgets/budget:Budget", "b", {"budgetType": "COST", "timeUnit": "MONTHLY",
                 "limitAmount": "100", "limitUnit": "USD"})  # fmt: skip
    without = cost.estimate([budget], "staging", NO_FREE)
    with_waf = cost.estimate([budget, *waf_stack()], "staging", NO_FREE)
    waf = sum(i.monthly_usd for i in with_waf.items if i.key.startswith("waf"))
    logs = sum(i.monthly_usd for i in with_waf.items if i.key.startswith("log-"))
    assert waf == pytest.approx(5.00 + 7 * 1.00 + cost.STAGING.waf_million_requests * 0.60) and logs > 0
    assert with_waf.total == pytest.approx(without.total + waf + logs)
    assert with_waf.budget_percent == pytest.approx(with_waf.total)  # a $100 budget: percent = dollars


def test_paid_managed_rule_groups_are_flagged() -> None:
    report = cost.estimate([web_acl([managed("AWSManagedRulesBotControlRuleSet")])], "staging")
    assert any("BotControl" in w and "not modelled" in w for w in report.warnings)


def test_rule_json_is_counted_like_rules() -> None:
    acl = web_acl([])
    acl["inputs"].pop("rules")
    acl["inputs"]["ruleJson"] = json.dumps(WAF_RULES[:3])
    assert item(cost.estimate([acl], "staging", NO_FREE), "waf-rules").quantity == 3


# --- at max capacity -----------------------------------------------------------------------


def test_max_capacity_scales_the_usage_that_grows_with_tasks() -> None:
    vpc = res("awsx:ec2:Vpc", "network", {"numberOfAvailabilityZones": 3.0, "natGateways": {"strategy": "Single"}},
              custom=False, remote=True)  # fmt: skip
    logs = res("aws:cloudwatch/logGroup:LogGroup", "app", {"name": "/aws/ecs/budgetbuddy", "retentionInDays": 30.0})
    stack = [*service_stack(min_capacity=2.0, max_capacity=6.0), vpc, logs, alb(), *waf_stack()]
    report = cost.estimate(stack, "staging", NO_FREE)
    assert report.load_factor == 3.0
    for k in ("nat-data-processed", "internet-egress", "alb-lcu", "waf-requests", "fargate-on-demand-vcpu"):
        line = item(report, k)
        assert line.monthly_usd_max == pytest.approx(3 * line.monthly_usd), k
    app_logs = [i for i in report.items if i.key in ("log-ingestion:app", "log-storage:app")]
    assert len(app_logs) == 2 and all(i.monthly_usd_max == pytest.approx(3 * i.monthly_usd) for i in app_logs)
    for k in ("alb-hours", "nat-gateway-hours", "waf-web-acl", "waf-rules"):
        assert item(report, k).quantity_max is None, k  # fixed charges do not grow with tasks


def test_max_capacity_free_tier_is_granted_at_the_upper_end_too() -> None:
    a = replace(cost.STAGING, internet_egress_gb=40.0)
    report = cost.estimate([*service_stack(min_capacity=2.0, max_capacity=4.0), alb()], "staging", a)
    egress = item(report, "internet-egress")
    assert egress.monthly_usd == 0.0 and egress.monthly_usd_max == 0.0  # 80 GB at max is still under 100 GB


def test_a_recorded_stack_with_a_web_acl_prices_it_in_the_breakdown_and_the_budget() -> None:
    from tests.preview.report.test_cost import recorded

    with_acl = list(recorded("production"))  # the real program records the edge's web ACL and its log group

    def is_waf(r: dict) -> bool:
        return r["type"].startswith("aws:wafv2/") or str(r["inputs"].get("name", "")).startswith("aws-waf-logs-")

    without = cost.estimate([r for r in with_acl if not is_waf(r)], "production")
    with_waf = cost.estimate(with_acl, "production")
    assert not with_waf.not_modeled
    waf = [i for i in with_waf.items if i.key not in {j.key for j in without.items}]
    assert {i.key.split(":")[0] for i in waf} == {
        "waf-web-acl",
        "waf-rules",
        "waf-requests",
        "log-ingestion",
        "log-storage",
    }
    added = sum(i.monthly_usd for i in waf)
    assert with_waf.total == pytest.approx(without.total + added)
    assert with_waf.by_category()["Security"] == pytest.approx(without.by_category()["Security"] + added - sum(
        i.monthly_usd for i in waf if i.category == "Monitoring"))  # fmt: skip
    assert with_waf.budget_percent == pytest.approx(100 * with_waf.total / 5000.0)
