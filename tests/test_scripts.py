"""scripts/pr-report.sh and scripts/pr-comment.sh (docs/ci.md, "Pull requests"), run for real with stand-ins:
a stub PYTHON that plays `python -m preview` (dumps, --compare Markdown, chosen exit codes) in a throwaway git
repository, and a stub `gh` that records the GitHub API calls."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
# The linters come with requirements-dev.txt into the venv that runs the tests (not necessarily on PATH).
SHELLCHECK = Path(sys.executable).parent / "shellcheck"
MARKER = "<!-- budgetbuddy-preview -->"

# `python -m preview` as pr-report.sh calls it (through scripts/lib/preview_each.py, several runs per call). The
# checkout's VERSION file says whether it runs on the head (the working tree) or on the base worktree;
# STUB_<SIDE>_EXIT_<STACK> and STUB_COMPARE_EXIT_<STACK> choose exits.
STUB_PYTHON = r"""#!/usr/bin/env bash
set -u
side="$(cat VERSION)"
# One `python -m preview ARGS` run: logged as such; stdout and stderr as the real tool's.
preview() {
  printf '%s|%s\n' "$PWD" "-m preview $*" >>"$STUB_LOG"
  printf '%s|%s\n' "$PWD" "${PYTHONPATH:-}" >>"$STUB_LOG.path"
  if [[ "$1" == --compare ]]; then
    base="$2" head="$3"
    stack="$(sed -n 's/.*"stack": "\([a-z]*\)".*/\1/p' "$head")"
    var="STUB_COMPARE_EXIT_$stack"
    rc="${!var:-0}"
    if ((rc >= 2)); then echo "compare: refused $head" >&2; return "$rc"; fi
    if [[ "$base" == none ]]; then base_side=none; else base_side="$(sed -n 's/.*"side": "\([a-z]*\)".*/\1/p' "$base")"; fi
    echo "### \`$stack\`: $( ((rc)) && echo FAIL || echo PASS)"
    echo "compare $stack: base=$base_side head=$(sed -n 's/.*"side": "\([a-z]*\)".*/\1/p' "$head") rc=$rc"
    return "$rc"
  fi
  stack="$1" dump="$3"
  var="STUB_${side^^}_EXIT_$stack"
  rc="${!var:-0}"
  if ((rc >= 2)); then echo "program failed: boom in $stack on $side" >&2; return "$rc"; fi
  printf '{"stack": "%s", "side": "%s"}\n' "$stack" "$side" >"$dump"
  return "$rc"
}
# pr-report.sh runs scripts/lib/preview_each.py from stdin: jobs OUT ERR RC ARGS... separated by --next.
[[ "$1" == - ]] || { echo "stub: unexpected $*" >&2; exit 99; }
cat >/dev/null
shift
jobs=()
run_job() {
  local out="$1" err="$2" rc_file="$3" rc=0
  shift 3
  if [[ "$err" == "$out" ]]; then preview "$@" >"$out" 2>&1 || rc=$?; else preview "$@" >"$out" 2>"$err" || rc=$?; fi
  echo "$rc" >"$rc_file"
}
for arg in "$@"; do
  if [[ "$arg" == --next ]]; then
    if ((${#jobs[@]} > 0)); then run_job "${jobs[@]}"; fi
    jobs=()
  else
    jobs+=("$arg")
  fi
done
if ((${#jobs[@]} > 0)); then run_job "${jobs[@]}"; fi
exit 0
"""


@dataclass
class Run:
    rc: int
    stdout: str
    stderr: str
    calls: list[tuple[str, str]]  # (cwd, args) of each stub python call


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the script: commit 'base', then commit 'head' (the working tree)."""
    work = tmp_path / "repo"
    (work / "scripts" / "lib").mkdir(parents=True)
    shutil.copy(SCRIPTS / "pr-report.sh", work / "scripts" / "pr-report.sh")
    shutil.copy(SCRIPTS / "lib" / "preview_each.py", work / "scripts" / "lib" / "preview_each.py")
    shutil.copy(SCRIPTS / "stacks.sh", work / "scripts" / "stacks.sh")
    for stack in ("staging", "production"):  # the stack list comes from the stack files
        (work / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    for side in ("base", "head"):
        (work / "VERSION").write_text(side + "\n")
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", side], check=True)
    stub = tmp_path / "bin" / "python"
    stub.parent.mkdir()
    stub.write_text(STUB_PYTHON)
    stub.chmod(0o755)
    (tmp_path / "tmp").mkdir()
    return work


def run_report(repo: Path, *args: str, cwd: Path | None = None, **env: str) -> Run:
    tmp = repo.parent
    log = tmp / "calls.log"
    log.unlink(missing_ok=True)
    Path(f"{log}.path").unlink(missing_ok=True)
    full_env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "TMPDIR": str(tmp / "tmp"),
        "PYTHON": str(tmp / "bin" / "python"),
        "STUB_LOG": str(log),
        **env,
    }
    proc = subprocess.run(
        [str(repo / "scripts" / "pr-report.sh"), *args], cwd=cwd or repo, env=full_env, capture_output=True, text=True
    )
    calls = [tuple(line.split("|", 1)) for line in log.read_text().splitlines()] if log.exists() else []
    return Run(proc.returncode, proc.stdout, proc.stderr, calls)  # type: ignore[arg-type]


def assert_cleaned_up(repo: Path) -> None:
    worktrees = subprocess.run(
        ["git", "-C", str(repo), "worktree", "list", "--porcelain"], capture_output=True, text=True, check=True
    ).stdout
    assert worktrees.count("worktree ") == 1, worktrees
    assert list((repo.parent / "tmp").iterdir()) == []


def test_all_fine_compares_head_with_the_base_worktree(repo: Path) -> None:
    run = run_report(repo, "HEAD~1")
    assert run.rc == 0, run.stderr
    assert run.stdout.splitlines()[0] == MARKER
    assert "✅ No mandatory policy violation in staging, production." in run.stdout
    for stack in ("staging", "production"):
        assert run.stdout.count(f"### `{stack}`: PASS") == 1  # --compare's own heading, not doubled
        # the base dump came from a checkout of HEAD~1, the head dump from the working tree
        assert f"compare {stack}: base=base head=head rc=0" in run.stdout
    base_cwds = {cwd for cwd, args in run.calls if "--json" in args and cwd != str(repo)}
    assert len(base_cwds) == 1 and not Path(base_cwds.pop()).exists()
    assert_cleaned_up(repo)


def test_each_checkout_is_judged_by_its_own_policy_pack(repo: Path) -> None:
    # The venv's editable install of the pack is the head's; the base's previews put the base's pack first.
    run = run_report(repo, "HEAD~1")
    assert run.rc == 0, run.stderr
    paths = [line.split("|", 1) for line in (repo.parent / "calls.log.path").read_text().splitlines()]
    assert len(paths) == 6  # two previews on each side, two comparisons
    for cwd, path in paths:
        assert path.split(":")[0] == f"{cwd}/policies"


def test_runs_from_any_directory(repo: Path) -> None:
    run = run_report(repo, "HEAD~1", cwd=repo.parent / "tmp")
    assert run.rc == 0, run.stderr
    assert {cwd for cwd, args in run.calls if args.startswith("-m preview --compare")} == {str(repo)}


def test_mandatory_violation_exits_1_and_says_policy_violation(repo: Path) -> None:
    run = run_report(repo, "HEAD~1", STUB_HEAD_EXIT_production="1", STUB_COMPARE_EXIT_production="1")
    assert run.rc == 1
    assert "❌ **Policy violation**: a mandatory rule fails in production (exit 1)." in run.stdout
    assert "- `production`: **mandatory policy violation**" in run.stdout
    assert "- `staging`: no mandatory policy violation" in run.stdout
    assert "tool failed" not in run.stdout
    assert_cleaned_up(repo)


@pytest.mark.parametrize("code", ["2", "3"])
def test_head_preview_failure_is_a_tool_failure_not_a_violation(repo: Path, code: str) -> None:
    run = run_report(repo, "HEAD~1", STUB_HEAD_EXIT_staging=code)
    assert run.rc == int(code)
    assert f"⚠️ **The preview tool failed** for staging: the policy verdict is unknown (exit {code})." in run.stdout
    assert "This is not a policy violation" in run.stdout
    assert "### ⚠️ `staging`: the preview tool failed" in run.stdout
    assert "program failed: boom in staging on head" in run.stdout  # the log tail, for the reader
    assert "compare production: base=base head=head" in run.stdout  # the other stack is still judged
    assert "the preview tool failed for staging" in run.stderr
    assert_cleaned_up(repo)


def test_tool_failure_wins_over_a_violation_and_3_over_2(repo: Path) -> None:
    run = run_report(
        repo, "HEAD~1", STUB_HEAD_EXIT_staging="2", STUB_COMPARE_EXIT_production="3", STUB_HEAD_EXIT_production="1"
    )
    assert run.rc == 3
    assert "The preview tool failed** for staging, production" in run.stdout


def test_compare_failure_is_a_tool_failure(repo: Path) -> None:
    run = run_report(repo, "HEAD~1", STUB_COMPARE_EXIT_staging="2")
    assert run.rc == 2
    assert "comparing `staging` (`python -m preview --compare` exited 2)" in run.stdout
    assert "compare: refused" in run.stdout


def test_a_base_that_cannot_be_previewed_is_passed_as_none(repo: Path) -> None:
    run = run_report(repo, "HEAD~1", STUB_BASE_EXIT_staging="3")
    assert run.rc == 0
    assert "compare staging: base=none head=head" in run.stdout
    assert "compare production: base=base head=head" in run.stdout
    section = run.stdout.split("### `staging`: PASS")[1].split("### `production`")[0]
    assert "> The base (`HEAD~1`) could not be previewed (exit 3)" in section  # under its stack's heading
    assert any(args.startswith("-m preview --compare none ") for _, args in run.calls)


def test_a_head_violation_counts_even_if_compare_says_pass(repo: Path) -> None:
    run = run_report(repo, "HEAD~1", STUB_HEAD_EXIT_staging="1")
    assert run.rc == 1
    assert "- `staging`: **mandatory policy violation**" in run.stdout


def test_a_base_with_violations_is_still_compared(repo: Path) -> None:
    run = run_report(repo, "HEAD~1", STUB_BASE_EXIT_production="1")
    assert run.rc == 0
    assert "compare production: base=base head=head" in run.stdout


def test_output_file_and_step_summary(repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    out = tmp_path / "out" / "report.md"
    run = run_report(repo, "--output", str(out), "HEAD~1", GITHUB_STEP_SUMMARY=str(summary))
    assert run.rc == 0
    assert run.stdout == ""
    report = out.read_text()
    assert report.startswith(MARKER + "\n")
    assert summary.read_text() == "earlier step\n" + report  # appended, not overwritten


def test_a_new_stack_file_is_reported_without_a_base(repo: Path):
    """A stack committed on the branch (README "First deployment of a new environment") is in the report; its
    base has no such stack, so it is judged on its own."""
    (repo / "Pulumi.qa.yaml").write_text("config: {}\n")
    run = run_report(repo, "HEAD~1")
    assert "✅ No mandatory policy violation in qa, staging, production." in run.stdout


def test_annotation_on_github_goes_with_the_output_file(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    run = run_report(repo, "--output", str(out), "HEAD~1", GITHUB_ACTIONS="true", STUB_COMPARE_EXIT_staging="1")
    assert run.rc == 1
    assert run.stdout == "::error title=Offline preview::mandatory policy violation in staging\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-ref"], "BASE_REF 'no-such-ref' is not a commit in this clone"),
        ([], "BASE_REF is missing"),
        (["HEAD~1", "HEAD"], "one BASE_REF only"),
        (["--bogus", "HEAD~1"], "unknown option '--bogus'"),
        (["--output"], "--output needs a FILE"),
    ],
)
def test_bad_arguments_exit_2_with_one_message(repo: Path, args: list[str], message: str) -> None:
    run = run_report(repo, *args)
    assert run.rc == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr and run.calls == []
    assert_cleaned_up(repo)


def test_missing_python_exits_2_naming_it(repo: Path) -> None:
    run = run_report(repo, "HEAD~1", PYTHON="/nonexistent/python")
    assert run.rc == 2
    assert "PYTHON '/nonexistent/python' is not an executable" in run.stderr


# --- scripts/pr-comment.sh --------------------------------------------------------------------------------

STUB_GH = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >>"$STUB_LOG"
if [[ "$*" == "api --paginate "* ]]; then cat "$STUB_COMMENTS"; exit "${STUB_LIST_EXIT:-0}"; fi
if [[ "$*" == *"--input "* ]]; then cp "${*: -1}" "$STUB_PAYLOAD"; fi
exit "${STUB_WRITE_EXIT:-0}"
"""


@pytest.fixture
def gh(tmp_path: Path) -> Path:
    stub = tmp_path / "ghbin" / "gh"
    stub.parent.mkdir()
    stub.write_text(STUB_GH)
    stub.chmod(0o755)
    return stub.parent


def run_comment(
    tmp_path: Path, gh: Path, pages: list[list[dict]], body: str, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    report = tmp_path / "report.md"
    report.write_text(body)
    comments = tmp_path / "comments.json"
    comments.write_text("".join(json.dumps(page) for page in pages))  # gh --paginate: one array per page
    log = tmp_path / "gh.log"
    log.unlink(missing_ok=True)
    Path(f"{log}.path").unlink(missing_ok=True)
    full_env = {
        "PATH": f"{gh}:{os.environ['PATH']}",
        "TMPDIR": str(tmp_path),
        "GITHUB_REPOSITORY": "acme/budgetbuddy",
        "PR_NUMBER": "42",
        "STUB_LOG": str(log),
        "STUB_COMMENTS": str(comments),
        "STUB_PAYLOAD": str(tmp_path / "payload.json"),
        **env,
    }
    proc = subprocess.run([str(SCRIPTS / "pr-comment.sh"), str(report)], env=full_env, capture_output=True, text=True)
    return proc, log.read_text().splitlines() if log.exists() else []


BOT = {"login": "github-actions[bot]"}
BODY = f"{MARKER}\n## Offline preview\nall good\n"


def test_comment_updates_the_bots_marked_comment_found_on_a_later_page(tmp_path: Path, gh: Path) -> None:
    pages = [
        [
            {"id": 1, "user": BOT, "body": "unrelated"},
            {"id": 2, "user": {"login": "alice"}, "body": f"{MARKER} quoted"},
        ],
        [{"id": 7, "user": BOT, "body": f"{MARKER}\nold report"}],
    ]
    proc, calls = run_comment(tmp_path, gh, pages, BODY)
    assert proc.returncode == 0, proc.stderr
    assert calls[0] == "api --paginate repos/acme/budgetbuddy/issues/42/comments?per_page=100"
    assert calls[1].startswith("api --method PATCH repos/acme/budgetbuddy/issues/comments/7 --input ")
    assert len(calls) == 2  # no POST: one sticky comment
    assert json.loads((tmp_path / "payload.json").read_text()) == {"body": BODY}


def test_comment_is_created_when_only_others_quote_the_marker(tmp_path: Path, gh: Path) -> None:
    proc, calls = run_comment(tmp_path, gh, [[{"id": 2, "user": {"login": "alice"}, "body": f"{MARKER} x"}]], BODY)
    assert proc.returncode == 0, proc.stderr
    assert calls[1].startswith("api --method POST repos/acme/budgetbuddy/issues/42/comments --input ")
    assert "created" in proc.stdout


def test_comment_is_created_on_a_pr_without_comments(tmp_path: Path, gh: Path) -> None:
    proc, calls = run_comment(tmp_path, gh, [[]], BODY)
    assert proc.returncode == 0, proc.stderr
    assert " POST " in calls[1]


def test_comment_body_over_githubs_limit_is_truncated_with_a_note(tmp_path: Path, gh: Path) -> None:
    proc, _ = run_comment(tmp_path, gh, [[]], BODY + "x" * 70_000)
    assert proc.returncode == 0, proc.stderr
    body = json.loads((tmp_path / "payload.json").read_text())["body"]
    assert len(body) < 65_536
    assert body.startswith(MARKER) and body.endswith("the full report is in the job summary of this check.")


@pytest.mark.parametrize(
    ("body", "env", "message"),
    [
        ("no marker\n", {}, "does not start with the marker line"),
        ("", {}, "is missing or empty"),
        (BODY, {"PR_NUMBER": "42; rm -rf /"}, "PR_NUMBER must be a pull-request number"),
        (BODY, {"GITHUB_REPOSITORY": ""}, "GITHUB_REPOSITORY must be owner/name"),
    ],
)
def test_comment_bad_input_exits_2(tmp_path: Path, gh: Path, body: str, env: dict[str, str], message: str) -> None:
    proc, calls = run_comment(tmp_path, gh, [[]], body, **env)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert calls == []


def test_comment_api_failure_exits_3(tmp_path: Path, gh: Path) -> None:
    proc, _ = run_comment(tmp_path, gh, [[]], BODY, STUB_WRITE_EXIT="1")
    assert proc.returncode == 3
    assert "cannot comment on acme/budgetbuddy#42" in proc.stderr


# --- shellcheck -------------------------------------------------------------------------------------------


def test_every_script_is_shellcheck_clean() -> None:
    found = [*SCRIPTS.rglob("*.sh"), *(ROOT / "infrastructure").rglob("*.sh")]
    scripts = sorted(str(p.relative_to(ROOT)) for p in found)
    assert len(scripts) >= 6 and "infrastructure/scripts/deploy.sh" in scripts
    proc = subprocess.run([str(SHELLCHECK), "-x", *scripts], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_shellcheck_does_flag_a_bad_script(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sh"
    bad.write_text("#!/usr/bin/env bash\nrm -rf $1/*\n")
    proc = subprocess.run([str(SHELLCHECK), str(bad)], capture_output=True, text=True)
    assert proc.returncode != 0 and "SC2086" in proc.stdout
