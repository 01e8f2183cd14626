"""NAT gateways (awsx VPC or plain), Elastic IPs, load balancers and their public IPv4 addresses, interface
endpoints, internet data transfer out, Route 53 zones."""

from __future__ import annotations

from preview.cost.context import Context, Resource
from preview.cost.inputs import UnknownValueError, get, items, number, text

LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")


def nat_and_vpc(ctx: Context) -> None:
    h = ctx.a.hours_per_month if ctx.of("awsx:ec2:Vpc", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip") else 0
    total = 0.0
    for vpc in ctx.of("awsx:ec2:Vpc"):
        inp = ctx.inputs(vpc)
        try:
            strategy = text(inp, "natGateways.strategy") or "OnePerAz"  # awsx default with public+private subnets
            zones = items(inp, "availabilityZoneNames")
            azs = float(len(zones)) if zones else number(inp, "numberOfAvailabilityZones", 3.0) or 3.0
        except UnknownValueError as exc:
            ctx.unknown(vpc, exc, "assumed OnePerAz x 3 AZs (awsx defaults)")
            strategy, azs = "OnePerAz", 3.0
        count = {"OnePerAz": azs, "Single": 1.0, "None": 0.0}.get(strategy)
        if count is None:
            ctx.report.warnings.append(f"awsx VPC {vpc.get('name')}: unknown natGateways.strategy {strategy!r}")
            continue
        ctx.priced.add(vpc.get("urn", ""))
        if count == 0:
            continue
        total += count
        note = (
            f"natGateways.strategy {strategy} x {azs:g} AZs"
            if strategy == "OnePerAz"
            else f"natGateways.strategy {strategy}"
        )
        ctx.add("Network", vpc, "nat-gateway-hours", f"NAT gateways in awsx VPC ({note})", count * h,
                "NAT gateway-hour", ctx.p.nat_gateway_hour)  # fmt: skip
        try:
            own_eips = bool(items(inp, "natGateways.elasticIpAllocationIds"))
        except UnknownValueError:
            own_eips = True
        if not own_eips:
            ctx.add("Network", vpc, "nat-public-ipv4", "Public IPv4 of the NAT gateways (awsx-allocated EIPs)",
                    count * h, "IPv4-hour", ctx.p.public_ipv4_hour)  # fmt: skip
    nats = ctx.of("aws:ec2/natGateway:NatGateway")
    if nats:
        total += len(nats)
        ctx.add("Network", nats, "nat-gateways", "NAT gateways", len(nats) * h, "NAT gateway-hour",
                ctx.p.nat_gateway_hour)  # fmt: skip
    if total:
        group = ctx.of("awsx:ec2:Vpc", "aws:ec2/natGateway:NatGateway")
        gb = ctx.a.nat_gb_processed
        ctx.add("Network", group, "nat-data-processed", f"NAT data processed ({total:g} gateways)", gb, "GB",
                ctx.p.nat_gateway_gb, f"{gb:g} GB/month through all NAT gateways", scaled=True)  # fmt: skip
    eips = ctx.of("aws:ec2/eip:Eip")
    if eips:
        ctx.add("Network", eips, "elastic-ips", "Elastic IPs (public IPv4)", len(eips) * h, "IPv4-hour",
                ctx.p.public_ipv4_hour)  # fmt: skip


def _internet_facing(ctx: Context, lb: Resource) -> bool:
    try:
        return get(ctx.inputs(lb), "internal") is not True
    except UnknownValueError:
        return True


def load_balancer(ctx: Context, lb: Resource) -> None:
    inp = ctx.inputs(lb)
    kind = text(inp, "loadBalancerType") or "application"
    h = ctx.a.hours_per_month
    lcus = ctx.a.alb_lcus
    if kind == "application":
        ctx.add("Network", lb, "alb-hours", "Application Load Balancer", h, "ALB-hour", ctx.p.alb_hour)
        ctx.add("Network", lb, "alb-lcu", "ALB capacity units", lcus * h, "LCU-hour", ctx.p.alb_lcu_hour,
                f"{lcus:g} LCU average, every hour", scaled=True)  # fmt: skip
    elif kind == "network":
        ctx.add("Network", lb, "nlb-hours", "Network Load Balancer", h, "NLB-hour", ctx.p.nlb_hour)
        ctx.add("Network", lb, "nlb-lcu", "NLB capacity units", lcus * h, "NLCU-hour", ctx.p.nlb_lcu_hour,
                f"{lcus:g} NLCU average, every hour", scaled=True)  # fmt: skip
    else:
        ctx.report.warnings.append(f"load balancer {lb.get('name')}: type {kind} not modelled")
        return
    if get(inp, "internal") is True:
        return
    try:
        subnets = len(items(inp, "subnets")) or len(items(inp, "subnetMappings"))
        note = None
    except UnknownValueError as exc:
        ctx.unknown(lb, exc, "public IPv4 count assumed 3 (one per AZ)")
        subnets, note = 3, "3 AZs (subnets unknown in preview)"
    if subnets:
        ctx.add("Network", lb, "lb-public-ipv4", f"Public IPv4 of the internet-facing load balancer ({subnets} AZs)",
                subnets * h, "IPv4-hour", ctx.p.public_ipv4_hour, note)  # fmt: skip


def internet_egress(ctx: Context) -> None:
    """Responses to the internet leave through the internet-facing load balancers (EC2 data transfer out)."""
    public = [lb for lb in ctx.of(*LOAD_BALANCERS) if _internet_facing(ctx, lb)]
    if not public:
        return
    gb = ctx.a.internet_egress_gb
    free = ctx.p.free_internet_egress_gb
    ctx.add("Network", public, "internet-egress", "Data transfer out to the internet", gb, "GB",
            ctx.p.internet_egress_gb, f"{gb:g} GB/month of responses (first {free:g} GB/month free per account)",
            "egress", scaled=True)  # fmt: skip


def vpc_endpoint(ctx: Context, ep: Resource) -> None:
    inp = ctx.inputs(ep)
    if (text(inp, "vpcEndpointType") or "Gateway") == "Gateway":
        ctx.free_urns.add(ep.get("urn", ""))  # gateway endpoints (S3, DynamoDB) are free
        return
    try:
        azs, note = float(len(items(inp, "subnetIds")) or 1), None
    except UnknownValueError as exc:
        ctx.unknown(ep, exc, "assumed 3 AZs")
        azs, note = 3.0, "3 AZs (subnetIds unknown in preview)"
    service = ctx.name_of(ep, "serviceName").rsplit(".", 1)[-1]
    h = ctx.a.hours_per_month
    gb = ctx.a.interface_endpoint_gb
    ctx.add("Network", ep, "endpoint-hours", f"Interface endpoint {service} ({azs:g} AZs)", azs * h,
            "endpoint-AZ-hour", ctx.p.interface_endpoint_az_hour, note)  # fmt: skip
    ctx.add("Network", ep, "endpoint-data", f"Interface endpoint {service} data processed", gb, "GB",
            ctx.p.interface_endpoint_gb, f"{gb:g} GB/month per endpoint")  # fmt: skip


def route53_zone(ctx: Context, zone: Resource) -> None:
    ctx.add("Network", zone, "hosted-zone", "Route 53 hosted zone", 1, "zone-month", ctx.p.route53_hosted_zone_month)
