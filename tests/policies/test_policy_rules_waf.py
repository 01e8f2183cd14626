"""WAF rules: the public ALB has a REGIONAL web ACL with rules, metrics and redacted logging.

The baseline (policy_fixtures._waf) is the compliant shape; each case breaks one thing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from budgetbuddy_policies import UNKNOWN_MARKER
from policy_fixtures import BOTH, UNKNOWN, assert_case, baseline, drop, edited, set_, waf_log_policy, waf_rule

from preview.policy.engine import evaluate

Resources = list[dict[str, Any]]
REQUIRE_WAF = "aws-elb-loadbalancer-require-waf"
ASSOC = "waf-association"


def _find(b: Resources, name: str) -> dict[str, Any]:
    return next(r for r in b if r["name"] == name)


def with_second_alb(b: Resources, internal: bool = False) -> Resources:
    """A copy of the baseline ALB named alb-b (internet-facing unless ``internal``)."""
    out = copy.deepcopy(b)
    alb = _find(out, "alb")
    other = copy.deepcopy(alb)
    other["name"] = "alb-b"
    other["urn"] = alb["urn"].replace("::alb", "::alb-b")
    other["inputs"]["internal"] = internal
    return [*out, other]


def associate_with(target: str | None, arn: str) -> Callable[[Resources], Resources]:
    """Point the association's resourceArn at another resource (or, with None, at nothing of this stack)."""

    def mutate(b: Resources) -> Resources:
        out = with_second_alb(b) if target == "alb-b" else copy.deepcopy(b)
        assoc = _find(out, ASSOC)
        assoc["inputs"]["resourceArn"] = arn
        assoc["propertyDependencies"]["resourceArn"] = [_find(out, target)["urn"]] if target else []
        return out

    return mutate


def acl_arn(arn: Any) -> Callable[[Resources], Resources]:
    """The association names a web ACL by ARN only (no dependency on this stack's ACL)."""

    def mutate(b: Resources) -> Resources:
        out = copy.deepcopy(b)
        assoc = _find(out, ASSOC)
        assoc["inputs"]["webAclArn"] = arn
        assoc["propertyDependencies"]["webAclArn"] = []
        return out

    return mutate


def log_destination(name: str | None) -> Callable[[Resources], Resources]:
    return set_("waf-logs", name=name)


def destination_arn_only(arn: str) -> Callable[[Resources], Resources]:
    def mutate(b: Resources) -> Resources:
        out = edited(b, "waf-logging", logDestinationConfigs=[arn])
        _find(out, "waf-logging")["propertyDependencies"]["logDestinationConfigs"] = []
        return out

    return mutate


def no_destinations(b: Resources) -> Resources:
    out = edited(b, "waf-logging", logDestinationConfigs=[])
    _find(out, "waf-logging")["propertyDependencies"]["logDestinationConfigs"] = []
    return out


def logging_for_other_acl(b: Resources) -> Resources:
    out = edited(b, "waf-logging", resourceArn="arn:aws:wafv2:us-east-1:123456789012:regional/webacl/other/1")
    _find(out, "waf-logging")["propertyDependencies"]["resourceArn"] = []
    return out


def rule_metrics_off(b: Resources) -> Resources:
    rules = copy.deepcopy(_find(b, "waf")["inputs"]["rules"])
    rules[1]["visibilityConfig"]["cloudwatchMetricsEnabled"] = False
    return edited(b, "waf", rules=rules)


def rule_json_metrics_off(b: Resources) -> Resources:
    rule = {"Name": "geo", "Priority": 1, "Action": {"Block": {}},
            "Statement": {"GeoMatchStatement": {"CountryCodes": ["XX"]}},
            "VisibilityConfig": {"CloudWatchMetricsEnabled": False, "MetricName": "geo",
                                 "SampledRequestsEnabled": True}}  # fmt: skip
    return edited(b, "waf", rules=None, ruleJson=json.dumps([rule]))


def redacted(*headers: str) -> Callable[[Resources], Resources]:
    return set_("waf-logging", redactedFields=[{"singleHeader": {"name": h}} for h in headers] or None)


def public_log_policy(b: Resources) -> Resources:
    doc = waf_log_policy(b[0]["urn"].split(":")[2])
    doc["Statement"][0]["Principal"] = "*"
    doc["Statement"][0].pop("Condition")
    return edited(b, "waf-log-policy", policyDocument=json.dumps(doc))


# (rule, case id, mutation, stacks where it must fail; it must pass in the others)
CASES: list[tuple[str, str, Callable[[Resources], Resources], tuple[str, ...]]] = [
    (REQUIRE_WAF, "no-association", drop(ASSOC), BOTH),
    (REQUIRE_WAF, "association-to-another-alb", associate_with("alb-b", "arn:aws:elasticloadbalancing:::b"), BOTH),
    (REQUIRE_WAF, "association-to-nothing-here", associate_with(None, "arn:aws:elasticloadbalancing:::gone"), BOTH),
    (REQUIRE_WAF, "cloudfront-scope", set_("waf", scope="CLOUDFRONT"), BOTH),
    (REQUIRE_WAF, "global-acl-arn", acl_arn("arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1"), BOTH),
    (REQUIRE_WAF, "type-unset-is-application", lambda b: drop(ASSOC)(edited(b, "alb", loadBalancerType=None)), BOTH),
    (REQUIRE_WAF, "internal-unset-is-public", lambda b: drop(ASSOC)(edited(b, "alb", internal=None)), BOTH),
    ("aws-wafv2-webacl-require-rules", "empty", set_("waf", rules=[]), BOTH),
    ("aws-wafv2-webacl-require-rules", "unset", set_("waf", rules=None), BOTH),
    ("aws-wafv2-webacl-enable-metrics", "acl-metrics-off", set_("waf", visibilityConfig={"cloudwatchMetricsEnabled": False, "metricName": "x", "sampledRequestsEnabled": True}), BOTH),
    ("aws-wafv2-webacl-enable-metrics", "rule-metrics-off", rule_metrics_off, BOTH),
    ("aws-wafv2-webacl-enable-metrics", "rule-json-metrics-off", rule_json_metrics_off, BOTH),
    ("aws-wafv2-webacl-enable-logging", "no-logging", drop("waf-logging"), BOTH),
    ("aws-wafv2-webacl-enable-logging", "logging-for-another-acl", logging_for_other_acl, BOTH),
    ("aws-wafv2-loggingconfiguration-require-header-redaction", "no-redaction", redacted(), BOTH),
    ("aws-wafv2-loggingconfiguration-require-header-redaction", "cookie-only", redacted("cookie"), BOTH),
    ("aws-wafv2-loggingconfiguration-require-header-redaction", "authorization-only", redacted("authorization"), BOTH),
    ("aws-wafv2-loggingconfiguration-require-header-redaction", "uri-path-only", set_("waf-logging", redactedFields=[{"uriPath": {}}]), BOTH),
    ("aws-wafv2-loggingconfiguration-require-waf-destination", "wrong-name", log_destination("/budgetbuddy/waf"), BOTH),
    ("aws-wafv2-loggingconfiguration-require-waf-destination", "auto-named", log_destination(None), BOTH),
    ("aws-wafv2-loggingconfiguration-require-waf-destination", "arn-wrong-name", destination_arn_only("arn:aws:logs:us-east-1:123456789012:log-group:/budgetbuddy/waf"), BOTH),
    ("aws-wafv2-loggingconfiguration-require-waf-destination", "no-destination", no_destinations, BOTH),
    ("aws-cloudwatch-logresourcepolicy-disallow-public-access", "principal-star", public_log_policy, BOTH),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "case", "mutate", "stacks"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_breaking_the_rule_fails(rule: str, case: str, mutate: Callable, stacks: tuple[str, ...]) -> None:
    assert_case(rule, case, mutate, stacks)


def failed(resources: Resources, stack: str = "production") -> set[str]:
    return set(evaluate(resources, stack=stack).failed_rules)


def test_the_violation_names_the_unprotected_alb() -> None:
    report = evaluate(drop(ASSOC)(baseline("production")), stack="production")
    hits = [v for v in report.violations if v.rule == REQUIRE_WAF]
    assert [h.resource_name for h in hits] == ["alb"]
    assert hits[0].enforcement == "mandatory"


def test_moving_the_association_leaves_the_first_alb_unprotected() -> None:
    report = evaluate(associate_with("alb-b", "arn:b")(baseline("production")), stack="production")
    assert [v.resource_name for v in report.violations if v.rule == REQUIRE_WAF] == ["alb"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: drop(ASSOC)(edited(b, "alb", internal=True)),  # an internal ALB needs no WAF
        lambda b: drop(ASSOC)(edited(b, "alb", loadBalancerType="network")),  # WAF cannot front an NLB
        lambda b: with_second_alb(b, internal=True),  # a second, internal ALB without association
        acl_arn("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shared/1"),  # regional ACL of another stack
    ],
    ids=["internal-alb", "network-lb", "extra-internal-alb", "regional-acl-arn-outside-stack"],
)
def test_compliant_variants_pass(mutate: Callable[[Resources], Resources]) -> None:
    assert REQUIRE_WAF not in failed(mutate(baseline("production")))


def test_rules_may_be_separate_resources() -> None:
    b = edited(baseline("production"), "waf", rules=[])
    acl = _find(b, "waf")
    rule = copy.deepcopy(acl)
    rule.update(name="waf-rule", urn=acl["urn"] + "-rule", type="aws:wafv2/webAclRule:WebAclRule",
                inputs={"webAclArn": "arn:x", **waf_rule("rate", 1, {"rateBasedStatement": {"limit": 100}},
                                                        action={"block": {}})},
                propertyDependencies={"webAclArn": [acl["urn"]]}, dependencies=[acl["urn"]])  # fmt: skip
    assert not failed([*b, rule]) & {"aws-wafv2-webacl-require-rules", "aws-wafv2-webacl-enable-metrics"}


def test_header_names_match_case_insensitively() -> None:
    resources = redacted("Authorization", "COOKIE")(baseline("staging"))
    assert "aws-wafv2-loggingconfiguration-require-header-redaction" not in failed(resources, "staging")


def test_stack_rules_follow_dependencies_when_arns_are_unknown() -> None:
    # A real preview of the first WAF deployment: every ARN is unknown, the dependencies still link them.
    b = edited(baseline("production"), ASSOC, resourceArn=UNKNOWN, webAclArn=UNKNOWN)
    b = edited(b, "waf-logging", resourceArn=UNKNOWN, logDestinationConfigs=[UNKNOWN])
    assert evaluate(b, stack="production").violations == []


@pytest.mark.parametrize(
    ("mutate", "rule", "resource"),
    [
        (set_("alb", internal=UNKNOWN), REQUIRE_WAF, "alb"),
        (associate_with(None, UNKNOWN), REQUIRE_WAF, ASSOC),
        (set_("waf", scope=UNKNOWN), REQUIRE_WAF, "alb"),
        (
            set_("waf-logging", redactedFields=UNKNOWN),
            "aws-wafv2-loggingconfiguration-require-header-redaction",
            "waf-logging",
        ),
        (set_("waf", visibilityConfig={"cloudwatchMetricsEnabled": UNKNOWN}), "aws-wafv2-webacl-enable-metrics", "waf"),
    ],
    ids=["alb-internal", "association-target", "acl-scope", "redacted-fields", "metrics-flag"],
)
def test_unknown_inputs_are_reported_not_passed(mutate: Callable, rule: str, resource: str) -> None:
    report = evaluate(mutate(baseline("production")), stack="production")
    hits = [v for v in report.violations if v.rule == rule]
    assert hits, f"{rule} passed silently on an unknown input"
    assert all(h.unknown and UNKNOWN_MARKER in h.message for h in hits)
    assert hits[0].enforcement == "mandatory"
    assert resource in {h.resource_name for h in hits} or resource in hits[0].message
