"""AWS WAF (v2) in front of the public ALB: association, rules, metrics and logging.

The association rule judges the load balancer, so it carries the ELB name; it lives here because it
reads the WAF resources. Stack rules match a web ACL to its association, rules and logging
configuration by property dependency first (a new ACL's ARN is unknown in a real preview), then by
a known ARN value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity, StackValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from ..framework import known, of_type, references
from ..props import as_list, dig, json_input, maybe
from ..registry import REGISTRY
from .elb import LB
from .helpers import each

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
ACL_RULE = "aws:wafv2/webAclRule:WebAclRule"
RULE_GROUP = "aws:wafv2/ruleGroup:RuleGroup"
RULE_GROUP_ASSOCIATION = "aws:wafv2/webAclRuleGroupAssociation:WebAclRuleGroupAssociation"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
BUCKET = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")

# WAF logs may only go to destinations whose name starts with this (AWS WAF developer guide, logging).
WAF_LOG_PREFIX = "aws-waf-logs-"
# Headers that carry credentials (bearer tokens, session cookies): never written to WAF logs.
REDACTED_HEADERS = ("authorization", "cookie")
# Regional ACL ARNs: arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>; CloudFront ones say global.
_REGIONAL_ARN = re.compile(r"^arn:aws[a-z-]*:wafv2:[^:]+:\d{12}:regional/webacl/")
_ARN_NAME = (
    re.compile(r":log-group:([^:]+)"),
    re.compile(r":deliverystream/([^/]+)$"),
    re.compile(r"^arn:aws[a-z-]*:s3:::([^/]+)"),
)


def _unresolved(res: PolicyResource, prop: str) -> UnknownValueError:
    err = UnknownValueError(UNKNOWN_STRING_VALUE, [prop])
    err.message = f"{res.name}: {err.message} and names no resource of this stack"
    return err


def _is_unresolvable(res: PolicyResource, prop: str) -> bool:
    """Unknown value without a property dependency: nothing tells which resource it points at."""
    if res.property_dependencies.get(prop):
        return False
    try:
        as_list(res.props.get(prop))  # reads every element: an unknown one raises
    except UnknownValueError:
        return True
    return False


def _acl_problem(assoc: PolicyResource, acls: list[PolicyResource]) -> str | None:
    """None if the association's web ACL is REGIONAL, else why not."""
    linked = [acl for acl in acls if references(assoc, "webAclArn", acl, known(acl, "arn"))]
    for acl in linked:
        scope = dig(acl.props, "scope")
        if scope != "REGIONAL":
            return f"web ACL {acl.name} has scope {scope}; an ALB takes only a REGIONAL web ACL."
    if linked:
        return None
    if _is_unresolvable(assoc, "webAclArn"):
        raise _unresolved(assoc, "webAclArn")
    arn = maybe(assoc.props, "webAclArn")
    if isinstance(arn, str) and _REGIONAL_ARN.match(arn):
        return None  # a regional web ACL managed outside this stack
    return f"association {assoc.name} points at {arn!r}, not a REGIONAL web ACL."


@REGISTRY.stack(
    name="aws-elb-loadbalancer-require-waf",
    description="Every internet-facing Application Load Balancer must be associated with a REGIONAL AWS WAF web "
    "ACL (an automated technical solution in front of the public-facing web application).",
    severity=Severity.HIGH,
    remediation="Create a wafv2.WebAcl with scope REGIONAL and a wafv2.WebAclAssociation with resourceArn = the "
    "ALB's arn and webAclArn = the ACL's arn. Internal ALBs are exempt.",
    controls=("runbook:security-monitoring", "fsbp:ELB.16", "pci-dss-4.0:6.4.2", "soc2:CC6.6", "hipaa:164.312(e)(1)"),
)
def alb_has_waf(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    associations = of_type(resources, ASSOCIATION)
    acls = of_type(resources, WEB_ACL)

    def one(alb: PolicyResource) -> Iterator[str]:
        # pulumi-aws defaults: loadBalancerType application, internal false. An unknown one raises: reported.
        if (dig(alb.props, "loadBalancerType") or "application") != "application" or dig(alb.props, "internal"):
            return  # WAF fronts only ALBs; an internal ALB is not public-facing
        mine = [a for a in associations if references(a, "resourceArn", alb, known(alb, "arn"))]
        if not mine:
            unresolved = [a for a in associations if _is_unresolvable(a, "resourceArn")]
            if unresolved:
                raise _unresolved(unresolved[0], "resourceArn")
            yield f"internet-facing ALB {alb.name} has no WAF web ACL association."
            return
        problems = [_acl_problem(a, acls) for a in mine]
        if all(problems):
            yield from (p for p in problems if p)

    yield from each(of_type(resources, *LB), one)


@REGISTRY.stack(
    name="aws-wafv2-webacl-require-rules",
    description="Web ACLs must hold at least one rule or rule group; an empty ACL lets every request through to "
    "its default action while looking like protection.",
    severity=Severity.HIGH,
    remediation="Add the managed rule groups and rate-based rules to the web ACL's rules (or as wafv2.WebAclRule / "
    "WebAclRuleGroupAssociation resources that reference it).",
    controls=("fsbp:WAF.10", "pci-dss-4.0:6.4.2", "soc2:CC6.6"),
)
def acl_has_rules(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    separate = of_type(resources, ACL_RULE, RULE_GROUP_ASSOCIATION)

    def one(acl: PolicyResource) -> Iterator[str]:
        if as_list(dig(acl.props, "rules")) or dig(acl.props, "ruleJson"):
            return
        if any(references(r, "webAclArn", acl, known(acl, "arn")) for r in separate):
            return
        yield f"web ACL {acl.name} has no rules."

    yield from each(of_type(resources, WEB_ACL), one)


def _metrics_off(label: str, visibility: Any, camel: bool = True) -> Iterator[str]:
    key = "cloudwatchMetricsEnabled" if camel else "CloudWatchMetricsEnabled"
    if dig(visibility, key) is not True:
        yield f"{label} does not enable CloudWatch metrics ({key} is {dig(visibility, key)!r})."


@REGISTRY.resource(
    name="aws-wafv2-webacl-enable-metrics",
    resource_types=(WEB_ACL, RULE_GROUP, ACL_RULE),
    description="Web ACLs, rule groups and every rule in them must publish CloudWatch metrics, so blocked and "
    "counted requests are visible per rule and can raise an alarm.",
    severity=Severity.MEDIUM,
    remediation="Set visibilityConfig {cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true} "
    "on the web ACL and on each rule.",
    controls=("fsbp:WAF.12", "pci-dss-4.0:6.4.2", "soc2:CC7.2"),
)
def metrics(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    props = args.props
    yield from _metrics_off(args.resource_type.split(":")[-1], dig(props, "visibilityConfig"))
    for rule in as_list(dig(props, "rules")):
        yield from _metrics_off(f"rule {rule.get('name')!r}", dig(rule, "visibilityConfig"))
    raw = json_input(props, "ruleJson") or json_input(props, "rulesJson")
    for rule in raw if isinstance(raw, list) else []:
        if isinstance(rule, dict):
            yield from _metrics_off(f"rule {rule.get('Name')!r}", rule.get("VisibilityConfig"), camel=False)


@REGISTRY.stack(
    name="aws-wafv2-webacl-enable-logging",
    description="Every web ACL must have a logging configuration, so each blocked or counted request is on record.",
    severity=Severity.MEDIUM,
    remediation="Add a wafv2.WebAclLoggingConfiguration with resourceArn = the web ACL's arn and "
    "logDestinationConfigs = [the arn of an aws-waf-logs-* log group].",
    controls=("fsbp:WAF.11", "pci-dss-4.0:10.2.1", "pci-dss-4.0:6.4.2", "soc2:CC7.2", "hipaa:164.312(b)"),
)
def acl_logging(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    configs = of_type(resources, LOGGING)

    def one(acl: PolicyResource) -> Iterator[str]:
        if any(references(c, "resourceArn", acl, known(acl, "arn")) for c in configs):
            return
        unresolved = [c for c in configs if _is_unresolvable(c, "resourceArn")]
        if unresolved:
            raise _unresolved(unresolved[0], "resourceArn")
        yield f"web ACL {acl.name} has no logging configuration."

    yield from each(of_type(resources, WEB_ACL), one)


@REGISTRY.resource(
    name="aws-wafv2-loggingconfiguration-require-header-redaction",
    resource_types=(LOGGING,),
    description="WAF logs must redact the authorization and cookie headers: they carry bearer tokens and session "
    "cookies, which must never be stored in logs.",
    severity=Severity.HIGH,
    remediation='Add redactedFields [{singleHeader: {name: "authorization"}}, {singleHeader: {name: "cookie"}}] '
    "to the wafv2.WebAclLoggingConfiguration.",
    controls=("pci-dss-4.0:8.3.2", "pci-dss-4.0:3.3.1", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)"),
)
def header_redaction(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    redacted = {
        str(dig(field, "singleHeader", "name") or "").strip().lower()
        for field in as_list(dig(args.props, "redactedFields"))
    }
    for header in REDACTED_HEADERS:
        if header not in redacted:
            yield f"redactedFields does not redact the {header} header."


def _destination_name(res: PolicyResource) -> str | None:
    for key in ("name", "namePrefix", "bucket", "bucketPrefix"):
        value = known(res, key)
        if isinstance(value, str) and value:
            return value
    return None


@REGISTRY.stack(
    name="aws-wafv2-loggingconfiguration-require-waf-destination",
    description="WAF log destinations must be a log group, Firehose stream or bucket named aws-waf-logs-*; AWS WAF "
    "refuses any other name, so the logging would fail only at deploy time.",
    severity=Severity.MEDIUM,
    remediation="Give the log group an explicit name starting with aws-waf-logs- (e.g. aws-waf-logs-budgetbuddy-"
    "<stack>) and pass its arn in logDestinationConfigs.",
    controls=("fsbp:WAF.11", "pci-dss-4.0:10.2.1", "soc2:CC7.2"),
)
def waf_destination(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    by_urn = {r.urn: r for r in resources}
    kinds = {LOG_GROUP, FIREHOSE, *BUCKET}

    def one(conf: PolicyResource) -> Iterator[str]:
        deps = [by_urn[d.urn] for d in conf.property_dependencies.get("logDestinationConfigs", []) if d.urn in by_urn]
        targets = [d for d in deps if d.resource_type in kinds]
        if targets:
            for t in targets:
                name = _destination_name(t)
                if name is None:
                    yield f"destination {t.name} has no explicit name; AWS WAF needs one starting {WAF_LOG_PREFIX}."
                elif not name.startswith(WAF_LOG_PREFIX):
                    yield f"destination {t.name} is named {name!r}, not {WAF_LOG_PREFIX}*."
            return
        arns = as_list(dig(conf.props, "logDestinationConfigs"))
        if not arns:
            yield "logDestinationConfigs is empty."
        for arn in arns:
            names = [m.group(1) for p in _ARN_NAME if (m := p.search(str(arn)))]
            if not names or not names[0].startswith(WAF_LOG_PREFIX):
                yield f"destination {arn} is not named {WAF_LOG_PREFIX}*."

    yield from each(of_type(resources, LOGGING), one)
