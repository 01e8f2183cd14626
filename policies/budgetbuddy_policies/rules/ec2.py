"""VPC networking: flow logs, security groups, NAT gateways."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from ..framework import ancestors, known, of_type, references
from ..props import as_list, dig, number
from ..registry import REGISTRY
from .helpers import each

AWSX_VPC = "awsx:ec2:Vpc"
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
NAT = "aws:ec2/natGateway:NatGateway"
SG = "aws:ec2/securityGroup:SecurityGroup"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
LB = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
OPEN = {"0.0.0.0/0", "::/0"}
WEB_PORTS = {80.0, 443.0}
_AWSX_DEFAULT_AZS = 3  # awsx uses the region's first three AZs unless told otherwise


@REGISTRY.stack(
    name="aws-ec2-vpc-require-flow-logs",
    description="Every VPC (including awsx VPC components) must have a flow log.",
    severity=Severity.HIGH,
    remediation="Add an aws.ec2.FlowLog with vpcId=<the VPC's id>, trafficType ALL, to an encrypted log group.",
    controls=("fsbp:EC2.6", "pci-dss-4.0:10.2.1", "soc2:CC7.2", "hipaa:164.312(b)"),
)
def vpc_flow_logs(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    flows = of_type(args.resources, FLOW_LOG)

    def covered(vpc: PolicyResource) -> bool:
        return any(references(f, "vpcId", vpc) for f in flows)

    def one(vpc: PolicyResource) -> Iterator[str]:
        # A raw VPC inside an awsx component is covered by a flow log on the component.
        if covered(vpc) or any(a.resource_type == AWSX_VPC and covered(a) for a in ancestors(vpc)):
            return
        yield "no aws:ec2/flowLog:FlowLog references this VPC."

    yield from each(of_type(args.resources, AWSX_VPC, VPC), one)


@REGISTRY.resource(
    name="aws-ec2-flowlog-configure-all-traffic",
    resource_types=(FLOW_LOG,),
    description="Flow logs must capture ALL traffic (accepted and rejected).",
    severity=Severity.MEDIUM,
    remediation="Set trafficType: ALL.",
    controls=("fsbp:EC2.6", "pci-dss-4.0:10.2.1", "soc2:CC7.2"),
)
def flow_all(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    traffic = dig(args.props, "trafficType")
    if traffic != "ALL":
        yield f"trafficType is {traffic}."


@REGISTRY.resource(
    name="aws-ec2-defaultsecuritygroup-disallow-rules",
    resource_types=("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",),
    description="The VPC's default security group must have no ingress or egress rules.",
    severity=Severity.HIGH,
    remediation="Manage the default group with aws.ec2.DefaultSecurityGroup and empty ingress/egress lists.",
    controls=("fsbp:EC2.2", "pci-dss-4.0:1.3.1", "soc2:CC6.6", "hipaa:164.312(e)(1)"),
)
def default_sg(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for key in ("ingress", "egress"):
        if as_list(dig(args.props, key)):
            yield f"{key} is not empty."


@dataclass(frozen=True)
class _Ingress:
    source: PolicyResource  # where the rule is declared
    group: PolicyResource | None  # the security group it opens
    protocol: str
    from_port: float | None
    to_port: float | None
    cidrs: tuple[str, ...]


def _ingresses_of(res: PolicyResource, groups: list[PolicyResource]) -> Iterator[_Ingress]:
    """The ingress rules one resource declares (inline on a group or standalone)."""
    if res.resource_type == SG:
        for rule in as_list(dig(res.props, "ingress")):
            cidrs = as_list(rule.get("cidrBlocks")) + as_list(rule.get("ipv6CidrBlocks"))
            port_range = (number(rule.get("fromPort")), number(rule.get("toPort")))
            yield _Ingress(res, res, str(rule.get("protocol")), *port_range, tuple(cidrs))
        return
    if res.resource_type == SG_RULE and dig(res.props, "type") != "ingress":
        return
    if res.resource_type == SG_INGRESS:
        cidrs = [c for c in (dig(res.props, "cidrIpv4"), dig(res.props, "cidrIpv6")) if c]
        protocol = dig(res.props, "ipProtocol")
    else:
        cidrs = as_list(dig(res.props, "cidrBlocks")) + as_list(dig(res.props, "ipv6CidrBlocks"))
        protocol = dig(res.props, "protocol")
    group = next((g for g in groups if references(res, "securityGroupId", g)), None)
    port_range = (number(dig(res.props, "fromPort")), number(dig(res.props, "toPort")))
    yield _Ingress(res, group, str(protocol), *port_range, tuple(cidrs))


@REGISTRY.stack(
    name="aws-ec2-securitygroup-disallow-public-ingress",
    description="No security group may admit 0.0.0.0/0 or ::/0, except TCP 80/443 on the ALB's group.",
    severity=Severity.CRITICAL,
    remediation="Admit the internet only on the ALB's security group, only TCP 443 (and 80 for the redirect); "
    "let everything else reference the ALB's group instead of a CIDR.",
    controls=(
        "fsbp:EC2.18",
        "fsbp:EC2.19",
        "pci-dss-4.0:1.3.1",
        "soc2:CC6.6",
        "hipaa:164.312(e)(1)",
    ),
)
def public_ingress(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    lbs = of_type(resources, *LB)

    def on_alb(group: PolicyResource | None) -> bool:
        return group is not None and any(references(lb, "securityGroups", group, known(group, "name")) for lb in lbs)

    groups = of_type(resources, SG)

    def one(source: PolicyResource) -> Iterator[str]:
        for ing in _ingresses_of(source, groups):
            if not OPEN.intersection(ing.cidrs):
                continue
            web = ing.protocol in ("tcp", "6") and ing.from_port == ing.to_port and ing.from_port in WEB_PORTS
            if not web:
                ports = f"{ing.from_port}-{ing.to_port}".replace(".0", "")
                yield f"admits {sorted(OPEN.intersection(ing.cidrs))} on {ing.protocol} ports {ports}."
            elif ing.group is None:
                yield "opens a web port to the internet on a security group that cannot be identified."
            elif not on_alb(ing.group):
                yield f"opens port {ing.from_port:g} to the internet on a group not attached to a load balancer."

    sources = [r for r in resources if r.resource_type in (SG, SG_INGRESS, SG_RULE)]
    yield from each(sources, one)


def _awsx_nat_count(vpc: PolicyResource) -> int:
    strategy = dig(vpc.props, "natGateways", "strategy") or "OnePerAz"
    if strategy == "None":
        return 0
    if strategy == "Single":
        return 1
    names = dig(vpc.props, "availabilityZoneNames")
    if names:
        return len(names)
    return int(number(dig(vpc.props, "numberOfAvailabilityZones")) or _AWSX_DEFAULT_AZS)


@REGISTRY.stack(
    name="aws-ec2-natgateway-configure-limit",
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="The stack's NAT gateways (awsx VPC strategy plus explicit gateways) stay within the "
    "environment's limit.",
    severity=Severity.LOW,
    remediation="Use natGateways.strategy Single in non-production, OnePerAz only where HA needs it; the limit "
    "is maxNatGateways in policies/config/<stack>.json.",
    controls=("cost:nat-gateways",),
    config={"maxNatGateways": {"type": "integer", "minimum": 0, "default": 3}},
)
def nat_limit(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    vpcs = of_type(resources, AWSX_VPC)
    counts: list[tuple[PolicyResource, int]] = []
    for vpc in vpcs:
        counts.append((vpc, _awsx_nat_count(vpc)))
    for nat in of_type(resources, NAT):
        # Gateways that awsx creates appear as its children in real previews; they
        # are already counted from the component's inputs.
        if not any(a.resource_type == AWSX_VPC for a in ancestors(nat)):
            counts.append((nat, 1))
    total = sum(n for _, n in counts)
    if total > cfg["maxNatGateways"]:
        detail = ", ".join(f"{r.name}={n}" for r, n in counts if n)
        yield (
            None,
            f"{total} NAT gateways ({detail}) exceed maxNatGateways={cfg['maxNatGateways']}.",
        )
