"""Edge: the WAF web ACL on the ALB, its rules, its request log (docs/decisions.md "Edge protection")."""

from __future__ import annotations

import fnmatch
import json
import re
from functools import cache

import pytest

from components.base import StackContext
from components.config.problems import ConfigError
from components.edge import Edge, EdgeInputs, EdgeSettings
from components.edge.rules import MANAGED
from components.kms import KeyPolicyContext, key_policy
from tests.harness import Result, config_for, run_component, run_stack

ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bb/0123456789abcdef"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
ALL_RULES = [
    "AmazonIpReputationList",
    "AnonymousIpList",
    "RateLimitAuth",
    "RateLimitPerIp",
    "BodySizeLimit",
    "CommonRuleSet",
    "KnownBadInputsRuleSet",
]


def _edge(stack: str = "staging", **keys: object) -> Result:
    def body(cfg, naming):
        Edge(
            "edge",
            cfg,
            EdgeInputs(alb_arn=ALB, logs_key_arn=KEY),
            StackContext(naming, "123456789012", cfg.region),
        )

    return run_component(body, config_for(stack, **keys))


@cache
def stack(name: str) -> Result:
    return run_stack(name)


def _rules(result: Result) -> dict[str, dict]:
    return {r["name"]: r for r in result.inputs(ACL)["rules"]}


# ---- the web ACL and its rules ----------------------------------------------------------------

# The WAFV2 API's EntityDescription pattern (AWS WAFV2 API reference, CreateWebACL Description): CreateWebACL
# refuses any other description, e.g. one with parentheses.
WAF_DESCRIPTION = re.compile(r"^[\w+=:#@/\-,\.][\w+=:#@/\-,\.\s]+[\w+=:#@/\-,\.]$")


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_the_acl_description_is_one_the_waf_api_accepts(stack):
    description = run_stack(stack).inputs(ACL)["description"]
    assert WAF_DESCRIPTION.match(description) and len(description) <= 256, description


def test_regional_acl_allows_by_default_with_metrics_and_samples_everywhere():
    acl = _edge().inputs(ACL)
    assert acl["scope"] == "REGIONAL" and acl["defaultAction"] == {"allow": {}}
    assert acl["visibilityConfig"] == {
        "cloudwatchMetricsEnabled": True,
        "sampledRequestsEnabled": True,
        "metricName": "budgetbuddy-staging-waf",
    }
    for rule in acl["rules"]:
        vc = rule["visibilityConfig"]
        assert vc["cloudwatchMetricsEnabled"] is True and vc["sampledRequestsEnabled"] is True, rule["name"]
        assert vc["metricName"] == rule["name"]  # the Rule dimension the dashboard and tests use


def test_rules_run_in_a_fixed_priority_order():
    rules = _edge().inputs(ACL)["rules"]
    assert [r["name"] for r in sorted(rules, key=lambda r: r["priority"])] == ALL_RULES
    assert [r["priority"] for r in rules] == [10, 20, 30, 40, 50, 60, 70]


def test_dropping_the_anonymous_ip_list_renumbers_nothing():
    with_list = {n: r["priority"] for n, r in _rules(_edge()).items()}
    without = {n: r["priority"] for n, r in _rules(_edge(wafAnonymousIpList=False)).items()}
    assert set(with_list) - set(without) == {"AnonymousIpList"}
    assert without == {n: p for n, p in with_list.items() if n != "AnonymousIpList"}


def test_managed_groups_block_by_default_and_count_when_configured():
    rules = _rules(_edge())
    for group in MANAGED:
        stmt = rules[group]["statement"]["managedRuleGroupStatement"]
        assert stmt == {"vendorName": "AWS", "name": f"AWSManagedRules{group}"}
        assert rules[group]["overrideAction"] == {"none": {}} and "action" not in rules[group]
    trial = _rules(_edge(wafManagedRuleActions='{"CommonRuleSet": "count", "KnownBadInputsRuleSet": "block"}'))
    assert trial["CommonRuleSet"]["overrideAction"] == {"count": {}}
    assert trial["KnownBadInputsRuleSet"]["overrideAction"] == {"none": {}}
    assert trial["AmazonIpReputationList"]["overrideAction"] == {"none": {}}


def test_rate_limits_per_client_ip_with_a_tighter_one_on_the_auth_paths():
    rules = _rules(_edge(wafRateLimit=5000, wafAuthRateLimit=50, wafAuthPathPrefix="/api/auth/"))
    general = rules["RateLimitPerIp"]["statement"]["rateBasedStatement"]
    assert general == {"aggregateKeyType": "IP", "limit": 5000, "evaluationWindowSec": 300}
    auth = rules["RateLimitAuth"]["statement"]["rateBasedStatement"]
    assert (auth["aggregateKeyType"], auth["limit"], auth["evaluationWindowSec"]) == ("IP", 50, 300)
    match = auth["scopeDownStatement"]["byteMatchStatement"]
    assert match["searchString"] == "/api/auth/" and match["positionalConstraint"] == "STARTS_WITH"
    assert match["fieldToMatch"] == {"uriPath": {}}
    # Decoded and normalised before lower-casing, so /%61uth/ or /x/../AUTH/ count too.
    order = [t["type"] for t in sorted(match["textTransformations"], key=lambda t: t["priority"])]
    assert order == ["URL_DECODE", "NORMALIZE_PATH", "LOWERCASE"]
    for name in ("RateLimitPerIp", "RateLimitAuth"):
        assert rules[name]["action"] == {"block": {"customResponse": {"responseCode": 429}}}


def test_body_size_rule_blocks_what_waf_cannot_inspect():
    size = _rules(_edge(wafMaxBodyBytes=4096))["BodySizeLimit"]
    stmt = size["statement"]["sizeConstraintStatement"]
    assert (stmt["comparisonOperator"], stmt["size"]) == ("GT", 4096)
    # Over the ALB's 8 KB inspection limit the body counts as a match, so it is blocked.
    assert stmt["fieldToMatch"] == {"body": {"oversizeHandling": "MATCH"}}
    assert size["action"] == {"block": {"customResponse": {"responseCode": 413}}}


# ---- association and logging -----------------------------------------------------------------


def test_acl_is_associated_with_the_stacks_alb():
    r = stack("production")
    assoc = r.inputs(ASSOCIATION)
    assert r.sources(ASSOCIATION, None, "resourceArn") == {"aws:lb/loadBalancer:LoadBalancer::compute-alb"}
    assert r.sources(ASSOCIATION, None, "webAclArn") == {f"{ACL}::edge-web-acl"}
    assert assoc["resourceArn"] == r.outputs["albArn"] and assoc["webAclArn"] == r.outputs["webAclArn"]


@pytest.mark.parametrize(("name", "prefix"), [("production", "budgetbuddy"), ("staging", "budgetbuddy-staging")])
def test_request_log_is_a_kms_encrypted_audit_log_group_with_credentials_redacted(name, prefix):
    r = stack(name)
    group = r.inputs(LOG_GROUP, "edge-logs")
    assert group["name"] == f"aws-waf-logs-{prefix}"  # WAF refuses destinations without the prefix
    assert r.sources(LOG_GROUP, "edge-logs", "kmsKeyId") == {"aws:kms/key:Key::security-logs-key"}
    assert group["retentionInDays"] == 365 and group["tags"]["LogClass"] == "audit"
    logging = r.inputs(LOGGING)
    assert r.sources(LOGGING, None, "logDestinationConfigs") == {f"{LOG_GROUP}::edge-logs"}
    assert r.sources(LOGGING, None, "resourceArn") == {f"{ACL}::edge-web-acl"}
    assert [f["singleHeader"]["name"] for f in logging["redactedFields"]] == ["authorization", "cookie"]
    # WAF's first delivery must find the resource policy in place.
    assert any(u.endswith(f"{LOG_POLICY}::edge-log-delivery") for u in r.one(LOGGING)["dependencies"])


def test_log_delivery_policy_admits_only_the_waf_log_group():
    r = stack("staging")
    policy = r.inputs(LOG_POLICY)
    assert r.sources(LOG_POLICY, None, "resourceArn") == {f"{LOG_GROUP}::edge-logs"}
    (st,) = json.loads(policy["policyDocument"])["Statement"]
    assert st["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert sorted(st["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-budgetbuddy-staging"
    assert st["Resource"] == f"{arn}:log-stream:*"
    assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}


def test_logs_key_policy_admits_the_waf_log_group():
    policy = key_policy("logs", KeyPolicyContext(account_id="123456789012", region="us-east-1"))
    logs = [s for s in policy["Statement"] if s["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}]
    assert logs and "kms:GenerateDataKey*" in logs[0]["Action"]
    pattern = logs[0]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    group = stack("production").inputs(LOG_GROUP, "edge-logs")["name"]
    assert fnmatch.fnmatchcase(f"arn:aws:logs:us-east-1:123456789012:log-group:{group}", pattern)


def test_only_the_log_group_is_protected_in_production():
    prod, stg = stack("production"), stack("staging")
    assert (prod.one(LOG_GROUP, "edge-logs")["protect"], prod.one(LOG_GROUP, "edge-logs")["retainOnDelete"]) == (
        True,
        True,
    )
    assert not stg.one(LOG_GROUP, "edge-logs")["protect"]
    # A web ACL is configuration, rebuilt from code: protecting it would only block rule changes
    # that replace it.
    assert not prod.one(ACL)["protect"] and not prod.one(ASSOCIATION)["protect"]


@pytest.mark.parametrize("name", ["production", "staging"])
def test_web_acl_arn_is_a_stack_output(name):
    r = stack(name)
    arn = r.outputs["webAclArn"]
    assert arn.startswith("arn:aws:wafv2:us-east-1:123456789012:") and "edge-web-acl" in arn
    assert r.inputs(ASSOCIATION)["webAclArn"] == r.inputs(LOGGING)["resourceArn"] == arn


def test_staging_trials_the_anonymous_ip_list_in_count_mode():
    stg, prod = _rules(stack("staging")), _rules(stack("production"))
    assert stg["AnonymousIpList"]["overrideAction"] == {"count": {}}
    assert prod["AnonymousIpList"]["overrideAction"] == {"none": {}}


# ---- the alarm and the dashboard widget --------------------------------------------------------


@pytest.mark.parametrize("name", ["production", "staging"])
def test_blocked_request_spike_alarm_watches_this_acl(name):
    r = stack(name)
    alarm = r.inputs(ALARM, "observability-alarm-waf-blocked-requests-spike")
    assert alarm["namespace"] == "AWS/WAFV2" and alarm["metricName"] == "BlockedRequests"
    assert r.sources(ALARM, "observability-alarm-waf-blocked-requests-spike", "dimensions") == {f"{ACL}::edge-web-acl"}
    assert alarm["dimensions"]["Rule"] == "ALL" and alarm["dimensions"]["Region"] == "us-east-1"
    assert alarm["dimensions"]["WebACL"].startswith("edge-web-acl-")  # the ACL's (autonamed) name
    assert alarm["alarmActions"] == [r.outputs["alertTopicArn"]] and alarm["statistic"] == "Sum"
    assert alarm["treatMissingData"] == "notBreaching"


def test_application_dashboard_shows_allowed_against_blocked_by_rule():
    r = stack("production")
    app = next(d for d in r.of_type("aws:cloudwatch/dashboard:Dashboard") if d["name"].endswith("application"))
    body = json.loads(app["inputs"]["dashboardBody"])
    (widget,) = [w for w in body["widgets"] if "WAF" in w["properties"].get("title", "")]
    metrics = [m for m in widget["properties"]["metrics"] if m[0] == "AWS/WAFV2"]
    by_rule = {(m[1], dict(zip(m[2:-1:2], m[3:-1:2], strict=True))["Rule"]) for m in metrics}
    assert {("AllowedRequests", "ALL"), ("BlockedRequests", "ALL")} <= by_rule
    assert {rule for metric, rule in by_rule if metric == "BlockedRequests"} == {"ALL", *ALL_RULES}


# ---- bad settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("wafRateLimit", 9, "10-2,000,000,000"),
        ("wafRateLimit", 2_000_000_001, "10-2,000,000,000"),
        ("wafAuthRateLimit", 5, "10-2,000,000,000"),
        ("wafAuthRateLimit", 3000, "must not exceed wafRateLimit (2000)"),
        ("wafManagedRuleActions", '{"BotControl": "block"}', "unknown managed rule group 'BotControl'"),
        ("wafManagedRuleActions", '{"CommonRuleSet": "allow"}', "must be count or block"),
        ("wafManagedRuleActions", "count", "must be JSON"),
        ("wafAuthPathPrefix", "/Auth/", "lower-case"),
        ("wafAuthPathPrefix", "auth", "starting with '/'"),
        ("wafAuthPathPrefix", "/%61uth/", "no %-escapes"),  # the rule matches the decoded path
        ("wafMaxBodyBytes", 8193, "1-8192 bytes"),
        ("wafMaxBodyBytes", 0, "1-8192 bytes"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(key, value, message):
    with pytest.raises(ConfigError) as err:
        config_for("staging", **{key: value})
    (line,) = err.value.problems
    assert line.startswith(f"budgetbuddy:{key}=") and message in line


def test_lowering_the_general_limit_below_the_auth_default_is_refused():
    with pytest.raises(ConfigError, match=r"wafAuthRateLimit=100: must not exceed wafRateLimit \(50\)"):
        config_for("staging", wafRateLimit=50)


def test_waf_limits_at_the_bounds_are_accepted():
    cfg = config_for("staging", wafRateLimit=2_000_000_000, wafAuthRateLimit=10, wafMaxBodyBytes=1)
    assert (cfg.waf_rate_limit, cfg.waf_auth_rate_limit, cfg.waf_max_body_bytes) == (2_000_000_000, 10, 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"wafRateLimit": 5}, "wafRateLimit\n.*must be 10-2,000,000,000"),
        ({"wafAuthRateLimit": 3000}, "must not exceed wafRateLimit"),
        ({"wafManagedRuleActions": {"Nope": "count"}}, "unknown managed rule group"),
        ({"wafManagedRuleActions": {"CommonRuleSet": "allow"}}, "must be count or block"),
        ({"wafMaxBodyBytes": 9000}, "wafMaxBodyBytes\n.*must be 1-8192 bytes"),
        ({"auditLogRetentionDays": 42}, "auditLogRetentionDays\n.*retention periods"),
    ],
)
def test_args_refuse_impossible_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EdgeSettings(**kwargs)
