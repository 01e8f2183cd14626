"""Security component: customer-managed keys, the access-log bucket, CloudTrail, GuardDuty, Security Hub.

Runbook "Security Monitoring": CloudTrail logs all API calls (multi-region, global events, log-file
validation, KMS, to S3 and CloudWatch Logs; audit logs kept >= 365 days, PCI-DSS 10.5.1, archived to
cheaper storage); GuardDuty and Security Hub are optional, so each is switched by config (off by default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.buckets import SecureBucket, SecureBucketArgs, Transition
from components.iam import policy_document, trust_policy
from components.kms import DESCRIPTIONS, PURPOSES, KeyPolicyContext, KeyPurpose, key_policy
from components.outputs import exported
from components.security.contract import SecurityInputs, SecurityOutputs
from components.security.settings import SecuritySettings

# ALB access logs accept only SSE-S3 destinations: "The only server-side encryption option that's
# supported is Amazon S3-managed keys (SSE-S3)" (docs.aws.amazon.com/elasticloadbalancing/latest/
# application/enable-access-logging.html, "Bucket requirements"). The one log bucket receives both ALB
# access logs and S3 server access logs, so it uses SSE-S3. (S3 server access logging itself can write
# to an SSE-KMS bucket with the right key policy - aws/aws-cdk PR #25350 - but the ALB cannot.)
LOG_BUCKET_SSE_S3_REASON = (
    "ALB access logs support only SSE-S3 destination buckets (Elastic Load Balancing guide, "
    "'Enable access logs for your Application Load Balancer', bucket requirements); the same bucket "
    "receives S3 server access logs"
)
ALB_LOG_PREFIX = "alb"
S3_LOG_PREFIX = "s3"


@dataclass(frozen=True)
class SecurityKeys:
    logs: aws.kms.Key
    data: aws.kms.Key
    storage: aws.kms.Key
    messaging: aws.kms.Key

    def arns(self) -> dict[str, pulumi.Output[str]]:
        return {p: getattr(self, p).arn for p in PURPOSES}


class Security(Component):
    """Keys, log bucket, trail (S3 + CloudWatch Logs), GuardDuty and Security Hub."""

    def __init__(
        self,
        name: str,
        settings: SecuritySettings,
        inputs: SecurityInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:security:Security", name, ctx, opts)
        self.settings = settings
        self.trail_name = self.naming.trail
        # Built from parts (not trail.arn): the storage key and trail bucket policy need it before the trail exists.
        self.trail_arn = ctx.arn("cloudtrail", f"trail/{self.trail_name}")

        # In PURPOSES order (the order the keys register in).
        self.keys = SecurityKeys(
            logs=self._key("logs"),
            data=self._key("data"),
            storage=self._key("storage"),
            messaging=self._key("messaging"),
        )
        self.log_bucket = self._log_bucket()
        self.trail_bucket = self._trail_bucket()
        self.trail_log_group = aws.cloudwatch.LogGroup(
            self.child_name("trail"),
            name=self.naming.trail_log_group,
            retention_in_days=settings.audit_log_retention_days,
            kms_key_id=self.keys.logs.arn,
            tags=self.tags_with(LogClass="audit"),
            opts=self.stateful_opts(delete_before_replace=True),
        )
        self.trail_role = self._trail_role()
        self.trail = aws.cloudtrail.Trail(
            self.child_name("trail"),
            name=self.trail_name,
            s3_bucket_name=self.trail_bucket.name,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            kms_key_id=self.keys.storage.arn,
            cloud_watch_logs_group_arn=pulumi.Output.concat(self.trail_log_group.arn, ":*"),
            cloud_watch_logs_role_arn=self.trail_role.arn,
            event_selectors=[{"read_write_type": "All", "include_management_events": True}],
            tags=self.tags,
            # CloudTrail checks the bucket policy and the delivery role when the trail is created.
            opts=self.opts(
                delete_before_replace=True,
                depends_on=[self.trail_bucket.policy, self._trail_role_policy],
            ),
        )
        self.guardduty = self._guardduty() if settings.enable_guardduty else None
        self.security_hub = self._security_hub() if settings.enable_security_hub else None
        self.outputs = SecurityOutputs(
            kms_key_arns=self.keys.arns(),
            log_bucket_name=self.log_bucket.name,
            trail_bucket_name=self.trail_bucket.name,
            trail_arn=self.trail.arn,
            trail_log_group_name=self.trail_log_group.name,
            logs_key_arn=self.keys.logs.arn,
            data_key_arn=self.keys.data.arn,
            storage_key_arn=self.keys.storage.arn,
            messaging_key_arn=self.keys.messaging.arn,
            writable_log_bucket_name=pulumi.Output.all(self.log_bucket.name, self.log_bucket.policy.id).apply(
                lambda v: v[0]
            ),
        )
        self.register_outputs(self.stack_outputs())

    # --- keys ----------------------------------------------------------------------------
    def _key(self, purpose: KeyPurpose) -> aws.kms.Key:
        ctx = self.ctx
        policy = pulumi.Output.all(ctx.account_id, self.trail_arn).apply(
            lambda a: json.dumps(
                key_policy(purpose, KeyPolicyContext(a[0], ctx.region, ctx.partition, trail_arn=a[1])), indent=2
            )
        )
        key = aws.kms.Key(
            self.child_name(f"{purpose}-key"),
            description=f"{self.naming.prefix} {purpose}: {DESCRIPTIONS[purpose]}",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=30,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            policy=policy,
            tags=self.tags_with(Name=self.naming.resource(purpose), KeyPurpose=purpose),
            opts=self.stateful_opts(),
        )
        aws.kms.Alias(
            self.child_name(f"{purpose}-key"),
            name=self.naming.key_alias(purpose),
            target_key_id=key.key_id,
            opts=self.opts(delete_before_replace=True),
        )
        return key

    # --- buckets ---------------------------------------------------------------------------
    def _audit_lifecycle(self) -> dict[str, Any]:
        a = self.settings
        return {
            "transitions": (
                Transition(a.archive_after_days, "GLACIER_IR"),
                Transition(a.deep_archive_after_days, "GLACIER"),
            ),
            "expiration_days": a.audit_log_retention_days,
        }

    def _log_bucket(self) -> SecureBucket:
        ctx = self.ctx
        elb_account = aws.elb.get_service_account_output(opts=pulumi.InvokeOptions(parent=self)).arn

        def s3_delivery(arn: pulumi.Output[str]) -> dict[str, Any]:
            return {
                "Sid": "S3ServerAccessLogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": pulumi.Output.concat(arn, f"/{S3_LOG_PREFIX}/*"),
                "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account_id}},
            }

        def alb_objects(arn: pulumi.Output[str]) -> pulumi.Output[str]:
            return pulumi.Output.concat(arn, f"/{ALB_LOG_PREFIX}/AWSLogs/", ctx.account_id, "/*")

        def alb_legacy(arn: pulumi.Output[str]) -> dict[str, Any]:
            # Regions available before August 2022 (us-east-1 included): the regional ELB account writes.
            return {
                "Sid": "AlbAccessLogDeliveryElbAccount",
                "Effect": "Allow",
                "Principal": {"AWS": elb_account},
                "Action": "s3:PutObject",
                "Resource": alb_objects(arn),
            }

        def alb_service(arn: pulumi.Output[str]) -> dict[str, Any]:
            # Newer regions: the log delivery service principal.
            return {
                "Sid": "AlbAccessLogDeliveryService",
                "Effect": "Allow",
                "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": alb_objects(arn),
            }

        return SecureBucket(
            self.child_name("logs"),
            SecureBucketArgs(
                sse_s3_reason=LOG_BUCKET_SSE_S3_REASON,
                is_log_bucket=True,
                policy_statements=(s3_delivery, alb_legacy, alb_service),
                **self._audit_lifecycle(),
            ),
            self.ctx,
            self.opts(),
        )

    def _trail_bucket(self) -> SecureBucket:
        def acl_check(arn: pulumi.Output[str]) -> dict[str, Any]:
            return {
                "Sid": "CloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceArn": self.trail_arn}},
            }

        def write(arn: pulumi.Output[str]) -> dict[str, Any]:
            return {
                "Sid": "CloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": pulumi.Output.concat(arn, "/AWSLogs/", self.ctx.account_id, "/*"),
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": self.trail_arn}
                },
            }

        return SecureBucket(
            self.child_name("trail"),
            SecureBucketArgs(
                kms_key_arn=self.keys.storage.arn,
                access_log_bucket=self.log_bucket.name,
                policy_statements=(acl_check, write),
                **self._audit_lifecycle(),
            ),
            self.ctx,
            self.opts(),
        )

    # --- CloudTrail -> CloudWatch Logs -----------------------------------------------------------
    def _trail_role(self) -> aws.iam.Role:
        ctx = self.ctx
        # The role can do one thing (write this group's trail streams), so the trust names only the service.
        assume = trust_policy("cloudtrail.amazonaws.com")
        role = aws.iam.Role(
            self.child_name("trail-to-logs"),
            description="CloudTrail delivers events to its CloudWatch Logs group",
            assume_role_policy=assume,
            tags=self.tags,
            opts=self.opts(),
        )
        # The streams CloudTrail creates are named <account>_CloudTrail_<home region>[_n].
        streams = pulumi.Output.concat(
            self.trail_log_group.arn, ":log-stream:", ctx.account_id, "_CloudTrail_", ctx.region, "*"
        )
        self._trail_role_policy = aws.iam.RolePolicy(
            self.child_name("trail-to-logs"),
            role=role.id,
            policy=policy_document(
                {
                    "Sid": "DeliverTrailEvents",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [streams],
                }
            ),
            opts=self.opts(),
        )
        return role

    # --- optional detectors ------------------------------------------------------------------
    def _guardduty(self) -> aws.guardduty.Detector:
        detector = aws.guardduty.Detector(
            self.child_name("guardduty"),
            enable=True,
            finding_publishing_frequency="FIFTEEN_MINUTES",
            tags=self.tags,
            opts=self.opts(),
        )
        # S3 protection watches the audit and artifact buckets for suspicious data access.
        aws.guardduty.DetectorFeature(
            self.child_name("guardduty-s3"),
            detector_id=detector.id,
            name="S3_DATA_EVENTS",
            status="ENABLED",
            opts=self.opts(),
        )
        return detector

    def _security_hub(self) -> aws.securityhub.Account:
        account = aws.securityhub.Account(
            self.child_name("securityhub"),
            enable_default_standards=False,  # the standards are subscribed explicitly below
            control_finding_generator="SECURITY_CONTROL",
            auto_enable_controls=True,
            opts=self.opts(),
        )
        p, r = self.ctx.partition, self.ctx.region
        for key, path in (
            ("fsbp", "aws-foundational-security-best-practices/v/1.0.0"),
            ("pci-dss", "pci-dss/v/4.0.1"),
        ):
            aws.securityhub.StandardsSubscription(
                self.child_name(f"securityhub-{key}"),
                standards_arn=f"arn:{p}:securityhub:{r}::standards/{path}",
                opts=self.opts(depends_on=[account]),
            )
        return account

    # --- outputs ---------------------------------------------------------------------------------
    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Security")."""
        return exported(self.outputs)
