"""Every usage-based assumption of the cost model: one typed object, per-stack files, command-line overrides.

Fixed charges (hours a NAT gateway or ALB exists, a key, a secret, a dashboard) come from the recorded
resources; everything that depends on traffic or data volume comes from here and is printed, with its unit,
next to the figure it drives. Layers, later wins: the defaults below (a quiet environment) ->
``preview/cost/usage/<stack>.yaml`` -> ``--assumptions FILE`` -> ``--assume KEY=VALUE``. Keys are the camelCase
field names (``natGbProcessed``); a per-role value is ``logGb.app``. Bad keys or values raise
``AssumptionError`` naming the source, key, value and what is allowed (docs/cost.md, "Usage assumptions").
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from preview.cost.prices import HOURS_PER_MONTH

USAGE_DIR = Path(__file__).resolve().parent / "usage"
PRODUCTION_STACKS = ("production", "prod")


class AssumptionError(ValueError):
    """A usage assumption (file or ``--assume``) that cannot be used; the message says what is allowed."""


def _f(unit: str, help_: str, **kw: Any) -> Any:
    return field(metadata={"unit": unit, "help": help_}, **kw)


def _m(unit: str, help_: str) -> dict[str, str]:
    return {"unit": unit, "help": help_}


@dataclass(frozen=True)
class UsageAssumptions:
    environment: str = field(default="staging", metadata={"unit": "", "help": "stack the figures are for"})
    hours_per_month: float = _f("h", "hours a month (AWS convention 8,760 / 12)", default=HOURS_PER_MONTH)
    apply_free_tier: bool = _f("", "apply the always-free tiers of the account", default=True)
    shared_account: bool = _f(
        "", "staging and production share one AWS account: the free tier goes to production only", default=False
    )

    # network
    nat_gb_processed: float = _f("GB/month", "through all NAT gateways (image pulls, AWS APIs)", default=50.0)
    internet_egress_gb: float = _f("GB/month", "data transfer out to the internet (API responses)", default=20.0)
    alb_lcus: float = _f("LCU", "average capacity units per load balancer, every hour", default=1.0)
    interface_endpoint_gb: float = _f("GB/month", "processed per interface endpoint", default=10.0)
    waf_million_requests: float = _f("M requests/month", "inspected by each web ACL", default=1.0)
    waf_log_kb_per_request: float = _f("KB", "WAF log record size per request", default=2.0)

    # logs and metrics
    log_gb: dict[str, float] = field(
        default_factory=lambda: {"app": 5.0, "audit": 1.0, "flow": 5.0, "build": 0.5, "other": 0.5},
        metadata=_m("GB/month", "ingested per log group of that role"),
    )
    log_never_expire_months: float = _f("months", "storage horizon of log groups without retention", default=12.0)
    flow_log_gb: float = _f("GB/month", "per VPC flow log (vended log delivery)", default=5.0)
    container_insights_metrics: float = _f("metrics", "per cluster with Container Insights", default=30.0)
    metric_filter_metrics: float = _f("metrics", "per log metric filter (one per dimension value)", default=1.0)
    metrics_insights_metrics: float = _f(
        "metrics", "time series a Metrics Insights (SELECT) alarm analyses", default=5.0
    )

    # CloudTrail, GuardDuty, Security Hub (priced only when the stack deploys them)
    cloudtrail_mgmt_events: float = _f("events/month", "management events (extra trails, GuardDuty)", default=500_000.0)
    cloudtrail_data_events: float = _f("events/month", "data events, when a trail selects them", default=1_000_000.0)
    guardduty_dns_gb: float = _f("GB/month", "DNS query logs GuardDuty analyses", default=1.0)
    securityhub_checks_per_standard: float = _f("checks/month", "per enabled standard", default=2_000.0)
    securityhub_findings: float = _f("findings/month", "finding ingestion events", default=5_000.0)
    kms_requests: float = _f("requests/month", "all keys together", default=100_000.0)
    kms_key_age_days: float = _f(
        "days", "age of the keys (rotations so far; 730 = steady state, 0 = a new stack)", default=730.0
    )

    # data
    dynamodb_million_reads: float = _f("M RRU/month", "per table", default=2.0)
    dynamodb_million_writes: float = _f("M WRU/month", "per table (each GSI adds one write)", default=0.5)
    dynamodb_storage_gb: float = _f("GB", "per table", default=1.0)
    dynamodb_gsi_keys_only_share: float = _f(
        "share", "size of a KEYS_ONLY index relative to its table (an ALL index is a full copy)", default=0.1
    )
    s3_gb: dict[str, float] = field(
        default_factory=lambda: {"logs": 5.0, "artifacts": 2.0, "other": 1.0},
        metadata=_m("GB", "stored per bucket of that role (all storage classes)"),
    )
    s3_thousand_puts: dict[str, float] = field(
        default_factory=lambda: {"logs": 50.0, "artifacts": 5.0, "other": 5.0},
        metadata=_m("thousand/month", "PUT requests (= new objects) per bucket of that role"),
    )
    s3_thousand_gets: dict[str, float] = field(
        default_factory=lambda: {"logs": 10.0, "artifacts": 10.0, "other": 10.0},
        metadata=_m("thousand/month", "GET requests per bucket of that role"),
    )
    s3_horizon_days: float = _f("days", "age of the oldest object in a bucket without expiration", default=365.0)
    ecr_image_gb: float = _f("GB", "compressed image size (no layer sharing)", default=0.3)
    ecr_images_if_no_policy: float = _f("images", "kept when no lifecycle policy limits them", default=30.0)
    firehose_gb: float = _f("GB/month", "per delivery stream", default=5.0)
    backup_horizon_months: float = _f("months", "backup retention when a rule has no deleteAfter", default=12.0)

    # CI/CD
    pipeline_runs: float = _f("runs/month", "per pipeline", default=40.0)
    pipeline_minutes_per_action: dict[str, float] = field(
        default_factory=lambda: {"Source": 1.0, "Build": 8.0, "Test": 5.0, "Deploy": 15.0, "Approval": 0.0},
        metadata=_m("min", "per action of that category"),
    )
    builds_per_month: float = _f("builds/month", "per CodeBuild project", default=40.0)
    build_minutes: float = _f("min", "per build", default=8.0)

    @property
    def free_tier(self) -> bool:
        """Whether this stack gets the account's free tier: in a shared account only production does."""
        if not self.apply_free_tier:
            return False
        return not self.shared_account or self.environment in PRODUCTION_STACKS

    def describe(self) -> dict[str, Any]:
        """camelCase key -> value (dicts copied), in field order."""
        return {camel(f.name): _copy(getattr(self, f.name)) for f in fields(self)}


def _copy(v: Any) -> Any:
    return dict(v) if isinstance(v, dict) else v


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


_FIELDS = {camel(f.name): f for f in fields(UsageAssumptions) if f.name != "environment"}


@dataclass(frozen=True)
class Spec:
    """What one settable key means: ``key`` (camelCase), unit, help text, kind (number, bool, per-role)."""

    key: str
    attr: str
    unit: str
    help: str
    kind: str  # "number" | "bool" | "roles"


def specs() -> list[Spec]:
    out = []
    for key, f in _FIELDS.items():
        kind = "bool" if f.type in ("bool", bool) else "roles" if str(f.type).startswith("dict") else "number"
        out.append(Spec(key, f.name, f.metadata["unit"], f.metadata["help"], kind))
    return out


_SPECS = {s.key: s for s in specs()}


def unit_of(key: str) -> str:
    """The unit of a top-level or per-role key (``logGb.app`` -> ``GB/month``)."""
    spec = _SPECS.get(key.split(".", 1)[0])
    return spec.unit if spec else ""


def _suggest(key: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    near = [c for c in choices if c.lower() == key.lower()] or difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    if not near and len(key) >= 3:
        near = [c for c in choices if c.lower().startswith(key.lower())]
    return f"; did you mean `{near[0]}`?" if near else "; the keys are listed in docs/cost.md"


def _number(source: str, key: str, raw: Any) -> float:
    allowed = "a number >= 0"
    if isinstance(raw, bool) or raw is None or isinstance(raw, (list, dict)):
        raise AssumptionError(f"{source}: usage assumption `{key}`={raw!r} is not {allowed}")
    try:
        value = float(raw.strip().replace("_", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError, OverflowError):
        raise AssumptionError(f"{source}: usage assumption `{key}`={raw!r} is not {allowed}") from None
    if not math.isfinite(value) or value < 0:
        raise AssumptionError(f"{source}: usage assumption `{key}`={raw!r} is not {allowed}")
    if key == "dynamodbGsiKeysOnlyShare" and value > 1:
        raise AssumptionError(f"{source}: usage assumption `{key}`={raw!r} is not a share between 0 and 1")
    if key == "hoursPerMonth" and not 0 < value <= 744:
        raise AssumptionError(f"{source}: usage assumption `{key}`={raw!r} is not a number of hours in (0, 744]")
    return value


def _bool(source: str, key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip() in ("true", "false"):
        return raw.strip() == "true"
    raise AssumptionError(f"{source}: usage assumption `{key}`={raw!r} is not a boolean (true or false)")


def parse(values: Mapping[str, Any], source: str, defaults: UsageAssumptions | None = None) -> dict[str, Any]:
    """Validate ``{key: value}`` (``key`` may be ``role.sub``; a per-role key may hold a mapping).

    Returns ``{attr: value}`` partial updates (per-role ones as dicts of the roles given).
    """
    base = defaults or UsageAssumptions()
    out: dict[str, Any] = {}
    for raw_key, raw in values.items():
        key = str(raw_key).strip()
        top, _, sub = key.partition(".")
        spec = _SPECS.get(top)
        if spec is None:
            raise AssumptionError(f"{source}: unknown usage assumption `{key}`{_suggest(top, _SPECS)}")
        if spec.kind == "roles":
            roles = getattr(base, spec.attr)
            entries = raw if (not sub and isinstance(raw, Mapping)) else {sub: raw} if sub else None
            if entries is None:
                raise AssumptionError(
                    f"{source}: usage assumption `{key}`={raw!r}: set one role, e.g. `{top}.{next(iter(roles))}=1`,"
                    f" or give a mapping; roles: {', '.join(roles)}"
                )
            merged = out.setdefault(spec.attr, {})
            for role, v in entries.items():
                if role not in roles:
                    raise AssumptionError(
                        f"{source}: usage assumption `{top}.{role}`: unknown role{_suggest(str(role), roles)} "
                        f"(roles: {', '.join(roles)})"
                    )
                merged[role] = _number(source, f"{top}.{role}", v)
        elif sub:
            raise AssumptionError(f"{source}: usage assumption `{key}`: `{top}` has no parts (`{top}=VALUE`)")
        elif spec.kind == "bool":
            out[spec.attr] = _bool(source, key, raw)
        else:
            out[spec.attr] = _number(source, key, raw)
    return out


def parse_assume(pairs: Iterable[str]) -> dict[str, Any]:
    """``--assume KEY=VALUE`` pairs (later wins) -> validated partial updates."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AssumptionError(f"--assume {pair!r}: expected KEY=VALUE, e.g. --assume natGbProcessed=500")
        values[key.strip()] = value.strip()
    return parse(values, "--assume")


def read_file(path: Path) -> dict[str, Any]:
    """A YAML mapping of assumptions -> validated partial updates."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise AssumptionError(f"usage assumptions file {path}: cannot read it ({why})") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise AssumptionError(f"usage assumptions file {path}: not valid YAML{where}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise AssumptionError(
            f"usage assumptions file {path}: expected a mapping of `key: value` (e.g. `natGbProcessed: 300`), "
            f"got a {type(doc).__name__}"
        )
    return parse(doc, f"usage assumptions file {path}")


def _apply(base: UsageAssumptions, updates: Mapping[str, Any]) -> UsageAssumptions:
    changes: dict[str, Any] = {
        attr: ({**getattr(base, attr), **v} if isinstance(v, dict) else v) for attr, v in updates.items()
    }
    return replace(base, **changes)


def stack_file(stack: str) -> Path | None:
    """``preview/cost/usage/<stack>.yaml`` when it exists (a stack name that is a plain identifier)."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", stack or "") or stack.startswith("."):
        return None
    path = USAGE_DIR / f"{stack}.yaml"
    return path if path.is_file() else None


@functools.lru_cache(maxsize=16)
def _stack_updates(path: str, mtime_ns: int) -> tuple[tuple[str, Any], ...]:
    """A stack file's validated updates, parsed once per version of the file (estimate runs often)."""
    return tuple(read_file(Path(path)).items())


def for_stack(stack: str, *overrides: Mapping[str, Any]) -> UsageAssumptions:
    """The stack's assumptions: defaults, its usage file, then each override (from ``read_file`` /
    ``parse_assume``) in order. ``prod`` reads ``production.yaml``."""
    usage = UsageAssumptions(environment=stack)
    path = stack_file("production" if stack == "prod" else stack)
    if path is not None:
        usage = _apply(usage, dict(_stack_updates(str(path), path.stat().st_mtime_ns)))
    for o in overrides:
        usage = _apply(usage, o)
    return usage


def read_overrides(files: Iterable[Path] = (), assume: Iterable[str] = ()) -> list[dict[str, Any]]:
    """``--assumptions FILE`` (each) then ``--assume KEY=VALUE``, validated: pass to ``for_stack``."""
    return [*(read_file(Path(p)) for p in files), parse_assume(assume)]


def resolve(stack: str, files: Iterable[Path] = (), assume: Iterable[str] = ()) -> UsageAssumptions:
    """What ``python -m preview`` uses: ``for_stack`` + ``--assumptions FILE`` + ``--assume KEY=VALUE``."""
    return for_stack(stack, *read_overrides(files, assume))


PRODUCTION = for_stack("production")
STAGING = for_stack("staging")
