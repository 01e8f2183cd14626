"""The Pipeline contract: what it takes from other components (PipelineInputs) and what it gives
(PipelineOutputs).

Inputs hold only outputs of other components (literal strings in tests); settings come from
``PipelineSettings``, names from ``ctx.naming``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.alarms import AlertRoutes
from components.outputs import stack_output


@dataclass(frozen=True)
class PipelineInputs:
    """Outputs of the upstream components the pipeline builds for and deploys to.

    repository_*: the ECR repository images are pushed to. cluster_* / service_*: the ECS
    service the deploy action updates (an ECS service's id is its ARN). task_role_arn /
    execution_role_arn: the only roles the deploy action may pass (to ecs-tasks). task_cpu_architecture: the
    task definition's runtime_platform.cpu_architecture ("ARM64"). alert_routes: the topics
    failures, successes and approval requests go to (components/pipeline/notifications.py). storage_key_arn: CMK of the artifact bucket, the build artifacts and
    ECR. logs_key_arn: CMK of the build log group. log_bucket_name: the S3 access-log bucket.
    alarm_topic_key_arn: the CMK the alert topics are encrypted with, if any: the pipeline role
        publishes approval requests to the approval topic and then needs that key.
    """

    repository_url: pulumi.Input[str]
    repository_arn: pulumi.Input[str]
    repository_name: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    service_arn: pulumi.Input[str]
    task_role_arn: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    task_cpu_architecture: pulumi.Input[str | None]
    alert_routes: AlertRoutes
    storage_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    log_bucket_name: pulumi.Input[str]
    alarm_topic_key_arn: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class PipelineOutputs:
    """What Pipeline gives the stack (docs/outputs.md, "## Pipeline")."""

    pipeline_name: pulumi.Output[str] = field(metadata=stack_output("pipelineName"))
    pipeline_arn: pulumi.Output[str] = field(metadata=stack_output("pipelineArn"))
    build_project_name: pulumi.Output[str] = field(metadata=stack_output("buildProjectName"))
