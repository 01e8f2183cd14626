"""The offline preview: stack files, overrides, secrets, the JSON dump, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from preview.recorder import ProgramError, run_program
from preview.stackfiles import StackFileError, load_stack
from preview.stand_ins import secret_stand_in
from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY
from tests.harness import ROOT
from tests.preview_runs import cached_run, run_cli

DUMP_KEYS = {
    "urn", "type", "name", "parent", "custom", "remote", "protect", "retainOnDelete", "deleteBeforeReplace",
    "dependencies", "propertyDependencies", "provider", "ignoreChanges", "aliases", "additionalSecretOutputs", "inputs",
}  # fmt: skip


def test_stack_file_values_become_config_strings():
    s = load_stack(ROOT, "production")
    assert s.project == "budgetbuddy" and s.region == "us-east-1"
    assert s.config["budgetbuddy:maxCapacity"] == "20"
    assert s.config["budgetbuddy:requireManualApproval"] == "true"


def test_overrides_apply_like_pulumi_config_set():
    s = load_stack(ROOT, "staging", ["minCapacity=3", "budgetbuddy:maxCapacity=4", "aws:region=eu-west-1"])
    assert s.config["budgetbuddy:minCapacity"] == "3" and s.config["budgetbuddy:maxCapacity"] == "4"
    assert s.region == "eu-west-1"
    with pytest.raises(StackFileError, match="expected KEY=VALUE"):
        load_stack(ROOT, "staging", ["minCapacity"])


def test_unknown_stack_names_the_known_ones():
    with pytest.raises(StackFileError, match=r"unknown stack 'qa'.*production, staging"):
        load_stack(ROOT, "qa")


def test_secure_values_stay_secret(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: budgetbuddy\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  budgetbuddy:pagerDutyEndpoint:\n    secure: v1:abc\n")
    s = load_stack(tmp_path, "dev")
    assert s.secret_keys == ["budgetbuddy:pagerDutyEndpoint"]
    assert s.config["budgetbuddy:pagerDutyEndpoint"] == secret_stand_in("budgetbuddy:pagerDutyEndpoint", "dev")


def test_bad_config_registers_nothing():
    s = load_stack(ROOT, "staging", ["taskCpu=3", "alertEmail=nobody"])
    with pytest.raises(ProgramError) as info:
        run_program(s.program, s.project, s.stack, s.config)
    assert "budgetbuddy:taskCpu='3'" in str(info.value.cause) and "budgetbuddy:alertEmail" in str(info.value.cause)
    assert info.value.recording is not None and info.value.recording.resources == []


def test_json_dump_has_the_analyzer_shape():
    run = cached_run("staging")  # `python -m preview staging --json FILE`, once per session
    doc = run.doc()
    assert run.code == 0, run.stdout[-3000:] + run.stderr
    assert doc["project"] == "budgetbuddy" and doc["stack"] == "staging" and doc["resources"]
    for res in doc["resources"]:
        assert set(res) == DUMP_KEYS
    assert doc["outputs"]["environment"] == "staging"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "preview", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["qa"], "unknown stack 'qa'"),
        (["staging", "--config", "minCapacity=9", "--config", "taskMemory=7"], "budgetbuddy:minCapacity=9"),
        (["staging", "--config", "nonsense"], "expected KEY=VALUE"),
        (["--bogus"], "unrecognized arguments"),
        ([], "give one of STACK"),
        (["--resources", "/nonexistent.json"], "nonexistent.json"),
    ],
)
def test_bad_input_exits_2_without_traceback(args, message):
    code, out, err = run_cli(*args)
    assert code == 2, out + err
    assert message in err and "Traceback" not in err + out


def test_a_real_process_exits_2_on_bad_input_without_traceback():
    """The cases above run main() in this process; this one, the way a shell sees it (exit status, streams)."""
    proc = _cli("staging", "--config", "minCapacity=9")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "budgetbuddy:minCapacity=9" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def test_secret_outputs_are_masked(capsys):
    from preview.report.tree import _show

    assert _show({SPECIAL_SIG_KEY: SECRET_SIG, "value": "x"}) == "\\[secret]"


def test_resources_on_an_explicit_provider_get_its_region():
    from tests.harness import run_stack

    r = run_stack("production", "drRegion=us-west-2")
    assert ":us-west-2:" in r.outputs["drBackupVaultArn"]
    assert ":us-east-1:" in r.outputs["tableArns"][0]
