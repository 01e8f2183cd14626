"""Exemptions: one place, justification required, expiry enforced, use listed."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import budgetbuddy_policies as bp
import pytest
from budgetbuddy_policies import ExemptionError, parse_exemptions
from budgetbuddy_policies.exemptions import EXEMPTIONS_FILE, load_exemptions
from budgetbuddy_policies.framework import EXEMPTION_EXPIRED_MARKER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_fixtures import baseline, edited

from preview.policy import load
from preview.policy.engine import evaluate
from preview.policy.load import PACK_DIR, PolicyConfigError
from preview.policy.report import PolicyReport

TODAY = dt.date(2030, 6, 1)
RULE = "aws-codebuild-project-disallow-privileged-mode"
WHY = "Docker-in-Docker image builds need privileged mode; no daemonless builder yet."


def privileged() -> list[dict]:
    return edited(
        baseline("production"),
        "build",
        environment={"type": "ARM_CONTAINER", "privilegedMode": True},
    )


def exemption(**kw: object) -> tuple:
    entry = {"rule": RULE, "resource": "build", "justification": WHY, **kw}
    return parse_exemptions([entry], known_rules=bp.REGISTRY.names())


def test_active_exemption_suppresses_and_is_listed() -> None:
    report = evaluate(
        privileged(),
        stack="production",
        exemptions=exemption(expires="2030-12-31"),
        today=TODAY,
    )
    assert RULE not in report.failed_rules
    assert not report.has_mandatory_violations
    [use] = report.exemptions
    assert (use.rule, use.resource_name, use.expired, use.justification) == (
        RULE,
        "build",
        False,
        WHY,
    )
    assert any(n["policy"] == RULE and "exempted" in n["reason"] for n in report.not_applicable)
    review = [d for d in report.diagnostics if d["policyName"] == "aws-governance-exemption-require-review"]
    assert review and review[0]["enforcementLevel"] == "advisory" and WHY in review[0]["message"]


def test_expired_exemption_fails() -> None:
    report = evaluate(
        privileged(),
        stack="production",
        exemptions=exemption(expires="2030-05-31"),
        today=TODAY,
    )
    rule_hits = [v for v in report.violations if v.rule == RULE]
    assert rule_hits and EXEMPTION_EXPIRED_MARKER in rule_hits[0].message
    expired = [v for v in report.violations if v.rule == "aws-governance-exemption-disallow-expired"]
    assert expired and expired[0].enforcement == "mandatory" and expired[0].resource_name == "build"
    assert report.exemptions[0].expired


def test_expiry_day_is_still_valid() -> None:
    report = evaluate(
        privileged(),
        stack="production",
        exemptions=exemption(expires="2030-06-01"),
        today=TODAY,
    )
    assert not report.has_mandatory_violations


def test_exemption_is_scoped_to_its_stack_and_resource() -> None:
    scoped = exemption(stacks=["staging"])
    report = evaluate(privileged(), stack="production", exemptions=scoped, today=TODAY)
    assert RULE in report.failed_rules and report.exemptions == []
    other = exemption(resource="other-*")
    assert RULE in evaluate(privileged(), stack="production", exemptions=other, today=TODAY).failed_rules


def test_stack_rule_exemption() -> None:
    resources = [r for r in baseline("production") if r["name"] != "artifacts-logging"]
    ex = parse_exemptions([{"rule": "aws-s3-bucket-require-access-logging", "resource": "artifacts",
                            "justification": WHY}])  # fmt: skip
    report = evaluate(resources, stack="production", exemptions=ex, today=TODAY)
    assert report.violations == []
    assert [e.resource_name for e in report.exemptions] == ["artifacts"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"rule": RULE, "resource": "build"}, "justification"),
        (
            {"rule": RULE, "resource": "build", "justification": "because"},
            "justification",
        ),
        (
            {
                "rule": "aws-no-such-rule-require-x",
                "resource": "b",
                "justification": WHY,
            },
            "is not a rule of the pack",
        ),
        ({"rule": RULE, "justification": WHY}, "resource"),
        (
            {
                "rule": RULE,
                "resource": "b",
                "justification": WHY,
                "expires": "next year",
            },
            "YYYY-MM-DD",
        ),
        (
            {"rule": RULE, "resource": "b", "justification": WHY, "reason": "x"},
            "unknown keys",
        ),
    ],
)
def test_malformed_exemptions_are_rejected(entry: dict, message: str) -> None:
    with pytest.raises(ExemptionError, match=message):
        parse_exemptions([entry], known_rules=bp.REGISTRY.names())


def test_checked_in_exemptions_file_is_valid_and_unexpired() -> None:
    assert EXEMPTIONS_FILE.name == "exemptions.json" and EXEMPTIONS_FILE.parent == PACK_DIR
    for e in load_exemptions(known_rules=bp.REGISTRY.names()):
        assert not e.expired(dt.date.today()), e.describe()


# The exemptions file: one PolicyConfigError naming the file, the entry, the field, what is expected --


def write(tmp_path, text: str | bytes):
    path = tmp_path / "exemptions.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def entry(**kw: object) -> dict:
    return {"rule": RULE, "resource": "build", "justification": WHY, **kw}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"exemptions": [\n  {"rule": "x",}\n]}',
            r"exemptions.json: line 2, column 16: not valid JSON: Expecting property name",
        ),
        ("", r"exemptions.json: line 1, column 1: not valid JSON"),
        (b"\x80", r"exemptions.json: not UTF-8 text \(byte 0x80 at offset 0\)"),
        ("[]", r"exemptions.json: the top level must be an object \{\"exemptions\": \[.*got array"),
        ('{"exemption": []}', r"exemptions.json: unknown top-level keys \['exemption'\]; expected"),
        ('{"_doc": "x"}', r"exemptions.json: no 'exemptions' list"),
        ('{"exemptions": {"rule": "x"}}', r"exemptions.json: 'exemptions' must be a list of objects, got object"),
        ('{"exemptions": ["x"]}', r"in .*exemptions.json:\n  exemptions\[0\]: expected an object"),
    ],
)
def test_malformed_file(tmp_path, text: str | bytes, message: str) -> None:
    with pytest.raises(PolicyConfigError, match=message):
        load.load_exemptions(write(tmp_path, text))


@pytest.mark.parametrize("value", ["next year", "2027-6-30", "20270630", "2027-02-30", "2027-W26-3", 20270630, True])
def test_bad_date_names_entry_field_value_and_format(tmp_path, value: object) -> None:
    path = write(tmp_path, json.dumps({"exemptions": [entry(expires="2030-01-01"), entry(expires=value)]}))
    with pytest.raises(PolicyConfigError) as caught:
        load.load_exemptions(path)
    assert str(caught.value) == (
        f"invalid exemptions in {path}:\n  exemptions[1].expires: {value!r} is not a date; "
        "expected YYYY-MM-DD (the last valid day), e.g. 2027-06-30"
    )


def test_unknown_rule_names_entry_and_suggests(tmp_path) -> None:
    path = write(tmp_path, json.dumps({"exemptions": [entry(rule="aws-codebuild-project-disallow-privileged")]}))
    with pytest.raises(PolicyConfigError, match=r"exemptions\[0\]\.rule: 'aws-codebuild-project-disallow-privileged' "
                       r"is not a rule of the pack \(did you mean 'aws-codebuild-project-disallow-privileged-mode'\?\)"):  # fmt: skip
        load.load_exemptions(path)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"stacks": "production"}, r"exemptions\[0\]\.stacks: expected a list of stack names, got 'production'"),
        ({"type": 3}, r"exemptions\[0\]\.type: expected the resource type token"),
        ({"approvedBy": ""}, r"exemptions\[0\]\.approvedBy: expected who approved it"),
    ],
)
def test_field_types(tmp_path, fields: dict, message: str) -> None:
    with pytest.raises(PolicyConfigError, match=message):
        load.load_exemptions(write(tmp_path, json.dumps({"exemptions": [entry(**fields)]})))


def test_the_pack_refuses_a_bad_file_at_start_up(tmp_path) -> None:
    # The real plugin, started as the engine starts it, from a copy of the pack with a broken file.
    pack = tmp_path / "policies"
    shutil.copytree(PACK_DIR, pack, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    (pack / "exemptions.json").write_text(json.dumps({"exemptions": [entry(expires="soon")]}))
    env = {k: v for k, v in os.environ.items() if k != "BUDGETBUDDY_POLICY_UNKNOWN"}
    proc = subprocess.run(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=pack, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1 and proc.stdout == ""  # no port printed: the pack never served
    assert proc.stderr == (
        "policy pack budgetbuddy-aws cannot start: invalid exemptions in policies/exemptions.json:\n"
        "  exemptions[0].expires: 'soon' is not a date; expected YYYY-MM-DD (the last valid day), e.g. 2027-06-30\n"
    )


# Property: whatever the file holds, the run evaluates or refuses it with PolicyConfigError --------

SMALL = [r for r in baseline("production") if r["name"] in {"build", "artifacts", "artifacts-logging"}]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
fields = st.fixed_dictionaries(
    {},
    optional={
        "rule": st.sampled_from([RULE, "aws-s3-bucket-require-access-logging", "nope"]) | json_values,
        "resource": st.sampled_from(["build", "art*", "[!a]*", ""]) | json_values,
        "justification": st.just(WHY) | json_values,
        "expires": st.dates().map(str) | json_values,
        "stacks": st.lists(st.sampled_from(["production", "staging"])) | json_values,
        "type": st.sampled_from(["aws:codebuild/project:Project"]) | json_values,
        "approvedBy": st.text(max_size=5) | json_values,
        "reason": json_values,
    },
)
files = st.fixed_dictionaries({"exemptions": st.lists(fields, max_size=3)}) | json_values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=48) | files.map(lambda d: json.dumps(d).encode()))
def test_any_bytes_as_exemptions_file(tmp_path, data: bytes) -> None:
    path = write(tmp_path, data)
    try:
        report = evaluate(SMALL, stack="production", exemptions=load.load_exemptions(path), today=TODAY)
    except PolicyConfigError as err:
        assert str(err).startswith(("invalid exemptions in", str(path)))
    else:
        assert isinstance(report, PolicyReport)
