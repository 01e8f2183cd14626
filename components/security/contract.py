"""The Security contract: what it takes from other components (nothing: it is built first) and what it gives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from components.outputs import stack_output


@dataclass(frozen=True)
class SecurityInputs:
    """Security depends on no other component; the type keeps every component's shape the same."""


@dataclass(frozen=True)
class SecurityOutputs:
    """What Security gives the stack and the components after it (docs/outputs.md, "## Security")."""

    kms_key_arns: Mapping[str, pulumi.Output[str]] = field(metadata=stack_output("kmsKeyArns"))  # purpose -> ARN
    log_bucket_name: pulumi.Output[str] = field(metadata=stack_output("logBucketName"))
    trail_bucket_name: pulumi.Output[str] = field(metadata=stack_output("trailBucketName"))
    trail_arn: pulumi.Output[str] = field(metadata=stack_output("trailArn"))
    trail_log_group_name: pulumi.Output[str] = field(metadata=stack_output("trailLogGroupName"))
    # Customer-managed keys, one per purpose (components/kms.py).
    logs_key_arn: pulumi.Output[str]
    data_key_arn: pulumi.Output[str]
    storage_key_arn: pulumi.Output[str]
    messaging_key_arn: pulumi.Output[str]
    # The log bucket's name, known only once its bucket policy exists: ELB checks write access when
    # access logs are enabled, so the ALB must wait for the policy.
    writable_log_bucket_name: pulumi.Output[str]
