"""Fargate arithmetic: capacity-provider split and monthly task cost (pure functions, property-tested)."""

from __future__ import annotations

from dataclasses import dataclass

from preview.cost.prices import HOURS_PER_MONTH, PriceTable

ARM64 = "ARM64"
X86_64 = "X86_64"


@dataclass(frozen=True)
class Strategy:
    capacity_provider: str
    base: float = 0.0
    weight: float = 0.0


def split_tasks(tasks: float, strategies: list[Strategy]) -> tuple[float, float]:
    """(on-demand, spot) task counts for ``tasks`` running tasks under a capacity provider strategy.

    ECS places ``base`` tasks on the provider that sets it first, then spreads the rest by weight.
    Without a strategy (launch type FARGATE) every task is on-demand. Fractions are expected values.
    """
    if not strategies:
        return float(tasks), 0.0
    remaining = float(tasks)
    on_demand = spot = 0.0
    for s in strategies:
        placed = min(remaining, max(0.0, s.base))
        if s.capacity_provider == "FARGATE_SPOT":
            spot += placed
        else:
            on_demand += placed
        remaining -= placed
    w_od = sum(max(0.0, s.weight) for s in strategies if s.capacity_provider != "FARGATE_SPOT")
    w_spot = sum(max(0.0, s.weight) for s in strategies if s.capacity_provider == "FARGATE_SPOT")
    if w_od + w_spot == 0:
        on_demand += remaining
    else:
        on_demand += remaining * w_od / (w_od + w_spot)
        spot += remaining * w_spot / (w_od + w_spot)
    return on_demand, spot


def hourly_rates(arch: str, prices: PriceTable) -> tuple[float, float]:
    """(per vCPU-hour, per GB-hour) on-demand rates for the CPU architecture."""
    if arch == ARM64:
        return prices.fargate_arm_vcpu_hour, prices.fargate_arm_gb_hour
    return prices.fargate_x86_vcpu_hour, prices.fargate_x86_gb_hour


def spot_supported(arch: str, platform_version: str | None = None) -> bool:
    """FARGATE_SPOT runs Linux X86_64 tasks on platform 1.3.0+ and ARM64 tasks on 1.4.0+ (ECS API
    reference, CapacityProviderStrategyItem; older guide pages still say X86_64 only). LATEST is 1.4.0."""
    if arch != ARM64 or not platform_version or platform_version == "LATEST":
        return True
    try:
        return tuple(int(p) for p in platform_version.split(".")) >= (1, 4, 0)
    except ValueError:
        return True


def monthly_cost(
    tasks: float,
    vcpu: float,
    memory_gb: float,
    arch: str,
    prices: PriceTable,
    spot_tasks: float = 0.0,
    hours: float = HOURS_PER_MONTH,
    ephemeral_gib: float = 20.0,
) -> float:
    """Monthly USD of ``tasks`` tasks of one size, ``spot_tasks`` of them on Fargate Spot."""
    vcpu_rate, gb_rate = hourly_rates(arch, prices)
    per_task_hour = vcpu * vcpu_rate + memory_gb * gb_rate
    spot = min(spot_tasks, tasks)
    compute = (tasks - spot) * per_task_hour * hours + spot * per_task_hour * (1 - prices.fargate_spot_discount) * hours
    extra_storage = max(0.0, ephemeral_gib - prices.fargate_included_ephemeral_gib)
    return compute + tasks * extra_storage * prices.fargate_ephemeral_gb_hour * hours
