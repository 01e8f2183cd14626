"""The ECS service: native blue/green (or canary) deployments with circuit breaker and alarm rollback."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.base import Component
from components.compute.cluster import capacity_strategy
from components.compute.loadbalancer import LoadBalancer
from components.compute.settings import ComputeSettings

# What the deploy system owns after creation: the pipeline registers new task-definition revisions,
# autoscaling sets the desired count, and every native blue/green deployment swaps the roles of the
# two target groups (the service's targetGroupArn becomes the former alternate and vice versa).
# `pulumi up` must never revert any of them: sending the original blue/green pair back would point
# ECS at the group that no longer serves production (hashicorp/terraform-provider-aws#45678).
TARGET_GROUP_SWAP_PATHS = [
    "loadBalancers[0].targetGroupArn",
    "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn",
]
SERVICE_IGNORE_CHANGES = ["taskDefinition", "desiredCount", *TARGET_GROUP_SWAP_PATHS]


def deployment_configuration(settings: ComputeSettings) -> aws.ecs.ServiceDeploymentConfigurationArgs:
    canary = None
    if settings.deployment_strategy == "CANARY":
        canary = aws.ecs.ServiceDeploymentConfigurationCanaryConfigurationArgs(
            canary_percent=settings.canary_percent,
            canary_bake_time_in_minutes=str(settings.canary_bake_minutes),
        )
    return aws.ecs.ServiceDeploymentConfigurationArgs(
        strategy=settings.deployment_strategy,
        bake_time_in_minutes=str(settings.bake_time_minutes),
        canary_configuration=canary,
    )


def build_service(
    c: Component,
    settings: ComputeSettings,
    *,
    cluster_arn: pulumi.Input[str],
    task_definition_arn: pulumi.Input[str],
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]],
    task_security_group_id: pulumi.Input[str],
    lb: LoadBalancer,
    infrastructure_role_arn: pulumi.Input[str],
    alarm_names: Sequence[pulumi.Input[str]],
    depends_on: Sequence[pulumi.Resource],
) -> aws.ecs.Service:
    return aws.ecs.Service(
        c.child_name("service"),
        name=c.naming.ecs_service,
        cluster=cluster_arn,
        task_definition=task_definition_arn,
        # Only at creation (desiredCount is ignored afterwards): autoscaling owns it from then on.
        desired_count=settings.scaling_floor,
        capacity_provider_strategies=[
            aws.ecs.ServiceCapacityProviderStrategyArgs(**s)  # type: ignore[arg-type]
            for s in capacity_strategy(settings)
        ],
        platform_version="LATEST",
        network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
            subnets=private_subnet_ids, security_groups=[task_security_group_id], assign_public_ip=False
        ),
        load_balancers=[
            aws.ecs.ServiceLoadBalancerArgs(
                container_name=c.naming.container,
                container_port=settings.container_port,
                target_group_arn=lb.blue.arn,
                advanced_configuration=aws.ecs.ServiceLoadBalancerAdvancedConfigurationArgs(
                    alternate_target_group_arn=lb.green.arn,
                    production_listener_rule=lb.production_rule.arn,
                    test_listener_rule=lb.test_rule.arn,
                    role_arn=infrastructure_role_arn,
                ),
            )
        ],
        health_check_grace_period_seconds=settings.health_check_grace_period_seconds,
        deployment_controller=aws.ecs.ServiceDeploymentControllerArgs(type="ECS"),
        deployment_configuration=deployment_configuration(settings),
        deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
        alarms=aws.ecs.ServiceAlarmsArgs(alarm_names=list(alarm_names), enable=True, rollback=True),
        deployment_minimum_healthy_percent=100,
        deployment_maximum_percent=200,
        availability_zone_rebalancing="ENABLED",
        enable_ecs_managed_tags=True,
        propagate_tags="SERVICE",
        enable_execute_command=settings.enable_execute_command,
        wait_for_steady_state=False,
        tags=c.tags,
        opts=c.opts(
            ignore_changes=SERVICE_IGNORE_CHANGES,
            delete_before_replace=True,
            depends_on=list(depends_on),
        ),
    )
