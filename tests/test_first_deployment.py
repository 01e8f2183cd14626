"""First deployment of a new environment (README): no image exists until the pipeline's first run.

With ``awaitFirstImage`` the service starts with 0 tasks and the autoscaling floor is 0, so nothing
tries to pull the missing image; unsetting it changes only that floor, which Application Auto
Scaling applies to the service's desired count (docs/decisions.md, "Image bootstrap").
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from components.config.load import parse_stack_config
from components.config.problems import ConfigError
from components.config.schema import CONFIG_KEYS
from preview.policy.engine import evaluate
from tests.harness import CERT, ROOT, Result, run_stack

SERVICE = "aws:ecs/service:Service"
TARGET = "aws:appautoscaling/target:Target"


@cache
def stack(name: str, awaiting: bool) -> Result:
    return run_stack(name, *(["awaitFirstImage=true"] if awaiting else []))


def by_urn(result: Result) -> dict[str, dict]:
    return {r["urn"]: r for r in result.resources}


@pytest.mark.parametrize(("name", "floor", "ceiling"), [("production", 2, 20), ("staging", 2, 5)])
def test_awaiting_the_first_image_starts_no_task_and_lets_autoscaling_start_none(name, floor, ceiling):
    waiting, normal = stack(name, True), stack(name, False)
    assert waiting.inputs(SERVICE)["desiredCount"] == 0
    assert (waiting.inputs(TARGET)["minCapacity"], waiting.inputs(TARGET)["maxCapacity"]) == (0, ceiling)
    assert normal.inputs(SERVICE)["desiredCount"] == floor
    assert (normal.inputs(TARGET)["minCapacity"], normal.inputs(TARGET)["maxCapacity"]) == (floor, ceiling)


@pytest.mark.parametrize("name", ["production", "staging"])
def test_unsetting_it_changes_only_the_scaling_floor(name):
    """The second `pulumi up` of the procedure: the service's desired count is the deploy system's
    (ignored after creation), so the only update is the scalable target's minimum; the task
    definition the pipeline copies is the same in both (no bootstrap leftovers in later revisions)."""
    waiting, normal = by_urn(stack(name, True)), by_urn(stack(name, False))
    assert waiting.keys() == normal.keys()
    changed = {}
    for urn, res in normal.items():
        before, after = waiting[urn]["inputs"], res["inputs"]
        keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        keys -= set(res["ignoreChanges"])
        if keys:
            changed[res["type"]] = keys
    assert changed == {TARGET: {"minCapacity"}}
    service = next(r for r in normal.values() if r["type"] == SERVICE)
    assert "desiredCount" in service["ignoreChanges"]


def test_the_policy_pack_passes_the_first_deployment():
    report = evaluate(stack("production", True).resources, stack="production")
    assert not report.mandatory, [(v.rule, v.urn, v.message) for v in report.mandatory]


def test_a_bad_value_names_the_key():
    with pytest.raises(ConfigError) as err:
        parse_stack_config("staging", {"awaitFirstImage": "soon", "certificateArn": CERT})
    assert "budgetbuddy:awaitFirstImage='soon'" in str(err.value)


def test_the_readme_procedure_names_real_settings_and_outputs():
    """The README's first-deployment commands must keep working as the code changes: every config key
    it sets exists, and every stack output it reads is in the outputs contract."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## First deployment of a new environment", 1)[1].split("\n## ", 1)[0]
    keys = set(re.findall(r"budgetbuddy:([A-Za-z]+)", section))
    outputs = set(re.findall(r"pulumi stack output ([A-Za-z]+)", section))
    assert {"awaitFirstImage", "hostedZoneId", "domainName", "activateCostAllocationTags"} <= keys
    assert keys <= CONFIG_KEYS.keys(), keys - CONFIG_KEYS.keys()
    contract = json.loads((ROOT / "docs" / "outputs.contract.json").read_text())["outputs"]
    assert {"pipelineName", "clusterName", "serviceName"} <= outputs <= contract.keys()
    assert "BUDGETBUDDY_POLICY_UNKNOWN=advisory pulumi preview" in section
    assert "BUDGETBUDDY_POLICY_UNKNOWN=advisory pulumi up" in section
