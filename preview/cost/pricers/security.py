"""KMS keys (with rotation price steps), Secrets Manager, CloudTrail, and GuardDuty / Security Hub (priced only
when the stack deploys a detector or a Security Hub account)."""

from __future__ import annotations

import math

from preview.cost.context import Context, Resource
from preview.cost.inputs import UnknownValueError, get, items, number

KEYS = ("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey")
REPLICAS = ("aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey")


def _rotations(ctx: Context, key: Resource) -> tuple[float, float]:
    """(billed rotations so far, rotation period in days) of one key at the assumed key age."""
    inp = ctx.inputs(key)
    try:
        if get(inp, "enableKeyRotation") is not True:
            return 0.0, 0.0
        period = number(inp, "rotationPeriodInDays", 365.0) or 365.0
    except UnknownValueError as exc:
        ctx.unknown(key, exc, "rotation assumed yearly")
        period = 365.0
    done = math.floor(ctx.a.kms_key_age_days / period) if period > 0 else 0
    return float(min(done, ctx.p.kms_billed_rotations)), period


def kms(ctx: Context) -> None:
    keys = ctx.of(*KEYS)
    replicas = ctx.of(*REPLICAS)
    if keys:
        ctx.add("Security", keys, "kms-keys", "KMS customer managed keys", len(keys), "key-month", ctx.p.kms_key_month)
        rotated = [(k, *_rotations(ctx, k)) for k in keys]
        steps = sum(r for _, r, _ in rotated)
        if steps:
            periods = sorted({f"{p:g}" for _, r, p in rotated if r})
            age = ctx.a.kms_key_age_days
            ctx.add("Security", [k for k, r, _ in rotated if r], "kms-rotations",
                    f"KMS rotated key material ({len([1 for _, r, _ in rotated if r])} keys)", steps,
                    "rotation-month", ctx.p.kms_rotation_month,
                    f"keys {age:g} days old, rotated every {'/'.join(periods)} days: the first and second "
                    "rotation add $1/month each, later ones are free")  # fmt: skip
    if replicas:
        ctx.add("Security", replicas, "kms-replica-keys", "KMS multi-Region replica keys", len(replicas), "key-month",
                ctx.p.kms_key_month)  # fmt: skip
    if keys or replicas:
        n = ctx.a.kms_requests
        ctx.add("Security", keys + replicas, "kms-requests", "KMS requests", n / 10_000, "10k requests",
                ctx.p.kms_10k_requests, f"{n:,.0f} requests/month across all keys", "kms")  # fmt: skip


def secrets(ctx: Context) -> None:
    found = ctx.of("aws:secretsmanager/secret:Secret")
    if not found:
        return
    count = 0
    for s in found:
        try:
            count += 1 + len(items(ctx.inputs(s), "replicas"))
        except UnknownValueError as exc:
            ctx.unknown(s, exc, "replicas not counted")
            count += 1
    ctx.add("Security", found, "secrets", "Secrets Manager secrets (incl. replicas)", count, "secret-month",
            ctx.p.secret_month)  # fmt: skip


def cloudtrail(ctx: Context) -> None:
    # The first copy of management events is free per account: in a shared account, production's trail has it.
    # It goes to the first trail that records management events (a data-events-only trail has no copy).
    free_copy = [ctx.a.free_tier or not ctx.a.shared_account]
    for trail in ctx.of("aws:cloudtrail/trail:Trail"):
        ctx.guarded(trail, lambda t: _trail(ctx, t, free_copy), "trail not priced")


def _trail(ctx: Context, trail: Resource, free_copy: list[bool]) -> None:
    """Price one trail; ``free_copy[0]`` says the account's free management-event copy is still unused."""
    inp = ctx.inputs(trail)
    selectors = items(inp, "eventSelectors")
    advanced = items(inp, "advancedEventSelectors")
    data = any(isinstance(s, dict) and s.get("dataResources") for s in selectors)
    mgmt = not selectors or any(isinstance(s, dict) and s.get("includeManagementEvents", True) for s in selectors)
    if advanced:
        cats = [
            e for a in advanced if isinstance(a, dict) for f in a.get("fieldSelectors") or []
            if isinstance(f, dict) and f.get("field") == "eventCategory" for e in f.get("equals") or []
        ]  # fmt: skip
        data = data or "Data" in cats
        mgmt = "Management" in cats
    ev = ctx.a.cloudtrail_mgmt_events
    if mgmt and free_copy[0]:
        free_copy[0] = False
        ctx.add("Security", trail, "trail-management-events", "CloudTrail management events (first copy free)",
                ev / 100_000, "100k events", 0.0, f"{ev:,.0f} management events/month")  # fmt: skip
    elif mgmt:
        why = "another stack's trail in the shared account" if ctx.a.shared_account else "additional trail"
        ctx.add("Security", trail, "trail-management-events", f"CloudTrail management events ({why})",
                ev / 100_000, "100k events", ctx.p.cloudtrail_mgmt_100k_events,
                f"{ev:,.0f} management events/month")  # fmt: skip
    if data:
        dv = ctx.a.cloudtrail_data_events
        ctx.add("Security", trail, "trail-data-events", "CloudTrail data events", dv / 100_000, "100k events",
                ctx.p.cloudtrail_data_100k_events, f"{dv:,.0f} data events/month")  # fmt: skip
    if items(inp, "insightSelectors"):
        ctx.add("Security", trail, "trail-insights", "CloudTrail Insights", ev / 100_000, "100k events",
                ctx.p.cloudtrail_insights_100k_events, f"{ev:,.0f} management events analysed/month")  # fmt: skip
    ctx.priced.add(trail.get("urn", ""))


def guardduty(ctx: Context, det: Resource) -> None:
    if get(ctx.inputs(det), "enable") is False:
        return
    ev = ctx.a.cloudtrail_mgmt_events
    ctx.add("Security", det, "guardduty-events", "GuardDuty CloudTrail management event analysis", ev / 1e6,
            "million events", ctx.p.guardduty_million_mgmt_events, f"{ev:,.0f} management events/month")  # fmt: skip
    flows = max(1, len(ctx.of("aws:ec2/flowLog:FlowLog")))
    gb = flows * ctx.a.flow_log_gb + ctx.a.guardduty_dns_gb
    ctx.add("Security", det, "guardduty-logs", "GuardDuty VPC flow and DNS log analysis", gb, "GB",
            ctx.p.guardduty_log_gb,
            f"{flows} x {ctx.a.flow_log_gb:g} GB flow + {ctx.a.guardduty_dns_gb:g} GB DNS logs/month")  # fmt: skip
    runtime = [
        f for f in ctx.of("aws:guardduty/detectorFeature:DetectorFeature")
        if ctx.inputs(f).get("name") in ("RUNTIME_MONITORING", "ECS_RUNTIME_MONITORING")
        and ctx.inputs(f).get("status") == "ENABLED"
    ]  # fmt: skip
    if runtime and ctx.fargate_vcpus:
        ctx.add("Security", runtime, "guardduty-runtime", "GuardDuty Runtime Monitoring (ECS Fargate)",
                ctx.fargate_vcpus, "vCPU-month", ctx.p.guardduty_runtime_vcpu_month,
                "running Fargate vCPUs at minCapacity")  # fmt: skip


def security_hub(ctx: Context, acct: Resource) -> None:
    subs = ctx.of("aws:securityhub/standardsSubscription:StandardsSubscription")
    defaults = 0 if get(ctx.inputs(acct), "enableDefaultStandards") is False else 2
    standards = len(subs) or defaults
    per = ctx.a.securityhub_checks_per_standard
    if standards * per:
        ctx.add("Security", [acct, *subs], "securityhub-checks", f"Security Hub security checks ({standards} standards)",
                standards * per, "check", ctx.p.securityhub_check, f"{per:,.0f} checks/month per standard")  # fmt: skip
    findings = ctx.a.securityhub_findings
    ctx.add("Security", acct, "securityhub-findings", "Security Hub finding ingestion", findings, "finding",
            ctx.p.securityhub_finding,
            f"{findings:,.0f} findings/month (first {ctx.p.securityhub_free_findings:,.0f} free per account)",
            "securityhub-findings")  # fmt: skip
