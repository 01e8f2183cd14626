"""Internet-facing ALB, blue/green target groups, HTTPS/HTTP/test listeners and the rules ECS shifts."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component
from components.compute.contract import ComputeInputs
from components.compute.settings import TLS_POLICY, ComputeSettings


@dataclass(frozen=True)
class LoadBalancer:
    alb: aws.lb.LoadBalancer
    blue: aws.lb.TargetGroup
    green: aws.lb.TargetGroup
    https_listener: aws.lb.Listener
    http_listener: aws.lb.Listener
    test_listener: aws.lb.Listener
    production_rule: aws.lb.ListenerRule
    test_rule: aws.lb.ListenerRule


def _target_group(c: Component, settings: ComputeSettings, inputs: ComputeInputs, color: str) -> aws.lb.TargetGroup:
    return aws.lb.TargetGroup(
        c.child_name(color),
        port=settings.container_port,
        protocol="HTTP",
        target_type="ip",
        vpc_id=inputs.vpc_id,
        deregistration_delay=30,
        health_check=aws.lb.TargetGroupHealthCheckArgs(
            enabled=True,
            path=settings.health_check_path,
            protocol="HTTP",
            port="traffic-port",
            interval=settings.health_check_interval_seconds,
            timeout=5,
            healthy_threshold=settings.health_check_healthy_threshold,
            unhealthy_threshold=settings.health_check_unhealthy_threshold,
            matcher="200",
        ),
        tags=c.tags_with(Name=c.naming.resource(color)),
        opts=c.opts(),
    )


def _not_found() -> aws.lb.ListenerDefaultActionArgs:
    # Requests no rule matches never reach a target group ECS may have emptied.
    return aws.lb.ListenerDefaultActionArgs(
        type="fixed-response",
        fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
            content_type="text/plain", status_code="404", message_body="Not Found"
        ),
    )


def _forward_rule(
    c: Component, suffix: str, listener: aws.lb.Listener, weights: list[tuple[aws.lb.TargetGroup, int]]
) -> aws.lb.ListenerRule:
    """All paths, forwarded with the given target-group weights at creation. ECS rewrites the
    actions during every deployment (and swaps the groups' roles afterwards), so Pulumi ignores
    changes to them: it must never shift traffic back."""
    return aws.lb.ListenerRule(
        c.child_name(suffix),
        listener_arn=listener.arn,
        priority=1,
        conditions=[
            aws.lb.ListenerRuleConditionArgs(path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=["/*"]))
        ],
        actions=[
            aws.lb.ListenerRuleActionArgs(
                type="forward",
                forward=aws.lb.ListenerRuleActionForwardArgs(
                    target_groups=[
                        aws.lb.ListenerRuleActionForwardTargetGroupArgs(arn=tg.arn, weight=weight)
                        for tg, weight in weights
                    ]
                ),
            )
        ],
        tags=c.tags,
        opts=c.opts(ignore_changes=["actions"]),
    )


def build_load_balancer(
    c: Component,
    settings: ComputeSettings,
    inputs: ComputeInputs,
    security_group: aws.ec2.SecurityGroup,
    certificate_arn: pulumi.Input[str],
) -> LoadBalancer:
    alb = aws.lb.LoadBalancer(
        c.child_name("alb"),
        load_balancer_type="application",
        internal=False,
        ip_address_type="ipv4",
        subnets=inputs.public_subnet_ids,
        security_groups=[security_group.id],
        idle_timeout=settings.idle_timeout_seconds,
        drop_invalid_header_fields=True,
        desync_mitigation_mode="defensive",
        enable_deletion_protection=c.ctx.production,  # production ALBs cannot be deleted by mistake
        access_logs=aws.lb.LoadBalancerAccessLogsArgs(bucket=inputs.log_bucket_name, prefix="alb", enabled=True),
        tags=c.tags_with(Name=c.naming.resource("alb")),
        opts=c.opts(),
    )
    blue = _target_group(c, settings, inputs, "blue")
    green = _target_group(c, settings, inputs, "green")

    https = aws.lb.Listener(
        c.child_name("https"),
        load_balancer_arn=alb.arn,
        port=443,
        protocol="HTTPS",
        ssl_policy=TLS_POLICY,
        certificate_arn=certificate_arn,
        default_actions=[_not_found()],
        tags=c.tags,
        opts=c.opts(),
    )
    http = aws.lb.Listener(
        c.child_name("http"),
        load_balancer_arn=alb.arn,
        port=80,
        protocol="HTTP",
        default_actions=[
            aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
            )
        ],
        tags=c.tags,
        opts=c.opts(),
    )
    # The test listener serves the green revision during a blue/green deployment (before the
    # production shift); its security-group rule admits the VPC only.
    test = aws.lb.Listener(
        c.child_name("test"),
        load_balancer_arn=alb.arn,
        port=settings.test_listener_port,
        protocol="HTTPS",
        ssl_policy=TLS_POLICY,
        certificate_arn=certificate_arn,
        default_actions=[_not_found()],
        tags=c.tags,
        opts=c.opts(),
    )
    return LoadBalancer(
        alb=alb,
        blue=blue,
        green=green,
        https_listener=https,
        http_listener=http,
        test_listener=test,
        # Production: the primary (blue) group carries all traffic; the alternate (green) sits in the
        # rule at weight 0 so ECS can shift to it. Test: the alternate group only. ECS developer guide
        # (migrating CodeDeploy to ECS blue/green): with a test listener, one target group is linked to
        # the production rule and the other to the test rule; terraform-aws-modules/ecs
        # examples/fargate uses this layout.
        production_rule=_forward_rule(c, "production-rule", https, [(blue, 100), (green, 0)]),
        test_rule=_forward_rule(c, "test-rule", test, [(green, 100)]),
    )
