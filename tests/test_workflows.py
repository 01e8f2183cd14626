"""The GitHub Actions workflows (docs/ci.md). They cannot run here, so: actionlint must be clean, and their
structure is checked against what docs/ci.md promises (SHA-pinned actions, least-privilege permissions per job,
OIDC only where AWS is needed, the comment skipped for forks, concurrency) and against the README (the commands
CI runs are the documented ones, so docs and CI cannot drift apart)."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import readme
from tests.action_inputs import ACTION_INPUTS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
VENV_BIN = Path(sys.executable).parent  # actionlint and shellcheck come with requirements-dev.txt
STACKS = sorted(p.name.split(".")[1] for p in ROOT.glob("Pulumi.*.yaml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


PR = load(WORKFLOWS / "pull-request.yml")
DEPLOY = load(WORKFLOWS / "deploy.yml")


def jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(path.name, name, job) for path in FILES for name, job in load(path)["jobs"].items()]


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def run_commands(job: dict[str, Any]) -> list[str]:
    return [s["run"].strip() for s in job["steps"] if "run" in s]


def test_there_are_the_two_workflows() -> None:
    assert [p.name for p in FILES] == ["deploy.yml", "pull-request.yml"]


# --- actionlint -------------------------------------------------------------------------------------------


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "actionlint"), "-shellcheck", str(VENV_BIN / "shellcheck"), "-pyflakes=", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actionlint_is_clean(path: Path) -> None:
    proc = actionlint(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_does_catch_mistakes(tmp_path: Path) -> None:
    # The clean results above mean something only if this binary finds real errors.
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }} $UNQUOTED\n"
    )
    proc = actionlint(bad)
    assert proc.returncode == 1
    assert "potentially untrusted" in proc.stdout and "SC2086" in proc.stdout


# --- pinning and permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha_with_its_version(path: Path) -> None:
    text = path.read_text()
    lines = USES_LINE.findall(text)
    parsed = [s["uses"] for job in load(path)["jobs"].values() for s in job["steps"] if "uses" in s]
    assert [ref for ref, _ in lines] == parsed  # every `uses:` was seen on its line
    for ref, rest in lines:
        assert PINNED.match(ref), f"{path.name}: {ref} is not pinned to a full commit SHA"
        assert re.fullmatch(r"\s*#\s*v\d+\.\d+\.\d+\s*", rest), f"{path.name}: {ref} lacks a '# vX.Y.Z' comment"


def test_one_action_one_pin_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for path in FILES:
        for ref, rest in USES_LINE.findall(path.read_text()):
            action, sha = ref.split("@")
            pins.setdefault(action, set()).add(f"{sha} {rest.strip()}")
    assert {action: len(p) for action, p in pins.items()} == dict.fromkeys(pins, 1)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_with_key_is_an_input_of_the_pinned_release(path: Path) -> None:
    versions = {ref: rest.strip().lstrip("#").strip() for ref, rest in USES_LINE.findall(path.read_text())}
    for job in load(path)["jobs"].values():
        for step in job["steps"]:
            if "uses" not in step:
                continue
            release = f"{step['uses'].split('@')[0]}@{versions[step['uses']]}"
            assert release in ACTION_INPUTS, f"{release}: record its inputs in tests/action_inputs.py"
            unknown = set(step.get("with", {})) - ACTION_INPUTS[release]
            assert not unknown, f"{path.name}: {release} has no input {sorted(unknown)}"


def test_docs_list_the_pins_the_workflows_use() -> None:
    table = set(
        re.findall(
            r"^\| `([\w/.-]+)` \| (v[\d.]+) \| `([0-9a-f]{40})` \|$", (ROOT / "docs" / "ci.md").read_text(), re.M
        )
    )
    used = {
        (ref.split("@")[0], rest.strip().lstrip("#").strip(), ref.split("@")[1])
        for path in FILES
        for ref, rest in USES_LINE.findall(path.read_text())
    }
    assert table == used


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_top_level_permissions_are_empty(path: Path) -> None:
    assert load(path)["permissions"] == {}


# Least privilege, job by job: any new grant has to be argued here and in docs/ci.md.
EXPECTED_PERMISSIONS = {
    ("pull-request.yml", "stacks"): {"contents": "read"},
    ("deploy.yml", "stacks"): {"contents": "read"},
    ("pull-request.yml", "offline"): {"contents": "read", "pull-requests": "write"},
    ("pull-request.yml", "preview"): {"contents": "read", "id-token": "write", "pull-requests": "write"},
    ("deploy.yml", "staging"): {"contents": "read", "id-token": "write"},
    ("deploy.yml", "production"): {"contents": "read", "id-token": "write"},
    ("deploy.yml", "drift"): {"contents": "read", "id-token": "write"},
    ("deploy.yml", "publish-policy-pack"): {"contents": "read"},  # Pulumi Cloud only: no AWS, no OIDC token
}


def test_every_job_declares_least_privilege_permissions() -> None:
    assert {(f, name): job.get("permissions") for f, name, job in jobs()} == EXPECTED_PERMISSIONS


def test_aws_credentials_only_by_oidc_in_jobs_that_may_request_a_token() -> None:
    for f, name, job in jobs():
        for step in steps_using(job, "aws-actions/configure-aws-credentials"):
            assert job["permissions"].get("id-token") == "write", (f, name)
            assert set(step["with"]) == {"role-to-assume", "aws-region"}, (f, name)  # no stored keys
            assert re.fullmatch(r"\$\{\{ vars\.AWS_(DEPLOY_)?ROLE_ARN \}\}", step["with"]["role-to-assume"])


def test_secrets_only_reach_the_steps_that_talk_to_the_state_backend() -> None:
    for f, name, job in jobs():
        assert "secrets." not in str(job.get("env", {})), (f, name)
        for step in job["steps"]:
            if "secrets." in str(step):
                assert step.get("uses", "").startswith("pulumi/actions@") or step.get("run", "").startswith(
                    ("scripts/deploy.sh", "scripts/drift-check.sh", "scripts/publish-policy-pack.sh")
                ), (f, name, step)
    assert "secrets." not in str(PR["jobs"]["offline"])  # forks: nothing secret in the offline job


# --- the pull-request workflow ----------------------------------------------------------------------------


def test_pull_requests_from_forks_trigger_the_workflow_without_secrets() -> None:
    # `pull_request` (not `pull_request_target`): a fork's code never runs with this repository's token.
    assert list(PR["on"]) == ["pull_request"]


def test_a_new_push_cancels_the_superseded_run_of_the_same_pr() -> None:
    assert PR["concurrency"] == {
        "group": "pull-request-${{ github.event.pull_request.number }}",
        "cancel-in-progress": True,
    }


def test_offline_job_runs_the_readme_commands_then_the_report() -> None:
    job = PR["jobs"]["offline"]
    (checkout,) = steps_using(job, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0  # the base commit must be in the clone
    *install, test = readme.quick_start()[1].split(" && ")  # the README's test command, split where CI logs it
    assert run_commands(job) == [
        " && ".join(install),
        "venv/bin/ruff check . && venv/bin/ruff format --check .",
        test,
        "venv/bin/mypy components preview policies ops",
        'scripts/pr-report.sh --output "$RUNNER_TEMP/pr-report.md" "$BASE_SHA"',
        'scripts/pr-comment.sh "$RUNNER_TEMP/pr-report.md"',
    ]


def step_running(job: dict[str, Any], script: str) -> dict[str, Any]:
    (step,) = [s for s in job["steps"] if s.get("run", "").startswith(script)]
    return step


def test_the_report_runs_for_forks_and_the_comment_is_skipped_for_them() -> None:
    job = PR["jobs"]["offline"]
    fork_guard = "github.event.pull_request.head.repo.full_name == github.repository"
    report = step_running(job, "scripts/pr-report.sh")
    comment = step_running(job, "scripts/pr-comment.sh")
    assert fork_guard not in report.get("if", "")
    assert fork_guard in comment["if"]
    assert report["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    assert comment["env"] == {
        "GH_TOKEN": "${{ github.token }}",
        "PR_NUMBER": "${{ github.event.pull_request.number }}",
    }
    # A failing lint or test step still leaves reviewers the preview and its comment.
    for step in (report, comment):
        assert step["if"].startswith("${{ !cancelled() && steps.install.outcome == 'success'")


def test_preview_job_is_conditioned_on_the_role_variable_and_uses_oidc() -> None:
    job = PR["jobs"]["preview"]
    assert "vars.AWS_ROLE_ARN != ''" in job["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert job["permissions"]["id-token"] == "write"
    assert job["needs"] == "stacks"  # the stack files' list (scripts/stacks.sh), never a hard-coded pair
    assert job["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.all) }}"


def test_preview_job_runs_pulumi_preview_with_the_readmes_policy_pack_and_config() -> None:
    job = PR["jobs"]["preview"]
    (pulumi,) = steps_using(job, "pulumi/actions")
    inputs = pulumi["with"]
    assert inputs["command"] == "preview"
    assert inputs["stack-name"] == "${{ matrix.stack }}"
    assert inputs["comment-on-pr"] is True
    # The README's `pulumi preview` for production, with the stack as the matrix value.
    (documented,) = [c for c in readme.commands("A real deployment") if c.startswith("pulumi preview ")]
    config = inputs["policyPackConfigs"].replace("${{ matrix.stack }}", "production")
    action_as_cli = f"pulumi preview --policy-pack {inputs['policyPacks']} --policy-pack-config {config}"
    assert action_as_cli == documented
    assert inputs["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert pulumi["env"] == {"PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}"}


# --- the deploy workflow ----------------------------------------------------------------------------------


def test_deploy_triggers_push_to_main_and_a_weekly_schedule() -> None:
    assert DEPLOY["on"]["push"] == {"branches": ["main"]}
    (schedule,) = DEPLOY["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit() and minute.isdigit() and hour.isdigit()


def test_every_other_stack_then_production_behind_its_environment() -> None:
    """The stack list is the stack files' (scripts/stacks.sh): a new environment's committed stack file is
    deployed before production, in its own GitHub Environment, with no edit here."""
    stacks, staging, production = (DEPLOY["jobs"][n] for n in ("stacks", "staging", "production"))
    assert run_commands(stacks) == ["scripts/stacks.sh --github-output"]
    assert staging["needs"] == "stacks" and production["needs"] == ["stacks", "staging"]
    assert staging["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.non-production) }}"
    assert staging["environment"] == "${{ matrix.stack }}"
    assert production["environment"] == "production"  # required reviewers are set on it (docs/ci.md)
    assert staging["if"] == "${{ github.event_name == 'push' }}"
    assert production["if"].startswith("${{ github.event_name == 'push' && ")
    assert run_commands(staging)[-1] == 'scripts/deploy.sh "$STACK"'
    assert run_commands(production)[-1] == "scripts/deploy.sh production"


def test_one_concurrency_group_per_stack_that_never_cancels_an_update() -> None:
    groups = {name: job["concurrency"] for name, job in DEPLOY["jobs"].items() if name != "stacks"}
    assert groups == {
        "staging": {"group": "pulumi-${{ matrix.stack }}", "cancel-in-progress": False},
        "production": {"group": "pulumi-production", "cancel-in-progress": False},
        "drift": {"group": "pulumi-${{ matrix.stack }}", "cancel-in-progress": False},
        "publish-policy-pack": {"group": "pulumi-policy-pack", "cancel-in-progress": False},
    }
    assert "concurrency" not in DEPLOY  # a workflow-level group would serialise the stacks together


def test_drift_check_runs_on_schedule_for_every_stack() -> None:
    job = DEPLOY["jobs"]["drift"]
    assert "github.event_name == 'schedule'" in job["if"]
    assert "vars.AWS_ROLE_ARN != ''" in job["if"]
    assert "environment" not in job  # a weekly check must not wait for a production approval
    assert job["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.all) }}"
    assert run_commands(job)[-1] == 'scripts/drift-check.sh "$STACK"'


def test_deploy_jobs_use_the_environment_role_and_the_configured_backend() -> None:
    for name in ("staging", "production", "drift"):
        job = DEPLOY["jobs"][name]
        (aws,) = steps_using(job, "aws-actions/configure-aws-credentials")
        role = "AWS_ROLE_ARN" if name == "drift" else "AWS_DEPLOY_ROLE_ARN"
        assert aws["with"]["role-to-assume"] == f"${{{{ vars.{role} }}}}"
        script = next(s for s in job["steps"] if s.get("run", "").startswith("scripts/"))
        assert script["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
        assert script["env"]["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
        (cli,) = steps_using(job, "pulumi/actions")
        assert "command" not in cli["with"]  # install only: the script runs the CLI


# --- no drift between the README, the requirement files and CI -------------------------------------------


def all_run_commands() -> list[tuple[str, str, str]]:
    return [(f, name, cmd) for f, name, job in jobs() for cmd in run_commands(job)]


# Scripts only CI runs (they need the workflow's token) are documented in docs/ci.md instead of the README.
CI_ONLY_SCRIPTS = {"scripts/pr-comment.sh"}


def test_every_command_ci_runs_is_documented_in_the_readme() -> None:
    documented = set(readme.commands())
    ci_doc = (ROOT / "docs" / "ci.md").read_text()
    for f, name, command in all_run_commands():
        for part in readme.split_chain(command):
            words = shlex.split(part)
            if words[0].startswith("scripts/"):
                assert (ROOT / words[0]).stat().st_mode & 0o111, f"{words[0]} is not executable"
                if words[0] in CI_ONLY_SCRIPTS:
                    assert f"`{words[0]}`" in ci_doc
                else:
                    assert any(c.startswith(words[0] + " ") for c in documented), (
                        f"{f}:{name}: {words[0]} not in README"
                    )
            else:
                assert part in documented, f"{f}:{name}: `{part}` is not a README command"


def test_ci_entry_point_runs_the_same_commands() -> None:
    *_, ci_test, ci_types = (ROOT / ".ci" / "run").read_text().splitlines()
    offline = run_commands(PR["jobs"]["offline"])
    assert readme.split_chain(ci_test) == [*readme.split_chain(offline[0]), offline[2]]
    assert ci_types == offline[3]  # the type checker, after the tests, in both


def installed_locks(job: dict[str, Any]) -> set[str]:
    """The lock files a job installs (`uv pip install ... -r LOCK`)."""
    return {
        w for c in run_commands(job) if "uv pip install" in c for a, w in itertools.pairwise(c.split()) if a == "-r"
    }


def test_uv_cache_is_keyed_on_every_lock_file_the_job_installs() -> None:
    """uv's cache, not pip's (the installs are uv's; docs/ci.md, "Caches"), keyed on the hash of each installed lock."""
    for f, name, job in jobs():
        if name == "stacks":  # lists the stack files with bash alone
            continue
        (setup,) = steps_using(job, "actions/setup-python")
        assert "cache" not in setup["with"], (f, name)  # pip's cache would hold nothing the job uses
        (cache,) = steps_using(job, "actions/cache")
        assert cache["with"]["path"] == "~/.cache/uv", (f, name)  # uv's cache directory on Linux runners
        key = cache["with"]["key"]
        keyed = set(re.findall(r"'([^']+)'", re.search(r"hashFiles\(([^)]*)\)", key)[1]))
        assert keyed == installed_locks(job), (f, name)
        assert key.startswith("uv-${{ runner.os }}-py3.11-"), (f, name)
        steps = job["steps"]
        assert steps.index(cache) < min(i for i, s in enumerate(steps) if "uv pip install" in s.get("run", ""))


def test_every_install_is_hash_locked() -> None:
    """The program's and the pack's venvs alike: a lock file with hashes, never a bare requirements file."""
    for f, name, job in jobs():
        for command in run_commands(job):
            if "install" in command and "-r " in command:
                assert installed_locks(job), (f, name)
                assert not re.search(r"-r \S+\.txt", command), (f, name, command)


def test_the_pack_lock_holds_the_packs_pins() -> None:
    from tests.test_requirements_lock import locked, pins

    entries = locked(ROOT / "policies" / "requirements.lock")
    for _, name, version in pins(ROOT / "policies" / "requirements.txt"):
        assert entries[name][0] == version, name
    assert all(n > 0 for _, n in entries.values())
    header = (ROOT / "policies" / "requirements.lock").read_text().splitlines()[1]
    runtime = (ROOT / "requirements.lock").read_text().splitlines()[1]
    assert header.split("--generate-hashes")[0] == runtime.split("--generate-hashes")[0]  # the same uv command


# --- policy pack releases ---------------------------------------------------------------------------------


def test_a_release_tagged_policies_v_publishes_the_pack() -> None:
    assert DEPLOY["on"]["release"] == {"types": ["published"]}
    job = DEPLOY["jobs"]["publish-policy-pack"]
    assert (
        job["if"] == "${{ github.event_name == 'release' && startsWith(github.event.release.tag_name, 'policies-v') }}"
    )
    assert not steps_using(job, "aws-actions/configure-aws-credentials")
    (cli,) = steps_using(job, "pulumi/actions")
    assert "command" not in cli["with"]
    publish = step_running(job, "scripts/publish-policy-pack.sh")
    assert publish["run"] == 'scripts/publish-policy-pack.sh "$TAG"'
    assert publish["env"] == {
        "TAG": "${{ github.event.release.tag_name }}",
        "PULUMI_ORG": "${{ vars.PULUMI_ORG }}",
        "PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    }
    installs = run_commands(job)
    assert any(c.startswith("python3 -m venv policies/venv") for c in installs)  # publish runs the pack
    # the deployments stay on pushes to main: a release never deploys
    for name in ("staging", "production"):
        assert DEPLOY["jobs"][name]["if"].startswith("${{ github.event_name == 'push'"), name
        assert "||" not in DEPLOY["jobs"][name]["if"], name  # every other condition narrows it further


def test_versions_in_ci_are_the_projects() -> None:
    pulumi_pin = re.search(r"^pulumi==(\S+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE)[1]
    target = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["target-version"]
    regions = {yaml.safe_load((ROOT / f"Pulumi.{s}.yaml").read_text())["config"]["aws:region"] for s in STACKS}
    for f, name, job in jobs():
        if name == "stacks":
            continue
        (setup,) = steps_using(job, "actions/setup-python")
        assert setup["with"]["python-version"] == f"{target[2]}.{target[3:]}", (f, name)
        for step in steps_using(job, "pulumi/actions"):
            assert step["with"]["pulumi-version"] == pulumi_pin, (f, name)  # the CLI matches the SDK
        for step in steps_using(job, "aws-actions/configure-aws-credentials"):
            assert {step["with"]["aws-region"]} == regions, (f, name)
