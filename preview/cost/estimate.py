"""Turn recorded RegisterResource requests into a monthly cost estimate.

The pricers live in ``preview.cost.pricers`` (one module per resource family, dispatched by type); this
module runs them, reads the budget and sorts every resource nobody priced into "no direct charge" (free
by type) or "not modelled (may cost)", so a new costly type is never silently ignored.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Any

from preview.cost.assumptions import UsageAssumptions, for_stack
from preview.cost.context import Context, component_of
from preview.cost.inputs import UnknownValueError, number, plain
from preview.cost.model import Budget, CostReport
from preview.cost.pricers import DEPLOYED_SERVICES, PER_RESOURCE, WHOLE_STACK
from preview.cost.pricers.compute import load_factor
from preview.cost.prices import PRICES, PriceTable

__all__ = ["FREE_PREFIXES", "NEGLIGIBLE", "component_of", "estimate"]

# Types that have no charge of their own (their cost, if any, is priced on another resource).
FREE_PREFIXES: tuple[str, ...] = (
    "aws:iam/", "aws:ec2/securityGroup", "aws:vpc/securityGroup", "aws:ec2/defaultSecurityGroup",
    "aws:ec2/defaultNetworkAcl", "aws:ec2/networkAcl", "aws:ec2/subnet", "aws:ec2/routeTable", "aws:ec2/route:",
    "aws:ec2/vpc:", "aws:ec2/internetGateway", "aws:ec2/defaultRouteTable", "aws:ec2/vpcEndpointPolicy",
    "aws:s3/bucketPublicAccessBlock", "aws:s3/bucketOwnershipControls", "aws:s3/bucketServerSideEncryption",
    "aws:s3/bucketVersioning", "aws:s3/bucketLifecycleConfiguration", "aws:s3/bucketPolicy", "aws:s3/bucketLogging",
    "aws:s3/bucketNotification", "aws:s3/accountPublicAccessBlock", "aws:lb/listener", "aws:lb/targetGroup",
    "aws:ecs/taskDefinition", "aws:ecs/cluster:", "aws:ecs/clusterCapacityProviders", "aws:appautoscaling/",
    "aws:sns/", "aws:cloudwatch/eventRule", "aws:cloudwatch/eventTarget", "aws:cloudwatch/logResourcePolicy",
    "aws:cloudwatch/logSubscriptionFilter", "aws:cloudwatch/logDataProtectionPolicy", "aws:acm/",
    "aws:route53/record", "aws:kms/alias", "aws:kms/keyPolicy", "aws:kms/grant", "aws:ecr/lifecyclePolicy",
    "aws:ecr/repositoryPolicy", "aws:ecr/registryScanningConfiguration", "aws:backup/vault", "aws:backup/selection",
    "aws:backup/vaultPolicy", "aws:backup/vaultNotifications", "aws:backup/vaultLockConfiguration", "aws:budgets/",
    "aws:codestarconnections/", "aws:codeconnections/", "aws:codestarnotifications/",
    "aws:securityhub/standardsSubscription", "aws:guardduty/detectorFeature", "aws:secretsmanager/secretVersion",
    "aws:secretsmanager/secretPolicy", "aws:secretsmanager/secretRotation", "aws:dynamodb/resourcePolicy",
    "aws:ssm/parameter", "aws:ecr/replicationConfiguration",
    "aws:ec2/eipAssociation", "aws:wafv2/webAclAssociation",
    "aws:wafv2/webAclLoggingConfiguration", "aws:cloudwatch/logStream", "aws:ecs/accountSettingDefault",
    "aws:costexplorer/costAllocationTag", "aws:ec2/vpcEndpointRouteTableAssociation",
)  # fmt: skip
NEGLIGIBLE = {
    "aws:sns/topic:Topic": "SNS: first 1M publishes and 1,000 email deliveries a month are free; alarm traffic is far below",
}


def _budgets(ctx: Context) -> None:
    for b in ctx.of("aws:budgets/budget:Budget"):
        inp = ctx.inputs(b)
        try:
            amount = number(inp, "limitAmount")
        except UnknownValueError as exc:
            ctx.unknown(b, exc, "budget comparison not available")
            amount = None
        ctx.report.budgets.append(
            Budget(
                resource=str(b.get("name", "")),
                amount=amount,
                unit=str(plain(inp.get("limitUnit")) or "USD"),
                time_unit=str(plain(inp.get("timeUnit")) or "MONTHLY"),
                budget_type=str(plain(inp.get("budgetType")) or "COST"),
            )
        )


def _classify_rest(ctx: Context) -> None:
    free: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for r in ctx.resources:
        t = str(r.get("type", ""))
        if r.get("urn") in ctx.priced or t.startswith("pulumi:providers:"):
            continue
        if not r.get("custom") and not r.get("remote"):
            continue  # a component: its children are priced
        if t in NEGLIGIBLE or t.startswith(FREE_PREFIXES) or r.get("urn") in ctx.free_urns:
            free[t] += 1
        else:
            other[t] += 1
    ctx.report.no_direct_charge = dict(sorted(free.items()))
    ctx.report.not_modeled = dict(sorted(other.items()))
    for t in sorted(set(NEGLIGIBLE) & set(free)):
        ctx.report.comparisons.append(NEGLIGIBLE[t])


def estimate(
    resources: list[dict[str, Any]],
    stack: str,
    assumptions: UsageAssumptions | None = None,
    prices: PriceTable = PRICES,
) -> CostReport:
    """Monthly cost estimate of the recorded resources (the ``--json`` dump's ``resources``).

    Never raises on odd input: unknown values become ``report.unknowns``, unpriceable resources warnings.
    """
    usage = assumptions if assumptions is not None else for_stack(stack)
    # Recording order follows the engine's asynchronous registrations and varies run to run; URN order
    # makes the line order, and which resource a shared free tier is granted to, the same every time.
    ordered = sorted(resources or [], key=lambda r: str(r.get("urn", "")) if isinstance(r, dict) else "")
    ctx = Context(ordered, stack, usage, prices)
    ctx.load_factor = ctx.report.load_factor = load_factor(ctx)
    for res in ctx.resources:
        fn = PER_RESOURCE.get(str(res.get("type")))
        if fn is not None:
            ctx.guarded(res, partial(fn, ctx))
    for whole in (*WHOLE_STACK, _budgets):
        try:
            whole(ctx)
        except Exception as exc:  # a malformed record must never stop the preview
            ctx.report.warnings.append(f"{whole.__name__}: not priced ({type(exc).__name__}: {exc})")
    for res in ctx.resources:
        fn = DEPLOYED_SERVICES.get(str(res.get("type")))
        if fn is not None:
            ctx.guarded(res, partial(fn, ctx))
    _classify_rest(ctx)
    return ctx.report
