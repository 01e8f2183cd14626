"""Judging deployed state: `python -m preview --resources FILE` with `pulumi stack export` output (docs/preview.md,
"Exported state"). The exports are built from this platform's own preview dumps to Pulumi's apitype schemas."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from preview import dump, export, pipeline
from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN
from tests.preview.stack_export import ENGINE, TIME, export_from_dump, resource, secret, validate
from tests.preview_runs import dump_of, run_cli, write_json

TABLE = "aws:dynamodb/table:Table"
PITR = "aws-dynamodb-table-enable-pitr"


@pytest.fixture(scope="module")
def production() -> dict[str, Any]:
    return export_from_dump(dump_of("production"))


@pytest.fixture
def exported(production: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(production)


def _table(doc: dict[str, Any]) -> dict[str, Any]:
    return resource(doc, TABLE, "data-Transactions")


def _validate_only(doc: dict[str, Any], *resources: dict[str, Any]) -> None:
    """Pulumi's schema over the export with only these resources (a whole stack takes a second to validate)."""
    validate({**doc, "deployment": {**doc["deployment"], "resources": list(resources)}})


def test_the_built_exports_are_what_pulumis_schema_accepts(production: dict[str, Any]) -> None:
    validate(production)
    broken = {**production, "deployment": {**production["deployment"], "manifest": {"time": TIME}}}
    with pytest.raises(Exception, match="is not valid"):  # the schema does reject a broken one
        _validate_only(broken, production["deployment"]["resources"][0])


def test_an_export_of_the_previewed_stack_is_judged_as_its_preview(production: dict[str, Any]) -> None:
    preview_doc = dump_of("production")
    from_export = export.to_dump(production, "test")
    assert sorted(r["urn"] for r in from_export["resources"]) == sorted(r["urn"] for r in preview_doc["resources"])
    assert from_export["outputs"] == preview_doc["outputs"]
    judged = pipeline.judge(dump.normalize(dump.validate(from_export, "test"))).to_json()
    assert judged["policy"] == preview_doc["policy"]
    assert judged["cost"] == preview_doc["cost"]
    assert judged["source"]["time"] == TIME and judged["source"]["kind"] == "pulumi stack export"


def test_clean_export_passes_and_the_report_says_it_judged_deployed_state(
    tmp_path: Path, production: dict[str, Any]
) -> None:
    path = str(write_json(tmp_path / "prod.json", production))
    code, out, err = run_cli("--resources", path, "--report", "compliance")
    assert code == 0, err
    assert "budgetbuddy/production: deployed state exported" in out and TIME in out and ENGINE in out
    assert "Policy: PASS" in out and "Evidence: deployed state" in out
    code, out, _ = run_cli("--resources", path, "--report", "compliance", "--markdown")
    assert code == 0
    assert f"deployed state: the resources of stack budgetbuddy/production as recorded in its state at {TIME}" in out
    assert "offline preview: configuration evidence" not in out


def test_a_removed_safeguard_in_deployed_state_is_a_mandatory_violation(
    tmp_path: Path, exported: dict[str, Any]
) -> None:
    _table(exported)["inputs"]["pointInTimeRecovery"] = {"enabled": False}
    code, out, _ = run_cli("--resources", str(write_json(tmp_path / "x.json", exported)), "--violations")
    assert code == 1
    assert PITR in out and "data-Transactions" in out and "pointInTimeRecovery.enabled is not true" in out


def _judged_inputs(exported: dict[str, Any], urn: str) -> dict[str, Any]:
    doc = export.to_dump(exported, "t")
    return next(r for r in doc["resources"] if r["urn"] == urn)["inputs"]


def test_outputs_are_judged_where_the_engine_stored_no_inputs(exported: dict[str, Any]) -> None:
    table = _table(exported)
    del table["inputs"]
    table["outputs"]["__meta"] = '{"schema_version": "1"}'
    assert _judged_inputs(exported, table["urn"]) == {k: v for k, v in table["outputs"].items() if k != "__meta"}
    assert "1 resources have no stored inputs and are judged on their outputs" in export.notes(
        export.to_dump(exported, "t")
    )


def test_an_encrypted_secret_is_an_unknown_value_and_a_shown_one_is_judged(
    tmp_path: Path, exported: dict[str, Any]
) -> None:
    table = _table(exported)
    value = {"enabled": True, "recoveryPeriodInDays": 35}
    table["inputs"]["pointInTimeRecovery"] = secret(value, show_secrets=True)
    _validate_only(exported, table)
    assert _judged_inputs(exported, table["urn"])["pointInTimeRecovery"] == {
        SPECIAL_SIG_KEY: SECRET_SIG,
        "value": value,
    }
    table["inputs"]["pointInTimeRecovery"] = secret(value)
    _validate_only(exported, table)
    assert _judged_inputs(exported, table["urn"])["pointInTimeRecovery"] == UNKNOWN
    code, out, _ = run_cli("--resources", str(write_json(tmp_path / "enc.json", exported)), "--violations")
    assert code == 1 and "[unknown-input]" in out and PITR in out  # the unknown-value rule: strict
    assert "1 secret values are encrypted in the export and judged as unknown" in out


def test_resources_the_program_does_not_manage_are_not_judged(exported: dict[str, Any]) -> None:
    resources = exported["deployment"]["resources"]
    old = {**copy.deepcopy(_table(exported)), "delete": True}  # replaced, its deletion still pending
    read = {**copy.deepcopy(resource(exported, "aws:s3/bucket:Bucket", "observability-log-archive-bucket"))}
    read.update(external=True, urn=read["urn"] + "-read")
    resources += [old, read]
    exported["deployment"]["pending_operations"] = [{"resource": old, "type": "deleting"}]
    _validate_only(exported, old, read)
    doc = export.to_dump(exported, "t")
    assert len(doc["resources"]) == len(dump_of("production")["resources"])
    assert export.notes(doc) == [
        "1 pending deletion resources are not judged",
        "1 external resources are not judged",
        "1 operations were pending when the state was written (an interrupted update): the state may not match "
        "the account",
    ]


def _broken(production: dict[str, Any], edit: Any) -> dict[str, Any]:
    doc = copy.deepcopy(production)
    edit(doc)
    return doc


def _res(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["deployment"]["resources"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(version=2), "deployment version 2 is not supported; this tool reads versions 3 and 4"),
        (lambda d: d.update(version=4, features=["quantum"]), "needs features this tool does not know: quantum"),
        (lambda d: d["deployment"].pop("manifest"), "deployment.manifest: field required"),
        (lambda d: d["deployment"].update(resources=[]), "records no resources (a stack never deployed)"),
        (lambda d: _res(d)[3].pop("urn"), "deployment.resources[3].urn: field required"),
        (lambda d: _res(d)[3].update(custom="yes"), "deployment.resources[3].custom: input should be a valid boolean"),
        (lambda d: _res(d)[3].update(type="aws:s3/bucket:Bucket"), "is not urn:pulumi:STACK::PROJECT::...$TYPE::NAME"),
        (
            lambda d: _res(d)[3]["inputs"].update(
                x={"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
            ),
            ".inputs.x: a secret needs either ciphertext or plaintext",
        ),
        (
            lambda d: _res(d)[3]["inputs"].update(x={"4dabf18193072939515e22adb298388d": "nope"}),
            ".inputs.x: malformed or unknown special value (signature 'nope')",
        ),
        (
            lambda d: _res(d).append({**_res(d)[3], "urn": _res(d)[3]["urn"].replace(":production::", ":qa::")}),
            "the resources belong to 2 stacks (budgetbuddy/production, budgetbuddy/qa)",
        ),
    ],
)
def test_a_malformed_export_exits_2_naming_the_problem(
    tmp_path: Path, production: dict[str, Any], edit: Any, message: str
) -> None:
    path = write_json(tmp_path / "bad.json", _broken(production, edit))
    code, out, err = run_cli("--resources", str(path))
    assert code == 2, out
    assert message in " ".join(err.split()), err
    assert "Traceback" not in err


def test_neither_a_dump_nor_an_export_says_what_either_is(tmp_path: Path) -> None:
    code, _, err = run_cli("--resources", str(write_json(tmp_path / "x.json", {"deployment": 3})))
    assert code == 2 and "expected the output of `pulumi stack export`" in " ".join(err.split())
    (tmp_path / "y.json").write_text("{")
    code, _, err = run_cli("--resources", str(tmp_path / "y.json"))
    assert code == 2 and "or the output of `pulumi stack export`" in " ".join(err.split())


def test_the_exported_stack_outputs_are_kept(production: dict[str, Any]) -> None:
    doc = export.to_dump(production, "t")
    assert json.dumps(doc["outputs"], sort_keys=True) == json.dumps(dump_of("production")["outputs"], sort_keys=True)
