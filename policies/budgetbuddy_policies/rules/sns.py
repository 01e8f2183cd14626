"""SNS topics (runbook alert channel budgetbuddy-alarms)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import is_set, json_input, maybe
from ..registry import REGISTRY
from .policydocs import public_statements


@REGISTRY.resource(
    name="aws-sns-topic-require-cmk",
    resource_types=("aws:sns/topic:Topic",),
    description="Topics must be encrypted with a customer-managed KMS key (the AWS-managed alias/aws/sns key "
    "cannot be used by CloudWatch alarms or AWS Budgets).",
    severity=Severity.MEDIUM,
    remediation="Set kmsMasterKeyId to a CMK whose key policy lets cloudwatch.amazonaws.com and "
    "budgets.amazonaws.com use it.",
    controls=(
        "fsbp:SNS.1",
        "pci-dss-4.0:3.5.1",
        "soc2:CC6.1",
        "hipaa:164.312(a)(2)(iv)",
    ),
)
def topic_cmk(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not is_set(args.props, "kmsMasterKeyId"):
        yield "kmsMasterKeyId is not set."
        return
    key = maybe(args.props, "kmsMasterKeyId")  # unknown: a key created in this update, i.e. a CMK
    if isinstance(key, str) and (key.startswith("alias/aws/") or ":alias/aws/" in key):
        yield f"kmsMasterKeyId {key} is an AWS-managed key."


@REGISTRY.resource(
    name="aws-sns-topicpolicy-disallow-public-access",
    resource_types=("aws:sns/topicPolicy:TopicPolicy", "aws:sns/topic:Topic"),
    description='Topic access policies must not let everyone publish or subscribe: a Principal "*" statement '
    "needs a condition naming the source account, resource or organization.",
    severity=Severity.HIGH,
    remediation="Grant the publishing services by Service principal with an aws:SourceAccount (or aws:SourceArn) "
    'condition, and account principals by ARN; never an unconditioned Principal "*" Allow.',
    controls=("fsbp:SNS.4", "pci-dss-4.0:7.2.1", "soc2:CC6.1", "hipaa:164.312(a)(1)"),
)
def topic_policy_public(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for sid in public_statements(json_input(args.props, "policy")):
        yield f"policy statement {sid} allows everyone without a restricting condition."
