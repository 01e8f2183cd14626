"""preview/replacements.json (tools/gen_replacements.py): which inputs replace a resource, generated from the
CloudFormation registry schemas cfn-lint ships (docs/preview.md, "What happens on merge")."""

from __future__ import annotations

import importlib.metadata
import json
from fnmatch import fnmatch
from pathlib import Path

import pytest

from preview import compare
from tests.harness import run_stack
from tools import gen_replacements as gen

ROOT = Path(__file__).resolve().parents[2]
# Every configuration that adds resource types: both stacks, DR, GuardDuty and Security Hub.
VARIANTS = [("staging",), ("production",), ("production", "drRegion=us-west-2"),
            ("production", "enableGuardDuty=true", "enableSecurityHub=true")]  # fmt: skip


def test_the_table_is_generated_from_the_installed_source():
    assert (ROOT / "preview" / "replacements.json").read_text() == gen.render(), (
        "stale: run venv/bin/python tools/gen_replacements.py"
    )
    source = json.loads((ROOT / "preview" / "replacements.json").read_text())["source"]
    assert source["package"] == "cfn-lint" and source["version"] == importlib.metadata.version("cfn-lint")
    pinned = (ROOT / "requirements-dev.txt").read_text()
    assert f"cfn-lint=={source['version']}" in pinned  # the generator's source is a pinned dev requirement


def test_every_type_the_stacks_create_is_covered_or_in_place_only():
    doc = json.loads((ROOT / "preview" / "replacements.json").read_text())
    used = {r["type"] for v in VARIANTS for r in run_stack(*v).resources}
    uncovered = {t for t in used if t not in doc["types"] and not any(fnmatch(t, p) for p in doc["inPlaceOnly"])}
    assert uncovered == set()
    # and nothing stale: every listed type is one the stacks create
    assert set(doc["types"]) <= used


def test_every_key_is_a_real_input_of_the_installed_provider():
    for token, rule in compare.REPLACE_KEYS.items():
        if token.startswith("aws:"):
            inputs = gen.pulumi_inputs(token)
            assert {k.key for k in rule.keys} <= inputs, token


@pytest.mark.parametrize(
    ("token", "keys"),
    [
        # straight from createOnlyProperties, renamed where pulumi-aws differs
        ("aws:ecs/taskDefinition:TaskDefinition", {"cpu", "memory", "containerDefinitions", "family", "volumes"}),
        ("aws:lb/loadBalancer:LoadBalancer", {"name", "loadBalancerType", "internal"}),
        ("aws:backup/vault:Vault", {"name", "kmsKeyArn"}),
        ("aws:lb/targetGroup:TargetGroup", {"port", "protocol", "targetType", "vpcId", "ipAddressType"}),
        # the provider's extra ForceNew inputs (not in the CloudFormation schema)
        ("aws:dynamodb/table:Table", {"name", "hashKey", "rangeKey"}),
        ("aws:kms/key:Key", {"keyUsage", "customerMasterKeySpec"}),
        # awsx's VPC rebuilds
        ("awsx:ec2:Vpc", {"cidrBlock", "numberOfAvailabilityZones", "subnetSpecs", "subnetStrategy"}),
    ],
)
def test_known_replacements(token: str, keys: set[str]):
    assert keys <= {k.key for k in compare.REPLACE_KEYS[token].keys}


def test_hand_written_reasons_are_kept_as_explanations():
    why = {k.key: k for k in compare.REPLACE_KEYS["aws:dynamodb/table:Table"].keys}
    assert why["hashKey"].why == "the key schema is fixed at CreateTable"
    assert why["name"].source == "AWS::DynamoDB::Table TableName"  # found upstream, explained by hand


def test_a_property_the_mapping_cannot_place_stops_the_generator(monkeypatch, capsys):
    monkeypatch.setitem(gen.CFN_TYPES, "aws:ecs/service:Service", "AWS::ECS::TaskDefinition")
    assert gen.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert "AWS::ECS::TaskDefinition createOnly property" in err and "RENAMED or DROPPED" in err
