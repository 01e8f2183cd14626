"""The ComputeService contract: what it takes from other components (ComputeInputs).

Inputs hold only outputs of other components (literal strings in tests); settings come from
``ComputeSettings``, names from ``ctx.naming``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi


@dataclass(frozen=True)
class ComputeInputs:
    """Outputs of upstream components (literal strings in tests).

    vpc_id, public_subnet_ids (ALB), private_subnet_ids (tasks); test_listener_cidrs (who may reach the
    blue/green test listener: the NAT gateways' public /32s, since clients inside the VPC reach the
    internet-facing ALB through NAT);
    logs_key_arn (CloudWatch Logs CMK), storage_key_arn (ECR CMK), data_key_arn (DynamoDB CMK);
    log_bucket_name (ALB access logs, prefix "alb"); table_arns / index_arns (task role scope);
    alarm_topic_arn (actions of the deployment alarms).
    """

    vpc_id: pulumi.Input[str]
    public_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    private_subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    test_listener_cidrs: Sequence[pulumi.Input[str]]
    logs_key_arn: pulumi.Input[str]
    storage_key_arn: pulumi.Input[str]
    data_key_arn: pulumi.Input[str]
    log_bucket_name: pulumi.Input[str]
    table_arns: Sequence[pulumi.Input[str]]
    index_arns: Sequence[pulumi.Input[str]]
    alarm_topic_arn: pulumi.Input[str]
