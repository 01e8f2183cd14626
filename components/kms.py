"""Customer-managed KMS key policies: key administration for the account, use only by the services that need it.

Each key policy has two parts:

* ``KeyAdministration``: the account root principal (IAM delegation) may manage the key (describe,
  tag, rotate, change the policy, schedule deletion...), so the key never becomes unmanageable.
  Cryptographic use (Encrypt/Decrypt/GenerateDataKey/ReEncrypt) is deliberately NOT delegated.
* One statement per service that encrypts with the key, either as the service principal itself
  (CloudWatch Logs, CloudTrail, services publishing to SNS) or as principals of this account acting
  *through* a service (``kms:ViaService``, e.g. DynamoDB or S3 calling KMS for a role). Those
  ViaService statements name the account root, so the caller's IAM policy must also grant the key:
  both sides must agree (least privilege).

Sources (AWS documentation): CloudWatch Logs "Encrypt log data in CloudWatch Logs using AWS KMS"
(``logs.<region>.amazonaws.com`` with ``kms:EncryptionContext:aws:logs:arn``); CloudTrail "Configure
AWS KMS key policies for CloudTrail" (``GenerateDataKey*`` with ``kms:EncryptionContext:aws:cloudtrail:arn``
and ``aws:SourceArn``, ``DescribeKey``); KMS developer guide "How Amazon DynamoDB uses AWS KMS"
(ViaService dynamodb, CreateGrant, and ``dynamodb.amazonaws.com`` describing the key); SNS "Key
management" (AWS-service event sources need GenerateDataKey*/Decrypt, conditioned on aws:SourceAccount and
``kms:EncryptionContext:aws:sns:topicArn``); CloudTrail "Encrypting CloudTrail log files with AWS KMS keys"
(a trail bucket with an S3 Bucket Key needs CloudTrail's GenerateDataKey without the CloudTrail context).

The functions here are pure (strings in, dict out) so tests can read the exact policies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

KeyPurpose = Literal["logs", "data", "storage", "messaging"]
PURPOSES: tuple[KeyPurpose, ...] = ("logs", "data", "storage", "messaging")

# AWS's documented "key administrators" action set: everything except cryptographic use.
# Not `kms:Create*`: it includes kms:CreateGrant, with which a principal could grant itself Decrypt without a
# condition; grants are given only through a service (ViaService statements) where a service needs them.
KEY_ADMIN_ACTIONS: tuple[str, ...] = (
    "kms:CreateAlias",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
)
USE_ACTIONS: tuple[str, ...] = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
)
# Services that publish to the platform's SNS topics (alarms, budgets, EventBridge rules, pipeline notifications).
SNS_PUBLISHERS: tuple[str, ...] = (
    "cloudwatch.amazonaws.com",
    "budgets.amazonaws.com",
    "events.amazonaws.com",
    "codestar-notifications.amazonaws.com",
)

DESCRIPTIONS: dict[KeyPurpose, str] = {
    "logs": "CloudWatch Logs: application, VPC flow log, CloudTrail and CodeBuild log groups",
    "data": "DynamoDB tables and AWS Backup vault",
    "storage": "S3 buckets (trail, artifacts, log archive), CloudTrail log files, ECR, Firehose to S3, CodePipeline",
    "messaging": "SNS topics (alarms, budget and pipeline notifications)",
}


@dataclass(frozen=True)
class KeyPolicyContext:
    """Where the keys live: plain strings (resolved account id), so policies are pure data."""

    account_id: str
    region: str
    partition: str = "aws"
    trail_arn: str | None = None  # the trail that may encrypt with the storage key

    @property
    def root(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    def via(self, service: str) -> str:
        return f"{service}.{self.region}.amazonaws.com"


def _admin(c: KeyPolicyContext) -> dict[str, Any]:
    return {
        "Sid": "KeyAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": c.root},
        "Action": list(KEY_ADMIN_ACTIONS),
        # In a key policy "*" means "this key".
        "Resource": "*",
    }


def _via_service(c: KeyPolicyContext, sid: str, service: str, actions: tuple[str, ...] = USE_ACTIONS) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": c.root},
        "Action": list(actions),
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:CallerAccount": c.account_id, "kms:ViaService": c.via(service)}},
    }


def _logs(c: KeyPolicyContext) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "CloudWatchLogsEncryptLogGroups",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{c.region}.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:{c.partition}:logs:{c.region}:{c.account_id}:log-group:*"
                    )
                }
            },
        },
        # CloudWatch Logs guide: "CloudWatch Logs now supports kms:ViaService which allows logs to make AWS
        # KMS calls on your behalf. You should add this to your roles which call CloudWatch Logs in either
        # your Key Policy or in IAM." Principals of this account, only through CloudWatch Logs.
        _via_service(c, "LogsUseForAccountPrincipals", "logs"),
    ]


def _data(c: KeyPolicyContext) -> list[dict[str, Any]]:
    grants = (*USE_ACTIONS, "kms:CreateGrant")
    return [
        # DynamoDB creates grants on the key for each table (and its streams, backups, replicas).
        _via_service(c, "DynamoDBUseForAccountPrincipals", "dynamodb", grants),
        _via_service(c, "BackupUseForAccountPrincipals", "backup", grants),
        {
            "Sid": "DynamoDBDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": "dynamodb.amazonaws.com"},
            "Action": ["kms:Describe*", "kms:Get*", "kms:List*"],
            "Resource": "*",
        },
    ]


def _storage(c: KeyPolicyContext) -> list[dict[str, Any]]:
    if c.trail_arn is None:
        raise ValueError("the storage key policy needs the trail ARN (KeyPolicyContext.trail_arn)")
    trail_context = f"arn:{c.partition}:cloudtrail:*:{c.account_id}:trail/*"
    return [
        # S3 SSE-KMS for every bucket; also covers Firehose, CodePipeline and CodeBuild writing to S3.
        _via_service(c, "S3UseForAccountPrincipals", "s3"),
        # ECR creates a grant on the key for each repository.
        _via_service(c, "ECRUseForAccountPrincipals", "ecr", (*USE_ACTIONS, "kms:CreateGrant")),
        {
            "Sid": "CloudTrailEncryptLogFiles",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_context},
                "StringEquals": {"aws:SourceArn": c.trail_arn},
            },
        },
        {
            # The trail bucket uses an S3 Bucket Key: S3 then asks KMS for the bucket key on the trail's
            # behalf with the bucket ARN (aws:s3:arn) as encryption context, not aws:cloudtrail:arn, so the
            # statement above does not match. CloudTrail guide: with a bucket key, cloudtrail.amazonaws.com
            # needs GenerateDataKey and DescribeKey or the trail cannot be created or updated.
            "Sid": "CloudTrailEncryptViaS3BucketKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": c.trail_arn, "kms:ViaService": c.via("s3")}},
        },
        {
            "Sid": "CloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": c.trail_arn}},
        },
    ]


def _messaging(c: KeyPolicyContext) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "AwsServicesPublishToEncryptedTopics",
            "Effect": "Allow",
            "Principal": {"Service": list(SNS_PUBLISHERS)},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
            # Bound by the topic in the encryption context (SNS always sets aws:sns:topicArn): only this
            # account's topics in this region. No aws:SourceAccount here: AWS's CloudWatch alarm example grants
            # the key without it, and a publisher whose KMS call lacks it would lose the message silently
            # (nobody paged); the topic policy already admits these publishers only for this account.
            "Condition": {
                "ArnLike": {
                    "kms:EncryptionContext:aws:sns:topicArn": f"arn:{c.partition}:sns:{c.region}:{c.account_id}:*"
                },
            },
        },
        _via_service(c, "SNSUseForAccountPrincipals", "sns", ("kms:GenerateDataKey*", "kms:Decrypt")),
    ]


_BUILDERS = {"logs": _logs, "data": _data, "storage": _storage, "messaging": _messaging}


def key_policy(purpose: KeyPurpose, c: KeyPolicyContext) -> dict[str, Any]:
    """The complete key policy document of one key."""
    return {"Version": "2012-10-17", "Statement": [_admin(c), *_BUILDERS[purpose](c)]}


def principals(policy: dict[str, Any]) -> set[str]:
    """Every principal a policy names, as "AWS:<arn>" / "Service:<name>" (for tests and reviews)."""
    out: set[str] = set()
    for st in policy["Statement"]:
        for kind, value in st["Principal"].items():
            for v in value if isinstance(value, list) else [value]:
                out.add(f"{kind}:{v}")
    return out
