"""Pipeline component (runbook "Architecture Overview", CodePipeline; docs/pipeline.md): stages, source, build, storage and logs, notifications, outputs."""

from __future__ import annotations

import json

import pytest

from components.pipeline.settings import BUILDSPEC_PATH
from tests.harness import config_for
from tests.test_pipeline_helpers import (
    CONNECTION_TYPE,
    INPUTS,
    LOG_GROUP_TYPE,
    PIPELINE_TYPE,
    PROJECT_TYPE,
    RULE_TYPE,
    action,
    run_pipeline,
    stages,
)

EXISTING = "arn:aws:codeconnections:us-east-1:123456789012:connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


# --- 1. pipeline: V2, stages, source, build, deploy, approval ---------------------------


def test_pipeline_is_v2_with_source_build_deploy_in_order_without_approval_in_staging():
    r, _ = run_pipeline(config_for("staging", requireManualApproval=False))
    p = r.inputs(PIPELINE_TYPE)
    assert p["pipelineType"] == "V2"
    assert [s["name"] for s in stages(r)] == ["Source", "Build", "Deploy"]
    assert p["roleArn"].startswith("arn:aws:iam::123456789012:role/pipeline-role-")


def test_production_approval_stage_sits_between_build_and_deploy_and_notifies_the_approvers():
    r, _ = run_pipeline(config_for("production", requireManualApproval=True))
    assert [s["name"] for s in stages(r)] == ["Source", "Build", "Approval", "Deploy"]
    approve = action(r, "Approval")
    assert (approve["category"], approve["owner"], approve["provider"]) == ("Approval", "AWS", "Manual")
    # The approvers read the alert route (ops@budgetbuddy.com); never the paging topic (docs/alerts.md).
    assert approve["configuration"]["NotificationArn"] == INPUTS.alert_routes.alert
    assert "#{SourceVariables.CommitId}" in approve["configuration"]["CustomData"]


def test_source_uses_a_created_github_connection_pending_until_approved():
    r, held = run_pipeline(config_for("staging", githubRepository="acme/api", githubBranch="develop"))
    conn = r.inputs(CONNECTION_TYPE)
    assert conn["providerType"] == "GitHub"
    assert conn["name"] == "budgetbuddy-staging-github" and len(conn["name"]) <= 32
    src = action(r, "Source")
    assert (src["category"], src["owner"], src["provider"], src["version"]) == (
        "Source",
        "AWS",
        "CodeStarSourceConnection",
        "1",
    )
    cfg = src["configuration"]
    assert cfg["FullRepositoryId"] == "acme/api" and cfg["BranchName"] == "develop"
    assert cfg["OutputArtifactFormat"] == "CODE_ZIP"
    assert cfg["ConnectionArn"].startswith("arn:aws:codestar-connections:us-east-1:123456789012:connection/")
    # The ARN is the created connection's (the mock's ARN shape alone would not tell).
    assert f"{CONNECTION_TYPE}::pipeline-github" in r.sources(PIPELINE_TYPE, None, "stages")
    assert held["component"].connection is not None
    # V2 trigger: pushes to the configured branch only.
    (trigger,) = r.inputs(PIPELINE_TYPE)["triggers"]
    assert trigger["providerType"] == "CodeStarSourceConnection"
    assert trigger["gitConfiguration"]["sourceActionName"] == "Source"
    assert trigger["gitConfiguration"]["pushes"] == [{"branches": {"includes": ["develop"]}}]


def test_an_existing_connection_arn_from_config_creates_no_connection():
    r, held = run_pipeline(config_for("staging", codestarConnectionArn=EXISTING))
    assert not r.of_type(CONNECTION_TYPE)
    assert held["component"].connection is None
    assert action(r, "Source")["configuration"]["ConnectionArn"] == EXISTING


def test_connection_is_protected_in_production_and_replaced_delete_first():
    r, _ = run_pipeline(config_for("production", requireManualApproval=True))
    conn = r.one(CONNECTION_TYPE)
    assert conn["protect"] is True and conn["retainOnDelete"] is True and conn["deleteBeforeReplace"] is True


def test_build_action_feeds_the_ecs_deploy_action_with_imagedefinitions():
    r, _ = run_pipeline()
    build = action(r, "Build")
    assert (build["category"], build["provider"]) == ("Build", "CodeBuild")
    assert build["inputArtifacts"] == action(r, "Source")["outputArtifacts"]
    assert build["configuration"]["ProjectName"].startswith("pipeline-build-")
    # The image tag is the Source action's commit SHA, passed as a pipeline variable.
    assert action(r, "Source")["namespace"] == "SourceVariables"
    assert json.loads(build["configuration"]["EnvironmentVariables"]) == [
        {"name": "COMMIT_ID", "value": "#{SourceVariables.CommitId}", "type": "PLAINTEXT"}
    ]
    deploy = action(r, "Deploy")
    assert (deploy["category"], deploy["owner"], deploy["provider"], deploy["version"]) == (
        "Deploy",
        "AWS",
        "ECS",
        "1",
    )
    assert deploy["inputArtifacts"] == build["outputArtifacts"]
    assert deploy["configuration"] == {
        "ClusterName": INPUTS.cluster_name,
        "ServiceName": INPUTS.service_name,
        "FileName": "imagedefinitions.json",
    }


# --- 1/2. build project: ARM image, privileged for docker, buildspec from the repo ------------


def test_build_project_runs_the_repository_buildspec_on_an_arm_image():
    r, _ = run_pipeline(config_for("staging", buildComputeType="BUILD_GENERAL1_LARGE"))
    p = r.inputs(PROJECT_TYPE)
    env = p["environment"]
    assert env["type"] == "ARM_CONTAINER"
    assert env["image"] == "aws/codebuild/amazonlinux-aarch64-standard:3.0"
    assert env["computeType"] == "BUILD_GENERAL1_LARGE"
    assert env["privilegedMode"] is True
    variables = {v["name"]: v for v in env["environmentVariables"]}
    assert variables["REPOSITORY_URI"]["value"] == INPUTS.repository_url
    assert variables["CONTAINER_NAME"]["value"] == "backend"
    assert all(v["type"] == "PLAINTEXT" for v in variables.values())
    assert p["source"] == {"type": "CODEPIPELINE", "buildspec": BUILDSPEC_PATH.read_text()}
    assert p["artifacts"] == {"type": "CODEPIPELINE"}
    assert p["encryptionKey"] == INPUTS.storage_key_arn
    assert p["buildTimeout"] == 30


# --- 3. storage and logs ----------------------------------------------------------------------


def test_artifact_store_is_a_secure_bucket_with_the_storage_key_and_expiry():
    r, _ = run_pipeline(config_for("staging", artifactExpirationDays=14))
    (store,) = r.inputs(PIPELINE_TYPE)["artifactStores"]
    assert store["type"] == "S3" and store["location"].startswith("pipeline-artifacts-")
    assert r.sources(PIPELINE_TYPE, None, "artifactStores") == {"aws:s3/bucket:Bucket::pipeline-artifacts"}
    assert store["encryptionKey"] == {"id": INPUTS.storage_key_arn, "type": "KMS"}
    sse = r.inputs("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == INPUTS.storage_key_arn
    rule = r.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"][0]
    assert rule["status"] == "Enabled" and rule["expiration"] == {"days": 14}
    assert r.inputs("aws:s3/bucketLogging:BucketLogging")["targetBucket"] == INPUTS.log_bucket_name
    pab = r.inputs("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))


@pytest.mark.parametrize(("stack", "protected"), [("production", True), ("staging", False)])
def test_artifact_bucket_is_protected_in_production_only(stack, protected):
    r, _ = run_pipeline(config_for(stack, requireManualApproval=stack == "production"))
    bucket = r.one("aws:s3/bucket:Bucket")
    assert bucket["protect"] is protected
    assert bucket["inputs"]["forceDestroy"] is (not protected)


def test_build_logs_go_to_an_encrypted_log_group_with_retention():
    r, _ = run_pipeline(config_for("staging", logRetentionDays=14))
    group = r.one(LOG_GROUP_TYPE)
    assert group["inputs"]["retentionInDays"] == 14
    assert group["inputs"]["kmsKeyId"] == INPUTS.logs_key_arn
    logs = r.inputs(PROJECT_TYPE)["logsConfig"]
    assert logs["cloudwatchLogs"]["status"] == "ENABLED"
    assert logs["cloudwatchLogs"]["groupName"].startswith("pipeline-build-logs-")
    assert r.sources(PROJECT_TYPE, None, "logsConfig") == {f"{LOG_GROUP_TYPE}::pipeline-build-logs"}


# --- 5. notifications ---------------------------------------------------------------------------


def test_failures_mail_ops_and_successes_go_nowhere_that_pages():
    r, _ = run_pipeline()
    rules = {rule["inputs"]["name"]: rule["inputs"] for rule in r.of_type(RULE_TYPE)}
    failures = rules["budgetbuddy-staging-pipeline-failures"]
    successes = rules["budgetbuddy-staging-pipeline-successes"]
    assert failures["eventTypeIds"] == ["codepipeline-pipeline-pipeline-execution-failed"]
    assert failures["targets"] == [{"address": INPUTS.alert_routes.alert, "type": "SNS"}]
    assert successes["eventTypeIds"] == ["codepipeline-pipeline-pipeline-execution-succeeded"]
    assert successes["targets"] == [{"address": INPUTS.alert_routes.notice, "type": "SNS"}]
    for rule in rules.values():
        assert rule["resource"].startswith("arn:aws:codepipeline:us-east-1:123456789012:pipeline-pipeline-")
        assert rule["status"] == "ENABLED" and rule["detailType"] == "FULL"
        assert INPUTS.alert_routes.page not in {t["address"] for t in rule["targets"]}
    assert set(rules) == {"budgetbuddy-staging-pipeline-failures", "budgetbuddy-staging-pipeline-successes"}


# --- 6. outputs ---------------------------------------------------------------------------------


def test_stack_outputs_name_the_pipeline_and_the_build_project():
    r, _ = run_pipeline()
    assert set(r.outputs) == {"pipelineName", "pipelineArn", "buildProjectName"}
    assert r.outputs["pipelineName"].startswith("pipeline-pipeline-")
    assert r.outputs["pipelineArn"] == f"arn:aws:codepipeline:us-east-1:123456789012:{r.outputs['pipelineName']}"
    assert r.outputs["buildProjectName"] == action(r, "Build")["configuration"]["ProjectName"]
    assert {rule["inputs"]["resource"] for rule in r.of_type(RULE_TYPE)} == {r.outputs["pipelineArn"]}
    r.one("budgetbuddy:pipeline:Pipeline")


def test_every_taggable_resource_carries_the_standard_tags():
    r, _ = run_pipeline()
    for t in (PIPELINE_TYPE, PROJECT_TYPE, CONNECTION_TYPE, RULE_TYPE, LOG_GROUP_TYPE, "aws:iam/role:Role"):
        for res in r.of_type(t):
            assert res["inputs"]["tags"] == {"Environment": "staging", "Service": "budgetbuddy", "Team": "platform"}


def test_every_pipeline_key_reaches_the_settings():
    cfg = config_for(
        "staging",
        githubRepository="acme/api",
        githubBranch="release/1.2",
        codestarConnectionArn=EXISTING,
        requireManualApproval=True,
        artifactExpirationDays=7,
        logRetentionDays=60,
        buildComputeType="BUILD_GENERAL1_MEDIUM",
    )
    a = cfg
    assert (a.github_repository, a.github_branch, a.codestar_connection_arn, a.require_manual_approval) == (
        "acme/api",
        "release/1.2",
        EXISTING,
        True,
    )
    assert (a.artifact_expiration_days, a.log_retention_days, a.build_compute_type) == (7, 60, "BUILD_GENERAL1_MEDIUM")
