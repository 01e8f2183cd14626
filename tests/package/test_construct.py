"""budgetbuddy:index:ComputeService constructed through the package's provider under the preview's
mocks, with inputs as an engine sends them (camelCase, numbers as floats): it builds what the
platform's ComputeService builds, refuses what a stack file refuses with the same words, and passes
the platform's policy pack (docs/package.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from pulumi.errors import InputPropertiesError, InputPropertyError

from components.config.load import parse_config
from components.config.problems import ConfigError
from packages.budgetbuddy.facade.platform import PLATFORM_INPUTS
from packages.budgetbuddy.facade.settings import setting_fields
from preview.policy.engine import evaluate
from preview.recorder import ProgramError
from preview.stackfiles import load_stack
from tests.harness import CERT, ROOT, Result
from tests.package.engine import (
    ENGINE_INPUTS,
    PLATFORM,
    SETTINGS,
    TYPE,
    direct,
    packaged,
    through_provider,
    without_parents,
)
from tests.test_settings import CASES

KEYS = ("type", "name", "custom", "protect", "retainOnDelete", "deleteBeforeReplace", "ignoreChanges", "inputs",
        "dependencies", "propertyDependencies", "additionalSecretOutputs", "aliases")  # fmt: skip
REQUIRED = ["environment", "service", *(p.name for p in PLATFORM_INPUTS if p.required)]


def _comparable(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in resources:
        if not r["custom"]:
            continue
        entry = without_parents({k: r[k] for k in KEYS})
        entry["dependencies"] = sorted(entry["dependencies"])
        entry["propertyDependencies"] = {k: sorted(v) for k, v in entry["propertyDependencies"].items()}
        out.append(entry)
    return sorted(out, key=lambda e: (e["type"], e["name"]))


def test_the_package_registers_exactly_what_the_component_registers_for_the_same_settings():
    r = packaged()
    association = r.one("aws:wafv2/webAclAssociation:WebAclAssociation")
    via_package = _comparable([x for x in r.resources if x is not association])
    assert via_package == _comparable(direct().resources)
    # ...and joins the ALB to the platform's web ACL, as the platform's Edge does for the backend.
    assert association["inputs"]["webAclArn"] == PLATFORM["webAclArn"]
    assert r.sources("aws:wafv2/webAclAssociation:WebAclAssociation", None, "resourceArn") == {
        "aws:lb/loadBalancer:LoadBalancer::orders-alb"
    }
    kinds = {r["type"] for r in via_package}
    assert {"aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer", "aws:ecr/repository:Repository"} <= kinds


def test_the_component_is_the_platforms_component_under_the_packages_own():
    r = packaged()
    outer, inner = r.resources[0], r.resources[1]
    assert (outer["type"], inner["type"]) == (TYPE, "budgetbuddy:compute:ComputeService")
    assert inner["parent"] == outer["urn"]
    # Float inputs reached the component as the stack's whole numbers; the settings as given.
    task = r.inputs("aws:ecs/taskDefinition:TaskDefinition")
    assert (task["cpu"], task["memory"], task["family"]) == ("1024", "2048", "orders-staging-backend")
    assert r.inputs("aws:appautoscaling/target:Target")["maxCapacity"] == 4
    tags = r.inputs("aws:ecr/repository:Repository")["tags"]
    assert tags == {"Environment": "staging", "Service": "orders", "Team": "orders"}


def test_only_the_required_inputs_give_the_models_defaults():
    inputs = {k: ENGINE_INPUTS[k] for k in REQUIRED} | {"certificateArn": CERT}
    r = Result(through_provider(inputs))
    task = r.inputs("aws:ecs/taskDefinition:TaskDefinition")
    assert (task["cpu"], task["memory"]) == ("512", "1024")  # TaskSettings' defaults
    target = r.inputs("aws:appautoscaling/target:Target")
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 5)
    # No tables: the task role has no policy; no NAT addresses: the test listener admits no one.
    assert [p["name"] for p in r.of_type("aws:iam/rolePolicy:RolePolicy")] == ["orders-execution-policy"]
    assert not [
        x for x in r.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if "test" in x["name"]
    ]


def _refusal(inputs: dict[str, Any]) -> InputPropertiesError | InputPropertyError:
    with pytest.raises(ProgramError) as info:
        through_provider(inputs)
    cause = info.value.cause
    assert isinstance(cause, InputPropertiesError | InputPropertyError), repr(cause)
    return cause


def _errors(exc: InputPropertiesError | InputPropertyError) -> list[tuple[str, str]]:
    if isinstance(exc, InputPropertyError):
        return [(exc.property_path, exc.reason)]
    return [(e["property_path"], e["reason"]) for e in exc.errors or []]


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_missing_required_input_is_refused_naming_it(missing):
    inputs = {k: v for k, v in ENGINE_INPUTS.items() if k != missing}
    (path, reason), *_ = _errors(_refusal(inputs))
    assert path == missing and missing in reason


def _from_stack_file(tmp_path, values: dict[str, Any]) -> list[str]:
    """The lines the platform program refuses the same values with, read from a real stack file."""
    (tmp_path / "Pulumi.yaml").write_text("name: budgetbuddy\nruntime: python\n")
    config = {"aws:region": "us-east-1", **{f"budgetbuddy:{k}": v for k, v in values.items() if v is not None}}
    (tmp_path / "Pulumi.staging.yaml").write_text(yaml.safe_dump({"config": config}))
    s = load_stack(tmp_path, "staging")
    with pytest.raises(ConfigError) as info:
        parse_config("staging", s.config)
    return info.value.problems


COMPUTE_CASES = [values for model, values in CASES if set(values) <= set(setting_fields())]
COMPUTE_CASES += [{"service": "Orders"}, {"team": "x"}, {"environment": "production", "capacitySpotWeight": 1}]


@pytest.mark.parametrize("values", COMPUTE_CASES, ids=["-".join(v) for v in COMPUTE_CASES])
def test_a_setting_is_refused_with_the_stack_files_words_naming_the_property(tmp_path, values):
    stack_values = {"certificateArn": CERT, "environment": "staging", **values}
    expected = _from_stack_file(tmp_path, stack_values)
    # As an engine sends them: numbers as floats, objects as objects, an unset key absent.
    sent = {k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in values.items()}
    inputs = {k: v for k, v in {**ENGINE_INPUTS, **sent}.items() if v is not None}
    if "certificateArn" in values and values["certificateArn"] is None:
        inputs.pop("certificateArn", None)
    errors = _errors(_refusal(inputs))
    assert [reason for _, reason in errors] == expected
    # Each names the input its line is about: the key the stack file's line starts with.
    for path, reason in errors:
        assert path in setting_fields() and reason[len(f"budgetbuddy:{path}")] in "=:[", (path, reason)
        assert reason.startswith(f"budgetbuddy:{path}")


def test_a_fractional_whole_number_is_refused_as_a_stack_file_refuses_it(tmp_path):
    errors = _errors(_refusal({**ENGINE_INPUTS, "taskCpu": 512.5}))
    assert errors == [
        ("taskCpu", "budgetbuddy:taskCpu='512.5': must be a whole number (read as pulumi.Config.get_int reads it)")
    ]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"tableArns": ["arn:aws:s3:::bucket"]}, "tableArns[0]", "must be a DynamoDB table ARN"),
        ({"indexArns": [f"{PLATFORM['tableArns'][0]}"]}, "indexArns[0]", "must be a DynamoDB index ARN"),
        ({"testListenerCidrs": ["10.0.0.0/16"]}, "testListenerCidrs[0]", "one IPv4 address as a /32"),
        ({"dataKeyArn": None}, "dataKeyArn", "required with tableArns"),
        ({"tableArns": None}, "indexArns", "without tableArns"),
    ],
)
def test_a_bad_platform_value_is_refused_naming_the_property(change, path, words):
    inputs = {k: v for k, v in {**ENGINE_INPUTS, **change}.items() if v is not None}
    errors = _errors(_refusal(inputs))
    assert any(p == path and words in r for p, r in errors), errors


def test_every_problem_is_listed_at_once():
    errors = _errors(_refusal({**ENGINE_INPUTS, "taskCpu": 300.0, "containerPort": 80.0, "tableArns": ["x"]}))
    assert [p for p, _ in errors] == ["taskCpu", "containerPort", "tableArns[0]"]


def test_the_platforms_policy_pack_passes_the_packaged_service():
    r = packaged()
    # The runbook's scaling numbers are the backend's (runbook "Auto-Scaling Configuration"); a team's service is
    # judged with its own numbers in its stack's policy config, everything else as the platform's staging.
    config = json.loads((ROOT / "policies" / "config" / "staging.json").read_text())
    config["aws-appautoscaling-target-configure-capacity"] = {"minCapacity": 1, "maxCapacity": 4}
    # One target for CPU and memory in the rule; this team scales on CPU at 60 % and memory at 70 %.
    config["aws-appautoscaling-policy-require-cpu-memory-tracking"] = "advisory"
    report = evaluate(r.resources, stack="staging", project="team-orders", policy_config=config)
    # As for examples/team-worker: the one stack rule wants a cost budget in the stack; the service's
    # cost counts in the platform's budget through the Environment tag it carries.
    mandatory = [(v.rule, v.urn) for v in report.violations if v.enforcement == "mandatory"]
    assert mandatory == [("aws-budgets-budget-require-cost-notifications", "")]


def test_the_settings_reach_the_service_as_given():
    r = packaged()
    service = r.inputs("aws:ecs/service:Service")
    assert service["deploymentConfiguration"]["strategy"] == SETTINGS["deploymentStrategy"]
    (container,) = json.loads(r.inputs("aws:ecs/taskDefinition:TaskDefinition")["containerDefinitions"])
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": SETTINGS["containerSecrets"]["DB_PASSWORD"]}]
