"""``status STACK``: the runbook's "Verify deployment" in one screen.

Service (desired/running/pending, each deployment with its state and revision), target health of both
target groups, alarms in ALARM, autoscaling bounds, and per table PITR and the last backup. Exit 1 when the
service is not steady or a critical alarm fires: the alarms the service itself rolls deployments back on
(its ``deploymentConfiguration.alarms``: 5XX error rate, unhealthy hosts), which mean users are failing now.
"""

from __future__ import annotations

from typing import Any

from ops import ecs
from ops.aws import EXIT_FAILED, EXIT_OK, OpsError
from ops.context import Ctx, first


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if hasattr(value, "strftime") else str(value or "-")


def _service(ctx: Ctx, service: dict[str, Any]) -> None:
    p = ctx.platform
    ctx.say(
        f"Service {p.service} (cluster {p.cluster}, {p.region}): desired {service.get('desiredCount', '?')}, "
        f"running {service.get('runningCount', '?')}, pending {service.get('pendingCount', '?')}"
    )
    for d in service.get("deployments", []):
        ctx.say(
            f"  {d.get('status', '?')} {ecs.short(d.get('taskDefinition', '?'))} {d.get('rolloutState', '-')}: "
            f"desired {d.get('desiredCount')}, running {d.get('runningCount')}, pending {d.get('pendingCount')}; "
            f"{d.get('id', '?')}, created {_when(d.get('createdAt'))}"
        )


def _target_groups(service: dict[str, Any]) -> list[str]:
    arns: list[str] = []
    for lb in service.get("loadBalancers", []):
        for arn in (lb.get("targetGroupArn"), lb.get("advancedConfiguration", {}).get("alternateTargetGroupArn")):
            if arn and arn not in arns:
                arns.append(arn)
    return arns


def _targets(ctx: Ctx, service: dict[str, Any]) -> None:
    elbv2 = ctx.client("elbv2")
    ctx.say("Target health:")
    for arn in _target_groups(service):
        health = elbv2.describe_target_health(TargetGroupArn=arn).get("TargetHealthDescriptions", [])
        states: dict[str, int] = {}
        for t in health:
            state = t.get("TargetHealth", {}).get("State", "unknown")
            states[state] = states.get(state, 0) + 1
        shown = ", ".join(f"{n} {s}" for s, n in sorted(states.items())) or "no registered targets"
        ctx.say(f"  {arn.rsplit(':', 1)[-1].split('/')[1]}: {shown}")


def _alarms(ctx: Ctx, service: dict[str, Any]) -> list[str]:
    """Alarms of this stack in ALARM; returns the critical ones (those the service rolls back on)."""
    p = ctx.platform
    critical_names = set(service.get("deploymentConfiguration", {}).get("alarms", {}).get("alarmNames", []))
    firing: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = ctx.client("cloudwatch").describe_alarms(
            AlarmNamePrefix=p.alarm_prefix, StateValue="ALARM", **({"NextToken": token} if token else {})
        )
        firing += [
            a
            for a in page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
            if a.get("StateValue") == "ALARM" and not a["AlarmName"].startswith(p.other_alarm_prefixes)
        ]
        token = page.get("NextToken")
        if not token:
            break
    if not firing:
        ctx.say("Alarms: none in ALARM")
        return []
    ctx.say("Alarms in ALARM:")
    for a in firing:
        severity = "CRITICAL (the service rolls back on it) " if a["AlarmName"] in critical_names else ""
        ctx.say(
            f"  {severity}{a['AlarmName']} since {_when(a.get('StateUpdatedTimestamp'))}: {a.get('StateReason', '')}"
        )
    return [a["AlarmName"] for a in firing if a["AlarmName"] in critical_names]


def _scaling(ctx: Ctx) -> None:
    p = ctx.platform
    targets = ctx.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[p.scalable_resource_id], ScalableDimension="ecs:service:DesiredCount"
    )
    target = first(targets.get("ScalableTargets"))
    if not target:
        ctx.say(f"Autoscaling: no scalable target {p.scalable_resource_id}")
        return
    low, high = target.get("MinCapacity"), target.get("MaxCapacity")
    drift = ""
    if (low, high) != (p.min_capacity, p.max_capacity):
        drift = f" (stack config {p.min_capacity}-{p.max_capacity}: the next `pulumi up` sets that again)"
    ctx.say(f"Autoscaling: min {low}, max {high}{drift}")


def _last_backup_job(ctx: Ctx, table_arn: str) -> str:
    """AWS Backup's last job for the table; a refusal shows in the row, the rest of the screen still shows."""
    try:
        jobs = ctx.client("backup").list_backup_jobs(ByResourceArn=table_arn).get("BackupJobs", [])
    except OpsError as exc:
        return f"unavailable ({exc.aws_code or exc})"
    if not jobs:
        return "none"
    job = max(jobs, key=lambda j: j.get("CreationDate") or 0)
    return f"{job.get('State')} {_when(job.get('CreationDate'))}"


def _tables(ctx: Ctx) -> None:
    dynamodb = ctx.client("dynamodb")
    ctx.say("Tables:")
    for name in ctx.platform.tables.values():
        arn = dynamodb.describe_table(TableName=name).get("Table", {}).get("TableArn", "")
        pitr = (
            dynamodb.describe_continuous_backups(TableName=name)
            .get("ContinuousBackupsDescription", {})
            .get("PointInTimeRecoveryDescription", {})
        )
        backups = dynamodb.list_backups(TableName=name, BackupType="ALL").get("BackupSummaries", [])
        last = max(backups, key=lambda b: b.get("BackupCreationDateTime") or 0, default=None)
        on_demand = f"{last['BackupName']} {last.get('BackupStatus')}" if last else "none"
        ctx.say(
            f"  {name}: PITR {pitr.get('PointInTimeRecoveryStatus', '?')} (latest restorable "
            f"{_when(pitr.get('LatestRestorableDateTime'))}); last AWS Backup job "
            f"{_last_backup_job(ctx, arn) if arn else '?'}; last on-demand backup {on_demand}"
        )


def status(ctx: Ctx) -> int:
    service = ecs.describe_service(ctx)
    _service(ctx, service)
    _targets(ctx, service)
    critical = _alarms(ctx, service)
    _scaling(ctx)
    _tables(ctx)
    if ctx.dry_run:
        return EXIT_OK
    problems = []
    if not ecs.steady(service):
        problems.append("the service is not steady (" + ecs.summary({"services": [service]}) + ")")
    if critical:
        problems.append(f"critical alarm in ALARM: {', '.join(critical)}")
    if problems:
        raise OpsError("; ".join(problems), EXIT_FAILED)
    ctx.say("Verdict: steady, no critical alarm.")
    return EXIT_OK
