"""The one typed, validated stack configuration.

Stack YAML -> ``load_stack_config`` -> ``StackConfig`` (frozen) -> components. Nothing below
``__main__.py`` reads ``pulumi.Config``. Every key is documented in docs/config.md.

Validation collects every problem before any resource is registered, so a typo never leaves a
half-registered stack: ``ConfigError`` lists each bad key, its value and what is allowed.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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

AWS_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
ARN_RE = r"^arn:aws[a-z-]*:{service}:[a-z0-9-]*:\d{{12}}:.+$"


def _arn(service: str) -> re.Pattern[str]:
    return re.compile(ARN_RE.format(service=service))


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
    region: str = "us-east-1"
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
    dr_region: str | None = Field(default=None, alias="drRegion")
    tables: tuple[TableDef, ...] = Field(default=tuple(TableDef(**t) for t in DEFAULT_TABLES))

    # --- alerting and security ------------------------------------------------------------
    alert_email: str = Field(default="ops@budgetbuddy.com", alias="alertEmail")
    pagerduty_endpoint: str | None = Field(default=None, alias="pagerDutyEndpoint")
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

    # --- TLS certificate: an existing ARN, or a domain issued with DNS validation ---------
    certificate_arn: str | None = Field(default=None, alias="certificateArn")
    domain_name: str | None = Field(default=None, alias="domainName")
    hosted_zone_id: str | None = Field(default=None, alias="hostedZoneId", pattern=r"^Z[A-Z0-9]{1,31}$")

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
    codestar_connection_arn: str | None = Field(default=None, alias="codestarConnectionArn")
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
        if v is not None and not AWS_REGION_RE.match(v):
            raise ValueError("must be an AWS region such as us-east-1")
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


# Keys a user sets: alias (config key) -> field name. `stack` is not a key, it is the stack.
CONFIG_KEYS: dict[str, str] = {
    (f.alias or name): name for name, f in StackConfig.model_fields.items() if name != "stack"
}
JSON_KEYS = {"tables", "containerSecrets"}  # structured values (objects/lists in YAML)
SECRET_KEYS = {"pagerDutyEndpoint"}


def _parse_value(key: str, raw: Any) -> Any:
    """`pulumi config set` stores strings; structured YAML values arrive as JSON text."""
    if key in JSON_KEYS and isinstance(raw, str):
        return json.loads(raw)
    return raw


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
        bad(("drRegion",), cfg.dr_region, f"must differ from the stack's region ({cfg.region})")
    if cfg.certificate_arn and (cfg.domain_name or cfg.hosted_zone_id):
        bad(
            ("certificateArn", "domainName", "hostedZoneId"),
            cfg.certificate_arn,
            "set either certificateArn or domainName+hostedZoneId, not both",
        )
    if not cfg.certificate_arn and not (cfg.domain_name and cfg.hosted_zone_id):
        bad(
            ("certificateArn", "domainName", "hostedZoneId"),
            None,
            "an ACM certificate ARN is required unless domainName and hostedZoneId are both set (the HTTPS listener needs a certificate)",
        )
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


class Problem(NamedTuple):
    keys: tuple[str, ...]  # first is the key reported; all are the keys involved
    value: Any
    allowed: str

    def __str__(self) -> str:
        return f"{NAMESPACE}:{self.keys[0]}={self.value!r}: {self.allowed}"


def _field_problems(exc: ValidationError) -> tuple[list[str], set[str]]:
    lines: list[str] = []
    keys: set[str] = set()
    for err in exc.errors():
        loc = err.get("loc", ())
        field = StackConfig.model_fields.get(str(loc[0])) if loc else None
        key = (field.alias or str(loc[0])) if field else str(loc[0] if loc else "")
        keys.add(key)
        path = "".join(f"[{p}]" for p in loc[1:])
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        lines.append(f"{NAMESPACE}:{key}{path}={err.get('input')!r}: {msg}")
    return lines, keys


def parse_stack_config(stack: str, values: Mapping[str, Any], region: str | None = None) -> StackConfig:
    """Validate ``values`` (config keys without namespace -> raw values) for ``stack``.

    Raises ``ConfigError`` listing every bad key at once: field errors first, then the
    combinations among the keys that are valid on their own.
    """
    problems: list[str] = []
    data: dict[str, Any] = {"stack": stack, "environment": stack}
    if region is not None:
        data["region"] = region
    bad_keys: set[str] = set()
    for key, raw in values.items():
        if key not in CONFIG_KEYS:
            problems.append(f"{NAMESPACE}:{key}={raw!r}: unknown key (allowed: {', '.join(sorted(CONFIG_KEYS))})")
            continue
        try:
            data[key] = _parse_value(key, raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{NAMESPACE}:{key}={raw!r}: must be JSON ({exc.msg})")
            bad_keys.add(key)
    try:
        cfg = StackConfig.model_validate({k: v for k, v in data.items() if k not in bad_keys})
    except ValidationError as exc:
        lines, keys = _field_problems(exc)
        problems.extend(lines)
        bad_keys |= keys
        # Judge combinations among the keys that are valid on their own (defaults for the rest).
        fallback = {k: v for k, v in data.items() if k not in bad_keys}
        fallback.setdefault("environment", stack)
        try:
            cfg = StackConfig.model_validate(fallback)
        except ValidationError:
            raise ConfigError(stack, problems) from None
    problems.extend(str(p) for p in cross_field_problems(cfg) if not bad_keys.intersection(p.keys))
    if problems:
        raise ConfigError(stack, problems)
    return cfg


def load_stack_config() -> StackConfig:
    """Read this stack's configuration from the Pulumi runtime (the only place that does)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    merged: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{NAMESPACE}:"
    values = {k[len(prefix) :]: v for k, v in merged.items() if k.startswith(prefix)}
    region = pulumi.Config("aws").get("region")
    return parse_stack_config(pulumi.get_stack(), values, region=region)
