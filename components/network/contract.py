"""The Network contract: what it takes from other components."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class NetworkInputs:
    """flow_log_key_arn: the CloudWatch Logs CMK the flow log group is encrypted with."""

    flow_log_key_arn: pulumi.Input[str]
