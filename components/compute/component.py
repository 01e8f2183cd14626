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
from components.compute.contract import ComputeInputs, ComputeOutputs
from components.compute.iam import execution_role, infrastructure_role, task_role
from components.compute.loadbalancer import build_load_balancer
from components.compute.network import build_security_groups
from components.compute.registry import build_registry
from components.compute.service import build_service
from components.compute.settings import ComputeSettings
from components.compute.task import build_log_group, build_task_definition
from components.outputs import exported


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
            error_rate_alarm(self, settings, lb.alb.arn_suffix, inputs.alert_routes),
            *(
                unhealthy_hosts_alarm(self, color, lb.alb.arn_suffix, tg.arn_suffix, inputs.alert_routes)
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
                *([self.task_policy] if self.task_policy is not None else []),
                lb.https_listener,
                lb.test_listener,
                *groups.rules,
            ],
        )
        self.scaling_target, self.scaling_policies = build_autoscaling(
            self, settings, self.cluster.name, self.service.name
        )

        self.outputs = ComputeOutputs(
            alb_dns_name=self.alb.dns_name,
            alb_arn=self.alb.arn,
            alb_arn_suffix=self.alb.arn_suffix,
            cluster_name=self.cluster.name,
            cluster_arn=self.cluster.arn,
            service_name=self.service.name,
            service_arn=self.service.id,
            container_name=self.naming.container,
            task_definition_arn=self.task_definition.arn,
            task_definition_family=self.task_definition.family,
            app_log_group_name=self.log_group.name,
            ecr_repository_url=self.repository.repository_url,
            ecr_repository_arn=self.repository.arn,
            target_group_arns=[self.blue_target_group.arn, self.green_target_group.arn],
            target_group_arn_suffixes=[self.blue_target_group.arn_suffix, self.green_target_group.arn_suffix],
            https_listener_arn=self.https_listener.arn,
            test_listener_arn=self.test_listener.arn,
            alb_security_group_id=self.alb_security_group.id,
            task_security_group_id=self.task_security_group.id,
            task_role_arn=self.task_role.arn,
            execution_role_arn=self.execution_role.arn,
            certificate_arn=self.certificate_arn,
            deployment_alarm_names=[a.name for a in self.deployment_alarms],
            deployment_alarm_arns=[a.arn for a in self.deployment_alarms],
            ecr_repository_name=self.repository.name,
            # Read from the task definition itself: the build must produce this architecture.
            task_cpu_architecture=self.task_definition.runtime_platform.apply(
                lambda p: p.cpu_architecture if p is not None else None
            ),
        )
        self.register_outputs(self.stack_outputs())

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Compute")."""
        return exported(self.outputs)
