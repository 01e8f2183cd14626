"""Target-tracking autoscaling of the service's desired count (runbook "Auto-Scaling Configuration")."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.base import Component
from components.compute.settings import ComputeSettings


def build_autoscaling(
    c: Component, settings: ComputeSettings, cluster_name: pulumi.Input[str], service_name: pulumi.Input[str]
) -> tuple[aws.appautoscaling.Target, list[aws.appautoscaling.Policy]]:
    target = aws.appautoscaling.Target(
        c.child_name("scaling-target"),
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        # The runbook's `--resource-id service/budgetbuddy-cluster/budgetbuddy-backend`.
        resource_id=pulumi.Output.concat("service/", cluster_name, "/", service_name),
        min_capacity=settings.scaling_floor,
        max_capacity=settings.max_capacity,
        tags=c.tags,
        opts=c.opts(),
    )
    policies = [
        aws.appautoscaling.Policy(
            c.child_name(f"scale-{label}"),
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type=metric
                ),
                target_value=value,
                scale_out_cooldown=settings.scale_out_cooldown_seconds,
                scale_in_cooldown=settings.scale_in_cooldown_seconds,
            ),
            opts=c.opts(),
        )
        for label, metric, value in (
            ("cpu", "ECSServiceAverageCPUUtilization", settings.cpu_target_percent),
            ("memory", "ECSServiceAverageMemoryUtilization", settings.memory_target_percent),
        )
    ]
    return target, policies
