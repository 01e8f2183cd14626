"""Network component: the awsx VPC (subnets, NAT, AZs), flow logs, gateway endpoints, a closed default SG.

awsx lays out the subnets, route tables and NAT gateways (runbook: multi-AZ VPC with public and private
subnets). Everything tests, policies and the cost model must see is a plain pulumi_aws resource beside it:
the flow log (all traffic, to a KMS-encrypted log group kept as audit evidence), the S3 and DynamoDB
gateway endpoints on the private route tables, and the default security group stripped of every rule.
awsx security groups are never used (they are open by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components.base import Component, StackContext
from components.iam import policy_document, trust_policy
from components.network.contract import NetworkInputs, NetworkOutputs
from components.network.settings import NetworkSettings
from components.outputs import exported

GATEWAY_SERVICES: tuple[str, ...] = ("s3", "dynamodb")


class Network(Component):
    """The VPC and its guard rails. ``vpc`` is the awsx component; ids are Outputs."""

    def __init__(
        self,
        name: str,
        settings: NetworkSettings,
        inputs: NetworkInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:network:Network", name, ctx, opts)
        self.settings = settings
        self.cidr_block = settings.vpc_cidr
        # The stack owns the NAT gateways' Elastic IPs (awsx would create them hidden): their addresses
        # are the VPC's stable egress identity, which the ALB's test listener admits and partners can
        # allowlist. awsx requires one per NAT gateway: one per AZ, or one for a single gateway.
        nat_count = settings.az_count if settings.nat_strategy == "OnePerAz" else 1
        self.nat_eips = [
            aws.ec2.Eip(
                self.child_name(f"nat-{i + 1}"),
                domain="vpc",
                tags=self.tags_with(Name=self.naming.resource(f"nat-{i + 1}")),
                opts=self.opts(),
            )
            for i in range(nat_count)
        ]
        self.nat_public_ips: list[pulumi.Output[str]] = [eip.public_ip for eip in self.nat_eips]
        self.vpc = awsx.ec2.Vpc(
            self.child_name("vpc"),
            cidr_block=settings.vpc_cidr,
            number_of_availability_zones=settings.az_count,
            subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
            subnet_specs=[
                awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC),
                awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE),
            ],
            nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(
                strategy=awsx.ec2.NatGatewayStrategy(settings.nat_strategy),
                elastic_ip_allocation_ids=[eip.allocation_id for eip in self.nat_eips],
            ),
            enable_dns_hostnames=True,  # interface endpoints and ECS service discovery need DNS
            enable_dns_support=True,
            tags=self.tags_with(Name=self.naming.resource("vpc")),
            opts=self.opts(),
        )
        self.vpc_id: pulumi.Output[str] = self.vpc.vpc_id
        self.public_subnet_ids: pulumi.Output[Sequence[str]] = self.vpc.public_subnet_ids
        self.private_subnet_ids: pulumi.Output[Sequence[str]] = self.vpc.private_subnet_ids

        self.flow_log_group, self.flow_log = self._flow_log(inputs.flow_log_key_arn)
        # With no ingress/egress arguments the provider removes every rule of the VPC's default group.
        self.default_security_group = aws.ec2.DefaultSecurityGroup(
            self.child_name("default-sg"),
            vpc_id=self.vpc_id,
            tags=self.tags_with(Name=self.naming.resource("default-closed")),
            opts=self.opts(),
        )
        self.endpoints = self._gateway_endpoints()
        self.outputs = NetworkOutputs(
            vpc_id=self.vpc_id,
            public_subnet_ids=self.public_subnet_ids,
            private_subnet_ids=self.private_subnet_ids,
            nat_public_ips=self.nat_public_ips,
            nat_public_cidrs=[pulumi.Output.concat(ip, "/32") for ip in self.nat_public_ips],
        )
        self.register_outputs(self.stack_outputs())

    def _flow_log(self, key_arn: pulumi.Input[str]) -> tuple[aws.cloudwatch.LogGroup, aws.ec2.FlowLog]:
        ctx = self.ctx
        group = aws.cloudwatch.LogGroup(
            self.child_name("flow-logs"),
            name=self.naming.flow_log_group,
            retention_in_days=self.settings.audit_log_retention_days,
            kms_key_id=key_arn,
            # Audit evidence (PCI-DSS 10.2.1): the policy pack applies the audit retention floor to it.
            tags=self.tags_with(LogClass="audit"),
            opts=self.stateful_opts(delete_before_replace=True),
        )
        role = aws.iam.Role(
            self.child_name("flow-logs"),
            description="VPC Flow Logs delivers to its CloudWatch Logs group",
            assume_role_policy=trust_policy(
                "vpc-flow-logs.amazonaws.com",
                {
                    "StringEquals": {"aws:SourceAccount": ctx.account_id},
                    "ArnLike": {"aws:SourceArn": ctx.arn("ec2", "vpc-flow-log/*")},
                },
            ),
            tags=self.tags,
            opts=self.opts(),
        )
        policy = aws.iam.RolePolicy(
            self.child_name("flow-logs"),
            role=role.id,
            policy=policy_document(
                {
                    "Sid": "DeliverFlowLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    # The group and its streams (":*"), nothing else.
                    "Resource": [group.arn, pulumi.Output.concat(group.arn, ":*")],
                },
                {
                    # The VPC guide's flow-log role lists DescribeLogGroups; it cannot be scoped to one
                    # group (it lists), so it gets this account's and region's groups, read-only.
                    "Sid": "FindLogGroup",
                    "Effect": "Allow",
                    "Action": "logs:DescribeLogGroups",
                    "Resource": ctx.arn("logs", "log-group:*"),
                },
            ),
            opts=self.opts(),
        )
        flow_log = aws.ec2.FlowLog(
            self.child_name("flow-log"),
            vpc_id=self.vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            tags=self.tags_with(Name=self.naming.resource("flow-log")),
            opts=self.opts(depends_on=[policy]),
        )
        return group, flow_log

    def _gateway_endpoints(self) -> dict[str, aws.ec2.VpcEndpoint]:
        # awsx tags each route table with SubnetType (pulumi-awsx awsx/ec2/vpc.ts); the invoke runs once the
        # component's outputs resolve, i.e. after its route tables exist.
        private_tables = aws.ec2.get_route_tables_output(
            vpc_id=self.vpc_id,
            filters=[{"name": "tag:SubnetType", "values": ["Private"]}],
            opts=pulumi.InvokeOptions(parent=self),
        )
        return {
            service: aws.ec2.VpcEndpoint(
                self.child_name(f"{service}-endpoint"),
                vpc_id=self.vpc_id,
                service_name=f"com.amazonaws.{self.ctx.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=private_tables.ids,
                tags=self.tags_with(Name=self.naming.resource(f"{service}-endpoint")),
                opts=self.opts(),
            )
            for service in GATEWAY_SERVICES
        }

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Network")."""
        return exported(self.outputs)
