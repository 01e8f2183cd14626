"""The package's schema (packages/budgetbuddy/schema.json): generated, valid against Pulumi's package
metaschema (vendor/pulumi/pulumi.json), every property described, versioned with the outputs contract,
and its inputs exactly the settings models' keys plus the platform values (docs/package.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema

from components.compute.contract import ComputeOutputs
from components.compute.settings import ComputeSettings
from components.identity import IdentitySettings
from components.outputs import contract_version, output_fields
from packages.budgetbuddy.facade.generated import ComputeServiceArgs
from packages.budgetbuddy.facade.platform import PLATFORM_NAMES
from packages.budgetbuddy.facade.settings import FROM_STACK, REQUIRED_HERE
from tools import gen_package_schema as gen

SCHEMA = json.loads(gen.SCHEMA.read_text())
RESOURCE = SCHEMA["resources"]["budgetbuddy:index:ComputeService"]
METASCHEMA = json.loads((gen.ROOT / "vendor" / "pulumi" / "pulumi.json").read_text())


def test_the_facade_and_the_schema_are_current():
    assert gen.main(["--check"]) == 0, "run python tools/gen_package_schema.py"


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[jsonschema.ValidationError]:
    """``pattern`` as ECMA-262 reads it: the metaschema's version pattern names groups ``(?<major>...)``,
    which Python's ``re`` writes ``(?P<major>...)``."""
    if validator.is_type(instance, "string") and not re.search(re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _validator() -> Any:
    base = jsonschema.validators.validator_for(METASCHEMA)
    return jsonschema.validators.extend(base, {"pattern": _ecma_pattern})


def test_the_schema_is_a_valid_pulumi_package_schema():
    cls = _validator()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in cls(METASCHEMA).iter_errors(SCHEMA)]
    assert errors == []
    # The metaschema does refuse what is not a package schema (a property type Pulumi does not have).
    broken = json.loads(json.dumps(SCHEMA))
    broken["resources"]["budgetbuddy:index:ComputeService"]["inputProperties"]["taskCpu"]["type"] = "int"
    broken["version"] = "1.1"
    found = {e.message for e in cls(METASCHEMA).iter_errors(broken)}
    assert any("'int'" in m for m in found) and any("'1.1' does not match" in m for m in found), found


def test_the_args_keys_are_the_settings_models_aliases_and_the_platform_values():
    aliases = {f.alias for m in (IdentitySettings, ComputeSettings) for f in m.model_fields.values() if f.alias}
    keys = set(ComputeServiceArgs.__annotations__)
    assert keys == (aliases - set(FROM_STACK)) | set(PLATFORM_NAMES)
    assert set(RESOURCE["inputProperties"]) == keys


def test_required_inputs_are_the_models_required_keys_and_the_platforms():
    required = {f.alias for m in (IdentitySettings, ComputeSettings) for f in m.model_fields.values()
                if f.alias and f.is_required()}  # fmt: skip
    assert set(RESOURCE["requiredInputs"]) == (required | set(REQUIRED_HERE)) - set(FROM_STACK) | {
        "vpcId", "publicSubnetIds", "privateSubnetIds", "logsKeyArn", "storageKeyArn", "logBucketName",
        "alarmTopicArn", "alertTopicArn", "webAclArn",
    }  # fmt: skip


def test_the_outputs_are_the_components_stack_outputs_with_the_contracts_names():
    assert set(RESOURCE["properties"]) == {spec.name for _, spec in output_fields(ComputeOutputs)}
    assert set(RESOURCE["required"]) == set(RESOURCE["properties"])


def test_every_property_is_described():
    undescribed = [
        name
        for group in ("inputProperties", "properties")
        for name, prop in RESOURCE[group].items()
        if not prop.get("description", "").strip()
    ]
    assert undescribed == []
    assert RESOURCE["description"].startswith("A service like the BudgetBuddy backend")


def test_the_package_version_is_the_outputs_contracts():
    assert (
        SCHEMA["version"]
        == contract_version()
        == json.loads((gen.ROOT / "docs" / "outputs.contract.json").read_text())["version"]
    )


def test_settings_are_plain_and_typed_as_the_models_type_them():
    props = RESOURCE["inputProperties"]
    assert props["taskCpu"] == {**props["taskCpu"], "type": "integer", "plain": True}
    assert props["cpuTargetPercent"]["type"] == "number"
    assert props["awaitFirstImage"]["type"] == "boolean"
    assert props["containerSecrets"]["additionalProperties"]["type"] == "string"
    # Platform values may be outputs of a StackReference (not plain).
    assert "plain" not in props["vpcId"] and "plain" not in props["privateSubnetIds"]
