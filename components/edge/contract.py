"""The Edge contract: what it takes from other components (EdgeInputs) and what it gives (EdgeOutputs).

Inputs hold only outputs of other components (literal strings in tests); settings come from
``EdgeSettings``, names from ``ctx.naming``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from components.outputs import stack_output


@dataclass(frozen=True)
class EdgeInputs:
    """Outputs of upstream components (literal strings in tests).

    alb_arn: the internet-facing ALB the web ACL protects; logs_key_arn: the CloudWatch Logs CMK.
    """

    alb_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class EdgeOutputs:
    """What Edge gives the stack and the components after it (docs/outputs.md, "## Edge")."""

    web_acl_arn: pulumi.Output[str] = field(metadata=stack_output("webAclArn"))
    # Wiring only: the AWS/WAFV2 ``WebACL`` dimension and each rule's ``Rule`` dimension, by priority.
    web_acl_name: pulumi.Output[str]
    waf_rule_names: Sequence[str]
