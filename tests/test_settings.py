"""One owner per setting (components/*/settings.py): a value is refused the same way, with the same
words, whether it comes from a stack file or from Python (docs/config.md)."""

from __future__ import annotations

import json

import pydantic
import pytest
from pydantic import AfterValidator

from components.compute.settings import ComputeSettings
from components.config.load import parse_stack_config
from components.config.problems import ConfigError
from components.config.schema import KEY_FIELDS, SECTIONS, StackConfig
from components.data.settings import DataSettings
from components.edge.settings import EdgeSettings
from components.network.settings import NetworkSettings
from components.observability.settings import AlertingSettings, ObservabilitySettings
from components.pipeline.settings import PipelineSettings
from components.security.settings import SecuritySettings
from components.settings import Settings
from tests.harness import CERT

DUP_TABLES = [{"name": "A1", "hashKey": "id", "attributes": [{"name": "id"}]}] * 2
NEW_IMAGE = [{"name": "A1", "hashKey": "id", "attributes": [{"name": "id"}], "streamViewType": "NEW_IMAGE"}]

# (settings model, {key: value}): one case per validator, constraint and combination check.
CASES: list[tuple[type[Settings], dict[str, object]]] = [
    (NetworkSettings, {"vpcCidr": "10.0.0.1/16"}),
    (NetworkSettings, {"vpcCidr": "8.8.0.0/16"}),
    (NetworkSettings, {"azCount": 1}),
    (NetworkSettings, {"natStrategy": "None"}),
    (ComputeSettings, {"logRetentionDays": 8}),
    (SecuritySettings, {"auditLogRetentionDays": 366}),
    (SecuritySettings, {"auditLogRetentionDays": 180}),
    (ObservabilitySettings, {"logArchiveExpirationDays": 30}),
    (ObservabilitySettings, {"monthlyBudgetUsd": 0}),
    (DataSettings, {"backupRetentionDays": 1}),
    (DataSettings, {"backupSchedule": "daily"}),
    (DataSettings, {"drRegion": "mars-1"}),
    (DataSettings, {"tables": DUP_TABLES}),
    (DataSettings, {"tables": NEW_IMAGE, "drRegion": "us-west-2"}),
    (AlertingSettings, {"alertEmail": "nobody@"}),
    (AlertingSettings, {"alertEmail": "ops-at-budgetbuddy"}),
    (AlertingSettings, {"pagerDutyEndpoint": "http://events.pagerduty.com/x"}),
    (ComputeSettings, {"taskCpu": 300}),
    (ComputeSettings, {"taskCpu": 512, "taskMemory": 8192}),
    (ComputeSettings, {"containerPort": 80}),
    (ComputeSettings, {"containerSecrets": {"DB": "plain"}}),
    (ComputeSettings, {"minCapacity": 6, "maxCapacity": 5}),
    (ComputeSettings, {"capacitySpotWeight": 0, "capacityOnDemandWeight": 0}),
    (ComputeSettings, {"deploymentStrategy": "CANARY", "canaryPercent": 100}),
    (ComputeSettings, {"certificateArn": "arn:aws:s3:::bucket"}),
    (ComputeSettings, {"certificateArn": None, "domainName": "API.example.com"}),
    (ComputeSettings, {"certificateArn": None, "domainName": "api.budgetbuddy.com"}),
    (ComputeSettings, {"certificateArn": None, "hostedZoneId": "Z0ABC"}),
    (ComputeSettings, {"domainName": "api.budgetbuddy.com", "hostedZoneId": "Z123"}),
    (EdgeSettings, {"wafRateLimit": 5}),
    (EdgeSettings, {"wafRateLimit": 50}),
    (EdgeSettings, {"wafAuthRateLimit": 5}),
    (EdgeSettings, {"wafAuthPathPrefix": "/Auth/"}),
    (EdgeSettings, {"wafMaxBodyBytes": 9000}),
    (EdgeSettings, {"wafManagedRuleActions": {"Nope": "count"}}),
    (EdgeSettings, {"wafManagedRuleActions": {"CommonRuleSet": "allow"}}),
    (PipelineSettings, {"githubBranch": "feature..x"}),
    (PipelineSettings, {"githubRepository": "no-slash"}),
    (PipelineSettings, {"codestarConnectionArn": "arn:aws:s3:::bucket"}),
    (PipelineSettings, {"artifactExpirationDays": 0}),
    (PipelineSettings, {"buildComputeType": "HUGE"}),
]


def _from_stack_file(values: dict[str, object]) -> list[str]:
    written = {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in values.items()}
    with pytest.raises(ConfigError) as info:
        parse_stack_config("staging", {"certificateArn": CERT, **written})
    return info.value.problems


def _from_python(model: type[Settings], values: dict[str, object]) -> list[str]:
    base = {"certificateArn": CERT} if issubclass(model, ComputeSettings) else {}
    with pytest.raises(pydantic.ValidationError) as info:
        model(**{**base, **values})
    return [str(e["msg"]).removeprefix("Value error, ") for e in info.value.errors()]


@pytest.mark.parametrize(("model", "values"), CASES, ids=[f"{m.__name__}-{'-'.join(v)}" for m, v in CASES])
def test_a_value_is_refused_the_same_way_from_a_stack_file_and_from_python(model, values):
    stack_lines = _from_stack_file(values)
    python_messages = _from_python(model, values)
    assert len(stack_lines) == len(python_messages) == 1, (stack_lines, python_messages)
    (line,), (message,) = stack_lines, python_messages
    # A field error reads "budgetbuddy:KEY=VALUE: MESSAGE"; a combination is the whole line both ways.
    assert line == message or line.endswith(f": {message}"), (line, message)


def test_every_key_with_a_validator_of_its_own_has_a_case():
    validated = {n for d in StackConfig.__pydantic_decorators__.field_validators.values() for n in d.info.fields}
    validated |= {n for n, f in KEY_FIELDS.items() if any(isinstance(m, AfterValidator) for m in f.metadata)}
    checked = {KEY_FIELDS[n].alias for n in validated if n in KEY_FIELDS} - {"region"}  # region: aws:region
    assert checked - {k for _, values in CASES for k in values} == set()


def test_every_key_has_one_owner_among_the_sections():
    owners: dict[str, list[str]] = {}
    for section in SECTIONS:
        for name in section.__annotations__:
            if name in section.model_fields and section.model_fields[name].alias:
                owners.setdefault(name, []).append(section.__name__)
    assert {n: o for n, o in owners.items() if len(o) > 1} == {}
    assert set(owners) == set(KEY_FIELDS)
