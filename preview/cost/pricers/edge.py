"""AWS WAF web ACLs: the ACL, each rule or rule group, and requests (list prices: https://aws.amazon.com/waf/pricing/).
Its log ingestion is priced with the log group (``monitoring.log_group``, vended logs)."""

from __future__ import annotations

import json
from typing import Any

from preview.cost.context import Context, Resource
from preview.cost.inputs import UnknownValueError, items, text

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
WAF_LOG_PREFIX = "aws-waf-logs-"
# Managed rule groups with a subscription and per-request fee of their own (not in the list prices above).
PAID_GROUPS = ("AWSManagedRulesBotControlRuleSet", "AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet",
               "AWSManagedRulesAntiDDoSRuleSet")  # fmt: skip


def rules_of(ctx: Context, acl: Resource) -> list[Any]:
    inp = ctx.inputs(acl)
    rules = items(inp, "rules")
    if not rules and (raw := text(inp, "ruleJson")):
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            raise UnknownValueError("ruleJson", "not valid JSON") from None
        rules = parsed if isinstance(parsed, list) else []
    return rules


def _rule_kind(rule: Any) -> str:
    stmt = rule.get("statement") if isinstance(rule, dict) else None
    stmt = stmt or (rule.get("Statement") if isinstance(rule, dict) else None) or {}
    if not isinstance(stmt, dict):
        return "other"
    keys = {k[:1].lower() + k[1:] for k in stmt}
    if "managedRuleGroupStatement" in keys:
        return "managed group"
    if "ruleGroupReferenceStatement" in keys:
        return "rule group"
    if "rateBasedStatement" in keys:
        return "rate-based"
    return "other"


def web_acl(ctx: Context, acl: Resource) -> None:
    rules = rules_of(ctx, acl)
    name = ctx.name_of(acl, "name", "namePrefix")
    ctx.add("Security", acl, "waf-web-acl", f"WAF web ACL {name}", 1, "web ACL-month", ctx.p.waf_web_acl_month)
    if rules:
        kinds: dict[str, int] = {}
        for r in rules:
            kinds[_rule_kind(r)] = kinds.get(_rule_kind(r), 0) + 1
        detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        ctx.add("Security", acl, "waf-rules", f"WAF rules and rule groups ({detail})", len(rules), "rule-month",
                ctx.p.waf_rule_month)  # fmt: skip
    paid = sorted({g for g in PAID_GROUPS if g in json.dumps(rules)})
    if paid:
        ctx.report.warnings.append(
            f"WAF web ACL {acl.get('name')}: {', '.join(paid)} carry their own subscription and request fees "
            "(not modelled)"
        )
    m = ctx.a.waf_million_requests
    ctx.add("Security", acl, "waf-requests", "WAF requests inspected", m, "million requests",
            ctx.p.waf_million_requests, f"{m:g}M requests/month", scaled=True)  # fmt: skip


def is_waf_log_group(ctx: Context, group: Resource, name: str) -> bool:
    if name.startswith(WAF_LOG_PREFIX):
        return True
    return any(group in ctx.linked(cfg, [group.get("type", "")]) for cfg in ctx.of(LOGGING))
