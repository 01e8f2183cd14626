"""S3 buckets: storage by class from the recorded lifecycle configuration, lifecycle transition requests,
Intelligent-Tiering monitoring, PUT and GET requests.

Storage model: a bucket holds ``s3Gb[role]`` GB, written at a steady rate and kept until the lifecycle
expiration (else ``s3HorizonDays``), so the share of the data in a class is the share of that age window:
with a transition to GLACIER at day 180 and expiration at day 365, (365 - 180) / 365 of it is in GLACIER.
Intelligent-Tiering moves objects not accessed for 30 days to its infrequent tier and after 90 days to
archive instant access (archives are assumed unread). A class with a minimum storage duration is billed
for at least that long. Each PUT is one new object, so each transition is one request per PUT.
"""

from __future__ import annotations

from dataclasses import dataclass

from preview.cost.context import Context, Resource
from preview.cost.inputs import items, number

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
LIFECYCLE = ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
             "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")  # fmt: skip
IT = "INTELLIGENT_TIERING"
DAYS_PER_MONTH = 365 / 12
IT_TIERS = (("frequent", 30.0), ("infrequent", 90.0), ("archive-instant", float("inf")))


@dataclass(frozen=True)
class Segment:
    """Objects aged ``start``..``end`` days are in ``storage_class`` (``tier`` within Intelligent-Tiering)."""

    storage_class: str
    start: float
    end: float
    tier: str = ""
    billed_days: float = 0.0  # >= end - start: a class's minimum storage duration

    @property
    def price_key(self) -> str:
        return f"{self.storage_class}/{self.tier}" if self.tier else self.storage_class


def lifecycle(rules: list[object]) -> tuple[list[tuple[float, str]], float | None, bool]:
    """(transitions sorted by day, expiration day or None, whether a rule applies to part of the bucket only)
    from the Enabled rules of a BucketLifecycleConfiguration."""
    transitions: dict[str, float] = {}
    expiration: float | None = None
    partial = False
    for rule in rules:
        if not isinstance(rule, dict) or str(rule.get("status", "Enabled")) != "Enabled":
            continue
        flt = rule.get("filter")
        if isinstance(flt, dict) and any(v not in (None, "", {}, []) for v in flt.values()):
            partial = True
        for t in rule.get("transitions") or []:
            if isinstance(t, dict) and t.get("storageClass"):
                day = number(t, "days", 0.0) or 0.0
                cls = str(t["storageClass"])
                transitions[cls] = min(day, transitions.get(cls, day))
        exp = rule.get("expiration")
        if isinstance(exp, dict) and (days := number(exp, "days", None)):
            expiration = days if expiration is None else min(expiration, days)
    return sorted((d, c) for c, d in transitions.items()), expiration, partial


def segments(transitions: list[tuple[float, str]], end: float, min_days: dict[str, float]) -> list[Segment]:
    """Age windows per storage class up to ``end`` days (Intelligent-Tiering split into its tiers)."""
    bounds = [(0.0, "STANDARD"), *((d, c) for d, c in transitions if d < end)]
    out: list[Segment] = []
    for i, (start, cls) in enumerate(bounds):
        stop = bounds[i + 1][0] if i + 1 < len(bounds) else end
        if stop <= start:
            continue
        if cls == IT:
            lo = start
            for tier, upto in IT_TIERS:
                hi = min(stop, start + upto)
                if hi > lo:
                    out.append(Segment(cls, lo, hi, tier, hi - lo))
                lo = max(lo, hi)
        else:
            out.append(Segment(cls, start, stop, "", max(stop - start, min_days.get(cls, 0.0))))
    return out


def _role(name: str) -> str:
    if any(k in name for k in ("log", "trail", "audit", "archive")):
        return "logs"
    return "artifacts" if any(k in name for k in ("artifact", "pipeline", "build")) else "other"


def _lifecycle_of(ctx: Context, b: Resource) -> Resource | None:
    physical = ctx.inputs(b).get("bucket")
    for cfg in ctx.of(*LIFECYCLE):
        deps = (cfg.get("propertyDependencies") or {}).get("bucket") or []
        if b.get("urn") in deps or (physical and ctx.inputs(cfg).get("bucket") == physical):
            return cfg
    return None


def bucket(ctx: Context, b: Resource) -> None:
    label = str(b.get("name", ""))
    role = _role(ctx.name_of(b, "bucket", "bucketPrefix").lower())
    gb = ctx.a.s3_gb.get(role, ctx.a.s3_gb.get("other", 0.0))
    puts = ctx.a.s3_thousand_puts.get(role, ctx.a.s3_thousand_puts.get("other", 0.0))
    gets = ctx.a.s3_thousand_gets.get(role, ctx.a.s3_thousand_gets.get("other", 0.0))
    cfg = _lifecycle_of(ctx, b)
    transitions, expiration, partial = lifecycle(items(ctx.inputs(cfg), "rules")) if cfg else ([], None, False)
    if cfg is not None:
        ctx.priced.add(cfg.get("urn", ""))
    if partial:
        ctx.report.warnings.append(f"S3 bucket {label}: a lifecycle rule filters part of the bucket; "
                                   "its transitions are applied to all objects")  # fmt: skip
    end = expiration if expiration else ctx.a.s3_horizon_days
    keep = f"expires at {end:g} days" if expiration else f"no expiration: {end:g} days kept (s3HorizonDays)"
    p = ctx.p
    for seg in segments(transitions, end, dict(p.s3_min_storage_days)):
        share = seg.billed_days / end
        cls = seg.storage_class + (f" {seg.tier}" if seg.tier else "")
        floor = f", billed {seg.billed_days:g} days (minimum)" if seg.billed_days > seg.end - seg.start else ""
        ctx.add("Data", b, f"s3-storage-{seg.price_key.lower().replace('/', '-')}",
                f"S3 {label} {cls} (days {seg.start:g}-{seg.end:g})", gb * share, "GB-month",
                p.s3_storage_gb_month[seg.price_key],
                f"{gb:g} GB ({role} bucket) x {seg.end - seg.start:g}/{end:g} days ({keep}{floor})")  # fmt: skip
    for day, cls in transitions:
        if day >= end or cls not in p.s3_transition_1k:
            continue
        ctx.add("Data", b, f"s3-transitions-{cls.lower()}", f"S3 {label} lifecycle transitions to {cls}", puts,
                "1k requests", p.s3_transition_1k[cls], f"{puts:g}k new objects/month, each moved at day {day:g}")  # fmt: skip
    for seg in segments(transitions, end, {}):
        if seg.storage_class == IT and seg.tier == "frequent":
            it_days = sum(s.end - s.start for s in segments(transitions, end, {}) if s.storage_class == IT)
            objects = puts * it_days / DAYS_PER_MONTH
            ctx.add("Data", b, "s3-it-monitoring", f"S3 {label} Intelligent-Tiering monitoring", objects,
                    "1k objects", p.s3_intelligent_tiering_monitoring_1k_objects,
                    f"{puts:g}k objects/month x {it_days:g} days in Intelligent-Tiering")  # fmt: skip
    ctx.add("Data", b, "s3-puts", f"S3 {label} PUT requests", puts, "1k requests", p.s3_put_1k,
            f"{puts:g}k PUT/month ({role} bucket)")  # fmt: skip
    ctx.add("Data", b, "s3-gets", f"S3 {label} GET requests", gets, "1k requests", p.s3_get_1k,
            f"{gets:g}k GET/month ({role} bucket)")  # fmt: skip
