"""Per-environment policy config: schema, defaults, reconciliation like the CLI."""

from __future__ import annotations

import json

import pytest
from google.protobuf import empty_pb2
from policy_fixtures import baseline, edited

from preview import policy_runner as pr


def info():
    return pr.new_servicer(exemptions=()).GetAnalyzerInfo(empty_pb2.Empty(), None)


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_stack_config_files_are_valid(stack: str) -> None:
    config = pr.load_policy_config(stack)
    reconciled = pr.reconcile_config(info(), config)
    assert reconciled["aws-tagging-resource-require-tags"][1]["environment"] == stack
    assert reconciled["aws-ec2-natgateway-configure-limit"][0] == "mandatory"


def test_environments_differ_where_the_runbook_says() -> None:
    prod = pr.reconcile_config(info(), pr.load_policy_config("production"))
    stag = pr.reconcile_config(info(), pr.load_policy_config("staging"))
    assert prod["aws-ec2-natgateway-configure-limit"][1]["maxNatGateways"] == 3
    assert stag["aws-ec2-natgateway-configure-limit"][1]["maxNatGateways"] == 1
    assert prod["aws-ecs-service-configure-fargate-spot"][1]["fargateSpot"] == "forbidden"
    assert stag["aws-ecs-service-configure-fargate-spot"][1]["fargateSpot"] == "required"
    assert prod["aws-elb-loadbalancer-enable-deletion-protection"][1]["requireDeletionProtection"] is True
    assert stag["aws-elb-loadbalancer-enable-deletion-protection"][1]["requireDeletionProtection"] is False


def test_defaults_come_from_the_schema() -> None:
    reconciled = pr.reconcile_config(info(), {})
    assert reconciled["aws-backup-plan-configure-retention"] == (
        "mandatory",
        {"minRetentionDays": 35},
    )
    assert reconciled["aws-ecs-taskdefinition-require-arm64"][0] == "advisory"


def test_all_sets_every_enforcement_level_then_specific_wins() -> None:
    reconciled = pr.reconcile_config(info(), {"all": "disabled", "aws-kms-key-enable-rotation": "mandatory"})
    assert reconciled["aws-sns-topic-require-cmk"][0] == "disabled"
    assert reconciled["aws-kms-key-enable-rotation"][0] == "mandatory"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"aws-no-such-rule-require-x": "mandatory"}, "no such policy"),
        ({"aws-ec2-natgateway-configure-limit": {"maxNatGateways": -1}}, "minimum"),
        (
            {"aws-ec2-natgateway-configure-limit": {"maxNatGateways": "two"}},
            "type integer",
        ),
        (
            {"aws-ecs-service-configure-fargate-spot": {"fargateSpot": "sometimes"}},
            "one of",
        ),
        (
            {"aws-elb-listener-configure-tls-policy": {"allowedSslPolicies": []}},
            "at least 1",
        ),
        ({"aws-kms-key-enable-rotation": "blocking"}, "enforcement level"),
        ({"aws-ec2-natgateway-configure-limit": {"maxNatGateway": 1}}, "unknown setting 'maxNatGateway'"),
        ({"aws-kms-key-enable-rotation": {"enforcementLevel": "mandatory", "days": 90}}, "settings are none"),
    ],
)
def test_invalid_config_is_rejected(config: dict, message: str) -> None:
    with pytest.raises(pr.PolicyConfigError, match=message):
        pr.reconcile_config(info(), config)


def test_disabled_rule_does_not_run() -> None:
    resources = edited(baseline("production"), "data-key", enableKeyRotation=False)
    config = {
        **pr.load_policy_config("production"),
        "aws-kms-key-enable-rotation": "disabled",
    }
    assert (
        "aws-kms-key-enable-rotation"
        not in pr.evaluate(resources, stack="production", policy_config=config).failed_rules
    )


def test_config_is_json_the_cli_accepts(tmp_path) -> None:
    for stack in ("production", "staging"):
        data = json.loads((pr.CONFIG_DIR / f"{stack}.json").read_text())
        assert all(isinstance(v, (str, dict)) for v in data.values())
