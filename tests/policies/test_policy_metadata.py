"""Every rule's metadata is complete; the registry rejects duplicates and bad rules."""

from __future__ import annotations

import pytest
from budgetbuddy_policies import (
    REGISTRY,
    DuplicateRuleError,
    Registry,
    RuleMeta,
    build_policies,
)
from budgetbuddy_policies.framework import NAME_RE, RuleDefinitionError
from budgetbuddy_policies.taggable import TAGGABLE_TYPES
from pulumi_policy import EnforcementLevel, Severity

from preview.policy.config import SUPPORTED_KEYWORDS, validate_schema
from preview.policy.load import ROOT

FRAMEWORKS = ("pci-dss-4.0:", "soc2:", "hipaa:", "fsbp:")


def meta(**overrides: object) -> RuleMeta:
    base = {
        "name": "aws-s3-bucket-require-something",
        "description": "A description long enough to pass.",
        "severity": Severity.LOW,
        "remediation": "Remediation steps long enough to pass.",
        "controls": ("soc2:CC6.1",),
        "resource_types": ("aws:s3/bucket:Bucket",),
    }
    base.update(overrides)
    return RuleMeta(**base)  # type: ignore[arg-type]


def test_at_least_35_rules_with_unique_names() -> None:
    assert len(REGISTRY) >= 35
    assert len(set(REGISTRY.names())) == len(REGISTRY)


@pytest.mark.parametrize("rule", list(REGISTRY), ids=lambda r: r.meta.name)
def test_rule_metadata_complete(rule) -> None:
    m = rule.meta
    assert NAME_RE.match(m.name)
    assert m.description and m.remediation and m.severity
    assert m.controls
    if m.kind == "compliance":
        assert m.enforcement is EnforcementLevel.MANDATORY
        assert any(c.startswith(FRAMEWORKS) for c in m.controls)
    for key, schema in m.config.items():
        assert set(schema) <= SUPPORTED_KEYWORDS, key
        assert validate_schema(m.config, [], {key: schema["default"]}) == []


def test_policies_carry_metadata_to_the_engine() -> None:
    for policy in build_policies(exemptions=()):
        m = REGISTRY[policy.name].meta
        assert policy.remediation_steps == m.remediation
        assert policy.severity == m.severity
        assert set(m.controls) <= set(policy.tags or [])


def test_each_issue_area_is_covered() -> None:
    prefixes = {n.split("-")[1] for n in REGISTRY.names()}
    assert {"ecs", "elb", "dynamodb", "backup", "s3", "cloudtrail", "cloudwatch", "ec2", "sns", "kms", "iam",
            "codebuild", "ecr", "tagging", "budgets", "wafv2", "firehose", "acm", "codepipeline"} <= prefixes  # fmt: skip


def test_registry_rejects_duplicate_names() -> None:
    registry = Registry()
    registry.resource(**meta().__dict__)(lambda a, c: [])
    with pytest.raises(DuplicateRuleError, match="aws-s3-bucket-require-something"):
        registry.resource(**meta().__dict__)(lambda a, c: [])


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "s3-bucket-versioning"},
        {"name": "aws-s3-bucket-ensure-versioning"},
        {"remediation": ""},
        {"controls": ()},
        {"controls": ("CC6.1",)},
        {"enforcement": EnforcementLevel.ADVISORY},  # compliance rules are mandatory
        {"resource_types": ()},
        {"config": {"x": {"type": "integer"}}},  # no default
    ],
)
def test_registry_rejects_incomplete_rules(bad: dict) -> None:
    with pytest.raises(RuleDefinitionError):
        Registry().add(type("R", (), {"meta": meta(**bad), "check": None})())  # type: ignore[arg-type]


def test_taggable_list_is_up_to_date() -> None:
    from tools import gen_taggable as gen

    assert gen.main(["--check"]) == 0
    assert "aws:s3/bucket:Bucket" in TAGGABLE_TYPES
    assert "aws:s3/bucketVersioning:BucketVersioning" not in TAGGABLE_TYPES


def test_docs_list_every_rule() -> None:
    doc = (ROOT / "docs" / "policies.md").read_text()
    assert [n for n in REGISTRY.names() if f"`{n}`" not in doc] == []
