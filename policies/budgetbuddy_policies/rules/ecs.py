"""ECS: task definitions, services and clusters (runbook: Fargate on Graviton)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationArgs, Severity

from ..props import as_list, dig, json_input, number
from ..registry import REGISTRY

TASK_DEF = ("aws:ecs/taskDefinition:TaskDefinition",)
SERVICE = ("aws:ecs/service:Service",)
CLUSTER = ("aws:ecs/cluster:Cluster",)
CLUSTER_CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"

# Names that carry secret material when set as plain environment values.
_SECRET_NAME = re.compile(
    r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_KEY)",
    re.IGNORECASE,
)
# ...unless they only point at a secret (an ARN, name or path, never the value).
_REFERENCE_SUFFIX = re.compile(r"_(ARN|NAME|PATH|PARAMETER|ID)$", re.IGNORECASE)
_AWS_KEY = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")


def containers(args: ResourceValidationArgs) -> list[dict[str, Any]]:
    parsed = json_input(args.props, "containerDefinitions")
    return [c for c in parsed or [] if isinstance(c, dict)]


def _cname(c: Mapping[str, Any]) -> str:
    return str(c.get("name", "<unnamed>"))


@REGISTRY.resource(
    name="aws-ecs-service-disallow-public-ip",
    resource_types=SERVICE,
    description="ECS services must not assign public IP addresses to tasks.",
    severity=Severity.HIGH,
    remediation="Run tasks in private subnets and set networkConfiguration.assignPublicIp to false; "
    "reach them only through the load balancer.",
    controls=("fsbp:ECS.2", "pci-dss-4.0:1.4.4", "soc2:CC6.6", "hipaa:164.312(e)(1)"),
)
def service_public_ip(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if dig(args.props, "networkConfiguration", "assignPublicIp") is True:
        yield "networkConfiguration.assignPublicIp is true."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-require-readonly-rootfs",
    resource_types=TASK_DEF,
    description="Every container must run with a read-only root filesystem.",
    severity=Severity.MEDIUM,
    remediation="Set readonlyRootFilesystem: true on each container and mount a writable volume (e.g. /tmp) "
    "for the paths the application writes.",
    controls=("fsbp:ECS.5", "pci-dss-4.0:2.2.6", "soc2:CC6.8"),
)
def readonly_rootfs(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for c in containers(args):
        if c.get("readonlyRootFilesystem") is not True:
            yield f"container {_cname(c)!r} does not set readonlyRootFilesystem: true."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-disallow-privileged",
    resource_types=TASK_DEF,
    description="Containers must not run in privileged mode.",
    severity=Severity.HIGH,
    remediation="Remove privileged: true from the container definition; grant only the Linux capabilities "
    "the process needs.",
    controls=("fsbp:ECS.4", "pci-dss-4.0:2.2.6", "soc2:CC6.1"),
)
def privileged(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for c in containers(args):
        if c.get("privileged") is True:
            yield f"container {_cname(c)!r} is privileged."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-disallow-root-user",
    resource_types=TASK_DEF,
    description="Containers must run as a non-root user.",
    severity=Severity.MEDIUM,
    remediation='Set user to a non-root UID (e.g. "1000:1000") in each container definition and build the '
    "image so that user can run it.",
    controls=("pci-dss-4.0:2.2.6", "soc2:CC6.1", "hipaa:164.312(a)(1)"),
)
def root_user(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for c in containers(args):
        user = str(c.get("user") or "")
        if user.split(":")[0] in ("", "root", "0"):
            yield f"container {_cname(c)!r} runs as root (user={user or 'unset'})."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-require-container-logging",
    resource_types=TASK_DEF,
    description="Every container must send its logs somewhere (logConfiguration with a log driver).",
    severity=Severity.MEDIUM,
    remediation="Add logConfiguration {logDriver: awslogs, options: {awslogs-group, awslogs-region, "
    "awslogs-stream-prefix}} to every container.",
    controls=("fsbp:ECS.9", "pci-dss-4.0:10.2.1", "soc2:CC7.2", "hipaa:164.312(b)"),
)
def container_logging(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for c in containers(args):
        if not dig(c, "logConfiguration", "logDriver"):
            yield f"container {_cname(c)!r} has no logConfiguration.logDriver."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-disallow-plaintext-secrets",
    resource_types=TASK_DEF,
    description="Secrets must be injected from Secrets Manager or SSM, never as plain environment values.",
    severity=Severity.CRITICAL,
    remediation="Move the value to Secrets Manager or SSM Parameter Store and reference it under the "
    "container's secrets: [{name, valueFrom: <ARN>}]; grant the execution role read on that ARN only.",
    controls=(
        "fsbp:ECS.8",
        "pci-dss-4.0:8.3.2",
        "soc2:CC6.1",
        "hipaa:164.312(a)(2)(iv)",
    ),
)
def plaintext_secrets(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for c in containers(args):
        for env in as_list(c.get("environment")):
            name, value = str(env.get("name", "")), str(env.get("value", ""))
            if _SECRET_NAME.search(name) and not _REFERENCE_SUFFIX.search(name):
                yield f"container {_cname(c)!r} sets {name} as a plain environment value."
            elif _AWS_KEY.search(value):
                yield f"container {_cname(c)!r} environment {name} holds an AWS access key id."


@REGISTRY.resource(
    name="aws-ecs-cluster-enable-container-insights",
    resource_types=CLUSTER,
    description="ECS clusters must have Container Insights enabled (runbook: CPU/memory monitoring).",
    severity=Severity.MEDIUM,
    remediation="Add settings [{name: containerInsights, value: enhanced}] (or enabled) to the cluster.",
    controls=("fsbp:ECS.12", "soc2:CC7.2", "hipaa:164.312(b)"),
)
def container_insights(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for s in as_list(dig(args.props, "settings")):
        if s.get("name") == "containerInsights" and s.get("value") in (
            "enabled",
            "enhanced",
        ):
            return
    yield "settings has no containerInsights=enabled|enhanced entry."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-require-arm64",
    resource_types=TASK_DEF,
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="Fargate tasks should run on ARM64 (Graviton2: about 20 % cheaper, runbook cost strategy 1).",
    severity=Severity.LOW,
    remediation="Set runtimePlatform {cpuArchitecture: ARM64, operatingSystemFamily: LINUX} and build the "
    "image for linux/arm64.",
    controls=("runbook:infrastructure-components", "cost:graviton", "soc2:CC9.1"),
)
def arm64(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    arch = dig(args.props, "runtimePlatform", "cpuArchitecture")
    if arch != "ARM64":
        yield f"runtimePlatform.cpuArchitecture is {arch or 'unset (X86_64)'}, not ARM64."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-configure-size-cap",
    resource_types=TASK_DEF,
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="Task cpu and memory must stay within the environment's configured cap.",
    severity=Severity.LOW,
    remediation="Lower the task's cpu/memory in the stack config, or raise maxTaskCpu/maxTaskMemory in "
    "policies/config/<stack>.json after a capacity review (runbook: optimize container allocation).",
    controls=("cost:right-sizing", "soc2:CC9.1"),
    config={
        "maxTaskCpu": {
            "type": "integer",
            "minimum": 256,
            "default": 4096,
            "description": "CPU units cap",
        },
        "maxTaskMemory": {
            "type": "integer",
            "minimum": 512,
            "default": 8192,
            "description": "MiB cap",
        },
    },
)
def size_cap(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for key, cap in (("cpu", cfg["maxTaskCpu"]), ("memory", cfg["maxTaskMemory"])):
        raw = dig(args.props, key)
        value = number(raw)
        if value is None:
            yield f"{key} is not set to a number (got {raw!r}); the cap {cap} cannot be checked."
        elif value > cap:
            yield f"{key} {value:g} exceeds the cap {cap}."


@REGISTRY.resource(
    name="aws-ecs-service-configure-fargate-spot",
    # The cluster's default strategy is what a service without its own strategy (and without a
    # launchType) runs on, so a Spot default would put production on Spot unseen.
    resource_types=(*SERVICE, CLUSTER_CAPACITY),
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="Non-production services run mostly on Fargate Spot; production stays on on-demand capacity.",
    severity=Severity.LOW,
    remediation="Set capacityProviderStrategies: staging FARGATE_SPOT with the larger weight plus a FARGATE "
    "base; production FARGATE only. fargateSpot in policies/config/<stack>.json states which applies.",
    controls=("cost:fargate-spot", "soc2:A1.1"),
    config={
        "fargateSpot": {
            "type": "string",
            "enum": ["required", "forbidden", "optional"],
            "default": "forbidden",
        }
    },
)
def fargate_spot(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    mode = cfg["fargateSpot"]
    weights: dict[str, float] = {}
    if args.resource_type == CLUSTER_CAPACITY:
        for s in as_list(dig(args.props, "defaultCapacityProviderStrategies")):
            spot_default = s.get("capacityProvider") == "FARGATE_SPOT" and (number(s.get("weight")) or 0.0) > 0
            if spot_default and mode == "forbidden":
                yield "the cluster's default capacity provider strategy uses FARGATE_SPOT on an on-demand stack."
        return
    for s in as_list(dig(args.props, "capacityProviderStrategies")):
        weights[str(s.get("capacityProvider"))] = number(s.get("weight")) or 0.0
    spot = weights.get("FARGATE_SPOT", 0.0)
    if mode == "required" and spot <= weights.get("FARGATE", 0.0):
        yield f"FARGATE_SPOT weight {spot:g} must exceed FARGATE weight {weights.get('FARGATE', 0.0):g}."
    if mode == "forbidden" and spot > 0:
        yield f"FARGATE_SPOT weight {spot:g} on a stack that must run on-demand only."


# Fargate's newest Linux platform version (Security Hub ECS.10 checks for it; LATEST resolves to it).
FARGATE_LATEST_LINUX = "1.4.0"


@REGISTRY.resource(
    name="aws-ecs-service-enable-circuit-breaker",
    resource_types=SERVICE,
    description="Services deployed by ECS must turn the deployment circuit breaker on with rollback, so a release "
    "whose tasks never become healthy stops and returns to the last good deployment by itself.",
    severity=Severity.HIGH,
    remediation="Set deploymentCircuitBreaker {enable: true, rollback: true} (runbook: Rolling Updates, automatic rollback on health check failures). "
    "Services under the CODE_DEPLOY or EXTERNAL controller roll back through that controller instead.",
    controls=("runbook:rolling-updates", "pci-dss-4.0:6.5.1", "soc2:CC8.1", "soc2:A1.2"),
)
def circuit_breaker(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    # pulumi-aws: deploymentController.type defaults to ECS, the only controller the breaker applies to.
    if (dig(args.props, "deploymentController", "type") or "ECS") != "ECS":
        return
    breaker = dig(args.props, "deploymentCircuitBreaker")
    for key in ("enable", "rollback"):
        if dig(breaker, key) is not True:
            yield f"deploymentCircuitBreaker.{key} is not true."


@REGISTRY.resource(
    name="aws-ecs-taskdefinition-disallow-host-namespaces",
    resource_types=TASK_DEF,
    description="Task definitions must not share the host's process, IPC or network namespace with containers.",
    severity=Severity.HIGH,
    remediation="Remove pidMode/ipcMode host (use task or leave unset) and use networkMode awsvpc (required on "
    "Fargate).",
    controls=("fsbp:ECS.3", "fsbp:ECS.17", "fsbp:ECS.1", "pci-dss-4.0:2.2.6", "soc2:CC6.8"),
)
def host_namespaces(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for key in ("pidMode", "ipcMode", "networkMode"):
        if dig(args.props, key) == "host":
            yield f"{key} is host."


@REGISTRY.resource(
    name="aws-ecs-service-require-latest-platform",
    resource_types=SERVICE,
    description="Fargate services must run on the latest Fargate platform version (LATEST or "
    f"{FARGATE_LATEST_LINUX}), which carries the current kernel and runtime patches.",
    severity=Severity.MEDIUM,
    remediation=f'Leave platformVersion unset or set it to "LATEST" (today {FARGATE_LATEST_LINUX}); never pin an '
    "older version.",
    controls=("fsbp:ECS.10", "pci-dss-4.0:6.3.3", "soc2:CC7.1"),
)
def latest_platform(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    version = dig(args.props, "platformVersion")
    if version in (None, "LATEST", FARGATE_LATEST_LINUX):
        return
    if dig(args.props, "launchType") in ("EC2", "EXTERNAL"):
        return  # platform versions exist only on Fargate
    yield f"platformVersion {version} is not the latest ({FARGATE_LATEST_LINUX})."
