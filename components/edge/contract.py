"""The Edge contract: what it takes from other components (EdgeInputs).

Inputs hold only outputs of other components (literal strings in tests); settings come from
``EdgeSettings``, names from ``ctx.naming``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class EdgeInputs:
    """Outputs of upstream components (literal strings in tests).

    alb_arn: the internet-facing ALB the web ACL protects; logs_key_arn: the CloudWatch Logs CMK.
    """

    alb_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
