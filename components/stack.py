"""Wire the components of one stack together; returns the stack outputs (docs/outputs.md).

Data flows one way: StackConfig -> components (each takes its typed args and the outputs of
the ones before it) -> stack outputs. Each section below is one component.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import StackContext
from components.compute import ComputeArgs, ComputeInputs, ComputeService
from components.config import StackConfig
from components.data import DataArgs, DataTables
from components.edge import Edge, EdgeArgs, EdgeInputs
from components.naming import Naming
from components.network import Network, NetworkArgs
from components.observability import (
    Alerting,
    AlertingArgs,
    Observability,
    ObservabilityArgs,
    ObservabilityInputs,
)
from components.pipeline import Pipeline, PipelineArgs, PipelineInputs
from components.security import Security, SecurityArgs


def build(cfg: StackConfig) -> dict[str, Any]:
    ctx = StackContext(
        naming=Naming.from_config(cfg),
        account_id=aws.get_caller_identity_output().account_id,
        region=cfg.region,
    )
    outputs: dict[str, Any] = {"environment": cfg.environment, "region": cfg.region}

    # --- security: KMS keys, log bucket, CloudTrail, GuardDuty, Security Hub --------------
    security = Security("security", SecurityArgs.from_config(cfg), ctx)
    outputs.update(security.stack_outputs())
    # --- network: awsx VPC, flow logs, endpoints -----------------------------------------
    network = Network("network", NetworkArgs.from_config(cfg), ctx, flow_log_key_arn=security.keys.logs.arn)
    outputs.update(network.stack_outputs())
    # --- data: DynamoDB tables, AWS Backup -----------------------------------------------
    data = DataTables("data", DataArgs.from_config(cfg), ctx, kms_key_arn=security.keys.data.arn)
    outputs.update(data.stack_outputs())
    # --- alerting: SNS alarm topic, email and PagerDuty subscriptions --------------------
    alerting = Alerting("alerting", AlertingArgs.from_config(cfg), ctx, messaging_key_arn=security.keys.messaging.arn)
    outputs.update(alerting.stack_outputs())
    # --- compute: ECR, ECS cluster/service, ALB, autoscaling -----------------------------
    compute = ComputeService(
        "compute",
        ComputeArgs.from_config(cfg),
        ComputeInputs(
            vpc_id=network.vpc_id,
            public_subnet_ids=network.public_subnet_ids,
            private_subnet_ids=network.private_subnet_ids,
            test_listener_cidrs=[pulumi.Output.concat(ip, "/32") for ip in network.nat_public_ips],
            logs_key_arn=security.keys.logs.arn,
            storage_key_arn=security.keys.storage.arn,
            data_key_arn=security.keys.data.arn,
            # ELB checks write access when access logs are enabled: wait for the bucket policy.
            log_bucket_name=pulumi.Output.all(security.log_bucket.name, security.log_bucket.policy.id).apply(
                lambda v: v[0]
            ),
            table_arns=data.table_arns,
            index_arns=data.index_arns,
            alarm_topic_arn=alerting.topic.arn,
        ),
        ctx,
    )
    outputs.update(compute.stack_outputs())
    # --- edge: WAF web ACL on the ALB, its request log -----------------------------------
    edge = Edge(
        "edge",
        EdgeArgs.from_config(cfg),
        EdgeInputs(alb_arn=compute.alb.arn, logs_key_arn=security.keys.logs.arn),
        ctx,
    )
    outputs.update(edge.stack_outputs())
    # --- observability: alarms, dashboards, log archive, budget --------------------------
    observability = Observability(
        "observability",
        ObservabilityArgs.from_config(cfg),
        ObservabilityInputs(
            topic_arn=alerting.topic.arn,
            cluster_name=compute.cluster.name,
            service_name=compute.service.name,
            alb_arn_suffix=compute.alb.arn_suffix,
            target_group_arn_suffixes=(compute.blue_target_group.arn_suffix, compute.green_target_group.arn_suffix),
            table_names=data.table_names,
            app_log_group_name=compute.log_group.name,
            trail_log_group_name=security.trail_log_group.name,
            logs_key_arn=security.keys.logs.arn,
            storage_key_arn=security.keys.storage.arn,
            log_bucket_name=security.log_bucket.name,
            backup_vault_name=data.vault.name,
            deployment_alarm_arns=[a.arn for a in compute.deployment_alarms],  # shown, not duplicated
            min_capacity=cfg.min_capacity,
            max_capacity=cfg.max_capacity,
            guardduty_enabled=cfg.enable_guardduty,
            securityhub_enabled=cfg.enable_security_hub,
            web_acl_name=edge.web_acl.name,
            waf_rule_names=edge.rule_metric_names,
        ),
        ctx,
    )
    outputs.update(observability.stack_outputs())
    # --- pipeline: CodePipeline, CodeBuild -----------------------------------------------
    pipeline = Pipeline(
        "pipeline",
        PipelineArgs.from_config(cfg),
        PipelineInputs(
            repository_url=compute.repository.repository_url,
            repository_arn=compute.repository.arn,
            repository_name=compute.repository.name,
            cluster_name=compute.cluster.name,
            service_name=compute.service.name,
            cluster_arn=compute.cluster.arn,
            service_arn=compute.service.id,  # an ECS service's id is its ARN
            task_role_arn=compute.task_role.arn,
            execution_role_arn=compute.execution_role.arn,
            container_name=ctx.naming.container,
            # Read from the task definition itself: the build must produce this architecture.
            task_cpu_architecture=compute.task_definition.runtime_platform.apply(
                lambda p: p.cpu_architecture if p is not None else None
            ),
            alarm_topic_arn=alerting.topic.arn,
            alarm_topic_key_arn=security.keys.messaging.arn,
            storage_key_arn=security.keys.storage.arn,
            logs_key_arn=security.keys.logs.arn,
            log_bucket_name=security.log_bucket.name,
        ),
        ctx,
    )
    outputs.update(pipeline.stack_outputs())
    return outputs
