"""The ComputeService contract: what it takes from other components (ComputeInputs) and what it gives
(ComputeOutputs).

Inputs hold only outputs of other components (literal strings in tests); settings come from
``ComputeSettings``, names from ``ctx.naming``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from components.alarms import AlertRoutes
from components.outputs import stack_output


@dataclass(frozen=True)
class ComputeInputs:
    """Outputs of upstream components (literal strings in tests).

    vpc_id, public_subnet_ids (ALB), private_subnet_ids (tasks); test_listener_cidrs (who may reach the
    blue/green test listener: the NAT gateways' public /32s, since clients inside the VPC reach the
    internet-facing ALB through NAT);
    logs_key_arn (CloudWatch Logs CMK), storage_key_arn (ECR CMK), data_key_arn (DynamoDB CMK);
    log_bucket_name (ALB access logs, prefix "alb"); table_arns / index_arns (task role scope);
    alert_routes (the topics the deployment alarms notify, by severity).
    """

    vpc_id: pulumi.Input[str]
    public_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    test_listener_cidrs: Sequence[pulumi.Input[str]]
    logs_key_arn: pulumi.Input[str]
    storage_key_arn: pulumi.Input[str]
    data_key_arn: pulumi.Input[str]
    log_bucket_name: pulumi.Input[str]
    table_arns: Sequence[pulumi.Input[str]]
    index_arns: Sequence[pulumi.Input[str]]
    alert_routes: AlertRoutes


@dataclass(frozen=True)
class ComputeOutputs:
    """What ComputeService gives the stack and the components after it (docs/outputs.md, "## Compute")."""

    alb_dns_name: pulumi.Output[str] = field(metadata=stack_output("albDnsName"))
    alb_arn: pulumi.Output[str] = field(metadata=stack_output("albArn"))
    alb_arn_suffix: pulumi.Output[str] = field(metadata=stack_output("albArnSuffix"))
    cluster_name: pulumi.Output[str] = field(metadata=stack_output("clusterName"))
    cluster_arn: pulumi.Output[str] = field(metadata=stack_output("clusterArn"))
    service_name: pulumi.Output[str] = field(metadata=stack_output("serviceName"))
    service_arn: pulumi.Output[str] = field(metadata=stack_output("serviceArn"))  # an ECS service's id is its ARN
    container_name: str = field(metadata=stack_output("containerName"))
    task_definition_arn: pulumi.Output[str] = field(metadata=stack_output("taskDefinitionArn"))
    task_definition_family: pulumi.Output[str] = field(metadata=stack_output("taskDefinitionFamily"))
    app_log_group_name: pulumi.Output[str] = field(metadata=stack_output("appLogGroupName"))
    ecr_repository_url: pulumi.Output[str] = field(metadata=stack_output("ecrRepositoryUrl"))
    ecr_repository_arn: pulumi.Output[str] = field(metadata=stack_output("ecrRepositoryArn"))
    target_group_arns: Sequence[pulumi.Output[str]] = field(metadata=stack_output("targetGroupArns"))
    # Production (blue) first, then the alternate (green) target group.
    target_group_arn_suffixes: Sequence[pulumi.Output[str]] = field(metadata=stack_output("targetGroupArnSuffixes"))
    https_listener_arn: pulumi.Output[str] = field(metadata=stack_output("httpsListenerArn"))
    test_listener_arn: pulumi.Output[str] = field(metadata=stack_output("testListenerArn"))
    alb_security_group_id: pulumi.Output[str] = field(metadata=stack_output("albSecurityGroupId"))
    task_security_group_id: pulumi.Output[str] = field(metadata=stack_output("taskSecurityGroupId"))
    task_role_arn: pulumi.Output[str] = field(metadata=stack_output("taskRoleArn"))
    execution_role_arn: pulumi.Output[str] = field(metadata=stack_output("executionRoleArn"))
    certificate_arn: pulumi.Output[str] = field(metadata=stack_output("certificateArn"))
    deployment_alarm_names: Sequence[pulumi.Output[str]] = field(metadata=stack_output("deploymentAlarmNames"))
    # Wiring only: the ECS deployment alarms' ARNs (shown on the dashboard, not duplicated), the ECR
    # repository's name, and the architecture the task definition runs on (the build must produce it).
    deployment_alarm_arns: Sequence[pulumi.Output[str]]
    ecr_repository_name: pulumi.Output[str]
    task_cpu_architecture: pulumi.Output[str | None]  # None: the task definition names no platform
