"""Source stage: the application's GitHub repository through a CodeStar (CodeConnections) connection.

A connection created here starts PENDING: someone must approve it once in the console
(Developer Tools > Settings > Connections > Update pending connection) before the first run;
docs/pipeline.md has the steps. With ``codestarConnectionArn`` set, an existing, already
available connection is used instead and nothing is created.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

SOURCE_ACTION = "Source"
SOURCE_ARTIFACT = "source"
SOURCE_NAMESPACE = "SourceVariables"


def create_connection(
    resource_name: str, name: str, tags: dict[str, str], opts: pulumi.ResourceOptions
) -> aws.codestarconnections.Connection:
    return aws.codestarconnections.Connection(
        resource_name,
        name=name,
        provider_type="GitHub",
        tags=tags,
        opts=opts,
    )


def source_action(
    connection_arn: pulumi.Input[str], repository: str, branch: str
) -> aws.codepipeline.PipelineStageActionArgsDict:
    return {
        "name": SOURCE_ACTION,
        "category": "Source",
        "owner": "AWS",
        "provider": "CodeStarSourceConnection",
        "version": "1",
        "namespace": SOURCE_NAMESPACE,
        "output_artifacts": [SOURCE_ARTIFACT],
        "configuration": {
            "ConnectionArn": connection_arn,
            "FullRepositoryId": repository,
            "BranchName": branch,
            # A zip of the commit: the build needs the files, not the git history.
            "OutputArtifactFormat": "CODE_ZIP",
        },
    }


def push_trigger(branch: str) -> aws.codepipeline.PipelineTriggerArgsDict:
    """V2 trigger: run on pushes to the configured branch only."""
    return {
        "provider_type": "CodeStarSourceConnection",
        "git_configuration": {
            "source_action_name": SOURCE_ACTION,
            "pushes": [{"branches": {"includes": [branch]}}],
        },
    }
