"""Per-environment policy config: schema, defaults, reconciliation like the CLI."""

from __future__ import annotations

import json
import re

import budgetbuddy_policies as bp
import pytest
from google.protobuf import empty_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_fixtures import baseline, edited

from preview.policy.config import reconcile_config
from preview.policy.engine import evaluate, new_servicer
from preview.policy.load import CONFIG_DIR, PolicyConfigError, load_policy_config
from preview.policy.report import PolicyReport


def info():
    return new_servicer(exemptions=()).GetAnalyzerInfo(empty_pb2.Empty(), None)


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_stack_config_files_are_valid(stack: str) -> None:
    config = load_policy_config(stack)
    reconciled = reconcile_config(info(), config)
    assert reconciled["aws-tagging-resource-require-tags"][1]["environment"] == stack
    assert reconciled["aws-ec2-natgateway-configure-limit"][0] == "mandatory"


def test_environments_differ_where_the_runbook_says() -> None:
    prod = reconcile_config(info(), load_policy_config("production"))
    stag = reconcile_config(info(), load_policy_config("staging"))
    assert prod["aws-ec2-natgateway-configure-limit"][1]["maxNatGateways"] == 3
    assert stag["aws-ec2-natgateway-configure-limit"][1]["maxNatGateways"] == 1
    assert prod["aws-ecs-service-configure-fargate-spot"][1]["fargateSpot"] == "forbidden"
    assert stag["aws-ecs-service-configure-fargate-spot"][1]["fargateSpot"] == "required"
    assert prod["aws-elb-loadbalancer-enable-deletion-protection"][1]["requireDeletionProtection"] is True
    assert stag["aws-elb-loadbalancer-enable-deletion-protection"][1]["requireDeletionProtection"] is False


def test_defaults_come_from_the_schema() -> None:
    reconciled = reconcile_config(info(), {})
    assert reconciled["aws-backup-plan-configure-retention"] == (
        "mandatory",
        {"minRetentionDays": 35},
    )
    assert reconciled["aws-ecs-taskdefinition-require-arm64"][0] == "advisory"


def test_all_sets_every_enforcement_level_then_specific_wins() -> None:
    reconciled = reconcile_config(info(), {"all": "disabled", "aws-kms-key-enable-rotation": "mandatory"})
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
    with pytest.raises(PolicyConfigError, match=message):
        reconcile_config(info(), config)


def test_disabled_rule_does_not_run() -> None:
    resources = edited(baseline("production"), "data-key", enableKeyRotation=False)
    config = {
        **load_policy_config("production"),
        "aws-kms-key-enable-rotation": "disabled",
    }
    assert (
        "aws-kms-key-enable-rotation" not in evaluate(resources, stack="production", policy_config=config).failed_rules
    )


def test_config_is_json_the_cli_accepts(tmp_path) -> None:
    for stack in ("production", "staging"):
        data = json.loads((CONFIG_DIR / f"{stack}.json").read_text())
        assert all(isinstance(v, (str, dict)) for v in data.values())


# Bad policy config files: one PolicyConfigError naming the file, the place and what is expected --


def test_malformed_json_names_the_file_line_and_column(tmp_path) -> None:
    path = tmp_path / "production.json"
    path.write_text('{\n  "aws-kms-key-enable-rotation": "mandatory"\n  "all": "advisory"\n}\n')
    with pytest.raises(PolicyConfigError) as caught:
        load_policy_config("production", directory=tmp_path)
    assert str(caught.value).startswith(f"{path}: line 3, column 3: not valid JSON: Expecting ','")


@pytest.mark.parametrize(("text", "got"), [("[]", "array"), ('"mandatory"', "string"), ("null", "null")])
def test_top_level_must_be_an_object(tmp_path, text: str, got: str) -> None:
    path = tmp_path / "staging.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError, match=rf"staging.json: the top level must be an object .* got {got}$"):
        load_policy_config("staging", directory=tmp_path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8 text (byte 0xff at offset 0)"),
        (b"", "line 1, column 1: not valid JSON"),
        (b'{"all": NaN}', "NaN is not a JSON number"),
    ],
)
def test_unreadable_config_files(tmp_path, data: bytes, message: str) -> None:
    (tmp_path / "production.json").write_bytes(data)
    with pytest.raises(PolicyConfigError, match=re.escape(message)):
        load_policy_config("production", directory=tmp_path)


def test_missing_config_names_the_expected_file() -> None:
    with pytest.raises(PolicyConfigError, match=r"no policy config for stack 'dev': expected policies/config/dev.json"):
        load_policy_config("dev")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"all": "strict"}, r"all: 'strict' is not a valid enforcement level; expected one of 'advisory'"),
        ({"all": ["advisory"]}, "all: \\['advisory'\\] is not a valid enforcement level"),
        ({"all": {"enforcementLevel": "advisory", "maxNatGateways": 1}}, "only 'enforcementLevel' may be set"),
        ({"aws-kms-key-enable-rotation": {"enforcementLevel": ["mandatory"]}}, "enforcementLevel: \\['mandatory'\\]"),
        ({"aws-kms-key-enable-rotation": 3}, "must be an enforcement level .* got number"),
        ({"aws-ec2-natgateway-configure-limit": {"maxNatGateways": 10**20}}, "maxNatGateways: .* is out of range"),
        ({"aws-kms-key-enable-rotaton": "mandatory"}, "did you mean 'aws-kms-key-enable-rotation'"),
        ({"aws-ec2-natgateway-configure-limit": {"maxNatGateway": 1}}, "did you mean 'maxNatGateways'"),
    ],
)
def test_config_content_errors_say_what_is_expected(config: dict, message: str) -> None:
    with pytest.raises(PolicyConfigError, match=message):
        reconcile_config(info(), config)


def test_errors_from_the_stack_file_name_it(tmp_path) -> None:
    (tmp_path / "production.json").write_text('{"aws-ec2-natgateway-configure-limit": {"maxNatGateways": -1}}')
    config = load_policy_config("production", directory=tmp_path)
    with pytest.raises(PolicyConfigError, match=r"invalid policy config .*production.json:\n  aws-ec2-nat"):
        reconcile_config(info(), config, source=str(tmp_path / "production.json"))


# Property: whatever the file holds, the run evaluates or refuses it with PolicyConfigError --------

SMALL = [r for r in baseline("production") if r["name"] in {"data-key", "nat", "alb", "task"}]
RULES = sorted(bp.REGISTRY.names())
SETTINGS = sorted({k for name in RULES for k in bp.REGISTRY[name].meta.config})
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
levels = st.sampled_from(["advisory", "mandatory", "remediate", "disabled", "blocking"])
rule_values = (
    levels
    | json_values
    | st.dictionaries(
        st.sampled_from([*SETTINGS, "enforcementLevel", "maxNatGateway"]), levels | json_values, max_size=3
    )
)
# "all" and unknown names as likely as real rules, so every branch of the reconciliation is reached.
rule_names = st.sampled_from(["all", "aws-no-such-rule"]) | st.sampled_from(RULES) | st.text(max_size=6)
configs = st.dictionaries(rule_names, rule_values, max_size=4)


def _evaluates_or_refuses(run) -> None:
    try:
        report = run()
    except PolicyConfigError as err:
        assert str(err)  # one message, nothing else escapes
    else:
        assert isinstance(report, PolicyReport)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=configs | json_values)
def test_any_json_as_policy_config(config) -> None:
    _evaluates_or_refuses(lambda: evaluate(SMALL, stack="production", policy_config=config, exemptions=()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=64) | configs.map(lambda c: json.dumps(c).encode()))
def test_any_bytes_as_policy_config_file(tmp_path, data: bytes) -> None:
    (tmp_path / "production.json").write_bytes(data)

    def run():
        config = load_policy_config("production", directory=tmp_path)
        return evaluate(SMALL, stack="production", policy_config=config, exemptions=())

    _evaluates_or_refuses(run)
