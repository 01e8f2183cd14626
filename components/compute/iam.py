"""IAM: task execution role, task role, and the ECS infrastructure role for blue/green traffic shifts.

Least privilege: no ``*`` action; every resource an exact ARN. The only ``Resource: "*"`` statements
are for actions that support no resource-level permissions (commented where they appear).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component
from components.iam import policy_document, trust_policy

# DynamoDB actions the backend calls (repository layer: CRUD, queries by key/index, batches,
# transactional condition checks). No Scan: every access pattern is served by a key or an index.
DYNAMODB_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
# Client-side use of the table CMK (DynamoDB calls KMS on the caller's behalf).
DATA_KEY_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")
ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
# ECS Exec: the SSM agent in the task opens its channels through ssmmessages.
EXEC_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
ECS_LB_INFRASTRUCTURE_POLICY = "AmazonECSInfrastructureRolePolicyForLoadBalancers"


def secret_resource(arn: str) -> str:
    """The IAM resource of a container secret: a Secrets Manager ``valueFrom`` may carry
    ``:json-key:version-stage:version-id`` after the secret ARN; IAM wants the secret ARN itself."""
    parts = arn.split(":")
    if parts[2] == "secretsmanager":
        return ":".join(parts[:7])
    return arn


def _trust(c: Component, service: str) -> pulumi.Output[str]:
    """Trust ``service`` only on behalf of this account's ECS resources (confused-deputy guard)."""
    return trust_policy(
        service,
        {
            "StringEquals": {"aws:SourceAccount": c.ctx.account_id},
            "ArnLike": {"aws:SourceArn": c.ctx.arn("ecs", "*")},
        },
    )


def execution_role(
    c: Component,
    repository_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
    secrets: Mapping[str, str],
) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
    """Pull from this repository, write to this log group, read only the listed secrets."""
    role = aws.iam.Role(
        c.child_name("execution-role"),
        description="ECS task execution: pull the backend image, write its logs, read its secrets",
        assume_role_policy=_trust(c, "ecs-tasks.amazonaws.com"),
        tags=c.tags,
        opts=c.opts(),
    )
    statements: list[Mapping[str, Any]] = [
        # ecr:GetAuthorizationToken supports no resource-level permissions: "*" is the only valid Resource.
        {"Sid": "EcrAuth", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "EcrPull", "Effect": "Allow", "Action": list(ECR_PULL_ACTIONS), "Resource": repository_arn},
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": pulumi.Output.concat(log_group_arn, ":log-stream:*"),
        },
    ]
    sm = sorted({secret_resource(a) for a in secrets.values() if ":secretsmanager:" in a})
    ssm = sorted({a for a in secrets.values() if ":ssm:" in a})
    if sm:
        statements.append(
            {"Sid": "Secrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": sm}
        )
    if ssm:
        statements.append({"Sid": "Parameters", "Effect": "Allow", "Action": "ssm:GetParameters", "Resource": ssm})
    policy = aws.iam.RolePolicy(
        c.child_name("execution-policy"), role=role.id, policy=policy_document(*statements), opts=c.opts()
    )
    return role, policy


def task_role(
    c: Component,
    table_arns: Sequence[pulumi.Input[str]],
    index_arns: Sequence[pulumi.Input[str]],
    data_key_arn: pulumi.Input[str],
    enable_execute_command: bool,
) -> tuple[aws.iam.Role, aws.iam.RolePolicy | None]:
    """What the backend itself may do: its DynamoDB tables/indexes, the table key, and ECS Exec if on
    (no policy when none applies)."""
    role = aws.iam.Role(
        c.child_name("task-role"),
        description="BudgetBuddy backend: DynamoDB tables and indexes, the table CMK",
        assume_role_policy=_trust(c, "ecs-tasks.amazonaws.com"),
        tags=c.tags,
        opts=c.opts(),
    )
    statements: list[Mapping[str, Any]] = []
    if table_arns or index_arns:
        statements += [
            {
                "Sid": "Tables",
                "Effect": "Allow",
                "Action": list(DYNAMODB_ACTIONS),
                "Resource": [*table_arns, *index_arns],
            },
            {
                # Only through DynamoDB, in this region: the data key's policy admits account principals
                # solely with this kms:ViaService (components/kms.py), so both sides agree and the task
                # cannot use the key directly (e.g. to decrypt exported data).
                "Sid": "TableKey",
                "Effect": "Allow",
                "Action": list(DATA_KEY_ACTIONS),
                "Resource": data_key_arn,
                "Condition": {"StringEquals": {"kms:ViaService": f"dynamodb.{c.ctx.region}.amazonaws.com"}},
            },
        ]
    if enable_execute_command:
        # ssmmessages:* channel actions support no resource-level permissions: "*" is required.
        statements.append({"Sid": "EcsExec", "Effect": "Allow", "Action": list(EXEC_ACTIONS), "Resource": "*"})
    if not statements:
        # A service given no tables (docs/package.md) gets a task role without permissions: a policy
        # needs at least one statement.
        return role, None
    policy = aws.iam.RolePolicy(
        c.child_name("task-policy"), role=role.id, policy=policy_document(*statements), opts=c.opts()
    )
    return role, policy


def infrastructure_role(c: Component) -> tuple[aws.iam.Role, aws.iam.RolePolicyAttachment]:
    """The role ECS assumes to shift ALB traffic between the blue and green target groups."""
    role = aws.iam.Role(
        c.child_name("ecs-infrastructure-role"),
        description="ECS blue/green: modify the listener rules and target groups of the backend",
        assume_role_policy=policy_document(
            {
                "Sid": "AllowAccessToECSForInfrastructureManagement",
                "Effect": "Allow",
                "Principal": {"Service": "ecs.amazonaws.com"},
                # As documented by AWS for this role (no condition keys are documented for it).
                "Action": "sts:AssumeRole",
            }
        ),
        tags=c.tags,
        opts=c.opts(),
    )
    # The AWS managed policy is the documented permission set for ECS-managed load balancer
    # changes during blue/green; AWS keeps it in step with the deployment controller.
    attachment = aws.iam.RolePolicyAttachment(
        c.child_name("ecs-infrastructure-lb"),
        role=role.name,
        policy_arn=f"arn:{c.ctx.partition}:iam::aws:policy/{ECS_LB_INFRASTRUCTURE_POLICY}",
        opts=c.opts(),
    )
    return role, attachment
