"""Security groups of the ALB and the tasks, as standalone rules (no inline rules, nothing open by default).

ALB: in from the internet on 443 (and 80, redirect only), in on the test port from inside the VPC only,
out only to the tasks' group on the container port. Tasks: in only from the ALB's group on the
container port, out on 443 only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component
from components.compute.contract import ComputeInputs
from components.compute.settings import ComputeSettings

ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class SecurityGroups:
    alb: aws.ec2.SecurityGroup
    task: aws.ec2.SecurityGroup
    rules: tuple[pulumi.CustomResource, ...]


def build_security_groups(c: Component, settings: ComputeSettings, inputs: ComputeInputs) -> SecurityGroups:
    alb = aws.ec2.SecurityGroup(
        c.child_name("alb-sg"),
        description="BudgetBuddy ALB: HTTPS (and HTTP redirect) from the internet",
        vpc_id=inputs.vpc_id,
        revoke_rules_on_delete=True,
        tags=c.tags_with(Name=c.naming.resource("alb")),
        opts=c.opts(),
    )
    task = aws.ec2.SecurityGroup(
        c.child_name("task-sg"),
        description="BudgetBuddy backend tasks: only the ALB on the container port",
        vpc_id=inputs.vpc_id,
        revoke_rules_on_delete=True,
        tags=c.tags_with(Name=c.naming.resource("tasks")),
        opts=c.opts(),
    )
    port = settings.container_port

    def rule(
        cls: type[aws.vpc.SecurityGroupIngressRule] | type[aws.vpc.SecurityGroupEgressRule],
        suffix: str,
        group: aws.ec2.SecurityGroup,
        p: int,
        desc: str,
        cidr_ipv4: pulumi.Input[str] | None = None,
        referenced_security_group_id: pulumi.Input[str] | None = None,
    ) -> pulumi.CustomResource:
        # The peer is one of cidr_ipv4 / referenced_security_group_id; the other stays unset (None).
        return cls(
            c.child_name(suffix),
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=p,
            to_port=p,
            description=desc,
            tags=c.tags,
            opts=c.opts(),
            cidr_ipv4=cidr_ipv4,
            referenced_security_group_id=referenced_security_group_id,
        )

    def ingress(
        suffix: str, group: aws.ec2.SecurityGroup, p: int, desc: str, **src: pulumi.Input[str]
    ) -> pulumi.CustomResource:
        return rule(aws.vpc.SecurityGroupIngressRule, suffix, group, p, desc, **src)

    def egress(
        suffix: str, group: aws.ec2.SecurityGroup, p: int, desc: str, **dst: pulumi.Input[str]
    ) -> pulumi.CustomResource:
        return rule(aws.vpc.SecurityGroupEgressRule, suffix, group, p, desc, **dst)

    rules = (
        ingress("alb-in-https", alb, 443, "HTTPS from the internet", cidr_ipv4=ANYWHERE),
        ingress("alb-in-http", alb, 80, "HTTP from the internet (redirected to HTTPS)", cidr_ipv4=ANYWHERE),
        # The blue/green test listener is for checks from inside the VPC (pipeline, lifecycle hooks,
        # bastion), never public. The ALB is internet-facing, so those clients arrive from the NAT
        # gateways' public addresses, not from the VPC CIDR: admit exactly those.
        *(
            ingress(
                f"alb-in-test-{i + 1}",
                alb,
                settings.test_listener_port,
                "Blue/green test listener from the VPC's NAT egress",
                cidr_ipv4=cidr,
            )
            for i, cidr in enumerate(inputs.test_listener_cidrs)
        ),
        egress("alb-out-tasks", alb, port, "To the backend tasks", referenced_security_group_id=task.id),
        ingress("task-in-alb", task, port, "From the ALB only", referenced_security_group_id=alb.id),
        # Tasks need HTTPS out and nothing else: ECR (API + image layers in S3), DynamoDB, Secrets
        # Manager/SSM, CloudWatch Logs -- through VPC endpoints (or NAT where no endpoint exists).
        # Endpoint and S3/DynamoDB gateway addresses are not one stable CIDR, so 443 goes to any address.
        egress(
            "task-out-https", task, 443, "HTTPS to AWS APIs (ECR, DynamoDB, Secrets Manager, Logs)", cidr_ipv4=ANYWHERE
        ),
    )
    return SecurityGroups(alb=alb, task=task, rules=rules)
