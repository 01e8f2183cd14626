"""One S3 bucket with every rule the platform requires, so no caller can forget one.

All public access blocked, object ownership enforced (no ACLs), TLS-only bucket policy, default
encryption (SSE-KMS with a customer-managed key), versioning, a lifecycle rule, and server access
logging to the dedicated log bucket. pulumi-aws v7 models each of these as its own resource.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.iam import Statement, policy_document


@dataclass(frozen=True)
class Transition:
    days: int
    storage_class: str  # INTELLIGENT_TIERING, STANDARD_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE


@dataclass(frozen=True)
class SecureBucketArgs:
    """Settings of one bucket. Defaults are the safe ones.

    kms_key_arn: the CMK for SSE-KMS. None is allowed only with ``sse_s3_reason``, for the
        destinations AWS cannot write to with SSE-KMS (S3 server access logs, ALB access logs).
    access_log_bucket: the log bucket's name; None only for the log bucket itself
        (``is_log_bucket=True``), which must not log to itself.
    transitions / expiration_days: the lifecycle of current objects.
    noncurrent_expiration_days: how long replaced versions are kept (default 90).
    policy_statements: extra bucket-policy statements (service principals that deliver logs);
        the TLS-only deny is always added. An entry may be a callable taking this bucket's ARN
        (statements whose Resource is the bucket itself, which does not exist yet).
    """

    kms_key_arn: pulumi.Input[str] | None = None
    sse_s3_reason: str | None = None
    access_log_bucket: pulumi.Input[str] | None = None
    is_log_bucket: bool = False
    transitions: tuple[Transition, ...] = ()
    expiration_days: int | None = None
    noncurrent_expiration_days: int = 90
    policy_statements: Sequence[
        pulumi.Input[dict[str, Any]] | Callable[[pulumi.Output[str]], pulumi.Input[dict[str, Any]]]
    ] = field(default_factory=tuple)
    # None: follow the environment (kept in production, emptied by `pulumi destroy` elsewhere).
    force_destroy: bool | None = None

    def __post_init__(self) -> None:
        if self.kms_key_arn is None and not self.sse_s3_reason:
            raise ValueError("SecureBucketArgs.kms_key_arn is required (SSE-KMS); SSE-S3 needs sse_s3_reason")
        if self.access_log_bucket is None and not self.is_log_bucket:
            raise ValueError("SecureBucketArgs.access_log_bucket is required unless is_log_bucket=True")
        if self.expiration_days is not None and any(t.days >= self.expiration_days for t in self.transitions):
            raise ValueError(
                f"SecureBucketArgs.expiration_days={self.expiration_days} must be after every transition "
                f"({[t.days for t in self.transitions]})"
            )


class SecureBucket(Component):
    """An S3 bucket and its v7 sub-resources. ``bucket`` is the aws.s3.Bucket."""

    def __init__(
        self,
        name: str,
        args: SecureBucketArgs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:storage:SecureBucket", name, ctx, opts)
        self.bucket = aws.s3.Bucket(
            name,
            force_destroy=not ctx.production if args.force_destroy is None else args.force_destroy,
            tags=self.tags_with(Name=name),
            opts=self.stateful_opts(),
        )
        bucket_id = self.bucket.id
        child = self.opts()

        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            name,
            bucket=bucket_id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        )
        sse: aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgsDict
        if args.kms_key_arn is not None:
            sse = {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
            bucket_key = True  # fewer KMS requests, lower cost
        else:
            sse = {"sse_algorithm": "AES256"}
            bucket_key = False
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket_id,
            rules=[{"apply_server_side_encryption_by_default": sse, "bucket_key_enabled": bucket_key}],
            opts=child,
        )
        aws.s3.BucketVersioning(
            name,
            bucket=bucket_id,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        rule: aws.s3.BucketLifecycleConfigurationRuleArgsDict = {
            "id": "lifecycle",
            "status": "Enabled",
            "filter": {},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
            "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_expiration_days},
        }
        if args.transitions:
            rule["transitions"] = [{"days": t.days, "storage_class": t.storage_class} for t in args.transitions]
        if args.expiration_days is not None:
            rule["expiration"] = {"days": args.expiration_days}
        aws.s3.BucketLifecycleConfiguration(name, bucket=bucket_id, rules=[rule], opts=child)

        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                name,
                bucket=bucket_id,
                target_bucket=args.access_log_bucket,
                target_prefix=f"s3/{name}/",
                opts=child,
            )

        tls_only = {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            # A Deny: every S3 action over plain HTTP is refused (PCI-DSS 4.2.1).
            "Action": "s3:*",
            "Resource": [self.bucket.arn, pulumi.Output.concat(self.bucket.arn, "/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        statements: list[Statement] = [
            tls_only,
            *(s(self.bucket.arn) if callable(s) else s for s in args.policy_statements),
        ]
        self.policy = aws.s3.BucketPolicy(
            name,
            bucket=bucket_id,
            policy=policy_document(*statements),
            # S3 rejects a policy while the public access block is being changed.
            opts=self.opts(depends_on=[self.public_access_block]),
        )
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})

    @property
    def arn(self) -> pulumi.Output[str]:
        return self.bucket.arn

    @property
    def name(self) -> pulumi.Output[str]:
        return self.bucket.bucket
