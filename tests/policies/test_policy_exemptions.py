"""Exemptions: one place, justification required, expiry enforced, use listed."""

from __future__ import annotations

import datetime as dt

import pytest
from budgetbuddy_policies import ExemptionError, parse_exemptions
from budgetbuddy_policies.exemptions import EXEMPTIONS_FILE, load_exemptions
from budgetbuddy_policies.framework import EXEMPTION_EXPIRED_MARKER
from policy_fixtures import baseline, edited

from preview import policy_runner as pr

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
    return parse_exemptions([entry], known_rules=pr.bp.REGISTRY.names())


def test_active_exemption_suppresses_and_is_listed() -> None:
    report = pr.evaluate(
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
    report = pr.evaluate(
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
    report = pr.evaluate(
        privileged(),
        stack="production",
        exemptions=exemption(expires="2030-06-01"),
        today=TODAY,
    )
    assert not report.has_mandatory_violations


def test_exemption_is_scoped_to_its_stack_and_resource() -> None:
    scoped = exemption(stacks=["staging"])
    report = pr.evaluate(privileged(), stack="production", exemptions=scoped, today=TODAY)
    assert RULE in report.failed_rules and report.exemptions == []
    other = exemption(resource="other-*")
    assert RULE in pr.evaluate(privileged(), stack="production", exemptions=other, today=TODAY).failed_rules


def test_stack_rule_exemption() -> None:
    resources = [r for r in baseline("production") if r["name"] != "artifacts-logging"]
    ex = parse_exemptions([{"rule": "aws-s3-bucket-require-access-logging", "resource": "artifacts",
                            "justification": WHY}])  # fmt: skip
    report = pr.evaluate(resources, stack="production", exemptions=ex, today=TODAY)
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
        parse_exemptions([entry], known_rules=pr.bp.REGISTRY.names())


def test_checked_in_exemptions_file_is_valid_and_unexpired() -> None:
    assert EXEMPTIONS_FILE.name == "exemptions.json" and EXEMPTIONS_FILE.parent == pr.PACK_DIR
    for e in load_exemptions(known_rules=pr.bp.REGISTRY.names()):
        assert not e.expired(dt.date.today()), e.describe()
