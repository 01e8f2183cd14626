"""Pulumi.yaml's `config:` block (tools/gen_project_config.py): generated from the settings models, its
defaults are the program's, and the stack files hold values the Pulumi CLI accepts for the declared types."""

from __future__ import annotations

import re

import pytest
import yaml

from components.config.engine import NAMESPACE, parse_text
from components.config.schema import CONFIG_KEYS, KEY_FIELDS, value_kind
from preview.stackfiles import available_stacks, load_stack
from tests.harness import ROOT
from tools import gen_project_config as gen

PROJECT = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
DECLARED: dict[str, dict] = PROJECT.get("config") or {}
# What the Pulumi CLI accepts for a typed key (pkg/workspace: ValidateConfigValue; scalars arrive as text).
CLI_ACCEPTS = {
    "string": lambda v: isinstance(v, str | int | float | bool),
    "integer": lambda v: not isinstance(v, bool) and re.fullmatch(r"[-+]?\d+", str(v)) is not None,
    "boolean": lambda v: str(v) in ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"),
}


def test_the_config_block_is_generated_from_the_settings_models():
    assert (ROOT / "Pulumi.yaml").read_text() == gen.render(), "run python tools/gen_project_config.py"


def test_only_project_typed_keys_with_a_default_are_declared():
    assert DECLARED, "the block declares the scalar keys"
    for key, decl in DECLARED.items():
        assert ":" not in key, f"{key}: keys of the project namespace are written without `{NAMESPACE}:`"
        assert set(decl) == {"type", "default", "description"}
        assert decl["type"] in ("string", "integer", "boolean")
        assert decl["description"], f"{key}: give the field a description"
    left_out = {"environment", "pagerDutyEndpoint"} | {k for k, n in CONFIG_KEYS.items() if value_kind(n) == "float"}
    assert left_out.isdisjoint(DECLARED)


@pytest.mark.parametrize("key", sorted(DECLARED))
def test_the_default_the_cli_passes_reads_back_as_the_programs_default(key):
    """The CLI passes a project default to the program as text; the program must read the value it would
    have used anyway, so a stack behaves the same with or without the block."""
    field_name = CONFIG_KEYS[key]
    default = DECLARED[key]["default"]
    text = str(default).lower() if isinstance(default, bool) else str(default)
    kind = value_kind(field_name)
    value = parse_text(kind, text) if kind in ("bool", "int") else text
    assert value == KEY_FIELDS[field_name].get_default(call_default_factory=True)


@pytest.mark.parametrize("stack", available_stacks(ROOT))
def test_stack_file_values_have_the_declared_types(stack):
    doc = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text()) or {}
    for full_key, value in (doc.get("config") or {}).items():
        key = full_key.removeprefix(f"{NAMESPACE}:")
        if key in DECLARED and not (isinstance(value, dict) and "secure" in value):
            assert CLI_ACCEPTS[DECLARED[key]["type"]](value), (
                f"Pulumi.{stack}.yaml: {full_key}={value!r} is not a {DECLARED[key]['type']}"
            )


@pytest.mark.parametrize("stack", available_stacks(ROOT))
def test_the_preview_applies_the_project_defaults_as_the_cli_does(stack):
    config = load_stack(ROOT, stack).config
    for key in DECLARED:
        assert f"{NAMESPACE}:{key}" in config, f"{key}: the project default reaches the program"
    unset = set(DECLARED) - {
        k.removeprefix(f"{NAMESPACE}:") for k in (yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])
    }
    for key in unset:
        default = DECLARED[key]["default"]
        assert config[f"{NAMESPACE}:{key}"] == (str(default).lower() if isinstance(default, bool) else str(default))
