"""Roll the platform's task definition out to the running service (docs/decisions.md, "Rollouts").

    python scripts/lib/rollout.py guard STACK    # before `pulumi up`: refuse changes that strand blue/green
    python scripts/lib/rollout.py deploy STACK   # after `pulumi up`: deploy the platform's latest revision

Who owns what: the platform (Pulumi) owns the task definition, everything but the image; the pipeline owns the
image. `pulumi up` registers a new revision with the placeholder image and never touches the service's task
definition (ignored). `deploy` then registers the platform's revision with the image the service runs now and
starts a deployment of it with `aws ecs update-service` alone, so ECS applies the service's own strategy
(blue/green or canary), alarms, circuit breaker and bake time, exactly as for a pipeline deploy. It waits until
the deployment completes and the old tasks are gone (steady state), and exits 1 when ECS rolls it back. The
pipeline's ECS deploy action derives its next revision from the one the service runs, which is this one.

Uses the AWS CLI (`aws`) and the Pulumi CLI (`pulumi stack output`), both already required by scripts/deploy.sh,
and only the standard library, so the deploy job needs nothing beyond the program's venv.
Exit: 0 done (or nothing to roll out), 1 the deployment failed or was rolled back, 2 refused (bad input, or a
change that needs the procedure named in the message).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PORT_PROCEDURE = 'docs/pipeline.md "Changing the container port or the target groups"'
# What RegisterTaskDefinition takes back from DescribeTaskDefinition (the rest is read-only metadata).
REGISTER_FIELDS = (
    "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
    "placementConstraints", "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode", "proxyConfiguration",
    "inferenceAccelerators", "ephemeralStorage", "runtimePlatform", "enableFaultInjection",
)  # fmt: skip


class RefusedError(Exception):
    """Exit 2 with the message."""


class RolloutError(Exception):
    """Exit 1 with the message: the deployment did not reach the service."""


def run_json(*cmd: str) -> Any:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RolloutError(f"`{' '.join(cmd[:3])} ...` failed (exit {proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout or "null")


def outputs(stack: str) -> dict[str, Any]:
    return run_json("pulumi", "stack", "output", "--json", "--show-secrets", "--stack", stack) or {}


def ecs(region: str, *args: str) -> Any:
    return run_json("aws", "ecs", *args, "--region", region, "--output", "json")


def service_of(out: dict[str, Any]) -> dict[str, Any] | None:
    services = ecs(out["region"], "describe-services", "--cluster", out["clusterName"], "--services",
                   out["serviceName"])["services"]  # fmt: skip
    return services[0] if services and services[0].get("status") == "ACTIVE" else None


def describe(region: str, arn: str) -> dict[str, Any]:
    doc = ecs(region, "describe-task-definition", "--task-definition", arn, "--include", "TAGS")
    return {**doc["taskDefinition"], "tags": doc.get("tags") or []}


def registrable(td: dict[str, Any]) -> dict[str, Any]:
    """The part of a task definition RegisterTaskDefinition takes, with tags (compared and sent as is)."""
    out = {k: td[k] for k in REGISTER_FIELDS if td.get(k) not in (None, [], {})}
    if td.get("tags"):
        out["tags"] = td["tags"]
    return out


def with_image(td: dict[str, Any], container: str, image: str) -> dict[str, Any]:
    defs = [{**c, "image": image} if c["name"] == container else c for c in td["containerDefinitions"]]
    return {**td, "containerDefinitions": defs}


def stack_container_port(stack: str) -> int:
    """containerPort as `pulumi up` will read it: the stack file's value, else the setting's default."""
    sys.path.insert(0, str(ROOT))
    from components.compute.settings import ComputeSettings  # the one owner of the setting

    for line in (ROOT / f"Pulumi.{stack}.yaml").read_text().splitlines():
        if line.strip().startswith("budgetbuddy:containerPort:"):
            return int(line.split(":", 2)[2].strip().strip("'\""))
    return int(ComputeSettings.model_fields["container_port"].default)


def guard(stack: str) -> str:
    """Refuse a containerPort change on a running service: the target groups' port forces their replacement,
    while the listener rules and the service keep the old groups (ECS owns both), so the update cannot finish."""
    out = outputs(stack)
    if "serviceName" not in out:
        return f"{stack}: no service yet (first deployment): nothing to guard"
    svc = service_of(out)
    if svc is None:
        return f"{stack}: the service does not exist: nothing to guard"
    running = {lb["containerPort"] for lb in svc.get("loadBalancers", [])}
    wanted = stack_container_port(stack)
    if running and running != {wanted}:
        raise RefusedError(
            f"containerPort {wanted} in Pulumi.{stack}.yaml differs from the port the service routes to "
            f"({', '.join(map(str, sorted(running)))}): it replaces both target groups, which the listener rules "
            f"and the service keep using; follow {PORT_PROCEDURE}"
        )
    return f"{stack}: containerPort {wanted} matches the service"


def wait(out: dict[str, Any], revision: str, timeout: float, poll: float) -> str:
    """Until the deployment of ``revision`` is complete and alone (steady state), or ECS gave up on it."""
    deadline = time.monotonic() + timeout
    while True:
        svc = service_of(out)
        if svc is None:
            raise RolloutError(f"the service {out['serviceName']} disappeared during the deployment")
        deployments = svc.get("deployments", [])
        ours = next((d for d in deployments if d.get("taskDefinition") == revision), None)
        primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
        if ours is not None and ours.get("rolloutState") == "FAILED":
            raise RolloutError(
                f"ECS failed the deployment of {revision}: {ours.get('rolloutStateReason', 'no reason')}"
            )
        if primary is not None and primary.get("taskDefinition") != revision:
            raise RolloutError(
                f"ECS rolled back to {primary.get('taskDefinition')} (alarm or circuit breaker): "
                f"{primary.get('rolloutStateReason') or (ours or {}).get('rolloutStateReason') or 'see the events'}"
            )
        if (ours is not None and ours.get("rolloutState") == "COMPLETED" and len(deployments) == 1
                and svc.get("runningCount") == svc.get("desiredCount")):  # fmt: skip
            return f"deployed {revision}: {svc.get('runningCount')} tasks running, steady state"
        if time.monotonic() >= deadline:
            raise RolloutError(
                f"the deployment of {revision} did not finish within {timeout:.0f} s (ECS still runs it)"
            )
        time.sleep(poll)


def deploy(stack: str, timeout: float, poll: float) -> str:
    out = outputs(stack)
    missing = [
        k for k in ("region", "clusterName", "serviceName", "containerName", "taskDefinitionArn") if k not in out
    ]
    if missing:
        raise RefusedError(f"stack {stack} lacks the outputs {missing}: has `pulumi up` completed?")
    svc = service_of(out)
    if svc is None:
        raise RolloutError(f"the service {out['serviceName']} is not active in {out['clusterName']}")
    region, container = out["region"], out["containerName"]
    running = describe(region, svc["taskDefinition"])
    platform = describe(region, out["taskDefinitionArn"])
    image = next(c["image"] for c in running["containerDefinitions"] if c["name"] == container)
    wanted = registrable(with_image(platform, container, image))
    if wanted == registrable(running):
        return f"{stack}: the service already runs the platform's task definition ({svc['taskDefinition']})"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(wanted, f)
    try:
        registered = ecs(region, "register-task-definition", "--cli-input-json", f"file://{f.name}")
    finally:
        os.unlink(f.name)
    revision = registered["taskDefinition"]["taskDefinitionArn"]
    print(f"registered {revision} (platform {out['taskDefinitionArn']} with the running image {image})", flush=True)
    # Nothing but the revision: the service's deployment configuration, alarms and circuit breaker apply.
    ecs(region, "update-service", "--cluster", out["clusterName"], "--service", out["serviceName"],
        "--task-definition", revision)  # fmt: skip
    return wait(out, revision, timeout, poll)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("guard", "deploy"):
        print("usage: rollout.py guard|deploy STACK", file=sys.stderr)
        return 2
    timeout = float(os.environ.get("ROLLOUT_TIMEOUT_SECONDS", "3600"))
    poll = float(os.environ.get("ROLLOUT_POLL_SECONDS", "15"))
    try:
        message = guard(argv[1]) if argv[0] == "guard" else deploy(argv[1], timeout, poll)
    except RefusedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RolloutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
