"""Settings of the Edge component (AWS WAF web ACL on the ALB) and the WAF limits they are checked against.

docs/decisions.md "Edge protection". Rate limits count requests per client IP in a 5-minute window.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from components.settings import AuditLogSettings, Settings, runbook

# AWS WAF: rate-based rule limits (WAF API RateBasedStatement.Limit), the body bytes an ALB forwards
# to WAF for inspection, and the AWS managed rule groups the web ACL may run (short name ->
# AWSManagedRules<name>).
WAF_RATE_LIMIT_MIN, WAF_RATE_LIMIT_MAX = 10, 2_000_000_000
WAF_ALB_BODY_LIMIT = 8192
WAF_MANAGED_GROUPS: tuple[str, ...] = (
    "AmazonIpReputationList",
    "AnonymousIpList",
    "CommonRuleSet",
    "KnownBadInputsRuleSet",
)
RuleAction = Literal["count", "block"]


class EdgeKeys(Settings):
    waf_rate_limit: int = Field(
        default=2000,
        alias="wafRateLimit",
        description="WAF: requests per client IP per 5 minutes before 429 (10-2,000,000,000)",
        json_schema_extra=runbook("Security Monitoring; PCI-DSS 6.4.2 (docs/decisions.md Edge protection)"),
    )
    waf_auth_rate_limit: int = Field(
        default=100,
        alias="wafAuthRateLimit",
        validate_default=True,
        description="WAF: the same on the authentication paths, <= wafRateLimit",
        json_schema_extra=runbook("Security Procedures: credential stuffing (docs/decisions.md Edge protection)"),
    )
    waf_auth_path_prefix: str = Field(
        default="/auth/",
        alias="wafAuthPathPrefix",
        description="WAF: lower-case path prefix of the authentication endpoints",
        json_schema_extra=runbook("Security Procedures"),
    )
    # ALB hands WAF at most the first 8 KB of a body: larger bodies cannot be inspected in full.
    waf_max_body_bytes: int = Field(
        default=WAF_ALB_BODY_LIMIT,
        alias="wafMaxBodyBytes",
        description="WAF: largest request body let through (1-8192; bodies over 8 KB cannot be inspected "
        "behind an ALB)",
        json_schema_extra=runbook("Security Procedures"),
    )
    waf_managed_rule_actions: dict[str, str] = Field(
        default_factory=dict,
        alias="wafManagedRuleActions",
        description="WAF: managed group short name -> `count` or `block` (JSON object; unnamed groups block)",
        json_schema_extra=runbook("Deploy: Apply updates in staging first"),
    )
    waf_anonymous_ip_list: bool = Field(
        default=True,
        alias="wafAnonymousIpList",
        description="WAF: run the AWS Anonymous IP list (VPNs, Tor, hosting providers)",
        json_schema_extra=runbook("Security Procedures"),
    )

    @field_validator("waf_rate_limit", "waf_auth_rate_limit")
    @classmethod
    def _waf_rate(cls, v: int, info: ValidationInfo) -> int:
        if not WAF_RATE_LIMIT_MIN <= v <= WAF_RATE_LIMIT_MAX:
            raise ValueError(
                f"must be {WAF_RATE_LIMIT_MIN}-{WAF_RATE_LIMIT_MAX:,} requests per 5 minutes per client IP "
                "(the limits of an AWS WAF rate-based rule)"
            )
        general = info.data.get("waf_rate_limit")
        if info.field_name == "waf_auth_rate_limit" and general is not None and v > general:
            raise ValueError(
                f"must not exceed wafRateLimit ({general}): every authentication request also counts "
                "against the general limit, so a looser authentication limit never triggers"
            )
        return v

    @field_validator("waf_auth_path_prefix")
    @classmethod
    def _waf_path(cls, v: str) -> str:
        # The rule URL-decodes, normalises and lower-cases the request path before matching, so a
        # prefix must be written decoded: an escape such as %61 could never match.
        if not re.match(r"^/[a-z0-9._~!$&'()*+,;=:@/-]{0,199}$", v):
            raise ValueError(
                "must be a lower-case, decoded URL path prefix starting with '/' (no %-escapes), at most 200 "
                "characters, such as /auth/ (the rule decodes and lower-cases the request path before matching)"
            )
        return v

    @field_validator("waf_max_body_bytes")
    @classmethod
    def _waf_body(cls, v: int) -> int:
        if not 1 <= v <= WAF_ALB_BODY_LIMIT:
            raise ValueError(
                f"must be 1-{WAF_ALB_BODY_LIMIT} bytes: AWS WAF inspects at most the first "
                f"{WAF_ALB_BODY_LIMIT} bytes of a request body behind an ALB"
            )
        return v

    @field_validator("waf_managed_rule_actions")
    @classmethod
    def _waf_actions(cls, v: dict[str, str]) -> dict[str, str]:
        for group, action in v.items():
            if group not in WAF_MANAGED_GROUPS:
                raise ValueError(f"unknown managed rule group {group!r} (allowed: {', '.join(WAF_MANAGED_GROUPS)})")
            if action not in ("count", "block"):
                raise ValueError(f"{group}: action {action!r} must be count or block")
        return v

    def action(self, group: str) -> RuleAction:
        """A managed group's action: as configured, else block."""
        return "count" if self.waf_managed_rule_actions.get(group) == "count" else "block"


class EdgeSettings(EdgeKeys, AuditLogSettings):
    """The web ACL. WAF logs record who was let in or refused: audit evidence (PCI-DSS 10.2.1,
    10.5.1), so their log group keeps ``auditLogRetentionDays``."""
