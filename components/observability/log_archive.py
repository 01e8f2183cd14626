"""Application log archive (runbook cost checklist "Archive old CloudWatch logs to
S3", "Enable S3 Intelligent-Tiering").

CloudWatch Logs subscription filter -> Kinesis Data Firehose (SSE with the storage CMK) -> a
SecureBucket (SSE-KMS, versioned, access-logged) whose lifecycle moves objects to
Intelligent-Tiering, then Glacier, and expires them after ``logArchiveExpirationDays``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.buckets import SecureBucket, SecureBucketArgs, Transition
from components.iam import policy_document, trust_policy


@dataclass(frozen=True)
class LogArchiveArgs:
    """Lifecycle and delivery of archived logs.

    expiration_days: config ``logArchiveExpirationDays`` (120-3650).
    intelligent_tiering_days / glacier_days: lifecycle transitions (default 0 and 90).
    firehose_log_retention_days: retention of Firehose's own error log group (``logRetentionDays``).
    buffer_mib / buffer_seconds: Firehose buffering (default 5 MiB / 300 s: fewer, larger objects).
    """

    expiration_days: int
    firehose_log_retention_days: int
    intelligent_tiering_days: int = 0
    glacier_days: int = 90
    buffer_mib: int = 5
    buffer_seconds: int = 300

    def __post_init__(self) -> None:
        if not self.intelligent_tiering_days < self.glacier_days < self.expiration_days:
            raise ValueError(
                f"LogArchiveArgs: intelligent_tiering_days ({self.intelligent_tiering_days}) < glacier_days "
                f"({self.glacier_days}) < expiration_days (logArchiveExpirationDays={self.expiration_days}) required"
            )
        if not 1 <= self.buffer_mib <= 128 or not 0 <= self.buffer_seconds <= 900:
            raise ValueError("LogArchiveArgs: buffer_mib must be 1-128 and buffer_seconds 0-900")


@dataclass(frozen=True)
class LogArchiveInputs:
    app_log_group_name: pulumi.Input[str]
    storage_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    access_log_bucket: pulumi.Input[str]


class LogArchive(Component):
    """``bucket`` (SecureBucket), ``stream`` (Firehose), ``subscription`` (LogSubscriptionFilter)."""

    def __init__(
        self,
        name: str,
        args: LogArchiveArgs,
        inputs: LogArchiveInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:observability:LogArchive", name, ctx, opts)
        self.bucket = SecureBucket(
            self.child_name("bucket"),
            SecureBucketArgs(
                kms_key_arn=inputs.storage_key_arn,
                access_log_bucket=inputs.access_log_bucket,
                transitions=(
                    Transition(args.intelligent_tiering_days, "INTELLIGENT_TIERING"),
                    Transition(args.glacier_days, "GLACIER"),
                ),
                expiration_days=args.expiration_days,
            ),
            ctx,
            opts=self.opts(),
        )
        bucket_arn = self.bucket.arn

        # Firehose's own delivery errors: KMS-encrypted, retention from config.
        self.error_log_group = aws.cloudwatch.LogGroup(
            self.child_name("firehose-errors"),
            retention_in_days=args.firehose_log_retention_days,
            kms_key_id=inputs.logs_key_arn,
            tags=self.tags,
            opts=self.opts(),
        )
        self.error_log_stream = aws.cloudwatch.LogStream(
            self.child_name("firehose-errors"),
            log_group_name=self.error_log_group.name,
            name="S3Delivery",
            opts=self.opts(),
        )

        self.firehose_role = aws.iam.Role(
            self.child_name("firehose"),
            assume_role_policy=trust_policy(
                "firehose.amazonaws.com",
                {"StringEquals": {"sts:ExternalId": ctx.account_id}},
            ),
            tags=self.tags,
            opts=self.opts(),
        )
        aws.iam.RolePolicy(
            self.child_name("firehose"),
            role=self.firehose_role.id,
            policy=policy_document(
                {
                    "Sid": "WriteArchive",
                    "Effect": "Allow",
                    "Action": [
                        "s3:AbortMultipartUpload",
                        "s3:GetBucketLocation",
                        "s3:GetObject",
                        "s3:ListBucket",
                        "s3:ListBucketMultipartUploads",
                        "s3:PutObject",
                    ],
                    "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
                },
                {
                    "Sid": "EncryptArchiveObjects",
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                    "Resource": inputs.storage_key_arn,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": f"s3.{ctx.region}.amazonaws.com"},
                        # With S3 Bucket Keys the context is the bucket ARN, else the object ARN.
                        "StringLike": {
                            "kms:EncryptionContext:aws:s3:arn": [
                                bucket_arn,
                                pulumi.Output.concat(bucket_arn, "/*"),
                            ]
                        },
                    },
                },
                {
                    "Sid": "LogDeliveryErrors",
                    "Effect": "Allow",
                    "Action": "logs:PutLogEvents",
                    "Resource": pulumi.Output.concat(self.error_log_group.arn, ":log-stream:S3Delivery"),
                },
            ),
            opts=self.opts(),
        )

        date = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
        self.stream = aws.kinesis.FirehoseDeliveryStream(
            self.child_name("stream"),
            destination="extended_s3",
            server_side_encryption={
                "enabled": True,
                "key_type": "CUSTOMER_MANAGED_CMK",
                "key_arn": inputs.storage_key_arn,
            },
            extended_s3_configuration={
                "bucket_arn": bucket_arn,
                "role_arn": self.firehose_role.arn,
                "kms_key_arn": inputs.storage_key_arn,
                "prefix": f"app-logs/{date}",
                "error_output_prefix": f"errors/!{{firehose:error-output-type}}/{date}",
                "buffering_size": args.buffer_mib,
                "buffering_interval": args.buffer_seconds,
                # CloudWatch Logs already gzips each record batch; compressing again would nest gzip.
                "compression_format": "UNCOMPRESSED",
                "file_extension": ".gz",
                "cloudwatch_logging_options": {
                    "enabled": True,
                    "log_group_name": self.error_log_group.name,
                    "log_stream_name": self.error_log_stream.name,
                },
            },
            tags=self.tags,
            opts=self.opts(),
        )

        logs_principal = f"logs.{ctx.region}.amazonaws.com"
        self.subscription_role = aws.iam.Role(
            self.child_name("subscription"),
            assume_role_policy=trust_policy(
                logs_principal,
                {
                    "StringLike": {
                        # Only log groups of this account and region may use the role.
                        "aws:SourceArn": ctx.arn("logs", "*"),
                    }
                },
            ),
            tags=self.tags,
            opts=self.opts(),
        )
        self.subscription_policy = aws.iam.RolePolicy(
            self.child_name("subscription"),
            role=self.subscription_role.id,
            policy=policy_document(
                {
                    "Sid": "PutToArchiveStream",
                    "Effect": "Allow",
                    "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                    "Resource": self.stream.arn,
                }
            ),
            opts=self.opts(),
        )
        self.subscription = aws.cloudwatch.LogSubscriptionFilter(
            self.child_name("subscription"),
            log_group=inputs.app_log_group_name,
            filter_pattern="",  # every line
            destination_arn=self.stream.arn,
            role_arn=self.subscription_role.arn,
            # CloudWatch Logs checks it may assume the role and put records when the filter is created.
            opts=self.opts(depends_on=[self.subscription_policy]),
        )
        self.register_outputs({"bucket": self.bucket.name, "stream": self.stream.name})
