"""The outputs contract (docs/outputs.contract.json, rules in docs/outputs.md "Versioning") against the
outputs the offline preview records for both stacks, and the rules themselves on edited contracts."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest

from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY
from tests.harness import ROOT, Result, run_stack
from tools import outputs_contract as oc

STACKS = ("production", "staging")


@cache
def stack(name: str, *overrides: str) -> Result:
    return run_stack(name, *overrides)


@cache
def contract() -> dict[str, Any]:
    return oc.load()


def edited(change) -> dict[str, Any]:
    doc = copy.deepcopy(contract())
    change(doc)
    return doc


def test_the_contract_is_consistent():
    assert oc.check_contract(contract()) == []
    assert oc.version(contract()["version"])[0] >= 1


@pytest.mark.parametrize("name", STACKS)
def test_every_recorded_output_matches_the_contract(name):
    assert oc.check_outputs(contract(), name, stack(name).outputs) == []


def test_conditional_outputs_match_when_their_condition_holds():
    recorded = stack("staging", "drRegion=us-west-2").outputs
    conditional = {k for k, spec in contract()["outputs"].items() if spec.get("when")}
    assert conditional == {"drBackupVaultArn"} and conditional <= recorded.keys()
    assert oc.check_outputs(contract(), "staging+drRegion", recorded) == []


def test_every_contract_output_is_documented():
    doc = (ROOT / "docs" / "outputs.md").read_text()
    assert [k for k in contract()["outputs"] if f"`{k}`" not in doc] == []


# --- the rules fire: each edit below is a change a consumer would feel ----------------------------


def test_an_output_added_to_the_program_but_not_the_contract_fails():
    recorded = {**stack("staging").outputs, "webhookUrl": "https://example.com"}
    (problem,) = oc.check_outputs(contract(), "staging", recorded)
    assert "webhookUrl is not in docs/outputs.contract.json" in problem


def test_an_output_removed_or_renamed_in_the_program_fails():
    recorded = dict(stack("staging").outputs)
    recorded["clusterArns"] = recorded.pop("clusterArn")
    problems = oc.check_outputs(contract(), "staging", recorded)
    assert any("clusterArns is not in docs/outputs.contract.json" in p for p in problems)
    assert any("clusterArn is in the contract but not exported" in p for p in problems)


def test_a_type_change_in_the_program_fails():
    recorded = {**stack("staging").outputs, "privateSubnetIds": "subnet-a,subnet-b"}
    (problem,) = oc.check_outputs(contract(), "staging", recorded)
    assert "privateSubnetIds is string, the contract says list<string>" in problem


def test_an_output_that_became_secret_fails():
    plain = stack("staging").outputs["vpcId"]
    recorded = {**stack("staging").outputs, "vpcId": {SPECIAL_SIG_KEY: SECRET_SIG, "value": plain}}
    (problem,) = oc.check_outputs(contract(), "staging", recorded)
    assert "vpcId secret=True" in problem


def test_removing_an_output_from_the_contract_without_a_major_bump_fails():
    doc = edited(lambda d: d["outputs"].pop("clusterArn"))
    (problem,) = oc.check_contract(doc)
    assert "majors.1.clusterArn (string) is promised for major 1 but is no longer in outputs" in problem


def test_retyping_an_output_in_the_contract_without_a_major_bump_fails():
    def change(d):
        d["outputs"]["privateSubnetIds"]["type"] = "string"
        d["majors"]["1"]["privateSubnetIds"] = "string"  # even rewriting the promise is caught below

    problems = oc.check_contract(edited(lambda d: d["outputs"]["privateSubnetIds"].update(type="string")))
    assert any("now string" in p and "major version bump" in p for p in problems)
    # Rewriting majors.1 as well hides nothing from the preview check: the program still exports a list.
    doc = edited(change)
    assert oc.check_contract(doc) == []
    assert any(
        "privateSubnetIds is list<string>" in p for p in oc.check_outputs(doc, "staging", stack("staging").outputs)
    )


def test_adding_to_outputs_without_appending_to_the_major_fails():
    doc = edited(lambda d: d["outputs"].update(newKey={"type": "string", "since": "1.2.0", "deprecated": False,
                                                        "secret": False}))  # fmt: skip
    problems = oc.check_contract(doc)
    assert any("outputs.newKey (string): not in majors.1" in p for p in problems)
    assert any("since=1.2.0: later than the contract version 1.1.0" in p for p in problems)


def test_a_major_bump_allows_removal_when_it_is_recorded():
    def bump(d, record: bool):
        d["version"] = "2.0.0"
        gone = d["outputs"].pop("albArnSuffix")
        d["majors"]["2"] = {k: v["type"] for k, v in d["outputs"].items()}
        if record:
            d["removed"].append({"name": "albArnSuffix", "type": gone["type"], "since": "1.0.0", "removedIn": "2.0.0"})

    assert oc.check_contract(edited(lambda d: bump(d, True))) == []
    (problem,) = oc.check_contract(edited(lambda d: bump(d, False)))
    assert "majors.1.albArnSuffix (string) is gone or retyped in 2.0.0" in problem


def test_a_removal_dated_in_a_minor_release_fails():
    def change(d):
        d["removed"].append({"name": "x", "type": "string", "since": "1.0.0", "removedIn": "1.1.0"})

    (problem,) = oc.check_contract(edited(change))
    assert "removedIn=1.1.0: must be a major release" in problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a", "string"),
        (3, "number"),
        (2.5, "number"),
        (True, "boolean"),
        (["a", "b"], "list<string>"),
        ([], "list<?>"),
        ({"logs": "arn:1", "data": "arn:2"}, "map<string>"),
        ({"a": 1, "b": "x"}, "object"),
        ([{"a": 1}], "list<object>"),
        ({SPECIAL_SIG_KEY: SECRET_SIG, "value": ["x"]}, "list<string>"),
        (oc.UNKNOWN, "unknown"),
    ],
)
def test_value_types(value, expected):
    assert oc.value_type(value) == expected


def test_the_command_line_checks_preview_dumps(tmp_path, capsys):
    good = tmp_path / "staging.json"
    good.write_text(json.dumps({"stack": "staging", "outputs": stack("staging").outputs}))
    assert oc.main([str(good)]) == 0
    assert "outputs contract 1.1.0: holds" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"stack": "staging", "outputs": {**stack("staging").outputs, "extra": 1}}))
    assert oc.main([str(good), str(bad)]) == 1
    assert "staging: output extra is not in docs/outputs.contract.json" in capsys.readouterr().out
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\x00\xff")
    assert oc.main([str(broken)]) == 2
    assert "not an offline preview dump" in capsys.readouterr().err
    assert oc.main([]) == 2


# --- the contract's outputs are generated from the components' outputs objects ---------------------


def test_the_contract_outputs_are_generated_from_the_outputs_objects():
    from tools import gen_outputs_contract as gen

    assert (ROOT / "docs" / "outputs.contract.json").read_text() == gen.render(), (
        "run python tools/gen_outputs_contract.py"
    )


def test_each_stack_output_has_one_owner_and_a_contract_type():
    from components.outputs import contract_entries, output_fields
    from components.stack import OUTPUT_TYPES

    names = [spec.name for cls in OUTPUT_TYPES for _, spec in output_fields(cls)]
    assert len(names) == len(set(names)), "a stack output is declared by two outputs objects"
    assert set(names) == set(contract()["outputs"])
    for cls in OUTPUT_TYPES:
        for entry in contract_entries(cls).values():
            assert oc.TYPE_RE.match(entry["type"])


def test_the_stack_outputs_are_exactly_the_outputs_objects_fields():
    """What the program exports is what the outputs objects declare (conditional ones when set)."""
    from components.outputs import output_fields
    from components.stack import OUTPUT_TYPES

    declared = {spec.name for cls in OUTPUT_TYPES for _, spec in output_fields(cls) if spec.when is None}
    assert set(stack("production").outputs) == declared


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("pulumi.Output[str]", "string"),
        ("pulumi.Output[list[str]]", "list<string>"),
        ("Sequence[pulumi.Output[str]]", "list<string>"),
        ("Mapping[str, pulumi.Output[str]]", "map<string>"),
        ("pulumi.Output[str] | None", "string"),
        ("int", "number"),
        ("bool", "boolean"),
    ],
)
def test_contract_type_of_an_annotation(annotation, expected):
    from collections.abc import Mapping, Sequence

    import pulumi

    from components.outputs import contract_type

    assert contract_type(eval(annotation, {"pulumi": pulumi, "Sequence": Sequence, "Mapping": Mapping})) == expected


def test_an_output_with_two_types_or_no_contract_type_is_refused():
    import pulumi

    from components.outputs import contract_type

    with pytest.raises(TypeError, match="one type"):
        contract_type(pulumi.Output[str] | int)
    with pytest.raises(TypeError, match="no contract type"):
        contract_type(object)
