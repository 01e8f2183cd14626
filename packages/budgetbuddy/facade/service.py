"""What ``budgetbuddy:index:ComputeService`` does: validate everything, then build the platform's
ComputeService (components/compute) as its only child, so one code path creates the resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails

from components.base import StackContext
from components.compute import ComputeService as PlatformComputeService
from components.compute.contract import ComputeInputs
from components.config.schema import StackConfig
from components.naming import Naming
from components.outputs import exported

from .settings import compute_inputs, stack_region, validated_settings

TYPE = "budgetbuddy:index:ComputeService"


def validate(args: Mapping[str, Any], region: str | None) -> tuple[StackConfig, ComputeInputs]:
    """Settings and platform inputs, every problem of both listed in one InputPropertiesError."""
    found: list[InputPropertyErrorDetails] = []
    cfg = inputs = None
    try:
        cfg = validated_settings(args, region)
    except InputPropertiesError as exc:
        found += exc.errors or []
    try:
        inputs = compute_inputs(args)
    except InputPropertiesError as exc:
        found += exc.errors or []
    if found or cfg is None or inputs is None:
        raise InputPropertiesError("invalid ComputeService inputs", found)
    return cfg, inputs


def build(
    component: pulumi.ComponentResource, name: str, args: Mapping[str, Any], opts: pulumi.ResourceOptions | None
) -> None:
    """Register ``component`` and the platform's ComputeService under it; set its outputs.

    Nothing is registered when an input is refused (the error reaches the engine as invalid properties).
    """
    cfg, inputs = validate(args, stack_region())
    pulumi.ComponentResource.__init__(component, TYPE, name, {}, opts)
    ctx = StackContext(
        naming=Naming.from_config(cfg),
        account_id=aws.get_caller_identity_output().account_id,  # as the platform program reads it
        region=cfg.region,
    )
    inner = PlatformComputeService(name, cfg, inputs, ctx, pulumi.ResourceOptions(parent=component))
    # The platform's Edge associates its web ACL with the backend's ALB; a packaged service's ALB joins
    # the same ACL (an internet-facing ALB without WAF fails the policy pack).
    aws.wafv2.WebAclAssociation(
        f"{name}-waf",
        resource_arn=inner.alb.arn,
        web_acl_arn=args["webAclArn"],
        opts=pulumi.ResourceOptions(parent=component),
    )
    outputs = exported(inner.outputs)
    for field_name, value in output_attributes(inner).items():
        setattr(component, field_name, value)
    component.register_outputs(outputs)


def output_attributes(inner: PlatformComputeService) -> dict[str, Any]:
    """The component's output attributes: ComputeOutputs' stack outputs under their field names (the
    analyzer camel-cases them back to the stack output names)."""
    from components.outputs import output_fields

    return {f.name: getattr(inner.outputs, f.name) for f, _ in output_fields(type(inner.outputs))}
