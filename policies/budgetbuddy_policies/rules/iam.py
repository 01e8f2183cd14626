"""IAM identity policies: least privilege (runbook: isolate/disable roles)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import as_list, dig, json_input
from ..registry import REGISTRY

ROLE = "aws:iam/role:Role"
DOC_TYPES = (
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
ADMIN_POLICIES = {
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
}
# Actions that support no resource-level permissions: "*" is the narrowest resource AWS accepts.
STAR_ONLY_ACTIONS = [
    "ecr:GetAuthorizationToken",
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    # RegisterTaskDefinition is not here: it has a task-definition/<family>:<revision> resource (service
    # authorization reference). ListTasks names a container instance only when filtering by one (not on Fargate).
    "ecs:ListTasks",
    "ecs:DescribeTaskDefinition",
    "ecs:ListTaskDefinitions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "logs:DescribeLogGroups",
    "sts:GetCallerIdentity",
    "kms:ListAliases",
    "codebuild:ListProjects",
]


def documents(args: ResourceValidationArgs) -> Iterator[tuple[str, Any]]:
    """(label, parsed document) for every identity policy the resource declares."""
    if args.resource_type == ROLE:
        for i, inline in enumerate(as_list(dig(args.props, "inlinePolicies"))):
            raw = inline.get("policy")
            if raw:
                yield (
                    f"inlinePolicies[{i}] {inline.get('name', '')}".strip(),
                    json_input(inline, "policy"),
                )
    elif args.resource_type in DOC_TYPES:
        yield "policy", json_input(args.props, "policy")


def allow_statements(doc: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict):
        return
    for st in as_list(doc.get("Statement")):
        if isinstance(st, dict) and st.get("Effect") == "Allow":
            yield st


_TYPES = (ROLE, *DOC_TYPES)


@REGISTRY.resource(
    name="aws-iam-policy-disallow-wildcard-actions",
    resource_types=_TYPES,
    description="Identity policies must not allow '*' or '<service>:*' actions, nor use NotAction with Allow.",
    severity=Severity.HIGH,
    remediation="List the exact actions the workload calls (e.g. dynamodb:GetItem, dynamodb:Query) instead of "
    "a wildcard.",
    controls=(
        "fsbp:IAM.1",
        "fsbp:IAM.21",
        "pci-dss-4.0:7.2.1",
        "soc2:CC6.3",
        "hipaa:164.312(a)(1)",
    ),
)
def wildcard_actions(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for label, doc in documents(args):
        for st in allow_statements(doc):
            if "NotAction" in st:
                yield f"{label}: Allow with NotAction."
            for action in as_list(st.get("Action")):
                if action == "*" or str(action).endswith(":*"):
                    yield f"{label}: allows action {action!r}."


@REGISTRY.resource(
    name="aws-iam-policy-disallow-wildcard-resources",
    resource_types=_TYPES,
    description="Identity policies must not use Resource '*' for actions that support narrower resources.",
    severity=Severity.HIGH,
    remediation="Scope Resource to the exact ARNs (table and index ARNs, the repository, the log group); only "
    "actions without resource-level permissions (allowedStarActions) may use '*'.",
    controls=("pci-dss-4.0:7.2.2", "soc2:CC6.3", "hipaa:164.312(a)(1)"),
    config={
        "allowedStarActions": {
            "type": "array",
            "items": {"type": "string"},
            "default": STAR_ONLY_ACTIONS,
        }
    },
)
def wildcard_resources(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    allowed = {a.lower() for a in cfg["allowedStarActions"]}
    for label, doc in documents(args):
        for st in allow_statements(doc):
            if "*" not in as_list(st.get("Resource")) and "NotResource" not in st:
                continue
            wide = [a for a in as_list(st.get("Action")) if str(a).lower() not in allowed]
            if wide:
                yield f"{label}: Resource '*' for {sorted(map(str, wide))}."


@REGISTRY.resource(
    name="aws-iam-role-disallow-admin-policy",
    resource_types=(ROLE, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
    description="Roles must not carry AWS administrator-level managed policies.",
    severity=Severity.CRITICAL,
    remediation="Detach AdministratorAccess/PowerUserAccess/IAMFullAccess and attach a policy listing the "
    "actions the role needs.",
    controls=("fsbp:IAM.1", "pci-dss-4.0:7.2.1", "soc2:CC6.3", "hipaa:164.312(a)(1)"),
)
def admin_policy(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    arns = [*as_list(dig(args.props, "managedPolicyArns")), dig(args.props, "policyArn")]
    for arn in arns:
        if arn in ADMIN_POLICIES:
            yield f"attaches {arn}."
