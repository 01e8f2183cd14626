"""What `python -m preview` prints and writes (docs/preview.md): the 80-column summary, the opt-in views,
deterministic bytes, and a --json dump written only when the run reaches its verdict."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import budgetbuddy_policies as bp
import pytest
from rich.console import Console

from preview import dump, pipeline
from preview.policy import engine
from preview.policy.engine import evaluate
from preview.policy.report import PolicyReport
from preview.recorder import ProgramError
from preview.report.summary import MAX_LINES, component_counts, short_type, summary, usd
from preview.report.tree import resource_tree
from tests.harness import ROOT
from tests.preview_runs import cached_run, dump_of, preview_once, run_cli, write_json


def _lines(text: str) -> list[str]:
    return text.splitlines()


def test_default_output_is_a_summary_that_fits_an_80_column_ci_log():
    # A real process, stdout a pipe (not a TTY), COLUMNS=80: exactly what a CI log receives.
    proc = subprocess.run(
        [sys.executable, "-m", "preview", "production"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "80"},
    )
    assert proc.returncode == 0, proc.stderr
    # Nothing on stderr under a clean verdict: not even the interpreter's teardown of the SDK's event loop
    # (preview/__main__.py closes it at exit).
    assert proc.stderr == ""
    lines = _lines(proc.stdout)
    assert len(lines) <= MAX_LINES and max(len(x) for x in lines) <= 80, proc.stdout
    assert "\x1b[" not in proc.stdout  # no colour codes in a log
    doc = dump_of("production")
    # Key values appear whole: the total, the range at max capacity, the budget share, every component.
    assert f"{usd(doc['cost']['total'])}/month" in proc.stdout
    assert f"{usd(doc['cost']['totalAtMaxCapacity'])} at max capacity" in proc.stdout
    assert (
        f"{doc['cost']['budget']['percent']:.1f}% of the {usd(doc['cost']['budget']['amount'])} budget" in proc.stdout
    )
    for name, type_, count in component_counts(doc):
        assert any(line.split() == [name, type_, str(count)] for line in lines), (name, proc.stdout)
    assert f"Resources: {len(doc['resources'])} in " in proc.stdout
    assert "Policy: PASS" in proc.stdout and "--tree" in proc.stdout


def test_component_counts_cover_every_resource_once():
    doc = dump_of("production")
    rows = component_counts(doc)
    assert sum(c for _, _, c in rows) == len(doc["resources"])
    assert {"network", "security", "data", "compute", "observability", "pipeline"} <= {n for n, _, _ in rows}


def test_two_runs_print_the_same_bytes_and_write_byte_identical_dumps():
    first, second = cached_run("staging"), preview_once("staging", tag="-again")
    assert first.code == second.code == 0
    assert first.dump_bytes == second.dump_bytes
    assert first.stdout.replace(str(first.dump_path), "F") == second.stdout.replace(str(second.dump_path), "F")
    assert first.dump_bytes.decode() == dump.dumps(json.loads(first.dump_bytes))  # sorted keys, indent 2


def test_the_tree_fits_80_columns_without_breaking_a_type_or_name():
    doc = dump_of("production")
    out = io.StringIO()
    Console(file=out, width=80, force_terminal=False).print(resource_tree(doc))
    lines = _lines(out.getvalue())
    assert max(len(x) for x in lines) <= 80
    words = {w for line in lines for w in line.split()}
    for res in doc["resources"]:
        assert res["name"] in words and short_type(res["type"]) in words, res["urn"]
    # Children sorted by name, so the same resources print in the same order whatever registered first.
    tops = [x[4:].split()[0] for x in lines[1:] if x[:4] in ("├── ", "└── ")]
    assert tops == sorted(tops)


def test_the_opt_in_views_print_in_addition_to_the_summary(tmp_path: Path):
    path = write_json(tmp_path / "s.json", dump_of("staging"))
    code, plain, _ = run_cli("--resources", str(path))
    code_all, full, _ = run_cli("--resources", str(path), "--tree", "--cost", "--violations", "--no-tree")
    assert code == code_all == 0
    assert "Stack outputs" not in plain and "Monthly cost estimate" not in plain and "Policy pack" not in plain
    assert "Stack outputs" in full and "Monthly cost estimate" in full and "Policy pack budgetbuddy-aws" in full
    assert full.endswith(plain)  # the summary closes the output, where a CI log's tail shows it


def _violating_dump(tmp_path: Path, log_groups: int) -> Path:
    """The staging dump with the Users table unencrypted and ``log_groups`` log groups kept one day."""
    doc = dump_of("staging")
    groups = 0
    for res in doc["resources"]:
        if res["type"] == "aws:dynamodb/table:Table" and res["name"] == "data-Users":
            res["inputs"].pop("serverSideEncryption")
        if res["type"] == "aws:cloudwatch/logGroup:LogGroup" and groups < log_groups:
            res["inputs"]["retentionInDays"] = 1
            groups += 1
    return write_json(tmp_path / "bad.json", doc)


def test_each_violation_is_listed_with_rule_resource_and_remediation(tmp_path: Path):
    path = _violating_dump(tmp_path, 1)
    code, out, _ = run_cli("--resources", str(path))
    assert code == 1
    lines = _lines(out)
    assert len(lines) <= MAX_LINES and max(len(x) for x in lines) <= 80
    assert "Policy: FAIL" in out
    text = " ".join(out.split())
    report = pipeline.judge(dump.load(path)).policy
    assert len(report.violations) >= 2
    for v in report.violations:
        where = f"on {v.resource_name} ({short_type(v.resource_type)})"
        assert f"[{v.enforcement}, {v.severity}] {v.rule} {where} fix: {' '.join(v.remediation.split())}" in text


def test_the_summary_stays_within_60_lines_and_counts_what_it_leaves_out():
    doc = dump_of("staging")
    violations = [
        {"rule": f"rule-{i:02d}", "severity": "high", "enforcement": "mandatory" if i % 2 else "advisory",
         "urn": f"urn:{i}", "resource_type": "aws:s3/bucket:Bucket", "resource_name": f"bucket-{i}",
         "message": "m", "remediation": "Do the thing that fixes it.", "unknown": False}
        for i in range(40)
    ]  # fmt: skip
    doc["policy"] = {**doc["policy"], "violations": violations, "mandatoryViolations": 20}
    lines = [t.plain for t in summary(doc, 80)]
    shown = [x for x in lines if "] rule-" in x]
    assert len(lines) <= MAX_LINES and 0 < len(shown) < 40
    assert all("mandatory" in x for x in shown[: min(len(shown), 20)])  # mandatory ones first
    left = 40 - len(shown)
    left_mandatory = 20 - sum("mandatory" in x for x in shown)
    assert f"... and {left} more violations ({left_mandatory} mandatory): --violations lists them all" in " ".join(
        " ".join(lines).split()
    )


def test_markdown_without_policy_says_the_pack_was_skipped(tmp_path: Path):
    path = write_json(tmp_path / "s.json", dump_of("staging"))
    code, out, _ = run_cli("--resources", str(path), "--markdown", "--no-policy")
    assert code == 0
    assert "### Monthly cost estimate: `staging`" in out
    assert "Policy results: budgetbuddy/staging - SKIPPED" in out and "`--no-policy`" in out
    code, out, _ = run_cli("--resources", str(path), "--no-policy")
    assert code == 0 and "Policy: skipped (--no-policy): no verdict" in out and "Cost: $" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["staging", "--report", "compliance", "--no-policy"], "--report compliance shows policy results"),
        (["staging", "--violations", "--no-policy"], "--violations shows policy results"),
        (["staging", "--markdown", "--tree"], "--tree is a terminal view"),
        (["staging", "--resources", "x.json"], "give one of STACK"),
        (["--compare", "a", "b", "--tree"], "--compare prints the comparison"),
        (["--resources", "x.json", "--json", "y.json"], "--config and --json do not apply"),
    ],
)
def test_combinations_that_do_nothing_are_refused(args: list[str], message: str):
    code, out, err = run_cli(*args)
    assert code == 2 and message in err and out == ""


def test_json_to_a_bad_place_fails_before_the_program_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def must_not_run(*_a: object, **_k: object) -> None:
        raise AssertionError("the program ran before --json was checked")

    monkeypatch.setattr(pipeline, "run_program", must_not_run)
    code, _, err = run_cli("staging", "--json", str(tmp_path))
    assert code == 2 and f"--json {tmp_path}: is a directory" in err
    code, _, err = run_cli("staging", "--json", "/proc/no-such-dir/staging.json")
    assert code == 2 and "cannot write to /proc/no-such-dir" in err and "Traceback" not in err


def _must_not_run(*_a: object, **_k: object) -> None:
    raise AssertionError("the program ran before the policy inputs were checked")


def _unknown_rule_exemptions(*args: object, **kwargs: object) -> object:  # policies/exemptions.json, misspelt
    return bp.parse_exemptions([{"rule": "aws-no-such-rule", "resource": "x", "justification": "j" * 30}],
                               kwargs.get("known_rules"))  # fmt: skip


@pytest.mark.parametrize(
    ("module", "name", "broken", "message"),
    [
        (
            engine,
            "load_policy_config",
            lambda stack: {"aws-no-such-rule": "mandatory"},
            "aws-no-such-rule: no such policy",
        ),
        (bp, "load_exemptions", _unknown_rule_exemptions, "aws-no-such-rule"),
    ],
    ids=["policy config", "exemptions"],
)
def test_bad_policy_inputs_exit_2_before_the_program_runs_and_leave_no_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, name: str, broken: object, message: str
):
    monkeypatch.setattr(module, name, broken)
    monkeypatch.setattr(pipeline, "run_program", _must_not_run)
    out = tmp_path / "staging.json"
    code, stdout, err = run_cli("staging", "--json", str(out))
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert stdout == ""


def test_no_dump_is_left_behind_when_judging_fails_after_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = evaluate

    def with_bad_config(resources: list, **kwargs: object) -> PolicyReport:
        return real(resources, **{**kwargs, "policy_config": {"aws-no-such-rule": "mandatory"}})

    monkeypatch.setattr(pipeline, "evaluate", with_bad_config)
    out = tmp_path / "staging.json"
    code, stdout, err = run_cli("staging", "--json", str(out))
    assert code == 2 and "aws-no-such-rule: no such policy" in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert stdout == ""


def test_a_program_failure_exits_3_and_points_at_debug(monkeypatch: pytest.MonkeyPatch):
    def broken(*_a: object, **_k: object) -> None:
        try:
            _ = 1 / 0
        except ZeroDivisionError as exc:
            raise ProgramError(exc) from exc

    monkeypatch.setattr(pipeline, "run_program", broken)
    code, _, err = run_cli("staging")
    assert code == 3 and "program failed: ZeroDivisionError: division by zero" in err
    assert "--debug" in err and "Traceback" not in err
    code, _, err = run_cli("staging", "--debug")
    assert code == 3 and "Traceback" in err


def test_a_bug_in_the_tool_exits_3_never_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    def broken(*_a: object, **_k: object) -> None:
        raise KeyError("oops")

    good = write_json(tmp_path / "s.json", dump_of("staging"))  # recorded before the tool is broken
    monkeypatch.setattr(pipeline, "judge", broken)
    code, _, err = run_cli("--resources", str(good))
    assert code == 3 and "preview failed: KeyError" in err and "--debug" in err and "Traceback" not in err


def test_a_version_0_dump_is_judged(tmp_path: Path):
    doc = dump_of("staging")
    old = {k: doc[k] for k in ("project", "stack", "resources", "outputs")}
    code, out, _ = run_cli("--resources", str(write_json(tmp_path / "old.json", old)))
    assert code == 0 and "Policy: PASS" in out
