"""ECS cluster (Container Insights enhanced) with the FARGATE and FARGATE_SPOT capacity providers."""

from __future__ import annotations

import pulumi_aws as aws

from components.base import Component
from components.compute.settings import ComputeSettings


def capacity_strategy(settings: ComputeSettings) -> list[dict[str, object]]:
    """FARGATE with the on-demand base/weight; FARGATE_SPOT only when it has a weight (never in production)."""
    out: list[dict[str, object]] = [
        {
            "capacity_provider": "FARGATE",
            "base": settings.capacity_on_demand_base,
            "weight": settings.capacity_on_demand_weight,
        }
    ]
    if settings.capacity_spot_weight > 0:
        out.append({"capacity_provider": "FARGATE_SPOT", "base": 0, "weight": settings.capacity_spot_weight})
    return out


def build_cluster(c: Component, settings: ComputeSettings) -> tuple[aws.ecs.Cluster, aws.ecs.ClusterCapacityProviders]:
    cluster = aws.ecs.Cluster(
        c.child_name("cluster"),
        name=c.naming.cluster,
        settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enhanced")],
        tags=c.tags,
        opts=c.opts(delete_before_replace=True),
    )
    providers = aws.ecs.ClusterCapacityProviders(
        c.child_name("capacity-providers"),
        cluster_name=cluster.name,
        capacity_providers=["FARGATE", "FARGATE_SPOT"],
        default_capacity_provider_strategies=[
            aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(**s)  # type: ignore[arg-type]
            for s in capacity_strategy(settings)
        ],
        opts=c.opts(),
    )
    return cluster, providers
