"""The delivery pipeline: GitHub -> CodeBuild (ARM64 image to ECR) -> [approval] -> ECS deploy."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.buckets import SecureBucket, SecureBucketArgs
from components.iam import policy_document
from components.outputs import exported
from components.pipeline import build, iam, notifications, source
from components.pipeline.contract import PipelineInputs, PipelineOutputs
from components.pipeline.settings import PLATFORMS, PipelineSettings


class Pipeline(Component):
    """CodePipeline V2 building the backend image on ARM64 and rolling it out through ECS.

    Attributes: ``pipeline``, ``build_project``, ``connection`` (None when an existing connection
    ARN is configured), ``artifact_bucket`` (SecureBucket), ``log_group``, ``pipeline_role``,
    ``build_role``, ``notification_rules`` (route -> rule).
    """

    def __init__(
        self,
        name: str,
        settings: PipelineSettings,
        inputs: PipelineInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Refuse an impossible build before anything registers.
        buildspec = self._checked_buildspec(name, settings, inputs)
        super().__init__("budgetbuddy:pipeline:Pipeline", name, ctx, opts)
        naming = ctx.naming

        # --- storage and logs ----------------------------------------------------------
        self.artifact_bucket = SecureBucket(
            self.child_name("artifacts"),
            SecureBucketArgs(
                kms_key_arn=inputs.storage_key_arn,
                access_log_bucket=inputs.log_bucket_name,
                expiration_days=settings.artifact_expiration_days,
                noncurrent_expiration_days=min(settings.artifact_expiration_days, 90),
                # Artifacts are rebuilt from git: a staging stack may be destroyed with them.
                force_destroy=not ctx.production,
            ),
            ctx,
            opts=self.opts(),
        )
        bucket_arn = self.artifact_bucket.arn
        self.log_group = aws.cloudwatch.LogGroup(
            self.child_name("build-logs"),
            retention_in_days=settings.log_retention_days,
            kms_key_id=inputs.logs_key_arn,
            tags=self.tags,
            opts=self.opts(),
        )

        # --- source connection -----------------------------------------------------------
        self.connection: aws.codestarconnections.Connection | None = None
        if settings.codestar_connection_arn is None:
            self.connection = source.create_connection(
                self.child_name("github"),
                naming.github_connection,
                self.tags,
                # Replacing it would need a new approval in the console: keep it in production.
                self.stateful_opts(delete_before_replace=True),
            )
            connection_arn: pulumi.Input[str] = self.connection.arn
        else:
            connection_arn = settings.codestar_connection_arn

        # --- build -------------------------------------------------------------------------
        self.build_role = aws.iam.Role(
            self.child_name("build-role"),
            description=f"CodeBuild role of the {naming.prefix} pipeline: push one ECR repository",
            assume_role_policy=iam.assume_role_policy("codebuild.amazonaws.com", ctx.account_id),
            tags=self.tags,
            opts=self.opts(),
        )
        build_policy = aws.iam.RolePolicy(
            self.child_name("build-policy"),
            role=self.build_role.id,
            policy=policy_document(
                *iam.build_statements(
                    bucket_arn=bucket_arn,
                    storage_key_arn=inputs.storage_key_arn,
                    log_group_arn=self.log_group.arn,
                    repository_arn=inputs.repository_arn,
                    region=ctx.region,
                )
            ),
            opts=self.opts(),
        )
        self.build_project = aws.codebuild.Project(
            self.child_name("build"),
            description=f"Builds the {self.naming.container} image for {settings.build_platform} and pushes it to ECR",
            service_role=self.build_role.arn,
            build_timeout=settings.build_timeout_minutes,
            encryption_key=inputs.storage_key_arn,
            source={"type": "CODEPIPELINE", "buildspec": buildspec},
            artifacts={"type": "CODEPIPELINE"},
            environment={
                "type": self._environment_type(settings, inputs),
                "image": settings.build_image,
                "compute_type": settings.build_compute_type,
                "image_pull_credentials_type": "CODEBUILD",
                # Docker needs privileged mode to run its daemon for `docker build`; nothing else
                # in this project needs it (exemption in policies/exemptions.json).
                "privileged_mode": True,
                "environment_variables": [
                    {"name": "REPOSITORY_URI", "value": inputs.repository_url, "type": "PLAINTEXT"},
                    {"name": "CONTAINER_NAME", "value": self.naming.container, "type": "PLAINTEXT"},
                ],
            },
            cache={"type": "LOCAL", "modes": ["LOCAL_DOCKER_LAYER_CACHE"]},
            logs_config={
                "cloudwatch_logs": {"status": "ENABLED", "group_name": self.log_group.name},
                "s3_logs": {"status": "DISABLED"},
            },
            tags=self.tags,
            opts=self.opts(depends_on=[build_policy]),
        )

        # --- pipeline role -----------------------------------------------------------------
        approval_topic = (
            inputs.alert_routes.route(notifications.APPROVAL_ROUTE) if settings.require_manual_approval else None
        )
        self.pipeline_role = aws.iam.Role(
            self.child_name("role"),
            description=f"CodePipeline role of the {naming.prefix} pipeline: build and deploy one service",
            assume_role_policy=iam.assume_role_policy("codepipeline.amazonaws.com", ctx.account_id),
            tags=self.tags,
            opts=self.opts(),
        )
        cluster = pulumi.Output.from_input(inputs.cluster_name)
        pipeline_policy = aws.iam.RolePolicy(
            self.child_name("policy"),
            role=self.pipeline_role.id,
            policy=policy_document(
                *iam.pipeline_statements(
                    bucket_arn=bucket_arn,
                    storage_key_arn=inputs.storage_key_arn,
                    project_arn=self.build_project.arn,
                    connection_arn=connection_arn,
                    cluster_arn=inputs.cluster_arn,
                    service_arn=inputs.service_arn,
                    task_role_arn=inputs.task_role_arn,
                    execution_role_arn=inputs.execution_role_arn,
                    task_definition_arn_pattern=ctx.arn("ecs", f"task-definition/{ctx.naming.ecs_service}:*"),
                    task_arn_pattern=ctx.arn("ecs", pulumi.Output.concat("task/", cluster, "/*")),
                    approval_topic_arn=approval_topic,
                    approval_topic_key_arn=inputs.alarm_topic_key_arn if approval_topic is not None else None,
                    region=ctx.region,
                )
            ),
            opts=self.opts(),
        )

        # --- the pipeline ------------------------------------------------------------------
        stages: list[aws.codepipeline.PipelineStageArgsDict] = [
            {
                "name": "Source",
                "actions": [source.source_action(connection_arn, settings.github_repository, settings.github_branch)],
            },
            {"name": "Build", "actions": [build.build_action(self.build_project.name)]},
        ]
        if approval_topic is not None:
            stages.append({"name": "Approval", "actions": [build.approval_action(approval_topic, inputs.service_name)]})
        stages.append({"name": "Deploy", "actions": [build.deploy_action(inputs.cluster_name, inputs.service_name)]})

        self.pipeline = aws.codepipeline.Pipeline(
            self.child_name("pipeline"),
            pipeline_type="V2",
            # A newer commit supersedes one still waiting (e.g. for approval): the latest wins.
            execution_mode="SUPERSEDED",
            role_arn=self.pipeline_role.arn,
            artifact_stores=[
                {
                    "location": self.artifact_bucket.name,
                    "type": "S3",
                    "encryption_key": {"id": inputs.storage_key_arn, "type": "KMS"},
                }
            ],
            stages=stages,
            triggers=[source.push_trigger(settings.github_branch)],
            tags=self.tags,
            # The role must allow the stages before CodePipeline validates them.
            opts=self.opts(depends_on=[pipeline_policy]),
        )

        self.notification_rules = notifications.notification_rules(
            self.child_name("notify"),
            naming,
            self.pipeline.arn,
            inputs.alert_routes,
            self.tags,
            self.opts(delete_before_replace=True),
        )

        self.outputs = PipelineOutputs(
            pipeline_name=self.pipeline.name,
            pipeline_arn=self.pipeline.arn,
            build_project_name=self.build_project.name,
        )
        self.register_outputs(self.stack_outputs())

    # --- checks ---------------------------------------------------------------------------
    @staticmethod
    def _architecture_problem(name: str, settings: PipelineSettings, architecture: str | None) -> str | None:
        expected = PLATFORMS.get(architecture) if architecture is not None else None
        if expected is None:
            return (
                f"Pipeline {name!r}: task_cpu_architecture={architecture!r} is not one of {sorted(PLATFORMS)} "
                "(the task definition's runtime_platform.cpu_architecture)"
            )
        if (settings.build_platform, settings.build_environment_type) != (expected.docker, expected.environment_type):
            return (
                f"Pipeline {name!r}: the task definition runs on {architecture} but the build produces "
                f"{settings.build_platform} on {settings.build_environment_type}; build with --platform {expected.docker} "
                f"on {expected.environment_type}, or the tasks fail with 'exec format error'"
            )
        return None

    def _checked_buildspec(self, name: str, settings: PipelineSettings, inputs: PipelineInputs) -> str:
        arch = inputs.task_cpu_architecture
        if isinstance(arch, str) and (problem := self._architecture_problem(name, settings, arch)):
            raise ValueError(problem)
        return build.load_buildspec(settings.buildspec_path, settings.build_platform)

    def _environment_type(self, settings: PipelineSettings, inputs: PipelineInputs) -> pulumi.Input[str]:
        """The environment type; when the architecture is only known later (an Output), the check
        runs then and fails the build project's registration instead of deploying a mismatch."""
        arch = inputs.task_cpu_architecture
        if isinstance(arch, str):
            return settings.build_environment_type

        def check(value: str | None) -> str:
            if problem := self._architecture_problem(self._name, settings, value):
                raise ValueError(problem)
            return settings.build_environment_type

        return pulumi.Output.from_input(inputs.task_cpu_architecture).apply(check)

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Pipeline")."""
        return exported(self.outputs)
