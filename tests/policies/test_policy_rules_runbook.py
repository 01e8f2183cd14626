"""The runbook's guarantees as rules (docs/runbook-mapping.md, docs/alerts.md): each rule's breaking
cases, the mapping rows that name a resource property each guarded by a ``runbook:``-tagged rule, and
the missing-data table of docs/decisions.md equal to the rule's data."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from budgetbuddy_policies import REGISTRY
from budgetbuddy_policies.missing_data import TABLE, entry_for
from policy_fixtures import BOTH, _arn, assert_case, container, drop, edited, prefix, set_

from tests.harness import ROOT, run_stack

Resources = list[dict[str, Any]]
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _stack_of(b: Resources) -> str:
    return b[0]["urn"].split(":")[2]


def route(alarm: str, topic: str) -> Callable[[Resources], Resources]:
    """``alarm`` notifies the topic ``topic`` (``alarms`` or ``alerts``) instead: inputs and dependencies."""

    def mutate(b: Resources) -> Resources:
        out = copy.deepcopy(b)
        target = next(r for r in out if r["name"] == topic)
        a = next(r for r in out if r["name"] == alarm)
        arn = _arn("sns", target["inputs"]["name"])
        a["inputs"]["alarmActions"] = a["inputs"]["okActions"] = [arn]
        a["propertyDependencies"]["alarmActions"] = a["propertyDependencies"]["okActions"] = [target["urn"]]
        return out

    return mutate


def added(
    type_: str, name: str, inputs: Callable[[str], dict[str, Any]], ref: str = ""
) -> Callable[[Resources], Resources]:
    """A new record (inputs built for the stack), optionally depending on the paging topic through ``ref``."""

    def mutate(b: Resources) -> Resources:
        out = copy.deepcopy(b)
        stack = _stack_of(out)
        page = next(r for r in out if r["name"] == "alarms")
        record = copy.deepcopy(out[0]) | {"type": type_, "name": name, "custom": True, "remote": False}
        record["urn"] = f"urn:pulumi:{stack}::budgetbuddy::{type_}::{name}"
        record["inputs"] = inputs(f"{prefix(stack)}-alarms")
        record["propertyDependencies"] = {ref: [page["urn"]]} if ref else {}
        return [*out, record]

    return mutate


def successes_to(topic: str) -> dict[str, Any]:
    return {"name": "pipeline-successes", "resource": "arn:pipeline", "detailType": "FULL", "status": "ENABLED",
            "eventTypeIds": ["codepipeline-pipeline-pipeline-execution-succeeded"],
            "targets": [{"address": _arn("sns", topic), "type": "SNS"}]}  # fmt: skip


def approval_to(b: Resources) -> Resources:
    out = copy.deepcopy(b)
    pipeline = next(r for r in out if r["name"] == "pipeline")
    topic = _arn("sns", f"{prefix(_stack_of(out))}-alarms")
    pipeline["inputs"]["stages"].append({"name": "Approval", "actions": [
        {"name": "Approve", "category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1",
         "configuration": {"NotificationArn": topic}}]})  # fmt: skip
    return out


def budget_to_topic(b: Resources) -> Resources:
    out = copy.deepcopy(b)
    budget = next(r for r in out if r["name"] == "monthly")
    for n in budget["inputs"]["notifications"]:
        n["subscriberSnsTopicArns"] = [_arn("sns", f"{prefix(_stack_of(out))}-alarms")]
    return out


def tracking(policy: str, **conf: Any) -> Callable[[Resources], Resources]:
    def mutate(b: Resources) -> Resources:
        out = copy.deepcopy(b)
        p = next(r for r in out if r["name"] == policy)
        p["inputs"]["targetTrackingScalingPolicyConfiguration"].update(conf)
        return out

    return mutate


def td(**overrides: Any) -> Callable[[Resources], Resources]:
    return lambda b: edited(b, "task", containerDefinitions=json.dumps([container(**overrides)]))


def service_alarms(**alarms: Any) -> Callable[[Resources], Resources]:
    def mutate(b: Resources) -> Resources:
        out = copy.deepcopy(b)
        next(r for r in out if r["name"] == "service")["inputs"]["alarms"].update(alarms)
        return out

    return mutate


HC = {"enabled": True, "path": "/actuator/health", "interval": 30, "timeout": 5}
STRATEGY = "aws-ecs-service-configure-deployment-strategy"
ROLLBACK = "aws-ecs-service-require-alarm-rollback"
CAPACITY = "aws-appautoscaling-target-configure-capacity"
TRACKING = "aws-appautoscaling-policy-require-cpu-memory-tracking"
SCHEDULE = "aws-backup-plan-configure-daily-schedule"
TG_HC = "aws-elb-targetgroup-configure-health-check"
TASK_HC = "aws-ecs-taskdefinition-require-health-check"
IDLE = "aws-elb-loadbalancer-configure-idle-timeout"
ROUTE = "aws-cloudwatch-metricalarm-require-severity-route"
PAGING = "aws-sns-topic-disallow-non-alarm-paging"
MISSING = "aws-cloudwatch-metricalarm-configure-missing-data"
PROD = ("production",)
STAGING = ("staging",)

CASES: list[tuple[str, str, Callable[[Resources], Resources], tuple[str, ...]]] = [
    (STRATEGY, "rolling", set_("service", deploymentConfiguration={"strategy": "ROLLING"}), BOTH),
    (STRATEGY, "no-configuration", set_("service", deploymentConfiguration=None), BOTH),
    (STRATEGY, "canary-in-production", set_("service", deploymentConfiguration={"strategy": "CANARY"}), PROD),
    (STRATEGY, "code-deploy-controller", set_("service", deploymentController={"type": "CODE_DEPLOY"}), BOTH),
    (ROLLBACK, "no-alarms", set_("service", alarms=None), BOTH),
    (ROLLBACK, "rollback-off", service_alarms(rollback=False), BOTH),
    (ROLLBACK, "disabled", service_alarms(enable=False), BOTH),
    (ROLLBACK, "no-alarm-names", service_alarms(alarmNames=[]), BOTH),
    (CAPACITY, "min-1", set_("scaling-target", minCapacity=1), BOTH),
    (CAPACITY, "max-raised", set_("scaling-target", maxCapacity=40), BOTH),
    (CAPACITY, "staging-ceiling-in-production", set_("scaling-target", maxCapacity=5), PROD),
    (CAPACITY, "production-ceiling-in-staging", set_("scaling-target", maxCapacity=20), STAGING),
    (CAPACITY, "min-above-max", set_("scaling-target", minCapacity=30), BOTH),
    (CAPACITY, "floor-0-while-the-service-runs-tasks", set_("scaling-target", minCapacity=0), BOTH),
    (TRACKING, "memory-policy-removed", drop("scale-memory"), BOTH),
    (TRACKING, "cpu-target-90", tracking("scale-cpu", targetValue=90), BOTH),
    (TRACKING, "fast-scale-in", tracking("scale-memory", scaleInCooldown=60), BOTH),
    (TRACKING, "slow-scale-out", tracking("scale-cpu", scaleOutCooldown=600), BOTH),
    (TRACKING, "step-scaling-instead", tracking("scale-cpu", predefinedMetricSpecification={"predefinedMetricType": "ALBRequestCountPerTarget"}), BOTH),
    (SCHEDULE, "weekly", set_("plan", rules=[{"ruleName": "daily", "targetVaultName": "vault", "schedule": "cron(0 2 ? * SUN *)", "lifecycle": {"deleteAfter": 35}}]), BOTH),
    (SCHEDULE, "no-rules", set_("plan", rules=[]), BOTH),
    (TG_HC, "off", set_("blue", healthCheck={**HC, "enabled": False}), BOTH),
    (TG_HC, "every-minute", set_("blue", healthCheck={**HC, "interval": 60}), BOTH),
    (TG_HC, "no-path", set_("blue", healthCheck={k: v for k, v in HC.items() if k != "path"}), BOTH),
    (TG_HC, "removed", set_("blue", healthCheck=None), BOTH),
    (TASK_HC, "removed", td(healthCheck=None), BOTH),
    (TASK_HC, "every-minute", td(healthCheck={"command": ["CMD-SHELL", "true"], "interval": 60}), BOTH),
    (IDLE, "five-minutes", set_("alb", idleTimeout=300), BOTH),
    (ROUTE, "no-severity-tag", set_("ecs-cpu-high-alarm", tags={"Environment": "x", "Service": "budgetbuddy", "Team": "platform"}), BOTH),
    (ROUTE, "unknown-severity", set_("ecs-cpu-high-alarm", tags={"Severity": "Urgent"}), BOTH),
    (ROUTE, "description-without-runbook", set_("ecs-cpu-high-alarm", alarmDescription="[Medium] CPU high."), BOTH),
    (ROUTE, "critical-not-paging", route("alb-elb-5xx-alarm", "alerts"), BOTH),
    (ROUTE, "medium-pages", route("ecs-cpu-high-alarm", "alarms"), BOTH),
    (PAGING, "pipeline-successes-page", added("aws:codestarnotifications/notificationRule:NotificationRule", "successes", successes_to), BOTH),
    (PAGING, "pipeline-successes-page-by-reference", added("aws:codestarnotifications/notificationRule:NotificationRule", "successes", lambda _: successes_to("unknown-yet"), ref="targets"), BOTH),
    (PAGING, "event-target-pages", added("aws:cloudwatch/eventTarget:EventTarget", "findings", lambda t: {"rule": "r", "arn": _arn("sns", t)}), BOTH),
    (PAGING, "approval-pages", approval_to, BOTH),
    (PAGING, "budget-pages", budget_to_topic, BOTH),
    (MISSING, "heartbeat-hidden", set_("ecs-cpu-high-alarm", treatMissingData="notBreaching"), BOTH),
    (MISSING, "outage-pages-nightly", set_("alb-elb-5xx-alarm", treatMissingData="breaching"), BOTH),
    (MISSING, "default-treatment", set_("alb-elb-5xx-alarm", treatMissingData=None), BOTH),
    (MISSING, "alarm-not-in-the-table", set_("ecs-cpu-high-alarm", name="budgetbuddy-queue-depth"), BOTH),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "case", "mutate", "stacks"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_breaking_the_rule_fails(rule: str, case: str, mutate: Callable, stacks: tuple[str, ...]) -> None:
    assert_case(rule, case, mutate, stacks)


def test_the_first_deployment_and_a_worker_without_load_balancer_pass() -> None:
    from policy_fixtures import baseline

    from preview.policy.engine import evaluate

    for stack in BOTH:
        # awaitFirstImage: 0 tasks and a floor of 0 until the pipeline has pushed the first image.
        first = edited(edited(baseline(stack), "scaling-target", minCapacity=0), "service", desiredCount=0)
        assert not evaluate(first, stack=stack).violations
        # A queue worker (no load balancer, no port) has no blue/green or container health check to keep.
        worker = edited(baseline(stack), "service", loadBalancers=None, deploymentConfiguration=None, alarms=None)
        worker = td(portMappings=[], healthCheck=None)(worker)
        assert not evaluate(worker, stack=stack).violations


def test_a_critical_alarm_may_also_mail_and_staging_allows_canary_or_blue_green() -> None:
    from policy_fixtures import baseline

    from preview.policy.engine import evaluate

    for stack, strategy in (("staging", "BLUE_GREEN"), ("staging", "CANARY"), ("production", "BLUE_GREEN")):
        b = edited(baseline(stack), "service", deploymentConfiguration={"strategy": strategy})
        b = route("alb-elb-5xx-alarm", "alarms")(b)
        a = next(r for r in b if r["name"] == "alb-elb-5xx-alarm")
        a["inputs"]["alarmActions"].append(_arn("sns", f"{prefix(stack)}-alerts"))
        assert not evaluate(b, stack=stack).violations, (stack, strategy)


# --- docs/runbook-mapping.md: every row naming a resource property has a runbook rule ------------------

# The mapping row (its first cell, up to the first "(" or ";") -> the rules that guard it, or why none can.
GUARDED: dict[str, tuple[str, ...] | str] = {
    "ECS Fargate, ARM64/Graviton2": ("aws-ecs-taskdefinition-require-arm64",),
    "DynamoDB on-demand": ("aws-dynamodb-table-require-on-demand",),
    "Auto-scaling on CPU/memory": (CAPACITY, TRACKING, TASK_HC, TG_HC, "aws-ecs-service-enable-circuit-breaker"),
    "Zero-downtime ECS blue/green": (STRATEGY, ROLLBACK, "aws-ecs-service-enable-circuit-breaker"),
    "Rollback procedure, step 2": "not a property to keep: Pulumi ignores taskDefinition and desiredCount on purpose "
    "(the pipeline and operators roll out and back); the rollback itself is guarded by the blue/green row's rules",
    "`register-scalable-target --resource-id service/budgetbuddy-cluster/budgetbuddy-backend`": (CAPACITY,),
    "`update-service --desired-count 10`": (CAPACITY,),
    "Target CPU 70 %, memory 70 %": (CAPACITY, TRACKING),
    "PITR for all tables": ("aws-dynamodb-table-enable-pitr",),
    "Daily backups at 2 AM UTC, kept 35 days": (
        SCHEDULE,
        "aws-backup-plan-configure-retention",
        "aws-dynamodb-table-require-backup-selection",
    ),
    "Security monitoring of the public API": ("aws-elb-loadbalancer-require-waf",),
    "Alert channels: email ops@budgetbuddy.com, SNS budgetbuddy-alarms, PagerDuty optional": (
        ROUTE,
        PAGING,
        "aws-cloudwatch-metricalarm-require-actions",
        MISSING,
    ),
    "ALB idle timeout 60 s": (IDLE,),
    "Container health checks every 30 s": (TASK_HC, TG_HC),
}
PROPERTY_TOKEN = re.compile(r"[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*)*")


def _mapping_rows() -> list[tuple[str, str]]:
    rows = []
    for line in (ROOT / "docs" / "runbook-mapping.md").read_text().splitlines():
        if line.startswith("| ") and not line.startswith(("| Runbook", "|---")):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            rows.append((cells[0], cells[1] if len(cells) > 1 else ""))
    return rows


def _key(first_cell: str) -> str:
    return re.split(r" \(|; ", first_cell, maxsplit=1)[0]


@cache
def _property_paths() -> frozenset[str]:
    """Every input path of both stacks' resources, with each of its suffixes (``healthCheck.interval``)."""
    found: set[str] = set()

    def walk(value: Any, path: list[str]) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                p = [*path, k]
                found.update(".".join(p[i:]) for i in range(len(p)))
                walk(v, p)
        elif isinstance(value, list):
            for v in value:
                walk(v, path)

    for stack in BOTH:
        for r in run_stack(stack).resources:
            walk(r["inputs"], [])
    return frozenset(found)


def _names_a_property(implementation: str) -> list[str]:
    tokens = [m.group(0) for t in re.findall(r"`([^`]+)`", implementation) if (m := PROPERTY_TOKEN.match(t))]
    return [t for t in tokens if len(t) > 3 and t in _property_paths()]


def test_every_mapping_row_that_names_a_resource_property_has_a_runbook_rule() -> None:
    rows = _mapping_rows()
    property_rows = {_key(first): props for first, impl in rows if (props := _names_a_property(impl))}
    assert len(property_rows) >= 10  # the parser still finds the rows
    unguarded = sorted(set(property_rows) - set(GUARDED))
    assert not unguarded, f"mapping rows naming resource properties without a rule: {unguarded}"
    assert set(GUARDED) <= {_key(first) for first, _ in rows}, "GUARDED names a row the mapping no longer has"
    for row, rules in GUARDED.items():
        if isinstance(rules, str):
            assert len(rules) > 40, row  # the reason no rule can guard it
            continue
        for rule in rules:
            tags = REGISTRY[rule].meta.controls
            assert any(t.startswith("runbook:") for t in tags), f"{rule} guards {row!r} but has no runbook: tag"


def test_every_runbook_rule_guards_a_mapping_row_and_is_mandatory_in_both_stacks() -> None:
    tagged = {r.meta.name for r in REGISTRY if any(c.startswith("runbook:") for c in r.meta.controls)}
    named = {rule for rules in GUARDED.values() if not isinstance(rules, str) for rule in rules}
    assert tagged == named
    for stack in BOTH:
        config = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())
        for rule in tagged:
            if REGISTRY[rule].meta.kind == "compliance":
                continue  # mandatory by construction (RuleMeta.validate)
            level = config.get(rule)
            level = level.get("enforcementLevel") if isinstance(level, dict) else level
            assert level == "mandatory", f"{stack}: {rule} guards the runbook but is {level or 'advisory'}"


# --- docs/decisions.md: the missing-data table is the rule's data ------------------------------------


def test_the_decisions_table_is_the_missing_data_rules_data() -> None:
    text = (ROOT / "docs" / "decisions.md").read_text()
    section = text.split("## Alarms: what a missing datapoint means", 1)[1].split("\n## ", 1)[0]
    rows = [
        [c.strip() for c in line.strip().strip("|").split(" | ")]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith(("| Alarm |", "|---"))
    ]
    assert [(r[0], r[1]) for r in rows] == [(e.label, e.treatment) for e in TABLE]


@pytest.mark.parametrize("stack", BOTH)
def test_every_alarm_of_the_stacks_has_a_row(stack: str) -> None:
    for a in run_stack(stack).of_type(ALARM):
        row = entry_for(a["inputs"]["name"])
        assert row is not None and row.treatment == a["inputs"]["treatMissingData"], a["inputs"]["name"]
