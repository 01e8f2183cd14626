"""Application Load Balancer and listeners."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity, StackValidationArgs

from ..framework import known, of_type, references
from ..props import as_list, dig
from ..registry import REGISTRY
from .helpers import each

LB = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENER = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
LISTENER_RULE = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")

TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
]


def _is_alb(args: ResourceValidationArgs) -> bool:
    return (dig(args.props, "loadBalancerType") or "application") == "application"


@REGISTRY.resource(
    name="aws-elb-listener-require-https-redirect",
    resource_types=LISTENER,
    description="Plain HTTP listeners may only redirect to HTTPS.",
    severity=Severity.HIGH,
    remediation="Give the port-80 listener a single default action {type: redirect, redirect: {protocol: HTTPS, "
    'port: "443", statusCode: HTTP_301}} and serve traffic only on the HTTPS listener.',
    controls=("fsbp:ELB.1", "pci-dss-4.0:4.2.1", "soc2:CC6.7", "hipaa:164.312(e)(1)"),
)
def https_redirect(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    # pulumi-aws lb.Listener: "For Application Load Balancers ... a default of HTTP".
    if (dig(args.props, "protocol") or "HTTP") != "HTTP":
        return
    actions = as_list(dig(args.props, "defaultActions"))
    if not actions:
        yield "HTTP listener has no default action."
    for a in actions:
        if a.get("type") != "redirect" or dig(a, "redirect", "protocol") != "HTTPS":
            yield f"HTTP listener action {a.get('type')!r} does not redirect to HTTPS."


def _redirects_to_https(action: Mapping[str, Any]) -> bool:
    return action.get("type") == "redirect" and dig(action, "redirect", "protocol") == "HTTPS"


@REGISTRY.stack(
    name="aws-elb-listenerrule-require-https-redirect",
    description="Listener rules on a plain-HTTP listener may only redirect to HTTPS (the listener's default action "
    "is not the only way to serve HTTP).",
    severity=Severity.HIGH,
    remediation="Attach forwarding rules to the HTTPS listener only; on the port-80 listener, rules (if any) must "
    "redirect to HTTPS.",
    controls=("fsbp:ELB.1", "pci-dss-4.0:4.2.1", "soc2:CC6.7", "hipaa:164.312(e)(1)"),
)
def https_redirect_rules(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    http = [
        lst
        for lst in of_type(resources, *LISTENER)
        if (known(lst, "protocol") or "HTTP") == "HTTP"  # pulumi-aws: ALB listeners default to HTTP
    ]

    def one(rule: PolicyResource) -> Iterator[str]:
        on_http = [lst for lst in http if references(rule, "listenerArn", lst, known(lst, "arn"))]
        if not on_http:
            return
        for action in as_list(dig(rule.props, "actions")):
            if not _redirects_to_https(action):
                yield f"rule on HTTP listener {on_http[0].name} has action {action.get('type')!r}, not a redirect to HTTPS."

    yield from each(of_type(resources, *LISTENER_RULE), one)


@REGISTRY.resource(
    name="aws-elb-listener-configure-tls-policy",
    resource_types=LISTENER,
    description="HTTPS/TLS listeners must use a TLS 1.2+ security policy from the allowlist.",
    severity=Severity.HIGH,
    remediation="Set sslPolicy to one of allowedSslPolicies in policies/config/<stack>.json, e.g. "
    "ELBSecurityPolicy-TLS13-1-2-2021-06.",
    controls=(
        "fsbp:ELB.17",
        "pci-dss-4.0:4.2.1",
        "soc2:CC6.7",
        "hipaa:164.312(e)(2)(ii)",
    ),
    config={
        "allowedSslPolicies": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "default": TLS_POLICIES,
        }
    },
)
def tls_policy(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if dig(args.props, "protocol") not in ("HTTPS", "TLS"):
        return
    policy = dig(args.props, "sslPolicy")
    if policy not in cfg["allowedSslPolicies"]:
        yield f"sslPolicy {policy or 'unset (AWS default)'} is not in the allowlist."


@REGISTRY.resource(
    name="aws-elb-loadbalancer-enable-drop-invalid-headers",
    resource_types=LB,
    description="Application load balancers must drop HTTP headers with invalid fields.",
    severity=Severity.MEDIUM,
    remediation="Set dropInvalidHeaderFields: true on the load balancer.",
    controls=("fsbp:ELB.4", "pci-dss-4.0:6.4.1", "soc2:CC6.6"),
)
def drop_invalid_headers(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if _is_alb(args) and dig(args.props, "dropInvalidHeaderFields") is not True:
        yield "dropInvalidHeaderFields is not true."


@REGISTRY.resource(
    name="aws-elb-loadbalancer-enable-access-logs",
    resource_types=LB,
    description="Load balancers must write access logs to S3.",
    severity=Severity.MEDIUM,
    remediation="Set accessLogs {enabled: true, bucket: <log bucket>, prefix: alb} and allow the ELB log "
    "delivery principal to write to that bucket.",
    controls=("fsbp:ELB.5", "pci-dss-4.0:10.2.1", "soc2:CC7.2", "hipaa:164.312(b)"),
)
def access_logs(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    logs = dig(args.props, "accessLogs")
    if dig(logs, "enabled") is not True or not dig(logs, "bucket"):
        yield "accessLogs is not enabled with a bucket."


@REGISTRY.resource(
    name="aws-elb-loadbalancer-enable-deletion-protection",
    resource_types=LB,
    description="Load balancers must have deletion protection where the environment requires it (production).",
    severity=Severity.MEDIUM,
    remediation="Set enableDeletionProtection: true (production); requireDeletionProtection in "
    "policies/config/<stack>.json says where it is required.",
    controls=("fsbp:ELB.6", "soc2:A1.2", "hipaa:164.308(a)(7)(ii)(B)"),
    config={"requireDeletionProtection": {"type": "boolean", "default": True}},
)
def deletion_protection(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if cfg["requireDeletionProtection"] and dig(args.props, "enableDeletionProtection") is not True:
        yield "enableDeletionProtection is not true."


@REGISTRY.resource(
    name="aws-elb-loadbalancer-configure-desync-mitigation",
    resource_types=LB,
    description="Application load balancers must use defensive or strictest HTTP desync mitigation.",
    severity=Severity.MEDIUM,
    remediation="Set desyncMitigationMode to defensive (the AWS default) or strictest; never monitor.",
    controls=("fsbp:ELB.12", "pci-dss-4.0:6.4.1", "soc2:CC6.6"),
)
def desync(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    mode = dig(args.props, "desyncMitigationMode")
    # Unset means the AWS default, defensive.
    if _is_alb(args) and mode not in (None, "defensive", "strictest"):
        yield f"desyncMitigationMode is {mode}."


@REGISTRY.resource(
    name="aws-elb-loadbalancer-require-multi-az",
    resource_types=LB,
    description="Load balancers must span at least two subnets (one per Availability Zone), so one zone's outage "
    "does not take the API down.",
    severity=Severity.MEDIUM,
    remediation="Pass at least two subnets in different Availability Zones (the VPC's public subnets, one per "
    "AZ) in subnets or subnetMappings.",
    controls=("fsbp:ELB.13", "soc2:A1.2", "hipaa:164.308(a)(7)(ii)(B)"),
)
def multi_az(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    # Subnet ids do not say their zone offline; the VPC component places one subnet per AZ.
    count = max(len(as_list(dig(args.props, "subnets"))), len(as_list(dig(args.props, "subnetMappings"))))
    if count < 2:
        yield f"the load balancer spans {count} subnet(s); at least 2 Availability Zones are required."
