"""Pulumi's own schemas, vendored by tools/vendor_pulumi_schemas.py, and what is checked against them."""

from __future__ import annotations

import copy
import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "vendor" / "pulumi"
SOURCE = json.loads((VENDOR / "SOURCE.json").read_text())


@pytest.mark.parametrize("name", sorted(SOURCE["files"]))
def test_each_vendored_file_is_the_upstream_bytes(name: str) -> None:
    digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
    assert digest == SOURCE["files"][name]["sha256"], f"{name} was edited by hand: vendor it again with the tool"


def test_the_vendored_schemas_follow_the_pinned_sdk() -> None:
    # The snapshot may be older than the pin (docs/decisions.md, "Pulumi's schemas"); a new pin means vendoring again.
    assert SOURCE["pinnedSdkWhenVendored"] == version("pulumi"), (
        "the pulumi pin moved: run tools/vendor_pulumi_schemas.py"
    )


def _project_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((VENDOR / "project.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_pulumi_yaml_is_a_valid_project_file() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _project_validator().iter_errors(project)]
    assert not errors, errors


def test_the_project_schema_refuses_a_config_type_it_does_not_have() -> None:
    # A project config declaration knows string, integer, boolean and array only (why floats are left out).
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    broken = copy.deepcopy(project)
    key = next(iter(broken["config"]))
    broken["config"][key] = {"type": "number", "default": 1.5}
    assert list(_project_validator().iter_errors(broken))
