"""Typed settings (EdgeArgs) and upstream outputs (EdgeInputs) of the Edge component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pulumi

from components.config import (
    LOG_RETENTION_DAYS,
    WAF_ALB_BODY_LIMIT,
    WAF_MANAGED_GROUPS,
    WAF_RATE_LIMIT_MAX,
    WAF_RATE_LIMIT_MIN,
    StackConfig,
)

RuleAction = Literal["count", "block"]


@dataclass(frozen=True)
class EdgeArgs:
    """Settings of the web ACL. Defaults are the platform's; ``from_config`` maps the stack config.

    rate_limit: requests per client IP per 5 minutes before WAF answers 429 (config ``wafRateLimit``).
    auth_rate_limit: the same on the authentication paths only (``wafAuthRateLimit``), <= rate_limit.
    auth_path_prefix: lower-case path prefix of the authentication endpoints (``wafAuthPathPrefix``).
    max_body_bytes: largest request body let through, 1-8192 (``wafMaxBodyBytes``); bodies WAF cannot
        inspect in full (over 8 KB behind an ALB) are blocked as oversize.
    managed_rule_actions: managed group short name -> ``count`` | ``block`` (``wafManagedRuleActions``);
        groups not named block.
    anonymous_ip_list: run the Anonymous IP list group at all (``wafAnonymousIpList``).
    log_retention_days: retention of the WAF log group: audit evidence, so ``auditLogRetentionDays``.
    """

    rate_limit: int = 2000
    auth_rate_limit: int = 100
    auth_path_prefix: str = "/auth/"
    max_body_bytes: int = WAF_ALB_BODY_LIMIT
    managed_rule_actions: Mapping[str, RuleAction] = field(default_factory=dict)
    anonymous_ip_list: bool = True
    log_retention_days: int = 365

    def __post_init__(self) -> None:
        problems: list[str] = []
        for key, limit in (("rate_limit", self.rate_limit), ("auth_rate_limit", self.auth_rate_limit)):
            if not WAF_RATE_LIMIT_MIN <= limit <= WAF_RATE_LIMIT_MAX:
                problems.append(f"{key}={limit}: must be {WAF_RATE_LIMIT_MIN}-{WAF_RATE_LIMIT_MAX}")
        if self.auth_rate_limit > self.rate_limit:
            problems.append(f"auth_rate_limit={self.auth_rate_limit}: must not exceed rate_limit={self.rate_limit}")
        if not self.auth_path_prefix.startswith("/") or self.auth_path_prefix != self.auth_path_prefix.lower():
            problems.append(f"auth_path_prefix={self.auth_path_prefix!r}: must be a lower-case path starting with /")
        if not 1 <= self.max_body_bytes <= WAF_ALB_BODY_LIMIT:
            problems.append(f"max_body_bytes={self.max_body_bytes}: must be 1-{WAF_ALB_BODY_LIMIT}")
        for group, action in self.managed_rule_actions.items():
            if group not in WAF_MANAGED_GROUPS:
                problems.append(f"managed_rule_actions[{group!r}]: unknown group (allowed: {list(WAF_MANAGED_GROUPS)})")
            elif action not in ("count", "block"):
                problems.append(f"managed_rule_actions[{group!r}]={action!r}: must be count or block")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            problems.append(f"log_retention_days={self.log_retention_days}: not a CloudWatch Logs retention period")
        if problems:
            raise ValueError("invalid EdgeArgs:\n" + "\n".join(f"  - {p}" for p in problems))

    def action(self, group: str) -> RuleAction:
        return self.managed_rule_actions.get(group, "block")

    @classmethod
    def from_config(cls, cfg: StackConfig) -> EdgeArgs:
        return cls(
            rate_limit=cfg.waf_rate_limit,
            auth_rate_limit=cfg.waf_auth_rate_limit,
            auth_path_prefix=cfg.waf_auth_path_prefix,
            max_body_bytes=cfg.waf_max_body_bytes,
            managed_rule_actions=dict(cfg.waf_managed_rule_actions),  # type: ignore[arg-type]  # validated
            anonymous_ip_list=cfg.waf_anonymous_ip_list,
            # WAF logs record who was let in or refused: audit evidence (PCI-DSS 10.2.1, 10.5.1).
            log_retention_days=cfg.audit_log_retention_days,
        )


@dataclass(frozen=True)
class EdgeInputs:
    """Outputs of upstream components (literal strings in tests).

    alb_arn: the internet-facing ALB the web ACL protects; logs_key_arn: the CloudWatch Logs CMK.
    """

    alb_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
