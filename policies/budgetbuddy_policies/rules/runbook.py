"""The runbook's own promises (docs/runbook-mapping.md), as rules a console edit or a careless change
cannot pass: blue/green with automatic rollback, the scaling range and targets, daily backups, health
checks every 30 s, the ALB idle timeout. Each is tagged ``runbook:<section>`` (the runbook heading it
guards); numbers that differ by environment come from policies/config/<stack>.json.
Rules that existed before for a compliance framework carry the tag too (docs/policies.md, "Runbook").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity, StackValidationArgs

from ..framework import known, of_type
from ..props import as_list, dig, is_set, json_input, number
from ..registry import REGISTRY
from .helpers import each

SERVICE = "aws:ecs/service:Service"
TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
PLAN = "aws:backup/plan:Plan"


@REGISTRY.resource(
    name="aws-ecs-service-configure-deployment-strategy",
    resource_types=(SERVICE,),
    description="ECS services behind a load balancer deploy with the runbook's zero-downtime strategy: native "
    "blue/green in production (canary allowed where the stack config allows it), through the ECS deployment "
    "controller.",
    severity=Severity.HIGH,
    remediation="Set deploymentController.type ECS and deploymentConfiguration.strategy to one of allowedStrategies "
    "(production BLUE_GREEN; staging BLUE_GREEN or CANARY: deploymentStrategy in the stack config).",
    controls=("runbook:rolling-updates", "soc2:CC8.1", "soc2:A1.2"),
    config={
        "allowedStrategies": {
            "type": "array",
            "items": {"type": "string", "enum": ["ROLLING", "BLUE_GREEN", "CANARY", "LINEAR"]},
            "minItems": 1,
            "default": ["BLUE_GREEN"],
        }
    },
)
def deployment_strategy(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not is_set(args.props, "loadBalancers"):
        return  # a queue worker serves no traffic: "zero-downtime" is about the API behind the ALB
    controller = dig(args.props, "deploymentController", "type") or "ECS"
    if controller != "ECS":
        yield f"deploymentController.type is {controller!r}; the runbook's blue/green is ECS-native (ECS)."
    strategy = dig(args.props, "deploymentConfiguration", "strategy") or "ROLLING"
    if strategy not in cfg["allowedStrategies"]:
        yield f"deploymentConfiguration.strategy is {strategy!r}; allowed here: {cfg['allowedStrategies']}."


@REGISTRY.resource(
    name="aws-ecs-service-require-alarm-rollback",
    resource_types=(SERVICE,),
    description="ECS services behind a load balancer roll a deployment back automatically when a deployment alarm "
    "(error rate, unhealthy targets) fires: deployment alarms enabled, with rollback, naming at least one alarm.",
    severity=Severity.HIGH,
    remediation="Set alarms {enable: true, rollback: true, alarmNames: [the 5xx error-rate and unhealthy-host alarms]} "
    "on the service (components/compute/service.py).",
    controls=("runbook:rolling-updates", "pci-dss-4.0:6.5.1", "soc2:CC8.1"),
)
def alarm_rollback(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not is_set(args.props, "loadBalancers"):
        return
    alarms = dig(args.props, "alarms")
    if alarms is None:
        yield "no deployment alarms: a failing deployment is not rolled back on the error-rate or health alarms."
        return
    if dig(alarms, "enable") is not True:
        yield "alarms.enable is not true."
    if dig(alarms, "rollback") is not True:
        yield "alarms.rollback is not true."
    if not as_list(dig(alarms, "alarmNames")):
        yield "alarms.alarmNames is empty."


@REGISTRY.stack(
    name="aws-appautoscaling-target-configure-capacity",
    description="The ECS service's scalable target keeps the runbook's range: at least minCapacity tasks, and "
    "exactly maxCapacity as the ceiling (production 2-20, staging 2-5). A floor of 0 is accepted only with a "
    "service that starts 0 tasks: the first deployment, before an image exists (awaitFirstImage).",
    severity=Severity.HIGH,
    remediation="Set minCapacity / maxCapacity in the stack config within the runbook's range (Auto-Scaling "
    "Configuration); `python -m ops scale` changes them within those limits.",
    controls=("runbook:auto-scaling-configuration", "soc2:A1.1"),
    config={
        "minCapacity": {"type": "integer", "minimum": 1, "default": 2},
        "maxCapacity": {"type": "integer", "minimum": 1, "default": 20},
    },
)
def capacity(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    services = of_type(args.resources, SERVICE)

    def bootstrapping(target: PolicyResource) -> bool:
        """The service this target scales is registered with 0 tasks (docs/decisions.md, "Image bootstrap")."""
        deps = {d.urn for d in target.property_dependencies.get("resourceId", [])}
        resource_id = str(known(target, "resourceId") or "")
        return any(
            (s.urn in deps or (known(s, "name") and resource_id.endswith(f"/{known(s, 'name')}")))
            and number(known(s, "desiredCount")) == 0
            for s in services
        )

    def one(target: PolicyResource) -> Iterator[str]:
        if dig(target.props, "serviceNamespace") != "ecs":
            return
        low, high = number(dig(target.props, "minCapacity")), number(dig(target.props, "maxCapacity"))
        if (low is None or low < cfg["minCapacity"]) and not (low == 0 and bootstrapping(target)):
            yield f"minCapacity is {low}; the runbook's minimum here is {cfg['minCapacity']} tasks."
        if high is None or high != cfg["maxCapacity"]:
            yield f"maxCapacity is {high}; the runbook's maximum here is {cfg['maxCapacity']} tasks."
        if low is not None and high is not None and low > high:
            yield f"minCapacity {low:g} is above maxCapacity {high:g}."

    yield from each(of_type(args.resources, TARGET), one)


TRACKED = {"ECSServiceAverageCPUUtilization": "CPU", "ECSServiceAverageMemoryUtilization": "memory"}


@REGISTRY.stack(
    name="aws-appautoscaling-policy-require-cpu-memory-tracking",
    description="Every ECS scalable target has target-tracking policies on CPU and on memory at the runbook's "
    "targets (70 %), scaling out after 60 s and in after 300 s.",
    severity=Severity.HIGH,
    remediation="Create TargetTrackingScaling policies on ECSServiceAverageCPUUtilization and "
    "ECSServiceAverageMemoryUtilization with targetValue, scaleOutCooldown and scaleInCooldown from the config.",
    controls=("runbook:auto-scaling-configuration", "soc2:A1.1"),
    config={
        "targetValue": {"type": "number", "default": 70},
        "scaleOutCooldown": {"type": "integer", "default": 60},
        "scaleInCooldown": {"type": "integer", "default": 300},
    },
)
def cpu_memory_tracking(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    policies = of_type(args.resources, POLICY)

    def one(target: PolicyResource) -> Iterator[str]:
        if dig(target.props, "serviceNamespace") != "ecs":
            return
        resource_id = known(target, "resourceId")
        found: dict[str, Any] = {}
        for p in policies:
            deps = {d.urn for d in p.property_dependencies.get("resourceId", [])}
            if target.urn not in deps and (resource_id is None or known(p, "resourceId") != resource_id):
                continue
            conf = dig(p.props, "targetTrackingScalingPolicyConfiguration")
            metric = dig(conf, "predefinedMetricSpecification", "predefinedMetricType")
            if dig(p.props, "policyType") == "TargetTrackingScaling" and metric in TRACKED:
                found[metric] = conf
        for metric, label in TRACKED.items():
            conf = found.get(metric)
            if conf is None:
                yield f"no target-tracking policy on {label} ({metric})."
                continue
            for key in ("targetValue", "scaleOutCooldown", "scaleInCooldown"):
                value = number(dig(conf, key))
                if value != cfg[key]:
                    yield f"the {label} policy's {key} is {value}; the runbook's is {cfg[key]}."

    yield from each(of_type(args.resources, TARGET), one)


@REGISTRY.resource(
    name="aws-backup-plan-configure-daily-schedule",
    resource_types=(PLAN,),
    description="The backup plan backs up daily at the runbook's time (2 AM UTC).",
    severity=Severity.HIGH,
    remediation="Set each backup rule's schedule to the configured cron expression (runbook: cron(0 2 * * ? *)).",
    controls=("runbook:dynamodb-backups", "pci-dss-4.0:12.10.1", "soc2:A1.2"),
    config={"schedule": {"type": "string", "default": "cron(0 2 * * ? *)"}},
)
def daily_schedule(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    rules = as_list(dig(args.props, "rules"))
    if not rules:
        yield "the plan has no rules."
    for rule in rules:
        schedule = rule.get("schedule")
        if schedule != cfg["schedule"]:
            yield f"rule {rule.get('ruleName', '?')!r} runs on {schedule!r}; the runbook's is {cfg['schedule']!r}."


@REGISTRY.resource(
    name="aws-elb-targetgroup-configure-health-check",
    resource_types=(TARGET_GROUP,),
    description="Every target group health-checks its targets on a path every healthCheckIntervalSeconds "
    "(runbook: 30-second intervals); routing and the blue/green rollback rely on it.",
    severity=Severity.HIGH,
    remediation="Set healthCheck {enabled: true, path: healthCheckPath, interval: 30} on the target group.",
    controls=("runbook:infrastructure-performance", "soc2:A1.2"),
    config={"healthCheckIntervalSeconds": {"type": "integer", "minimum": 5, "default": 30}},
)
def target_health_check(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    hc = dig(args.props, "healthCheck")
    if hc is None or dig(hc, "enabled") is False:
        yield "the health check is off."
        return
    interval = number(dig(hc, "interval"))
    if interval != cfg["healthCheckIntervalSeconds"]:
        yield f"healthCheck.interval is {interval}; the runbook's is {cfg['healthCheckIntervalSeconds']} s."
    if dig(args.props, "targetType") != "lambda" and not dig(hc, "path"):
        yield "healthCheck.path is not set: the check only opens a connection."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-require-health-check",
    resource_types=(TASK,),
    description="Every essential container that serves a port has a health check every healthCheckIntervalSeconds "
    "(runbook: container health checks at 30-second intervals), so ECS replaces a hung task.",
    severity=Severity.HIGH,
    remediation="Give each essential container definition a healthCheck {command: [CMD-SHELL, ...], interval: 30}.",
    controls=("runbook:infrastructure-performance", "soc2:A1.2"),
    config={"healthCheckIntervalSeconds": {"type": "integer", "minimum": 5, "default": 30}},
)
def container_health_check(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for c in json_input(args.props, "containerDefinitions") or []:
        if c.get("essential", True) is False or not c.get("portMappings"):
            continue  # a sidecar, or a worker that serves nothing to health-check
        hc = c.get("healthCheck")
        name = c.get("name", "?")
        if not hc or not hc.get("command"):
            yield f"container {name!r} has no health check."
        elif number(hc.get("interval")) != cfg["healthCheckIntervalSeconds"]:
            yield f"container {name!r} checks every {hc.get('interval')} s; the runbook's is {cfg['healthCheckIntervalSeconds']} s."


@REGISTRY.resource(
    name="aws-elb-loadbalancer-configure-idle-timeout",
    resource_types=(LOAD_BALANCER,),
    description="Application load balancers keep the runbook's idle timeout (60 seconds).",
    severity=Severity.LOW,
    remediation="Set idleTimeout to idleTimeoutSeconds (runbook 'Infrastructure Performance': 60).",
    controls=("runbook:infrastructure-performance", "soc2:A1.1"),
    config={"idleTimeoutSeconds": {"type": "integer", "minimum": 1, "default": 60}},
)
def idle_timeout(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if (dig(args.props, "loadBalancerType") or "application") != "application":
        return
    value = number(dig(args.props, "idleTimeout"))
    value = 60.0 if value is None else value  # the AWS default
    if value != cfg["idleTimeoutSeconds"]:
        yield f"idleTimeout is {value:g} s; the runbook's is {cfg['idleTimeoutSeconds']} s."
