"""The web ACL's rules, in evaluation order: AWS managed groups, per-IP rate limits, a body-size limit.

Priorities are fixed numbers (not list positions), so turning the optional Anonymous IP list on or
off never renumbers, and so never rewrites, the other rules. Every rule publishes CloudWatch metrics
(``AWS/WAFV2``, dimension ``Rule`` = its metric name) and keeps sampled requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pulumi_aws as aws

from components.edge.settings import EdgeSettings

WAF = aws.wafv2


@dataclass(frozen=True)
class RuleDef:
    """One rule: its name (also its metric name), priority and what it does."""

    name: str
    priority: int
    kind: Literal["managed", "rate", "size"]
    summary: str


# Managed group short name -> (priority, why it is there). Reputation lists first: they are cheap
# (25 WCU each) and drop known-bad sources before the per-IP counters spend capacity on them.
MANAGED: dict[str, tuple[int, str]] = {
    "AmazonIpReputationList": (10, "sources Amazon threat intelligence lists as bots, scanners or attackers"),
    "AnonymousIpList": (20, "VPNs, Tor exit nodes, proxies and hosting providers hiding the client"),
    "CommonRuleSet": (60, "OWASP Top 10 classes: XSS, LFI/RFI, SSRF, size restrictions"),
    "KnownBadInputsRuleSet": (70, "request patterns of known exploits (Log4j/Log4Shell, Java deserialisation)"),
}
RATE_AUTH, RATE_IP, BODY_SIZE = "RateLimitAuth", "RateLimitPerIp", "BodySizeLimit"
PRIORITY = {RATE_AUTH: 30, RATE_IP: 40, BODY_SIZE: 50}
RATE_WINDOW_SECONDS = 300  # the "5-minute window" of wafRateLimit / wafAuthRateLimit


def rule_defs(settings: EdgeSettings) -> list[RuleDef]:
    """The rules this stack runs, by priority (dashboards and tests read this)."""
    defs = [
        RuleDef(group, prio, "managed", why)
        for group, (prio, why) in MANAGED.items()
        if group != "AnonymousIpList" or settings.waf_anonymous_ip_list
    ]
    defs += [
        RuleDef(
            RATE_AUTH,
            PRIORITY[RATE_AUTH],
            "rate",
            f"over {settings.waf_auth_rate_limit} requests per 5 min from one IP to {settings.waf_auth_path_prefix}*",
        ),
        RuleDef(RATE_IP, PRIORITY[RATE_IP], "rate", f"over {settings.waf_rate_limit} requests per 5 min from one IP"),
        RuleDef(BODY_SIZE, PRIORITY[BODY_SIZE], "size", f"request bodies over {settings.waf_max_body_bytes} bytes"),
    ]
    return sorted(defs, key=lambda d: d.priority)


def visibility(metric_name: str) -> WAF.WebAclRuleVisibilityConfigArgs:
    return WAF.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def _block(status: int) -> WAF.WebAclRuleActionArgs:
    # 429 / 413 tell API clients what to change; WAF's default block answer is a bare 403.
    return WAF.WebAclRuleActionArgs(
        block=WAF.WebAclRuleActionBlockArgs(
            custom_response=WAF.WebAclRuleActionBlockCustomResponseArgs(response_code=status)
        )
    )


def _managed(d: RuleDef, settings: EdgeSettings) -> WAF.WebAclRuleArgs:
    # A rule group takes an override action: `none` keeps the group's own (block) actions, `count`
    # turns every one of its rules into count, which is how a new group is trialled in staging.
    override = (
        WAF.WebAclRuleOverrideActionArgs(count=WAF.WebAclRuleOverrideActionCountArgs())
        if settings.action(d.name) == "count"
        else WAF.WebAclRuleOverrideActionArgs(none=WAF.WebAclRuleOverrideActionNoneArgs())
    )
    return WAF.WebAclRuleArgs(
        name=d.name,
        priority=d.priority,
        override_action=override,
        statement=WAF.WebAclRuleStatementArgs(
            managed_rule_group_statement=WAF.WebAclRuleStatementManagedRuleGroupStatementArgs(
                vendor_name="AWS", name=f"AWSManagedRules{d.name}"
            )
        ),
        visibility_config=visibility(d.name),
    )


def _auth_paths(prefix: str) -> WAF.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs:
    """Requests whose decoded, normalised, lower-cased path starts with ``prefix``: `/%61uth/`,
    `/x/../auth/` and `/AUTH/` count against the authentication limit too."""
    sd = WAF.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementArgs
    tt = WAF.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementTextTransformationArgs
    field = WAF.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchArgs
    path = WAF.WebAclRuleStatementRateBasedStatementScopeDownStatementByteMatchStatementFieldToMatchUriPathArgs
    return WAF.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs(
        byte_match_statement=sd(
            positional_constraint="STARTS_WITH",
            search_string=prefix,
            field_to_match=field(uri_path=path()),
            text_transformations=[
                tt(priority=0, type="URL_DECODE"),
                tt(priority=1, type="NORMALIZE_PATH"),
                tt(priority=2, type="LOWERCASE"),
            ],
        )
    )


def _rate(d: RuleDef, limit: int, scope: str | None) -> WAF.WebAclRuleArgs:
    return WAF.WebAclRuleArgs(
        name=d.name,
        priority=d.priority,
        action=_block(429),
        statement=WAF.WebAclRuleStatementArgs(
            rate_based_statement=WAF.WebAclRuleStatementRateBasedStatementArgs(
                # The ALB is the first hop, so the source address is the client's (no X-Forwarded-For
                # to trust or spoof).
                aggregate_key_type="IP",
                limit=limit,
                evaluation_window_sec=RATE_WINDOW_SECONDS,
                scope_down_statement=_auth_paths(scope) if scope else None,
            )
        ),
        visibility_config=visibility(d.name),
    )


def _body_size(d: RuleDef, max_bytes: int) -> WAF.WebAclRuleArgs:
    """Bodies over ``max_bytes``; a body over the ALB's 8 KB inspection limit MATCHES (oversize
    handling), so nothing WAF could not inspect in full reaches the service."""
    size = WAF.WebAclRuleStatementSizeConstraintStatementArgs(
        comparison_operator="GT",
        size=max_bytes,
        field_to_match=WAF.WebAclRuleStatementSizeConstraintStatementFieldToMatchArgs(
            body=WAF.WebAclRuleStatementSizeConstraintStatementFieldToMatchBodyArgs(oversize_handling="MATCH")
        ),
        text_transformations=[
            WAF.WebAclRuleStatementSizeConstraintStatementTextTransformationArgs(priority=0, type="NONE")
        ],
    )
    return WAF.WebAclRuleArgs(
        name=d.name,
        priority=d.priority,
        action=_block(413),
        statement=WAF.WebAclRuleStatementArgs(size_constraint_statement=size),
        visibility_config=visibility(d.name),
    )


def web_acl_rules(settings: EdgeSettings) -> list[WAF.WebAclRuleArgs]:
    out = []
    for d in rule_defs(settings):
        if d.kind == "managed":
            out.append(_managed(d, settings))
        elif d.name == RATE_AUTH:
            out.append(_rate(d, settings.waf_auth_rate_limit, settings.waf_auth_path_prefix))
        elif d.name == RATE_IP:
            out.append(_rate(d, settings.waf_rate_limit, None))
        else:
            out.append(_body_size(d, settings.waf_max_body_bytes))
    return out
