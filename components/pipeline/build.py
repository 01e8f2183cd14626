"""Build stage: CodeBuild on an ARM (aarch64) image builds, tags and pushes the backend image.

The buildspec is the file ``pipeline/buildspec.yml`` in this repository, read when the program
runs and embedded in the project, so a change to it is reviewed and previewed like any code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pulumi
import pulumi_aws as aws
import yaml

from components.pipeline.source import SOURCE_ARTIFACT, SOURCE_NAMESPACE

BUILD_ARTIFACT = "image"
BUILD_NAMESPACE = "BuildVariables"
IMAGE_DEFINITIONS = "imagedefinitions.json"


class BuildspecError(ValueError):
    """The buildspec cannot produce what the deploy action needs."""


def load_buildspec(path: Path, platform: str) -> str:
    """The buildspec text, checked for what the pipeline relies on."""
    text = path.read_text()
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BuildspecError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict) or "phases" not in doc:
        raise BuildspecError(f"{path}: a buildspec needs 'version' and 'phases'")
    if not re.search(rf"--platform[ =]{re.escape(platform)}\b", text):
        raise BuildspecError(
            f"{path}: docker build must use --platform {platform} (the task definition's architecture); "
            "an image for another architecture fails with 'exec format error'"
        )
    files = (doc.get("artifacts") or {}).get("files") or []
    if IMAGE_DEFINITIONS not in files:
        raise BuildspecError(
            f"{path}: artifacts.files must contain {IMAGE_DEFINITIONS} (the ECS deploy action reads it)"
        )
    return text


# The commit the Source action fetched, as a pipeline variable (CodeStarSourceConnection output
# variable CommitId, the full SHA-1). CODEBUILD_RESOLVED_SOURCE_VERSION under CodePipeline is only
# "the source revision provided by CodePipeline" (CodeBuild Build.resolvedSourceVersion), so the
# image tag is taken from the documented variable instead.
COMMIT_ID_VARIABLE = f"#{{{SOURCE_NAMESPACE}.CommitId}}"


def build_action(project_name: pulumi.Input[str]) -> aws.codepipeline.PipelineStageActionArgsDict:
    return {
        "name": "Build",
        "category": "Build",
        "owner": "AWS",
        "provider": "CodeBuild",
        "version": "1",
        "namespace": BUILD_NAMESPACE,
        "input_artifacts": [SOURCE_ARTIFACT],
        "output_artifacts": [BUILD_ARTIFACT],
        "configuration": {
            "ProjectName": project_name,
            "EnvironmentVariables": json.dumps(
                [{"name": "COMMIT_ID", "value": COMMIT_ID_VARIABLE, "type": "PLAINTEXT"}], separators=(",", ":")
            ),
        },
    }


def deploy_action(
    cluster_name: pulumi.Input[str], service_name: pulumi.Input[str]
) -> aws.codepipeline.PipelineStageActionArgsDict:
    """The ECS (standard) deploy action: registers a revision with the new image and updates the
    service; the service's deployment strategy (BLUE_GREEN or CANARY) shifts the traffic."""
    return {
        "name": "Deploy",
        "category": "Deploy",
        "owner": "AWS",
        "provider": "ECS",
        "version": "1",
        "input_artifacts": [BUILD_ARTIFACT],
        "configuration": {
            "ClusterName": cluster_name,
            "ServiceName": service_name,
            "FileName": IMAGE_DEFINITIONS,
        },
    }


def approval_action(
    topic_arn: pulumi.Input[str], service_name: pulumi.Input[str]
) -> aws.codepipeline.PipelineStageActionArgsDict:
    return {
        "name": "Approve",
        "category": "Approval",
        "owner": "AWS",
        "provider": "Manual",
        "version": "1",
        "configuration": {
            "NotificationArn": topic_arn,
            "CustomData": pulumi.Output.concat(
                "Approve deploying commit #{SourceVariables.CommitId} to ", service_name, "."
            ),
        },
    }
