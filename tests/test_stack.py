"""Both real stacks end to end through the offline preview: names, tags, protection, verdict."""

from __future__ import annotations

import re
from functools import cache

import budgetbuddy_policies as bp
import pytest

from preview.policy.engine import evaluate
from tests.harness import ROOT, Result, run_stack

TAGGABLE = bp.taggable.TAGGABLE_TYPES  # generated from pulumi-aws by tools/gen_taggable.py
STATEFUL = {
    "aws:dynamodb/table:Table",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:backup/vault:Vault",
}


@cache
def stack(name: str) -> Result:
    return run_stack(name)


def physical(result: Result, type_: str) -> set[str]:
    return {r["inputs"].get("name") for r in result.of_type(type_)}


def test_production_uses_the_runbook_names_exactly():
    r = stack("production")
    assert physical(r, "aws:ecs/cluster:Cluster") == {"budgetbuddy-cluster"}
    assert physical(r, "aws:ecs/service:Service") == {"budgetbuddy-backend"}
    assert physical(r, "aws:dynamodb/table:Table") == {"BudgetBuddy-Users", "BudgetBuddy-Transactions"}
    assert physical(r, "aws:sns/topic:Topic") == {"budgetbuddy-alarms", "budgetbuddy-alerts", "budgetbuddy-notices"}
    assert "/aws/ecs/budgetbuddy-cluster" in physical(r, "aws:cloudwatch/logGroup:LogGroup")
    scaling = r.one("aws:appautoscaling/target:Target")["inputs"]
    assert scaling["resourceId"] == "service/budgetbuddy-cluster/budgetbuddy-backend"  # runbook "Scale up service"


def test_staging_names_differ_so_both_stacks_fit_one_account():
    prod, stg = stack("production"), stack("staging")
    for type_ in (
        "aws:ecs/cluster:Cluster",
        "aws:ecs/service:Service",
        "aws:dynamodb/table:Table",
        "aws:sns/topic:Topic",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:cloudwatch/dashboard:Dashboard",
        "aws:budgets/budget:Budget",
        "aws:cloudtrail/trail:Trail",
    ):
        named = {n for n in physical(prod, type_) if n} | {
            r["inputs"].get("dashboardName") for r in prod.of_type(type_) if r["inputs"].get("dashboardName")
        }
        staged = {n for n in physical(stg, type_) if n} | {
            r["inputs"].get("dashboardName") for r in stg.of_type(type_) if r["inputs"].get("dashboardName")
        }
        assert named and not named & staged, type_


@pytest.mark.parametrize("name", ["production", "staging"])
def test_every_taggable_resource_carries_the_cost_allocation_tags(name):
    r = stack(name)
    taggable = [res for res in r.custom() if res["type"] in TAGGABLE]
    assert len(taggable) > 50
    expected = {"Environment": name, "Service": "budgetbuddy", "Team": "platform"}
    for res in taggable:
        tags = res["inputs"].get("tags") or {}
        assert {k: tags.get(k) for k in expected} == expected, f"{res['type']} {res['name']}"
    vpc = r.one("awsx:ec2:Vpc")["inputs"]["tags"]  # awsx passes them to its children
    assert {k: vpc[k] for k in expected} == expected


@pytest.mark.parametrize("name", ["production", "staging"])
def test_stateful_resources_are_protected_in_production_only(name):
    r = stack(name)
    stateful = [res for res in r.resources if res["type"] in STATEFUL]
    audit_logs = [
        res
        for res in r.of_type("aws:cloudwatch/logGroup:LogGroup")
        if re.search(r"cloudtrail|flow|aws-waf-logs", str(res["inputs"].get("name")))
    ]
    assert len(stateful) >= 10 and len(audit_logs) == 3
    for res in stateful + audit_logs:
        expected = name == "production"
        assert (res["protect"], res["retainOnDelete"]) == (expected, expected), res["name"]
    if name == "staging":
        assert not [res["name"] for res in r.resources if res["protect"]]


@pytest.mark.parametrize("name", ["production", "staging"])
def test_the_policy_pack_passes_both_real_stacks(name):
    report = evaluate(stack(name).resources, stack=name)
    assert not report.mandatory, [(v.rule, v.resource_name, v.message) for v in report.mandatory]
    assert not report.unknowns
    # Exemptions in use are visible, never silent.
    assert {e.rule for e in report.exemptions} == {
        "aws-s3-bucketencryption-require-sse-kms",
        "aws-codebuild-project-disallow-privileged-mode",
    }


@pytest.mark.parametrize("name", ["production", "staging"])
def test_every_stack_output_is_documented(name):
    doc = (ROOT / "docs" / "outputs.md").read_text()
    missing = [key for key in stack(name).outputs if f"`{key}`" not in doc]
    assert not missing, f"docs/outputs.md lacks {missing}"


def test_children_are_parented_to_their_component():
    r = stack("production")
    components = {res["urn"] for res in r.resources if not res["custom"]}
    orphans = [
        res["name"] for res in r.resources if res["parent"] not in components and res["type"] != "pulumi:providers:aws"
    ]
    # Only the components themselves hang off the stack root.
    assert all(
        res.startswith(("security", "network", "data", "alerting", "compute", "edge", "observability", "pipeline"))
        for res in orphans
    )
    assert all(not res["custom"] for res in r.resources if res["name"] in orphans)


@pytest.mark.parametrize(("name", "gateways"), [("production", 3), ("staging", 1)])
def test_test_listener_admits_exactly_the_nat_egress_addresses(name, gateways):
    r = stack(name)
    nat_ips = {f"{ip}/32" for ip in r.outputs["natPublicIps"]}
    assert len(nat_ips) == gateways
    test_rules = [
        i
        for i in r.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if i["inputs"]["fromPort"] == 8443
    ]
    assert {i["inputs"]["cidrIpv4"] for i in test_rules} == nat_ips
