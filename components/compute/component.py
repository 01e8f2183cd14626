"""ComputeService: ECR, ECS Fargate (ARM64) behind an ALB, native blue/green or canary, autoscaling."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.compute.alarms import error_rate_alarm, unhealthy_hosts_alarm
from components.compute.autoscaling import build_autoscaling
from components.compute.certificate import build_alias, build_certificate
from components.compute.cluster import build_cluster
from components.compute.contract import ComputeInputs
from components.compute.iam import execution_role, infrastructure_role, task_role
from components.compute.loadbalancer import build_load_balancer
from components.compute.network import build_security_groups
from components.compute.registry import build_registry
from components.compute.service import build_service
from components.compute.settings import ComputeSettings
from components.compute.task import build_log_group, build_task_definition


class ComputeService(Component):
    """The backend's compute layer (docs/decisions.md "Compute").

    Attributes: ``repository``, ``lifecycle_policy``, ``cluster``, ``capacity_providers``, ``log_group``,
    ``task_definition``, ``execution_role``, ``task_role``, ``infrastructure_role``, ``alb``,
    ``alb_security_group``, ``task_security_group``, ``blue_target_group``, ``green_target_group``,
    ``https_listener``, ``http_listener``, ``test_listener``, ``production_rule``, ``test_rule``,
    ``certificate`` / ``certificate_validation`` / ``alias_record`` (None with an existing ARN),
    ``certificate_arn``, ``service``, ``scaling_target``, ``scaling_policies``, ``deployment_alarms``.
    """

    def __init__(
        self,
        name: str,
        settings: ComputeSettings,
        inputs: ComputeInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:compute:ComputeService", name, ctx, opts)
        self.settings = settings

        self.repository, self.lifecycle_policy = build_registry(self, settings, inputs)
        self.cluster, self.capacity_providers = build_cluster(self, settings)
        self.log_group = build_log_group(self, settings, inputs)

        self.execution_role, self.execution_policy = execution_role(
            self, self.repository.arn, self.log_group.arn, settings.container_secrets
        )
        self.task_role, self.task_policy = task_role(
            self, inputs.table_arns, inputs.index_arns, inputs.data_key_arn, settings.enable_execute_command
        )
        self.infrastructure_role, self.infrastructure_attachment = infrastructure_role(self)
        self.task_definition = build_task_definition(
            self, settings, self.repository.repository_url, self.log_group, self.execution_role, self.task_role
        )

        groups = build_security_groups(self, settings, inputs)
        self.alb_security_group, self.task_security_group = groups.alb, groups.task
        self.security_group_rules = groups.rules

        self.certificate_arn, self.certificate, self.certificate_validation = build_certificate(self, settings)
        lb = build_load_balancer(self, settings, inputs, groups.alb, self.certificate_arn)
        self.alb = lb.alb
        self.blue_target_group, self.green_target_group = lb.blue, lb.green
        self.https_listener, self.http_listener, self.test_listener = (
            lb.https_listener,
            lb.http_listener,
            lb.test_listener,
        )
        self.production_rule, self.test_rule = lb.production_rule, lb.test_rule
        self.alias_record = build_alias(self, settings, lb.alb.dns_name, lb.alb.zone_id)

        self.deployment_alarms: list[aws.cloudwatch.MetricAlarm] = [
            error_rate_alarm(self, settings, lb.alb.arn_suffix, inputs.alarm_topic_arn),
            *(
                unhealthy_hosts_alarm(self, color, lb.alb.arn_suffix, tg.arn_suffix, inputs.alarm_topic_arn)
                for color, tg in (("blue", lb.blue), ("green", lb.green))
            ),
        ]

        self.service = build_service(
            self,
            settings,
            cluster_arn=self.cluster.arn,
            task_definition_arn=self.task_definition.arn,
            private_subnet_ids=inputs.private_subnet_ids,
            task_security_group_id=groups.task.id,
            lb=lb,
            infrastructure_role_arn=self.infrastructure_role.arn,
            alarm_names=[a.name for a in self.deployment_alarms],
            # Capacity providers must be on the cluster, the infrastructure role must carry its
            # policy, and the SG rules must exist before ECS places tasks and shifts traffic.
            depends_on=[
                self.capacity_providers,
                self.infrastructure_attachment,
                self.execution_policy,
                self.task_policy,
                lb.https_listener,
                lb.test_listener,
                *groups.rules,
            ],
        )
        self.scaling_target, self.scaling_policies = build_autoscaling(
            self, settings, self.cluster.name, self.service.name
        )

        self.register_outputs(self.stack_outputs())

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Compute")."""
        return {
            "albDnsName": self.alb.dns_name,
            "albArn": self.alb.arn,
            "albArnSuffix": self.alb.arn_suffix,
            "clusterName": self.cluster.name,
            "clusterArn": self.cluster.arn,
            "serviceName": self.service.name,
            "serviceArn": self.service.id,
            "containerName": self.naming.container,
            "taskDefinitionArn": self.task_definition.arn,
            "taskDefinitionFamily": self.task_definition.family,
            "appLogGroupName": self.log_group.name,
            "ecrRepositoryUrl": self.repository.repository_url,
            "ecrRepositoryArn": self.repository.arn,
            "targetGroupArns": [self.blue_target_group.arn, self.green_target_group.arn],
            "targetGroupArnSuffixes": [self.blue_target_group.arn_suffix, self.green_target_group.arn_suffix],
            "httpsListenerArn": self.https_listener.arn,
            "testListenerArn": self.test_listener.arn,
            "albSecurityGroupId": self.alb_security_group.id,
            "taskSecurityGroupId": self.task_security_group.id,
            "taskRoleArn": self.task_role.arn,
            "executionRoleArn": self.execution_role.arn,
            "certificateArn": self.certificate_arn,
            "deploymentAlarmNames": [a.name for a in self.deployment_alarms],
        }
