"""The Network contract: what it takes from other components and what it gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from components.outputs import stack_output


@dataclass(frozen=True)
class NetworkInputs:
    """flow_log_key_arn: the CloudWatch Logs CMK the flow log group is encrypted with."""

    flow_log_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class NetworkOutputs:
    """What Network gives the stack and the components after it (docs/outputs.md, "## Network")."""

    vpc_id: pulumi.Output[str] = field(metadata=stack_output("vpcId"))
    public_subnet_ids: pulumi.Output[Sequence[str]] = field(metadata=stack_output("publicSubnetIds"))
    private_subnet_ids: pulumi.Output[Sequence[str]] = field(metadata=stack_output("privateSubnetIds"))
    nat_public_ips: Sequence[pulumi.Output[str]] = field(metadata=stack_output("natPublicIps"))
    # The NAT gateways' public addresses as /32 CIDRs: the VPC's egress identity (ALB test listener).
    nat_public_cidrs: Sequence[pulumi.Output[str]]
