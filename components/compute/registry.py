"""ECR repository: immutable tags, scan on push, KMS (storage CMK), lifecycle policy."""

from __future__ import annotations

import json

import pulumi_aws as aws

from components.base import Component
from components.compute.contract import ComputeInputs
from components.compute.settings import ComputeSettings


def lifecycle_policy_document(keep_tagged: int) -> str:
    """Expire untagged images after a day; keep only the newest ``keep_tagged`` tagged images."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "Expire untagged images (superseded layers, failed pushes)",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": 1,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"Keep the last {keep_tagged} tagged images (rollback targets)",
                    "selection": {
                        "tagStatus": "tagged",
                        "tagPatternList": ["*"],
                        "countType": "imageCountMoreThan",
                        "countNumber": keep_tagged,
                    },
                    "action": {"type": "expire"},
                },
            ]
        }
    )


def build_registry(
    c: Component, settings: ComputeSettings, inputs: ComputeInputs
) -> tuple[aws.ecr.Repository, aws.ecr.LifecyclePolicy]:
    # Stateful: the running revision's image lives here; losing it breaks every task restart.
    repo = aws.ecr.Repository(
        c.child_name("repo"),
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
        encryption_configurations=[
            aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=inputs.storage_key_arn)
        ],
        # Production keeps its images (and protect); elsewhere `pulumi destroy` removes the repository.
        force_delete=not c.ctx.production,
        tags=c.tags,
        opts=c.stateful_opts(),
    )
    policy = aws.ecr.LifecyclePolicy(
        c.child_name("repo-lifecycle"),
        repository=repo.name,
        policy=lifecycle_policy_document(settings.ecr_keep_tagged_images),
        opts=c.opts(),
    )
    return repo, policy
