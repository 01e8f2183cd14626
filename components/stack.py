"""Wire the components of one stack together; returns the stack outputs (docs/outputs.md).

Data flows one way: StackConfig -> components (each takes ``cfg`` as its own settings type, and the
typed outputs of the ones before it as its inputs) -> stack outputs, built from each component's
outputs object (components/outputs.py). Each section below is one component.
"""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws

from components.base import StackContext
from components.compute import ComputeInputs, ComputeOutputs, ComputeService
from components.config.schema import StackConfig
from components.data import DataInputs, DataOutputs, DataTables
from components.edge import Edge, EdgeInputs, EdgeOutputs
from components.naming import Naming
from components.network import Network, NetworkInputs, NetworkOutputs
from components.observability import (
    Alerting,
    AlertingInputs,
    AlertingOutputs,
    Observability,
    ObservabilityInputs,
    ObservabilityOutputs,
)
from components.outputs import StackIdentityOutputs, exported
from components.pipeline import Pipeline, PipelineInputs, PipelineOutputs
from components.security import Security, SecurityInputs, SecurityOutputs

# The outputs objects the stack outputs are built from, in build order (docs/outputs.contract.json is
# generated from their fields by tools/gen_outputs_contract.py).
OUTPUT_TYPES: tuple[type, ...] = (
    StackIdentityOutputs,
    SecurityOutputs,
    NetworkOutputs,
    DataOutputs,
    AlertingOutputs,
    ComputeOutputs,
    EdgeOutputs,
    ObservabilityOutputs,
    PipelineOutputs,
)


def build(cfg: StackConfig) -> dict[str, Any]:
    ctx = StackContext(
        naming=Naming.from_config(cfg),
        account_id=aws.get_caller_identity_output().account_id,
        region=cfg.region,
    )
    outputs = exported(StackIdentityOutputs(environment=cfg.environment, region=cfg.region))

    # --- security: KMS keys, log bucket, CloudTrail, GuardDuty, Security Hub --------------
    security = Security("security", cfg, SecurityInputs(), ctx).outputs
    outputs.update(exported(security))
    # --- network: awsx VPC, flow logs, endpoints -----------------------------------------
    network = Network("network", cfg, NetworkInputs(flow_log_key_arn=security.logs_key_arn), ctx).outputs
    outputs.update(exported(network))
    # --- data: DynamoDB tables, AWS Backup -----------------------------------------------
    data = DataTables("data", cfg, DataInputs(kms_key_arn=security.data_key_arn), ctx).outputs
    outputs.update(exported(data))
    # --- alerting: a topic per route (page, alert, notice), email and PagerDuty ----------
    alerting = Alerting("alerting", cfg, AlertingInputs(messaging_key_arn=security.messaging_key_arn), ctx).outputs
    outputs.update(exported(alerting))
    # --- compute: ECR, ECS cluster/service, ALB, autoscaling -----------------------------
    compute = ComputeService(
        "compute",
        cfg,
        ComputeInputs(
            vpc_id=network.vpc_id,
            public_subnet_ids=network.public_subnet_ids,
            private_subnet_ids=network.private_subnet_ids,
            test_listener_cidrs=network.nat_public_cidrs,
            logs_key_arn=security.logs_key_arn,
            storage_key_arn=security.storage_key_arn,
            data_key_arn=security.data_key_arn,
            log_bucket_name=security.writable_log_bucket_name,
            table_arns=data.table_arns,
            index_arns=data.index_arns,
            alert_routes=alerting.routes,
        ),
        ctx,
    ).outputs
    outputs.update(exported(compute))
    # --- edge: WAF web ACL on the ALB, its request log -----------------------------------
    edge = Edge("edge", cfg, EdgeInputs(alb_arn=compute.alb_arn, logs_key_arn=security.logs_key_arn), ctx).outputs
    outputs.update(exported(edge))
    # --- observability: alarms, dashboards, log archive, budget --------------------------
    observability = Observability(
        "observability",
        cfg,
        ObservabilityInputs(
            routes=alerting.routes,
            cluster_name=compute.cluster_name,
            service_name=compute.service_name,
            alb_arn_suffix=compute.alb_arn_suffix,
            target_group_arn_suffixes=compute.target_group_arn_suffixes,
            table_names=data.table_names,
            app_log_group_name=compute.app_log_group_name,
            trail_log_group_name=security.trail_log_group_name,
            logs_key_arn=security.logs_key_arn,
            storage_key_arn=security.storage_key_arn,
            log_bucket_name=security.log_bucket_name,
            backup_vault_name=data.backup_vault_name,
            deployment_alarm_arns=compute.deployment_alarm_arns,  # shown, not duplicated
            web_acl_name=edge.web_acl_name,
            waf_rule_names=edge.waf_rule_names,
        ),
        ctx,
    ).outputs
    outputs.update(exported(observability))
    # --- pipeline: CodePipeline, CodeBuild -----------------------------------------------
    pipeline = Pipeline(
        "pipeline",
        cfg,
        PipelineInputs(
            repository_url=compute.ecr_repository_url,
            repository_arn=compute.ecr_repository_arn,
            repository_name=compute.ecr_repository_name,
            cluster_name=compute.cluster_name,
            service_name=compute.service_name,
            cluster_arn=compute.cluster_arn,
            service_arn=compute.service_arn,
            task_role_arn=compute.task_role_arn,
            execution_role_arn=compute.execution_role_arn,
            task_cpu_architecture=compute.task_cpu_architecture,
            alert_routes=alerting.routes,
            alarm_topic_key_arn=security.messaging_key_arn,
            storage_key_arn=security.storage_key_arn,
            logs_key_arn=security.logs_key_arn,
            log_bucket_name=security.log_bucket_name,
        ),
        ctx,
    ).outputs
    outputs.update(exported(pipeline))
    return outputs
