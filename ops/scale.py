"""``scale STACK --min N --max M``: the runbook's ``register-scalable-target`` (Incident Response, High CPU).

Pulumi owns the scalable target's bounds: the next ``pulumi up`` sets ``minCapacity``/``maxCapacity`` from the
stack's config again. The command says so and prints the ``pulumi config set`` lines that make the change
permanent. Values outside the stack's limits are refused before any call (ops/platform.py: the policy config's,
or the config schema's where the policy config sets none).
"""

from __future__ import annotations

from ops.aws import EXIT_OK, EXIT_USAGE, OpsError
from ops.context import Ctx, first
from ops.platform import CapacityLimits

DIMENSION = "ecs:service:DesiredCount"


def check_bounds(low: int, high: int, limits: CapacityLimits) -> None:
    problems = []
    if not limits.min_low <= low <= limits.min_high:
        problems.append(f"--min {low}: allowed {limits.min_low}-{limits.min_high}")
    if not limits.max_low <= high <= limits.max_high:
        problems.append(f"--max {high}: allowed {limits.max_low}-{limits.max_high}")
    if low > high:
        problems.append(f"--min {low} must not exceed --max {high}")
    if problems:
        raise OpsError(f"{'; '.join(problems)} (limits: {limits.source})", EXIT_USAGE)


def scale(ctx: Ctx, low: int, high: int, limits: CapacityLimits) -> int:
    p = ctx.platform
    check_bounds(low, high, limits)
    autoscaling = ctx.client("application-autoscaling")
    found = autoscaling.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[p.scalable_resource_id], ScalableDimension=DIMENSION
    )
    current = first(found.get("ScalableTargets"))
    if not ctx.dry_run and not current:
        raise OpsError(f"no scalable target {p.scalable_resource_id} in {p.region}: is stack {p.stack!r} deployed?")
    if current:
        ctx.say(f"{p.scalable_resource_id}: min {current.get('MinCapacity')}, max {current.get('MaxCapacity')} now")
    ctx.confirm(f"Scaling {p.service} to min {low}, max {high}")
    autoscaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=p.scalable_resource_id,
        ScalableDimension=DIMENSION,
        MinCapacity=low,
        MaxCapacity=high,
    )
    ctx.say(f"{p.scalable_resource_id}: min {low}, max {high} set (autoscaling moves the desired count within)")
    ctx.say(
        f"The next `pulumi up` of {p.stack} sets min {p.min_capacity}, max {p.max_capacity} again "
        "(budgetbuddy:minCapacity/maxCapacity). To keep this change:"
    )
    ctx.say(f"  pulumi config set --stack {p.stack} minCapacity {low}")
    ctx.say(f"  pulumi config set --stack {p.stack} maxCapacity {high}")
    return EXIT_OK
