"""Wire the components of one stack together; returns the stack outputs (docs/outputs.md).

Data flows one way: StackConfig -> components (each takes ``cfg`` as its own settings type, and
the outputs of the ones before it as its inputs) -> stack outputs. Each section below is one component.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import StackContext
from components.compute import ComputeInputs, ComputeService
from components.config.schema import StackConfig
from components.data import DataInputs, DataTables
from components.edge import Edge, EdgeInputs
from components.naming import Naming
from components.network import Network
from components.network.contract import NetworkInputs
from components.observability import Alerting, AlertingInputs, Observability, ObservabilityInputs
from components.pipeline import Pipeline, PipelineInputs
from components.security import Security
from components.security.contract import SecurityInputs


def build(cfg: StackConfig) -> dict[str, Any]:
    ctx = StackContext(
        naming=Naming.from_config(cfg),
        account_id=aws.get_caller_identity_output().account_id,
        region=cfg.region,
    )
    outputs: dict[str, Any] = {"environment": cfg.environment, "region": cfg.region}

    # --- security: KMS keys, log bucket, CloudTrail, GuardDuty, Security Hub --------------
    security = Security("security", cfg, SecurityInputs(), ctx)
    outputs.update(security.stack_outputs())
    # --- network: awsx VPC, flow logs, endpoints -----------------------------------------
    network = Network("network", cfg, NetworkInputs(flow_log_key_arn=security.keys.logs.arn), ctx)
    outputs.update(network.stack_outputs())
    # --- data: DynamoDB tables, AWS Backup -----------------------------------------------
    data = DataTables("data", cfg, DataInputs(kms_key_arn=security.keys.data.arn), ctx)
    outputs.update(data.stack_outputs())
    # --- alerting: SNS alarm topic, email and PagerDuty subscriptions --------------------
    alerting = Alerting("alerting", cfg, AlertingInputs(messaging_key_arn=security.keys.messaging.arn), ctx)
    outputs.update(alerting.stack_outputs())
    # --- compute: ECR, ECS cluster/service, ALB, autoscaling -----------------------------
    compute = ComputeService(
        "compute",
        cfg,
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
        cfg,
        EdgeInputs(alb_arn=compute.alb.arn, logs_key_arn=security.keys.logs.arn),
        ctx,
    )
    outputs.update(edge.stack_outputs())
    # --- observability: alarms, dashboards, log archive, budget --------------------------
    observability = Observability(
        "observability",
        cfg,
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
            web_acl_name=edge.web_acl.name,
            waf_rule_names=edge.rule_metric_names,
        ),
        ctx,
    )
    outputs.update(observability.stack_outputs())
    # --- pipeline: CodePipeline, CodeBuild -----------------------------------------------
    pipeline = Pipeline(
        "pipeline",
        cfg,
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
