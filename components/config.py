"""The one typed, validated stack configuration.

Stack YAML -> ``load_stack_config`` -> ``StackConfig`` (frozen) -> components. Nothing below
``__main__.py`` reads ``pulumi.Config``. Every key is documented in docs/config.md.

Validation collects every problem before any resource is registered, so a typo never leaves a
half-registered stack: ``ConfigError`` lists each bad key, its value and what is allowed.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import os
import re
import types
import typing
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from importlib.metadata import version as _version
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

NAMESPACE = "budgetbuddy"

# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

# Fargate task sizes: cpu units -> allowed memory (MiB).
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}

# AWS WAF (edge): rate-based rule limits (WAF API RateBasedStatement.Limit), the body bytes an ALB
# forwards to WAF for inspection, and the AWS managed rule groups the web ACL may run (short name ->
# AWSManagedRules<name>).
WAF_RATE_LIMIT_MIN, WAF_RATE_LIMIT_MAX = 10, 2_000_000_000
WAF_ALB_BODY_LIMIT = 8192
WAF_MANAGED_GROUPS: tuple[str, ...] = (
    "AmazonIpReputationList",
    "AnonymousIpList",
    "CommonRuleSet",
    "KnownBadInputsRuleSet",
)

# `region` is the provider's `aws:region`: one source of truth for where resources go and what
# key policies, endpoint names, log configuration and ARNs say.
AWS_REGION_SOURCE: dict[str, Any] = {
    "configKey": "aws:region",
    "why": "the AWS provider deploys to aws:region, so the stack reads its region from there alone",
}
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
ARN_RE = r"^arn:aws[a-z-]*:{service}:[a-z0-9-]*:\d{{12}}:.+$"


def _arn(service: str) -> re.Pattern[str]:
    return re.compile(ARN_RE.format(service=service))


@cache
def aws_regions() -> tuple[str, ...]:
    """The regions the installed pulumi-aws knows (its generated ``Region`` enum)."""
    from pulumi_aws._enums import Region

    return tuple(r.value for r in Region)


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None when nothing is close."""
    by_lower = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def _unknown_region(value: str) -> str:
    near = nearest(value, aws_regions())
    hint = f"; did you mean `{near}`?" if near else " (such as us-east-1)"
    return f"must be an AWS region that pulumi-aws {_version('pulumi_aws')} knows{hint}"


class ConfigError(ValueError):
    """Invalid stack configuration: one line per bad key, value and what is allowed."""

    def __init__(self, stack: str, problems: list[str]) -> None:
        self.stack = stack
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid configuration for stack '{stack}':\n{lines}")


def _retention(v: int) -> int:
    if v not in LOG_RETENTION_DAYS:
        raise ValueError(f"must be one of the CloudWatch Logs retention periods {list(LOG_RETENTION_DAYS)}")
    return v


LogRetention = Annotated[int, AfterValidator(_retention)]
Frozen = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class AttributeDef(BaseModel):
    """A DynamoDB key or index attribute."""

    model_config = Frozen
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,255}$")
    type: Literal["S", "N", "B"] = "S"


class IndexDef(BaseModel):
    model_config = Frozen
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,255}$")
    hash_key: str = Field(alias="hashKey")
    range_key: str | None = Field(default=None, alias="rangeKey")
    projection: Literal["ALL", "KEYS_ONLY"] = "ALL"


class TableDef(BaseModel):
    """One DynamoDB table. ``name`` is the runbook's base name (``Users`` -> ``BudgetBuddy-Users``)."""

    model_config = Frozen
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]{1,40}$")
    hash_key: str = Field(alias="hashKey")
    range_key: str | None = Field(default=None, alias="rangeKey")
    attributes: tuple[AttributeDef, ...]
    global_secondary_indexes: tuple[IndexDef, ...] = Field(default=(), alias="globalSecondaryIndexes")
    ttl_attribute: str | None = Field(default=None, alias="ttlAttribute")
    stream_view_type: Literal["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"] | None = Field(
        default=None, alias="streamViewType"
    )

    @model_validator(mode="after")
    def _keys_declared(self) -> TableDef:
        declared = {a.name for a in self.attributes}
        used = {self.hash_key, *([self.range_key] if self.range_key else [])}
        for ix in self.global_secondary_indexes:
            used |= {ix.hash_key, *([ix.range_key] if ix.range_key else [])}
        if missing := sorted(used - declared):
            raise ValueError(f"table {self.name}: key attributes {missing} are not in 'attributes'")
        if unused := sorted(declared - used):
            # DynamoDB rejects attribute definitions that no key or index uses.
            raise ValueError(f"table {self.name}: attributes {unused} are not used by a key or index")
        return self


# Keys and indexes a budgeting backend needs; documented in docs/data-model.md.
DEFAULT_TABLES: tuple[dict[str, Any], ...] = (
    {
        "name": "Users",
        "hashKey": "userId",
        "attributes": [{"name": "userId"}, {"name": "email"}],
        "globalSecondaryIndexes": [{"name": "EmailIndex", "hashKey": "email", "projection": "KEYS_ONLY"}],
    },
    {
        "name": "Transactions",
        "hashKey": "userId",
        "rangeKey": "transactionId",
        "attributes": [
            {"name": "userId"},
            {"name": "transactionId"},
            {"name": "bookedAt"},
            {"name": "categoryMonth"},
        ],
        "globalSecondaryIndexes": [
            {"name": "UserDateIndex", "hashKey": "userId", "rangeKey": "bookedAt"},
            {"name": "CategoryMonthIndex", "hashKey": "categoryMonth", "rangeKey": "bookedAt"},
        ],
        "ttlAttribute": "expiresAt",
        "streamViewType": "NEW_AND_OLD_IMAGES",
    },
)


class StackConfig(BaseModel):
    """Validated, immutable configuration of one stack. Field aliases are the config keys."""

    model_config = Frozen

    # --- identity and tags -------------------------------------------------------------
    stack: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$")
    environment: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$")
    # Read from `aws:region`, the region the provider deploys to; `budgetbuddy:region` is refused.
    region: str = Field(default="us-east-1", json_schema_extra=AWS_REGION_SOURCE)
    service: str = Field(default="budgetbuddy", pattern=r"^[a-z][a-z0-9-]{1,30}$")
    team: str = Field(default="platform", pattern=r"^[A-Za-z][A-Za-z0-9 _.-]{1,40}$")

    # --- network --------------------------------------------------------------------------
    vpc_cidr: str = Field(default="10.0.0.0/16", alias="vpcCidr")
    az_count: int = Field(default=3, ge=2, le=6, alias="azCount")
    nat_strategy: Literal["OnePerAz", "Single"] = Field(default="OnePerAz", alias="natStrategy")

    # --- logs -----------------------------------------------------------------------------
    log_retention_days: LogRetention = Field(default=30, alias="logRetentionDays")
    audit_log_retention_days: LogRetention = Field(default=365, alias="auditLogRetentionDays")
    log_archive_expiration_days: int = Field(default=365, ge=120, le=3650, alias="logArchiveExpirationDays")

    # --- backup and DR --------------------------------------------------------------------
    backup_schedule: str = Field(default="cron(0 2 * * ? *)", alias="backupSchedule")
    backup_retention_days: int = Field(default=35, ge=35, le=36500, alias="backupRetentionDays")
    dr_region: str | None = Field(default=None, alias="drRegion", examples=["us-west-2"])
    tables: tuple[TableDef, ...] = Field(default=tuple(TableDef(**t) for t in DEFAULT_TABLES))

    # --- alerting and security ------------------------------------------------------------
    alert_email: str = Field(default="ops@budgetbuddy.com", alias="alertEmail")
    pagerduty_endpoint: str | None = Field(
        default=None,
        alias="pagerDutyEndpoint",
        examples=["https://events.pagerduty.com/integration/offline-stand-in/enqueue"],
    )
    enable_guardduty: bool = Field(default=False, alias="enableGuardDuty")
    enable_security_hub: bool = Field(default=False, alias="enableSecurityHub")

    # --- compute --------------------------------------------------------------------------
    task_cpu: int = Field(default=512, alias="taskCpu")
    task_memory: int = Field(default=1024, alias="taskMemory")
    container_port: int = Field(default=8080, ge=1024, le=65535, alias="containerPort")
    image_tag: str = Field(default="initial", pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", alias="imageTag")
    # A new environment's repository holds no image until the pipeline's first run: start the service
    # with 0 tasks and autoscaling minimum 0 (README "First deployment of a new environment").
    await_first_image: bool = Field(default=False, alias="awaitFirstImage")
    health_check_path: str = Field(
        default="/actuator/health", pattern=r"^/[\x21-\x7e]{0,1023}$", alias="healthCheckPath"
    )
    health_check_grace_period_seconds: int = Field(
        default=120, ge=0, le=2147483647, alias="healthCheckGracePeriodSeconds"
    )
    health_check_healthy_threshold: int = Field(default=3, ge=2, le=10, alias="healthCheckHealthyThreshold")
    health_check_unhealthy_threshold: int = Field(default=3, ge=2, le=10, alias="healthCheckUnhealthyThreshold")
    container_secrets: dict[str, str] = Field(default_factory=dict, alias="containerSecrets")
    ecr_keep_tagged_images: int = Field(default=30, ge=1, le=1000, alias="ecrKeepTaggedImages")
    enable_execute_command: bool = Field(default=False, alias="enableExecuteCommand")
    capacity_on_demand_base: int = Field(default=0, ge=0, le=100000, alias="capacityOnDemandBase")
    capacity_on_demand_weight: int = Field(default=1, ge=0, le=1000, alias="capacityOnDemandWeight")
    capacity_spot_weight: int = Field(default=0, ge=0, le=1000, alias="capacitySpotWeight")

    # --- autoscaling (runbook "Auto-Scaling Configuration") -------------------------------
    min_capacity: int = Field(default=2, ge=1, le=1000, alias="minCapacity")
    max_capacity: int = Field(default=5, ge=1, le=1000, alias="maxCapacity")
    cpu_target_percent: float = Field(default=70.0, gt=0, le=100, alias="cpuTargetPercent")
    memory_target_percent: float = Field(default=70.0, gt=0, le=100, alias="memoryTargetPercent")
    scale_out_cooldown_seconds: int = Field(default=60, ge=0, le=3600, alias="scaleOutCooldownSeconds")
    scale_in_cooldown_seconds: int = Field(default=300, ge=0, le=3600, alias="scaleInCooldownSeconds")

    # --- deployments ----------------------------------------------------------------------
    deployment_strategy: Literal["BLUE_GREEN", "CANARY"] = Field(default="BLUE_GREEN", alias="deploymentStrategy")
    canary_percent: float = Field(default=10.0, ge=0.1, le=100.0, alias="canaryPercent")
    canary_bake_minutes: int = Field(default=10, ge=0, le=1440, alias="canaryBakeMinutes")
    bake_time_minutes: int = Field(default=5, ge=0, le=1440, alias="bakeTimeMinutes")

    # --- edge (WAF) -------------------------------------------------------------------------
    # AWS WAF web ACL in front of the ALB (docs/decisions.md "Edge protection"). Rate limits count
    # requests per client IP in a 5-minute window; WAF accepts 10 to 2,000,000,000.
    waf_rate_limit: int = Field(default=2000, alias="wafRateLimit")
    waf_auth_rate_limit: int = Field(default=100, alias="wafAuthRateLimit", validate_default=True)
    waf_auth_path_prefix: str = Field(default="/auth/", alias="wafAuthPathPrefix")
    # ALB hands WAF at most the first 8 KB of a body: larger bodies cannot be inspected in full.
    waf_max_body_bytes: int = Field(default=8192, alias="wafMaxBodyBytes")
    waf_managed_rule_actions: dict[str, str] = Field(default_factory=dict, alias="wafManagedRuleActions")
    waf_anonymous_ip_list: bool = Field(default=True, alias="wafAnonymousIpList")

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

    # --- TLS certificate: an existing ARN, or a domain issued with DNS validation ---------
    certificate_arn: str | None = Field(
        default=None,
        alias="certificateArn",
        examples=["arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"],
    )
    domain_name: str | None = Field(default=None, alias="domainName", examples=["api.budgetbuddy.com"])
    hosted_zone_id: str | None = Field(
        default=None, alias="hostedZoneId", pattern=r"^Z[A-Z0-9]{1,31}$", examples=["Z0OFFLINESTANDIN"]
    )

    # --- cost -----------------------------------------------------------------------------
    monthly_budget_usd: float = Field(default=1000.0, gt=0, le=10_000_000, alias="monthlyBudgetUsd")
    # Cost Explorer lists a tag key ~24 h after it first appears on a resource, and only the payer
    # account may activate it: false for the first `pulumi up` of a new account or in a linked account.
    activate_cost_allocation_tags: bool = Field(default=True, alias="activateCostAllocationTags")

    # --- CI/CD ----------------------------------------------------------------------------
    github_repository: str = Field(
        default="budgetbuddy/budgetbuddy-backend",
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
        alias="githubRepository",
    )
    github_branch: str = Field(default="main", pattern=r"^[A-Za-z0-9._/-]{1,255}$", alias="githubBranch")
    codestar_connection_arn: str | None = Field(
        default=None,
        alias="codestarConnectionArn",
        examples=["arn:aws:codeconnections:us-east-1:123456789012:connection/00000000-0000-0000-0000-000000000000"],
    )
    require_manual_approval: bool = Field(default=False, alias="requireManualApproval")
    artifact_expiration_days: int = Field(default=30, ge=1, le=3650, alias="artifactExpirationDays")
    # CodeBuild on-demand sizes offered for ARM_CONTAINER (build-env-ref-compute-types).
    build_compute_type: Literal[
        "BUILD_GENERAL1_SMALL",
        "BUILD_GENERAL1_MEDIUM",
        "BUILD_GENERAL1_LARGE",
        "BUILD_GENERAL1_XLARGE",
        "BUILD_GENERAL1_2XLARGE",
    ] = Field(default="BUILD_GENERAL1_SMALL", alias="buildComputeType")

    # --- derived --------------------------------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    # --- field checks ---------------------------------------------------------------------
    @field_validator("region", "dr_region")
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        if v is not None and v not in aws_regions():
            raise ValueError(_unknown_region(v))
        return v

    @field_validator("vpc_cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            net = ipaddress.IPv4Network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"must be an IPv4 network in CIDR form such as 10.0.0.0/16 ({exc})") from None
        if not 16 <= net.prefixlen <= 20:
            raise ValueError("prefix length must be /16 to /20 so three AZs get public and private subnets")
        if not net.is_private:
            raise ValueError("must be a private (RFC 1918) range")
        return v

    @field_validator("alert_email")
    @classmethod
    def _email(cls, v: str) -> str:
        if not EMAIL_RE.match(v):
            raise ValueError("must be an email address such as ops@budgetbuddy.com")
        return v

    @field_validator("pagerduty_endpoint")
    @classmethod
    def _pagerduty(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https://[^\s/]+/\S*$", v):
            raise ValueError("must be an https:// URL (the PagerDuty CloudWatch integration endpoint)")
        return v

    @field_validator("backup_schedule")
    @classmethod
    def _cron(cls, v: str) -> str:
        if not re.match(r"^cron\((\S+ ){5}\S+\)$", v):
            raise ValueError("must be an AWS cron expression with six fields, such as cron(0 2 * * ? *)")
        return v

    @field_validator("task_cpu")
    @classmethod
    def _cpu(cls, v: int) -> int:
        if v not in FARGATE_MEMORY:
            raise ValueError(f"must be a Fargate cpu size {list(FARGATE_MEMORY)}")
        return v

    @field_validator("container_secrets")
    @classmethod
    def _secrets(cls, v: dict[str, str]) -> dict[str, str]:
        sm, ssm = _arn("secretsmanager"), _arn("ssm")
        for name, arn in v.items():
            if not re.match(r"^[A-Z_][A-Z0-9_]*$", name):
                raise ValueError(f"secret name {name!r} must be an environment variable name (A-Z, 0-9, _)")
            if not (sm.match(arn) or ssm.match(arn)):
                raise ValueError(f"secret {name} must be a Secrets Manager or SSM parameter ARN, got {arn!r}")
        return v

    @field_validator("certificate_arn")
    @classmethod
    def _cert(cls, v: str | None) -> str | None:
        if v is not None and not _arn("acm").match(v):
            raise ValueError("must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)")
        return v

    @field_validator("github_branch", mode="before")
    @classmethod
    def _branch(cls, v: Any) -> Any:
        # A clear message instead of the bare pattern (git check-ref-format rules that matter here).
        if isinstance(v, str) and (
            not v.strip()
            or not re.match(r"^[A-Za-z0-9._/-]{1,255}$", v)
            or v.startswith(("/", "-", "."))
            or v.endswith(("/", ".", ".lock"))
            or ".." in v
            or "//" in v
        ):
            raise ValueError(
                "must be the name of the branch the pipeline deploys, such as main (letters, digits, . _ / -; "
                "no spaces, no '..', not empty)"
            )
        return v

    @field_validator("codestar_connection_arn")
    @classmethod
    def _connection(cls, v: str | None) -> str | None:
        if v is not None and not re.match(
            r"^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection/.+$", v
        ):
            raise ValueError(
                "must be a CodeStar/CodeConnections connection ARN "
                "(arn:aws:codeconnections:REGION:ACCOUNT:connection/ID); unset, the stack creates the connection"
            )
        return v

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", v):
            raise ValueError("must be a lower-case DNS name such as api.budgetbuddy.com")
        return v


# ---- what each key is, derived from the model ---------------------------------------------------


def _source(field: FieldInfo) -> dict[str, Any] | None:
    """Where a field is read from when that is not the budgetbuddy namespace (``region``: aws:region)."""
    extra = field.json_schema_extra
    return extra if isinstance(extra, dict) and "configKey" in extra else None


_FIELDS = {name: f for name, f in StackConfig.model_fields.items() if name != "stack"}  # `stack` is the stack
# field name -> the full config key a user sets ("budgetbuddy:minCapacity", "aws:region")
FIELD_KEYS: dict[str, str] = {
    name: str(src["configKey"]) if (src := _source(f)) else f"{NAMESPACE}:{f.alias or name}"
    for name, f in _FIELDS.items()
}
# Keys of the budgetbuddy namespace: alias (config key) -> field name.
CONFIG_KEYS: dict[str, str] = {(f.alias or name): name for name, f in _FIELDS.items() if _source(f) is None}
# Aliases of fields read from another namespace -> (their key, why): `budgetbuddy:region` is refused.
ELSEWHERE: dict[str, tuple[str, str]] = {
    (f.alias or name): (str(src["configKey"]), str(src["why"])) for name, f in _FIELDS.items() if (src := _source(f))
}
# Namespaces Pulumi passes to every program that this program neither reads nor refuses.
PASS_THROUGH_NAMESPACES = ("pulumi",)
SECRET_KEYS = {"pagerDutyEndpoint"}  # keys to keep secret (`pulumi config set --secret`); any key may be


def _base_type(annotation: Any) -> Any:
    """``Annotated[int, ...] | None`` -> ``int``."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _base_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _base_type(args[0]) if len(args) == 1 else annotation
    return annotation


def value_kind(field_name: str) -> Literal["bool", "int", "float", "json", "text"]:
    """How a config string becomes the field's value (as Pulumi's typed getters would read it)."""
    base = _base_type(_FIELDS[field_name].annotation)
    if base is bool:
        return "bool"
    if base is int:
        return "int"
    if base is float:
        return "float"
    if typing.get_origin(base) in (tuple, list, dict) or base in (tuple, list, dict):
        return "json"
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "json"
    return "text"


JSON_KEYS = {key for key, name in CONFIG_KEYS.items() if value_kind(name) == "json"}  # objects/lists in YAML


def parse_text(kind: str, raw: str) -> Any:
    """A config string as Pulumi's ``Config.get_bool``/``get_int``/``get_float`` (or a JSON object) reads it.

    Raises ValueError with what is allowed. ``get_bool`` accepts exactly true, True, false, False.
    """
    if kind == "bool":
        if raw in ("true", "True"):
            return True
        if raw in ("false", "False"):
            return False
        raise ValueError("must be true or false (pulumi.Config.get_bool accepts exactly true, True, false, False)")
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError("must be a whole number (read as pulumi.Config.get_int reads it)") from None
    if kind == "float":
        try:
            return float(raw)
        except ValueError:
            raise ValueError("must be a number such as 70 or 65.5 (read as pulumi.Config.get_float reads it)") from None
    if kind == "json":
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"must be JSON ({exc.msg})") from None
        except RecursionError:
            raise ValueError("must be JSON (nested too deeply)") from None
    return raw


def _config_text(value: Any) -> str:
    """A value as Pulumi hands config to a program: text, objects and lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True, exclude_defaults=True)
    if isinstance(value, (tuple, list)):
        return json.dumps([json.loads(_config_text(v)) if isinstance(v, BaseModel) else v for v in value])
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def secret_stand_in(full_key: str, stack: str) -> str:
    """A value valid for ``full_key`` that stands in for a secret the offline preview cannot decrypt.

    It is the value the key takes when unset (its default; a required key defaults to the stack name),
    or, for a key that is unset by default, the field's first ``examples`` entry, so the stack builds
    what it would with the secret set. Keys this program does not know get neutral text.
    """
    name = next((n for n, k in FIELD_KEYS.items() if k == full_key), None)
    if name is None:
        return "offline-secret-stand-in"
    field = _FIELDS[name]
    if field.is_required():
        return stack
    default = field.get_default(call_default_factory=True)
    if default is None and field.examples:
        default = field.examples[0]
    return "" if default is None else _config_text(default)


# ---- the AWS provider's own keys ----------------------------------------------------------------


@cache
def aws_provider_keys() -> dict[str, str]:
    """``aws:`` config keys the installed pulumi-aws reads -> their kind, from its generated config module."""
    spec = find_spec("pulumi_aws.config.vars")
    if spec is None or spec.origin is None:  # pragma: no cover - pulumi-aws is a pinned dependency
        raise RuntimeError("pulumi_aws.config.vars is not installed")
    source = Path(spec.origin).read_text()
    getters = re.findall(r"__config__\.get(_bool|_int|_float|_object)?\('([A-Za-z0-9]+)'\)", source)
    kinds = {"_bool": "bool", "_int": "int", "_float": "float", "_object": "json"}
    return {key: kinds.get(getter, "text") for getter, key in getters}


def region_of(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str | None:
    """The region the AWS provider deploys to: ``aws:region``, else AWS_REGION/AWS_DEFAULT_REGION as
    pulumi-aws falls back to them (pulumi_aws/config/vars.py)."""
    env = os.environ if environ is None else environ
    value = config.get("aws:region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    return None if value is None else str(value)


# ---- problems -----------------------------------------------------------------------------------

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
SECRET_SHOWN = "[secret]"


def full_key(alias: str) -> str:
    """``minCapacity`` -> ``budgetbuddy:minCapacity``; ``region`` -> ``aws:region``."""
    if alias in ELSEWHERE:
        return ELSEWHERE[alias][0]
    return f"{NAMESPACE}:{alias}"


def _shown(key: str, value: Any, secret_keys: Collection[str]) -> str:
    return SECRET_SHOWN if key in secret_keys else repr(value)


class Problem(NamedTuple):
    keys: tuple[str, ...]  # aliases; the first is the key reported, all are the keys involved
    value: Any  # MISSING when the first key is not set
    allowed: str

    def render(self, secret_keys: Collection[str] = ()) -> str:
        key = full_key(self.keys[0])
        head = f"{key}: not set" if self.value is MISSING else f"{key}={_shown(key, self.value, secret_keys)}"
        secret = [full_key(k) for k in self.keys if full_key(k) in secret_keys]
        note = f" ({', '.join(secret)} secret: an offline preview checks its stand-in)" if secret else ""
        return f"{head}: {self.allowed}{note}"

    def __str__(self) -> str:
        return self.render()


def cross_field_problems(cfg: StackConfig) -> list[Problem]:
    """Combinations no single key can judge; each names the keys it involves."""
    out: list[Problem] = []

    def bad(keys: tuple[str, ...], value: Any, allowed: str) -> None:
        out.append(Problem(keys, value, allowed))

    if cfg.task_memory not in FARGATE_MEMORY.get(cfg.task_cpu, ()):
        allowed = list(FARGATE_MEMORY.get(cfg.task_cpu, ()))
        bad(("taskMemory", "taskCpu"), cfg.task_memory, f"with taskCpu {cfg.task_cpu} must be one of {allowed} (MiB)")
    if cfg.min_capacity > cfg.max_capacity:
        bad(("minCapacity", "maxCapacity"), cfg.min_capacity, f"must not exceed maxCapacity ({cfg.max_capacity})")
    if cfg.capacity_on_demand_weight + cfg.capacity_spot_weight == 0:
        bad(
            ("capacitySpotWeight", "capacityOnDemandWeight"),
            0,
            "capacitySpotWeight and capacityOnDemandWeight cannot both be 0",
        )
    if cfg.is_production and cfg.capacity_spot_weight > 0:
        bad(("capacitySpotWeight",), cfg.capacity_spot_weight, "must be 0 in production (runbook: on-demand only)")
    if cfg.dr_region is not None and cfg.dr_region == cfg.region:
        bad(("drRegion", "region"), cfg.dr_region, f"must differ from aws:region ({cfg.region})")
    out.extend(_certificate_problems(cfg))
    if cfg.deployment_strategy == "CANARY" and cfg.canary_percent >= 100:
        bad(("canaryPercent", "deploymentStrategy"), cfg.canary_percent, "must be below 100 for a canary (0.1-99.9)")
    if cfg.audit_log_retention_days < 365:
        bad(
            ("auditLogRetentionDays",),
            cfg.audit_log_retention_days,
            "must be at least 365 (PCI-DSS 10.5.1: keep audit logs for a year): 365, 400, 545, 731, ...",
        )
    names = [t.name for t in cfg.tables]
    if not names or len(set(names)) != len(names):
        bad(("tables",), names, "must be a non-empty list of tables with distinct names")
    if cfg.dr_region is not None:
        # Global-table replicas (the DR region) replicate through a NEW_AND_OLD_IMAGES stream.
        for t in cfg.tables:
            if t.stream_view_type not in (None, "NEW_AND_OLD_IMAGES"):
                bad(
                    ("tables", "drRegion"),
                    f"{t.name}.streamViewType={t.stream_view_type}",
                    "must be NEW_AND_OLD_IMAGES (or unset) when drRegion is set: global tables need both images",
                )
    return out


def _certificate_problems(cfg: StackConfig) -> list[Problem]:
    """The HTTPS listener needs exactly one certificate source; a missing key is named as missing."""
    keys = ("certificateArn", "domainName", "hostedZoneId")
    if cfg.certificate_arn:
        if cfg.domain_name or cfg.hosted_zone_id:
            return [
                Problem(keys, cfg.certificate_arn, "set either certificateArn or domainName+hostedZoneId, not both")
            ]
        return []
    if cfg.domain_name and not cfg.hosted_zone_id:
        return [
            Problem(
                ("hostedZoneId", "domainName", "certificateArn"),
                MISSING,
                f"required with domainName ({cfg.domain_name}): the Route 53 zone that holds the certificate's "
                "DNS validation records (or set certificateArn instead of both)",
            )
        ]
    if cfg.hosted_zone_id and not cfg.domain_name:
        return [
            Problem(
                ("domainName", "hostedZoneId", "certificateArn"),
                MISSING,
                f"required with hostedZoneId ({cfg.hosted_zone_id}): the name the certificate is issued for, "
                "such as api.budgetbuddy.com (or set certificateArn instead of both)",
            )
        ]
    if not cfg.domain_name:
        return [
            Problem(
                keys,
                MISSING,
                "the HTTPS listener needs a certificate: set certificateArn (an existing ACM certificate), or "
                "domainName and hostedZoneId (a DNS-validated certificate is issued)",
            )
        ]
    return []


def _field_problems(
    exc: ValidationError, raw: Mapping[str, Any], secret_keys: Collection[str]
) -> tuple[list[str], set[str]]:
    """One line per field error, showing the value as the user wrote it (``raw``: alias -> value)."""
    lines: list[str] = []
    keys: set[str] = set()
    for err in exc.errors():
        loc = err.get("loc", ())
        name = str(loc[0]) if loc else ""
        field = StackConfig.model_fields.get(name)
        alias = (field.alias or name) if field else name
        keys.add(alias)
        key = FIELD_KEYS.get(name, f"{NAMESPACE}:{alias}")
        path = "".join(f"[{p}]" for p in loc[1:])
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        value = raw[alias] if len(loc) == 1 and alias in raw else err.get("input")
        if key in secret_keys:  # a validator's message may quote the value
            for text in {str(raw.get(alias, "")), str(err.get("input", ""))} - {""}:
                msg = msg.replace(text, SECRET_SHOWN).replace(repr(text)[1:-1], SECRET_SHOWN)
        lines.append(f"{key}{path}={_shown(key, value, secret_keys)}: {msg}")
    return lines, keys


def _unknown_key(key: str, shown: str) -> str:
    if key in ELSEWHERE:
        where, why = ELSEWHERE[key]
        return f"{NAMESPACE}:{key}={shown}: not a {NAMESPACE} key: {why} (set {where} instead)"
    near = nearest(key, CONFIG_KEYS)
    hint = f"did you mean `{NAMESPACE}:{near}`?" if near else f"the {len(CONFIG_KEYS)} keys are in docs/config.md"
    return f"{NAMESPACE}:{key}={shown}: unknown key; {hint}"


def parse_stack_config(
    stack: str,
    values: Mapping[str, Any],
    region: str | None = None,
    *,
    secret_keys: Collection[str] = (),
) -> StackConfig:
    """Validate ``values`` (budgetbuddy keys without namespace -> raw values) for ``stack``.

    ``region`` is the provider's ``aws:region``; ``secret_keys`` (full keys) are never shown in
    messages. Strings are read as Pulumi's typed getters read them. Raises ``ConfigError`` listing
    every bad key at once: field errors first, then the combinations among the keys that are valid
    on their own.
    """
    problems: list[str] = []
    data: dict[str, Any] = {"stack": stack, "environment": stack}
    if region is not None:
        data["region"] = region
    bad_keys: set[str] = set()
    for key, raw in values.items():
        shown = _shown(f"{NAMESPACE}:{key}", raw, secret_keys)
        if key not in CONFIG_KEYS:
            problems.append(_unknown_key(key, shown))
            continue
        try:
            data[key] = parse_text(value_kind(CONFIG_KEYS[key]), raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            problems.append(f"{NAMESPACE}:{key}={shown}: {exc}")
            bad_keys.add(key)
    try:
        cfg = StackConfig.model_validate({k: v for k, v in data.items() if k not in bad_keys})
    except ValidationError as exc:
        written = {**values, **({"region": region} if region is not None else {})}
        lines, keys = _field_problems(exc, written, secret_keys)
        problems.extend(lines)
        bad_keys |= keys
        # Judge combinations among the keys that are valid on their own (defaults for the rest).
        fallback = {k: v for k, v in data.items() if k not in bad_keys}
        fallback.setdefault("environment", stack)
        try:
            cfg = StackConfig.model_validate(fallback)
        except ValidationError:
            raise ConfigError(stack, problems) from None
    problems.extend(p.render(secret_keys) for p in cross_field_problems(cfg) if not bad_keys.intersection(p.keys))
    if problems:
        raise ConfigError(stack, problems)
    return cfg


def _namespace_problems(config: Mapping[str, Any], secret_keys: Collection[str]) -> list[str]:
    """``aws:`` keys the provider does not read, and namespaces nothing reads, are errors, not ignored."""
    problems: list[str] = []
    provider = aws_provider_keys()
    known = [*FIELD_KEYS.values(), *(f"aws:{k}" for k in provider)]
    for key, raw in config.items():
        namespace, sep, name = key.partition(":")
        shown = _shown(key, raw, secret_keys)
        if not sep or namespace in (NAMESPACE, *PASS_THROUGH_NAMESPACES):
            continue
        if namespace == "aws":
            if name not in provider:
                near = nearest(name, provider)
                hint = f"did you mean `aws:{near}`?" if near else "see the pulumi-aws provider configuration"
                problems.append(f"{key}={shown}: not a key the AWS provider reads; {hint}")
            elif isinstance(raw, str) and key != "aws:region":
                try:
                    parse_text(provider[name], raw)
                except ValueError as exc:
                    problems.append(f"{key}={shown}: {exc}")
            continue
        near = nearest(key, known)
        hint = f"; did you mean `{near}`?" if near else ""
        problems.append(
            f"{key}={shown}: unknown namespace `{namespace}`: this program reads only {NAMESPACE}: and aws: keys{hint}"
        )
    return problems


def parse_config(
    stack: str,
    config: Mapping[str, Any],
    secret_keys: Collection[str] = (),
    environ: Mapping[str, str] | None = None,
) -> StackConfig:
    """Validate a stack's whole configuration (full keys ``namespace:key`` -> values, as the engine
    passes them): budgetbuddy keys, the region from ``aws:region``, and the other namespaces."""
    problems = _namespace_problems(config, secret_keys)
    prefix = f"{NAMESPACE}:"
    values = {k[len(prefix) :]: v for k, v in config.items() if k.startswith(prefix)}
    region = region_of(config, environ)
    if region is None:
        problems.append(
            "aws:region: not set: the AWS provider needs the region it deploys to, and key policies, endpoint "
            "names and ARNs must name the same one (pulumi config set aws:region us-east-1)"
        )
    try:
        cfg = parse_stack_config(stack, values, region, secret_keys=secret_keys)
    except ConfigError as exc:
        raise ConfigError(stack, [*problems, *exc.problems]) from None
    if problems:
        raise ConfigError(stack, problems)
    return cfg


def load_stack_config() -> StackConfig:
    """Read this stack's configuration from the Pulumi runtime (the only place that does)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    merged: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret = {k for k in merged if runtime_config.is_config_secret(k)}
    secret |= set(runtime_config.get_config_secret_keys_env())
    return parse_config(pulumi.get_stack(), merged, secret)
