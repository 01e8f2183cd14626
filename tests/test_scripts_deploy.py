"""scripts/deploy.sh and scripts/drift-check.sh (docs/ci.md, "Deployments", "Drift check", "State backend"),
run for real against a stub `pulumi` that records its arguments: the commands are the README's ("A real
deployment"), the backend is the configured one, and bad input stops before any update."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests import ecs_state as ecs
from tests import readme

ROOT = Path(__file__).resolve().parent.parent

# `pulumi VERB ...`: logs the call; STUB_EXIT_<verb> sets its exit code; preview prints $STUB_PREVIEW_SAYS;
# `stack export --file F` writes a stand-in export to F.
# `stack output --json` (read by scripts/lib/rollout.py, not logged) prints the file $STUB_OUTPUTS.
STUB_PULUMI = r"""#!/usr/bin/env bash
if [[ "$1 $2" == "stack output" ]]; then cat "$STUB_OUTPUTS"; exit 0; fi
printf '%s\n' "$*" >>"$STUB_LOG"
verb="$1"; [[ "$verb" == stack || "$verb" == policy ]] && verb="$2"
[[ "$verb" == preview && -n "${STUB_PREVIEW_SAYS:-}" ]] && echo "$STUB_PREVIEW_SAYS" >&2
[[ "$verb" == export && "$3" == --file ]] && echo '{"version": 3}' >"$4"
var="STUB_EXIT_$verb"
exit "${!var:-0}"
"""
# venv/bin/python: logs `python ARGS` (and the export it was given); STUB_JUDGE_EXIT / STUB_CHECK_EXIT set the exit
# codes of `-m preview` and of `tools/pack_version.py check`.
STUB_PYTHON = r"""#!/usr/bin/env bash
printf 'python %s\n' "$*" >>"$STUB_LOG"
if [[ "$1" == -m ]]; then cat "$4" >>"$STUB_LOG"; exit "${STUB_JUDGE_EXIT:-0}"; fi
exit "${STUB_CHECK_EXIT:-0}"
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return make_checkout(tmp_path)


def make_checkout(tmp_path: Path) -> Path:
    """The scripts with the real stack files and policy configs, a policies venv, stub `pulumi` and `aws` CLIs
    and an ECS service that already runs the platform's task definition."""
    work = tmp_path / "checkout"
    shutil.copytree(ROOT / "scripts", work / "scripts")
    for stack_file in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(stack_file, work / stack_file.name)
    shutil.copytree(ROOT / "policies" / "config", work / "policies" / "config")
    venv_python = work / "policies" / "venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("#!/bin/sh\n")
    venv_python.chmod(0o755)
    program_python = work / "venv" / "bin" / "python"
    program_python.parent.mkdir(parents=True)
    program_python.write_text(STUB_PYTHON)
    program_python.chmod(0o755)
    (work / "policies" / "PulumiPolicy.yaml").write_text((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    stub = tmp_path / "bin" / "pulumi"
    stub.parent.mkdir()
    stub.write_text(STUB_PULUMI)
    stub.chmod(0o755)
    # The stub's own interpreter, not `env python3`: a version manager's shim costs each of its calls 40 ms.
    aws = (ROOT / "tests" / "stubs" / "aws").read_text().split("\n", 1)[1]
    (tmp_path / "bin" / "aws").write_text(f"#!{sys.executable}\n{aws}")
    (tmp_path / "bin" / "aws").chmod(0o755)
    shutil.copytree(ROOT / "components", work / "components")  # rollout.py reads containerPort's default there
    ecs.write_state(tmp_path, ecs.in_sync())
    return work


def run(checkout: Path, script: str, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    tmp = checkout.parent
    log = tmp / "pulumi.log"
    log.unlink(missing_ok=True)
    base_env = {"PATH": f"{tmp / 'bin'}:{os.environ['PATH']}", "TMPDIR": str(tmp), "STUB_LOG": str(log),
                **ecs.stub_env(tmp)}  # fmt: skip
    if script == "deploy.sh":  # the real rollout (scripts/lib/rollout.py) against the stub CLIs
        base_env["PYTHON"] = sys.executable
    proc = subprocess.run(
        [str(checkout / "scripts" / script), *args], env={**base_env, **env}, capture_output=True, text=True
    )
    return proc, log.read_text().splitlines() if log.exists() else []


CLOUD = {"PULUMI_ACCESS_TOKEN": "pul-test", "CI": "true"}


def readme_pulumi(verb: str) -> list[str]:
    """The README's `pulumi VERB` command of "A real deployment", as argument words."""
    (command,) = [c for c in readme.commands("A real deployment") if c.startswith(f"pulumi {verb} ")]
    return shlex.split(command)[1:]


def without_ci_flags(call: str) -> list[str]:
    """A recorded call minus what only an unattended run adds (no prompts, no confirmation)."""
    return [w for w in shlex.split(call) if w not in {"--yes", "--non-interactive"}]


def test_deploy_runs_the_readmes_pulumi_up_on_pulumi_cloud(checkout: Path) -> None:
    proc, calls = run(checkout, "deploy.sh", "production", **CLOUD)
    assert proc.returncode == 0, proc.stderr
    assert calls == [
        "login --non-interactive",
        "stack select --non-interactive production",
        "up --yes --non-interactive --policy-pack policies --policy-pack-config policies/config/production.json",
    ]
    assert without_ci_flags(calls[-1]) == readme_pulumi("up")


def test_deploy_logs_in_to_the_self_managed_backend(checkout: Path) -> None:
    url = "s3://budgetbuddy-state?region=us-east-1"
    proc, calls = run(checkout, "deploy.sh", "staging", PULUMI_BACKEND_URL=url, PULUMI_ACCESS_TOKEN="ignored")
    assert proc.returncode == 0, proc.stderr
    assert calls[0] == f"login --non-interactive {url}"
    assert calls[-1].endswith("--policy-pack-config policies/config/staging.json")


def test_deploy_accepts_the_runbooks_region_argument(checkout: Path) -> None:
    proc, calls = run(checkout, "deploy.sh", "production", "us-east-1", **CLOUD)
    assert proc.returncode == 0, proc.stderr
    assert calls[-1].startswith("up ")


def test_the_runbooks_deploy_command_works_as_written(checkout: Path) -> None:
    """`./infrastructure/scripts/deploy.sh production us-east-1` (runbook, "Initial Deployment") runs the same update."""
    shutil.copytree(ROOT / "infrastructure", checkout / "infrastructure")
    tmp = checkout.parent
    proc = subprocess.run(
        ["./infrastructure/scripts/deploy.sh", "production", "us-east-1"],
        cwd=checkout,
        env={
            "PATH": f"{tmp / 'bin'}:{os.environ['PATH']}",
            "TMPDIR": str(tmp),
            "STUB_LOG": str(tmp / "p.log"),
            "PYTHON": sys.executable,
            **ecs.stub_env(tmp),
            **CLOUD,
        },
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    calls = (tmp / "p.log").read_text().splitlines()
    _, direct = run(checkout, "deploy.sh", "production", "us-east-1", **CLOUD)
    assert calls == direct and calls[-1].startswith("up ")
    wrong, _ = run(checkout, "deploy.sh", "production", "eu-west-1", **CLOUD)
    assert wrong.returncode == 2


def test_deploy_on_a_workstation_uses_the_current_login(checkout: Path) -> None:
    proc, calls = run(checkout, "deploy.sh", "staging")
    assert proc.returncode == 0, proc.stderr
    assert calls[0] == "stack select --non-interactive staging"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["qa"], CLOUD, "unknown stack 'qa' (allowed: production staging"),
        (["production", "eu-west-1"], CLOUD, "region 'eu-west-1' is not the region of stack 'production'"),
        (["production"], {"CI": "true"}, "no state backend: set the secret PULUMI_ACCESS_TOKEN"),
        (["production"], {**CLOUD, "BUDGETBUDDY_POLICY_UNKNOWN": "advisory"}, "never in CI"),
        ([], CLOUD, "usage: scripts/deploy.sh STACK [REGION]"),
    ],
)
def test_deploy_bad_input_exits_2_before_any_update(
    checkout: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    proc, calls = run(checkout, "deploy.sh", *args, **env)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not any(call.startswith("up ") for call in calls)


def test_deploy_without_the_policy_venv_exits_2_with_the_readme_command(checkout: Path) -> None:
    shutil.rmtree(checkout / "policies" / "venv")
    proc, calls = run(checkout, "deploy.sh", "staging", **CLOUD)
    assert proc.returncode == 2
    create = next(c for c in readme.commands("A real deployment") if c.startswith("policies/venv/bin/pip"))
    assert create in proc.stderr and calls == []


def test_deploy_never_creates_a_stack(checkout: Path) -> None:
    proc, calls = run(checkout, "deploy.sh", "production", STUB_EXIT_select="255", **CLOUD)
    assert proc.returncode == 2
    assert 'README "First deployment"' in proc.stderr
    assert not any("--create" in call or call.startswith(("up ", "stack init")) for call in calls)


def test_deploy_failure_is_reported_on_github(checkout: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    proc, _ = run(
        checkout,
        "deploy.sh",
        "staging",
        STUB_EXIT_up="255",
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
        **CLOUD,
    )
    assert proc.returncode == 255
    assert "::error title=Deploy staging::pulumi up of stack 'staging' failed (exit 255)" in proc.stdout
    assert "failed (exit 255)" in summary.read_text()


def test_drift_check_refreshes_previews_then_judges_the_exported_state(checkout: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    proc, calls = run(checkout, "drift-check.sh", "production", GITHUB_STEP_SUMMARY=str(summary), **CLOUD)
    assert proc.returncode == 0, proc.stderr
    export = calls[4].split()[-1]
    assert calls[2:] == [
        "refresh --preview-only --non-interactive",  # read-only: a drift check never writes the state
        "preview --refresh --non-interactive --diff --expect-no-changes --policy-pack policies "
        "--policy-pack-config policies/config/production.json",
        f"stack export --file {export}",
        f"python -m preview --resources {export} --report compliance",
        '{"version": 3}',  # the judge read what the export wrote
    ]
    preview = without_ci_flags(calls[3])
    assert [w for w in preview if w not in {"--refresh", "--diff", "--expect-no-changes"}] == readme_pulumi("preview")
    assert "match the program" in summary.read_text() and "every mandatory policy rule passes" in summary.read_text()
    assert not Path(export).exists()  # the export (encrypted secrets and all) is not left behind


def test_drift_is_the_clis_exit_code_7_not_its_message(checkout: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    proc, calls = run(
        checkout,
        "drift-check.sh",
        "staging",
        STUB_EXIT_preview="7",
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
        **CLOUD,
    )
    assert proc.returncode == 1
    assert "::error title=Drift in staging::DRIFT in stack 'staging'" in proc.stdout
    assert "**Drift in `staging`**" in summary.read_text()
    assert any(c.startswith("python -m preview") for c in calls)  # the deployed state is judged all the same


def test_a_failing_preview_is_not_called_drift_whatever_it_prints(checkout: Path) -> None:
    proc, _ = run(
        checkout,
        "drift-check.sh",
        "staging",
        STUB_EXIT_preview="255",
        STUB_PREVIEW_SAYS="error: no changes were expected but changes were proposed",
        **CLOUD,
    )
    assert proc.returncode == 3
    assert "for a reason other than drift" in proc.stderr


def test_a_mandatory_violation_in_the_deployed_state_fails_visibly(checkout: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    proc, _ = run(
        checkout,
        "drift-check.sh",
        "production",
        STUB_JUDGE_EXIT="1",
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
        **CLOUD,
    )
    assert proc.returncode == 1
    assert "::error title=Policy violation in deployed production::MANDATORY POLICY VIOLATION" in proc.stdout
    assert "Mandatory policy violation in the deployed state of `production`" in summary.read_text()


@pytest.mark.parametrize("env", [{"STUB_JUDGE_EXIT": "2"}, {"STUB_EXIT_export": "255"}])
def test_an_unjudged_deployed_state_is_a_failure_not_a_pass(checkout: Path, env: dict[str, str]) -> None:
    proc, _ = run(checkout, "drift-check.sh", "staging", **env, **CLOUD)
    assert proc.returncode == 3
    assert "deployed state" in proc.stderr


def test_a_failing_refresh_stops_before_the_preview(checkout: Path) -> None:
    proc, calls = run(checkout, "drift-check.sh", "staging", STUB_EXIT_refresh="255", **CLOUD)
    assert proc.returncode == 3
    assert "pulumi refresh of stack 'staging' failed" in proc.stderr
    assert not any(call.startswith("preview") for call in calls)


# --- scripts/publish-policy-pack.sh ------------------------------------------------------------------------

VERSION = tomllib.loads((ROOT / "policies" / "pyproject.toml").read_text())["project"]["version"]


def test_publish_checks_the_version_then_publishes_to_the_org(checkout: Path) -> None:
    proc, calls = run(checkout, "publish-policy-pack.sh", f"policies-v{VERSION}", PULUMI_ORG="budgetbuddy", **CLOUD)
    assert proc.returncode == 0, proc.stderr
    assert calls == ["python tools/pack_version.py check", "policy publish budgetbuddy"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["policies-v0.0.1"],
            {"PULUMI_ORG": "o"},
            f"tag 'policies-v0.0.1' is not the pack's version: policies/PulumiPolicy.yaml says {VERSION}",
        ),
        ([f"policies-v{VERSION}"], {}, "PULUMI_ORG is unset"),
        ([f"policies-v{VERSION}"], {"PULUMI_ORG": "o", "STUB_CHECK_EXIT": "1"}, "does not match the rules"),
        ([], {"PULUMI_ORG": "o"}, "usage: scripts/publish-policy-pack.sh TAG"),
    ],
)
def test_publish_refuses_bad_input_before_publishing(
    checkout: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    proc, calls = run(checkout, "publish-policy-pack.sh", *args, **env, **CLOUD)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not any(c.startswith("policy publish") for c in calls)
