"""Reading the ECS service: its deployments, the revision each runs, and whether it is steady."""

from __future__ import annotations

import re
from typing import Any

from ops.aws import OpsError
from ops.context import Ctx, first

# ECS's own deployment strategies (deploymentConfiguration.strategy) that StopServiceDeployment can roll back.
NATIVE_STRATEGIES = ("BLUE_GREEN", "CANARY", "LINEAR")
_REVISION = re.compile(r"(?:^|/)([A-Za-z0-9_-]+):(\d+)$")


def revision(task_definition: str) -> tuple[str, int] | None:
    """``arn:...:task-definition/budgetbuddy-backend:7`` or ``budgetbuddy-backend:7`` -> (family, 7)."""
    m = _REVISION.search(task_definition or "")
    return (m[1], int(m[2])) if m else None


def short(task_definition: str) -> str:
    """``family:N`` for an ARN; the text itself when it is not a revision (a dry-run placeholder)."""
    rev = revision(task_definition)
    return f"{rev[0]}:{rev[1]}" if rev else task_definition


def describe_service(ctx: Ctx) -> dict[str, Any]:
    """The service, or an OpsError naming it when ECS does not know it ({} under ``--dry-run``)."""
    p = ctx.platform
    response = ctx.client("ecs").describe_services(cluster=p.cluster, services=[p.service])
    if ctx.dry_run:
        return {}
    service = first(response.get("services"))
    if not service or service.get("status") != "ACTIVE":
        reason = first(response.get("failures")).get("reason") or service.get("status", "MISSING")
        raise OpsError(
            f"ECS service {p.service} in cluster {p.cluster} ({p.region}): {reason}; is stack {p.stack!r} deployed "
            "in this account and region?"
        )
    return service


def primary(service: dict[str, Any]) -> dict[str, Any]:
    return next((d for d in service.get("deployments", []) if d.get("status") == "PRIMARY"), {})


def in_progress(service: dict[str, Any]) -> bool:
    """A deployment is under way: more than one deployment, or the primary one still rolling out."""
    deployments = service.get("deployments", [])
    return len(deployments) > 1 or primary(service).get("rolloutState") == "IN_PROGRESS"


def steady(service: dict[str, Any]) -> bool:
    """The ``services_stable`` waiter's test (one deployment, running == desired) and a completed rollout."""
    deployments = service.get("deployments", [])
    return (
        len(deployments) == 1
        and service.get("runningCount") == service.get("desiredCount")
        and primary(service).get("rolloutState", "COMPLETED") == "COMPLETED"
    )


def summary(response: dict[str, Any]) -> str:
    """One line for a progress display from a DescribeServices response."""
    service = first(response.get("services"))
    if not service:
        return "service not found"
    deployments = ", ".join(
        f"{d.get('status')} {short(d.get('taskDefinition', '?'))} {d.get('rolloutState', '')}".strip()
        for d in service.get("deployments", [])
    )
    return f"running {service.get('runningCount')}/{service.get('desiredCount')}; {deployments}"
