"""``rollback STACK [--to REVISION]``: the runbook's "Rollback Procedure", done right.

The runbook's step 1 reads ``deployments[?status==PRIMARY].taskDefinition``, which is the revision the service
runs now, so its step 2 redeploys the current revision. Here the default target is the ACTIVE revision of the
service's family just before the one its PRIMARY deployment runs (``list-task-definitions --sort DESC``). While a
deployment is still in progress under an ECS-native strategy (blue/green, canary, linear), the tool stops that
deployment with ``StopServiceDeployment(stopType=ROLLBACK)`` instead: ECS then shifts traffic back to the
revision that served before, which is faster and safer than starting a third deployment.

Either way it waits until the service is steady and reports what ECS did. The service keeps its circuit breaker
and deployment alarms: if ECS rolls the rollback itself back (the target revision fails its health checks or an
alarm fires), the command ends with exit 1 and ECS's reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ops import ecs
from ops.aws import EXIT_FAILED, EXIT_OK, EXIT_USAGE, OpsError
from ops.context import Ctx, first

ROLLBACK_DONE = "ROLLBACK_SUCCESSFUL"
ROLLBACK_FAILED = ("ROLLBACK_FAILED", "STOPPED")


def _target(ctx: Ctx, to: str | None, running: str) -> str:
    """The task definition to roll back to, as ``family:revision``."""
    p, ecs_client = ctx.platform, ctx.client("ecs")
    if to is not None:
        wanted = to if ":" in to else f"{p.family}:{to}"
        rev = ecs.revision(wanted)
        if rev is None or rev[0] != p.family:
            raise OpsError(
                f"--to {to!r}: expected a revision number or {p.family}:N (the service's family)", EXIT_USAGE
            )
        found = ecs_client.describe_task_definition(taskDefinition=wanted).get("taskDefinition", {})
        if not ctx.dry_run and found.get("status") != "ACTIVE":
            raise OpsError(f"--to {to!r}: {wanted} is {found.get('status')}; ECS deploys only ACTIVE revisions", 2)
        target = f"{rev[0]}:{rev[1]}"
    else:
        running_rev = ecs.revision(running)
        arns: list[str] = []
        token: str | None = None
        while True:
            page = ecs_client.list_task_definitions(
                familyPrefix=p.family, status="ACTIVE", sort="DESC", **({"nextToken": token} if token else {})
            )
            arns += page.get("taskDefinitionArns", [])
            token = page.get("nextToken")
            if not token:
                break
        if ctx.dry_run:
            return f"<the ACTIVE revision of {p.family} before the running one>"
        assert running_rev is not None
        older = [r for a in arns if (r := ecs.revision(a)) and r[0] == p.family and r[1] < running_rev[1]]
        if not older:
            raise OpsError(f"no ACTIVE revision of {p.family} before {ecs.short(running)}: nothing to roll back to")
        target = f"{older[0][0]}:{older[0][1]}"
    if ecs.short(running) == target:
        raise OpsError(f"the service already runs {target}; nothing to roll back", EXIT_USAGE)
    return target


def _events_since(ctx: Ctx, service: dict[str, Any], since: datetime) -> None:
    events = [e for e in service.get("events", []) if e.get("createdAt") and e["createdAt"] >= since]
    for e in reversed(events):
        ctx.say(f"  ECS {e['createdAt']:%H:%M:%S}: {e.get('message')}")


def _stop_in_progress(ctx: Ctx, service: dict[str, Any]) -> int:
    """Stop the running native blue/green (or canary) deployment with a rollback, and wait for it."""
    p, ecs_client = ctx.platform, ctx.client("ecs")
    listed = ecs_client.list_service_deployments(
        cluster=p.cluster, service=p.service, status=["PENDING", "IN_PROGRESS"]
    )
    deployment = first(listed.get("serviceDeployments"))
    arn = deployment.get("serviceDeploymentArn") or service.get("currentServiceDeployment")
    if not arn:
        raise OpsError("a deployment is in progress but ECS lists no service deployment to stop; try --to REVISION")
    previous = [d for d in service.get("deployments", []) if d.get("status") != "PRIMARY"]
    back_to = ", ".join(ecs.short(d.get("taskDefinition", "?")) for d in previous)
    ctx.say(
        f"Deployment in progress ({ecs.summary({'services': [service]})}): stopping it with a rollback"
        + (f" to {back_to}" if back_to else "")
    )
    ctx.confirm(f"Stopping deployment {arn} with a rollback")
    ecs_client.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")

    def check(response: dict[str, Any]) -> tuple[bool | None, str]:
        d = first(response.get("serviceDeployments"))
        state = d.get("status", "?")
        reason = d.get("statusReason", "")
        if state == ROLLBACK_DONE:
            return True, state
        if state in ROLLBACK_FAILED:
            return False, f"{state}: {reason}".rstrip(": ")
        return None, state

    state = ecs_client.poll("describe_service_deployments", check, "ECS rolling back", serviceDeploymentArns=[arn])
    _wait_steady(ctx)
    final = ecs.describe_service(ctx)
    ctx.say(f"ECS: {state}; the service runs {ecs.short(ecs.primary(final).get('taskDefinition', '?'))}")
    return EXIT_OK


def _wait_steady(ctx: Ctx) -> None:
    p = ctx.platform
    ctx.client("ecs").wait(
        "services_stable", ecs.summary, "waiting for the service to be steady", cluster=p.cluster, services=[p.service]
    )


def rollback(ctx: Ctx, to: str | None) -> int:
    p = ctx.platform
    started = datetime.now(UTC)
    service = ecs.describe_service(ctx)
    running = ecs.primary(service).get("taskDefinition", "<the revision the PRIMARY deployment runs>")
    strategy = service.get("deploymentConfiguration", {}).get("strategy", "ROLLING")
    if to is None and ecs.in_progress(service) and strategy in ecs.NATIVE_STRATEGIES:
        return _stop_in_progress(ctx, service)
    target = _target(ctx, to, running)
    ctx.say(f"Rolling {p.service} back from {ecs.short(running)} to {target}")
    ctx.confirm(f"Rollback of {p.service} to {target}")
    # A new task definition always starts a deployment: --force-new-deployment adds nothing here.
    ctx.client("ecs").update_service(cluster=p.cluster, service=p.service, taskDefinition=target)
    _wait_steady(ctx)
    if ctx.dry_run:
        return EXIT_OK
    final = ecs.describe_service(ctx)
    _events_since(ctx, final, started)
    now = ecs.short(ecs.primary(final).get("taskDefinition", "?"))
    if now != target:
        reason = ecs.primary(final).get("rolloutStateReason", "")
        raise OpsError(
            f"ECS rolled the rollback back: the service runs {now}, not {target}"
            + (f" ({reason})" if reason else "")
            + "; its circuit breaker or a deployment alarm stopped the target revision",
            EXIT_FAILED,
        )
    ctx.say(f"Done: {p.service} is steady on {target} ({ecs.summary({'services': [final]})})")
    return EXIT_OK
