"""ECS services on Fargate: task size from the task definition, task count from the autoscaling target,
on-demand/Spot split from the capacity provider strategy, range up to maxCapacity."""

from __future__ import annotations

from preview.cost import fargate
from preview.cost.context import Context, Resource
from preview.cost.inputs import UnknownValueError, get, items, number, plain, text

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
TARGET = "aws:appautoscaling/target:Target"


def task_definition(ctx: Context, svc: Resource) -> Resource | None:
    tds = ctx.of(TASK_DEFINITION)
    if linked := ctx.linked(svc, [TASK_DEFINITION], "taskDefinition"):
        return linked[0]
    ref = ctx.inputs(svc).get("taskDefinition")
    if isinstance(ref, str):
        for td in tds:
            family = ctx.inputs(td).get("family")
            if isinstance(family, str) and (ref == family or f"task-definition/{family}:" in ref):
                return td
    return tds[0] if len(tds) == 1 else None


def scaling_target(ctx: Context, svc: Resource) -> Resource | None:
    targets = [t for t in ctx.of(TARGET) if ctx.inputs(t).get("serviceNamespace") in ("ecs", None)]
    for t in targets:
        deps = t.get("propertyDependencies") or {}
        if svc.get("urn") in (t.get("dependencies") or []) or svc.get("urn") in (deps.get("resourceId") or []):
            return t
    svc_name = ctx.inputs(svc).get("name")
    for t in targets:
        rid = ctx.inputs(t).get("resourceId")
        if isinstance(rid, str) and isinstance(svc_name, str) and rid.endswith(f"/{svc_name}"):
            return t
    return targets[0] if len(targets) == 1 and len(ctx.of(SERVICE)) == 1 else None


def task_range(ctx: Context, svc: Resource) -> tuple[float, float, str]:
    """(tasks at minCapacity, tasks at maxCapacity, how they were found); raises UnknownValueError."""
    desired = number(ctx.inputs(svc), "desiredCount", 0.0) or 0.0
    target = scaling_target(ctx, svc)
    if target is None:
        return desired, desired, f"{desired:g} tasks (desiredCount; no autoscaling target found)"
    lo = number(ctx.inputs(target), "minCapacity", desired) or 0.0
    hi = number(ctx.inputs(target), "maxCapacity", lo) or 0.0
    return lo, max(hi, lo), f"{lo:g} tasks (autoscaling minCapacity; {max(hi, lo):g} at maxCapacity)"


def load_factor(ctx: Context) -> float:
    """Tasks at maxCapacity over tasks at minCapacity, over all services: what traffic-driven usage
    (logs, NAT data, data transfer, requests) is scaled by "at max capacity"."""
    lo = hi = 0.0
    for svc in ctx.of(SERVICE):
        try:
            a, b, _ = task_range(ctx, svc)
        except (UnknownValueError, TypeError, AttributeError):
            continue
        lo, hi = lo + a, hi + b
    return hi / lo if lo > 0 and hi > lo else 1.0


def _strategies(ctx: Context, svc: Resource) -> list[fargate.Strategy]:
    raw = items(ctx.inputs(svc), "capacityProviderStrategies")
    if not raw and get(ctx.inputs(svc), "launchType") is None:
        defaults = ctx.of("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
        if len(defaults) == 1:
            raw = items(ctx.inputs(defaults[0]), "defaultCapacityProviderStrategies")
    out = []
    for s in raw:
        if not isinstance(s, dict):
            raise UnknownValueError("capacityProviderStrategies", "unexpected shape")
        out.append(
            fargate.Strategy(
                capacity_provider=str(plain(s.get("capacityProvider"))),
                base=number(s, "base", 0.0) or 0.0,
                weight=number(s, "weight", 0.0) or 0.0,
            )
        )
    return out


def ecs_service(ctx: Context, svc: Resource) -> None:
    inp = ctx.inputs(svc)
    launch = get(inp, "launchType")
    if launch in ("EC2", "EXTERNAL"):
        ctx.report.warnings.append(f"ECS service {svc.get('name')}: launch type {launch} (instances not modelled)")
        return
    td = task_definition(ctx, svc)
    if td is None:
        raise UnknownValueError("taskDefinition", "no task definition found for the service")
    ctx.priced.add(td.get("urn", ""))
    tdi = ctx.inputs(td)
    try:
        vcpu = (number(tdi, "cpu") or 0.0) / 1024
        mem = (number(tdi, "memory") or 0.0) / 1024
    except UnknownValueError as exc:
        ctx.unknown(td, exc, "Fargate task size unknown: the service is not priced")
        return
    arch = (text(tdi, "runtimePlatform.cpuArchitecture") or fargate.X86_64).upper()
    ephemeral = number(tdi, "ephemeralStorage.sizeInGib", 20.0) or 20.0

    target = scaling_target(ctx, svc)
    if target is not None:
        ctx.priced.add(target.get("urn", ""))
    try:
        lo, hi, count_note = task_range(ctx, svc)
    except UnknownValueError as exc:
        desired = number(inp, "desiredCount", 0.0) or 0.0
        ctx.unknown(target or svc, exc, f"task count falls back to desiredCount {desired:g}")
        lo = hi = desired
        count_note = f"{desired:g} tasks (desiredCount; autoscaling capacity unknown)"
    strategies = _strategies(ctx, svc)
    od_lo, spot_lo = fargate.split_tasks(lo, strategies)
    od_hi, spot_hi = fargate.split_tasks(hi, strategies)
    split_note = (
        "strategy " + ", ".join(f"{s.capacity_provider} base {s.base:g} weight {s.weight:g}" for s in strategies)
        if strategies
        else "launch type FARGATE (all on-demand)"
    )
    h = ctx.a.hours_per_month
    assumption = f"{count_note}; {split_note}: {od_lo:g} on-demand + {spot_lo:g} Spot; 24x7 ({h:g} h)"
    platform = text(inp, "platformVersion")
    if spot_lo + spot_hi > 0 and not fargate.spot_supported(arch, platform):
        ctx.report.warnings.append(
            f"ECS service {svc.get('name')}: FARGATE_SPOT share with ARM64 on platform {platform} - Fargate "
            "Spot runs ARM64 tasks on platform 1.4.0 or later only; priced as ARM64 on-demand"
        )
        od_lo, spot_lo, od_hi, spot_hi = od_lo + spot_lo, 0.0, od_hi + spot_hi, 0.0
        assumption += f" (Spot unavailable for ARM64 on platform {platform}: priced on-demand)"
    vcpu_rate, gb_rate = fargate.hourly_rates(arch, ctx.p)
    label = "ARM64 (Graviton)" if arch == fargate.ARM64 else "X86_64"
    size = f"{vcpu:g} vCPU / {mem:g} GB"
    for kind, tasks_lo, tasks_hi, factor in (
        ("on-demand", od_lo, od_hi, 1.0),
        ("Spot", spot_lo, spot_hi, 1 - ctx.p.fargate_spot_discount),
    ):
        if tasks_lo == 0 and tasks_hi == 0:
            continue
        k = kind.lower()
        ctx.add("Compute", svc, f"fargate-{k}-vcpu", f"Fargate {label} {kind} vCPU ({size})", tasks_lo * vcpu * h,
                "vCPU-hour", vcpu_rate * factor, assumption, quantity_max=tasks_hi * vcpu * h)  # fmt: skip
        ctx.add("Compute", svc, f"fargate-{k}-memory", f"Fargate {label} {kind} memory ({size})",
                tasks_lo * mem * h, "GB-hour", gb_rate * factor, assumption, quantity_max=tasks_hi * mem * h)  # fmt: skip
    extra = max(0.0, ephemeral - ctx.p.fargate_included_ephemeral_gib)
    if extra > 0:
        ctx.add("Compute", svc, "fargate-ephemeral-storage",
                f"Fargate ephemeral storage above {ctx.p.fargate_included_ephemeral_gib:g} GiB", lo * extra * h,
                "GB-hour", ctx.p.fargate_ephemeral_gb_hour, assumption, quantity_max=hi * extra * h)  # fmt: skip
    ctx.fargate_vcpus += lo * vcpu
    spot_share = spot_lo / lo if lo else 0.0
    other = fargate.X86_64 if arch == fargate.ARM64 else fargate.ARM64
    cost = fargate.monthly_cost(lo, vcpu, mem, arch, ctx.p, spot_lo, h, ephemeral)
    alt = fargate.monthly_cost(lo, vcpu, mem, other, ctx.p, lo * spot_share if other == fargate.X86_64 else 0, h,
                               ephemeral)  # fmt: skip
    if lo and alt:
        verdict = "cheaper" if cost < alt else "dearer"
        ctx.report.comparisons.append(
            f"ECS service {svc.get('name')}: {arch} ${cost:,.2f}/month vs {other} ${alt:,.2f}/month for the same "
            f"{lo:g} x {size} ({arch} {abs(alt - cost) / alt:.0%} {verdict})"
        )
