"""moto as the platform's AWS for the ops tests, and for an operator's rehearsal against an emulator.

Two things moto 5.2.5 does differently from AWS are taught to it here, so the tool's own checks run unchanged:

* ECS: ``UpdateService`` with a new task definition keeps the old deployment (AWS starts a new PRIMARY
  deployment), and a new service's tasks never run. Here a service's tasks run at once (as on Fargate once
  healthy) and an update starts a new PRIMARY deployment that completes at once, with ECS's service events.
* DynamoDB: the restores ignore ``SSESpecificationOverride``; AWS encrypts the new table with that key.

``seed()`` creates what a deployed stack has (names from the same naming code as the program): the data key
and its alias, the tables with PITR and items, the cluster, revisions 1 and 2 of the task definition family with
the service on revision 2 (blue/green, circuit breaker, deployment alarms), both target groups, the alarms, and
the scalable target.

    python -m tests.ops.emulator [--port 5000] [--seed STACK ...]   # a patched moto server, until Ctrl-C
"""

from __future__ import annotations

import argparse
import functools
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import moto.kms.models as kms_models
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import EC2ContainerServiceResponse

from components.config.load import parse_config
from components.naming import Naming
from preview.stackfiles import load_stack

ROOT = Path(__file__).resolve().parents[2]

ACCOUNT = "123456789012"
_patched = False


def _event(service: Any, message: str) -> None:
    service.events.insert(0, {"id": f"ev-{len(service.events)}", "createdAt": datetime.now(UTC), "message": message})


def _steady(service: Any, deployment_id: str) -> None:
    service.running_count, service.pending_count = service.desired_count, 0
    _event(service, f"(service {service.name}) has started {service.desired_count} tasks.")
    _event(service, f"(service {service.name}) (deployment {deployment_id}) deployment completed.")
    _event(service, f"(service {service.name}) has reached a steady state.")


def patch_moto() -> None:
    """Apply the two corrections above (idempotent; in this process, which also serves ThreadedMotoServer)."""
    global _patched
    if _patched:
        return
    _patched = True
    create_service, update_service = (
        EC2ContainerServiceBackend.create_service,
        EC2ContainerServiceBackend.update_service,
    )

    def created(self: Any, *args: Any, **kwargs: Any) -> Any:
        service = create_service(self, *args, **kwargs)
        for d in service.deployments:
            d.update(runningCount=service.desired_count, pendingCount=0, rolloutState="COMPLETED")
            d["rolloutStateReason"] = f"ECS deployment {d['id']} completed."
            _steady(service, str(d["id"]))
        return service

    def updated(self: Any, props: dict[str, Any]) -> Any:
        task_definition = props.get("task_definition")
        service = update_service(self, props)
        if task_definition:
            arn = self.describe_task_definition(task_definition).arn
            service.task_definition = arn
            primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
            if primary is not None and primary["taskDefinition"] != arn:
                now = datetime.now(UTC)
                new_id = f"ecs-svc/{int(time.time() * 1000)}"
                service.deployments = [
                    {
                        **primary,
                        "id": new_id,
                        "taskDefinition": arn,
                        "createdAt": now,
                        "updatedAt": now,
                        "runningCount": service.desired_count,
                        "pendingCount": 0,
                        "rolloutState": "COMPLETED",
                        "rolloutStateReason": f"ECS deployment {new_id} completed.",
                    }
                ]
                _steady(service, new_id)
        return service

    handler_create = EC2ContainerServiceResponse.create_service

    def keep_configuration(self: Any) -> Any:
        # moto drops deploymentConfiguration (strategy, alarms, circuit breaker); ECS returns it.
        result = handler_create(self)
        service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
        service.deployment_configuration = self._get_param("deploymentConfiguration")
        return result

    EC2ContainerServiceBackend.create_service = created  # type: ignore[method-assign]
    EC2ContainerServiceResponse.create_service = keep_configuration  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = updated  # type: ignore[method-assign,assignment]

    def with_sse(original: Any) -> Any:
        def restore(self: Any) -> Any:
            result = original(self)
            sse = self.body.get("SSESpecificationOverride") or {}
            if sse.get("Enabled"):
                table = self.dynamodb_backend.get_table(self.body["TargetTableName"])
                table.sse_specification = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": sse["KMSMasterKeyId"]}
                return DynamoResult(table.describe())
            return result

        return restore

    # Speed only: moto makes an RSA key pair for every KMS key; a symmetric key never uses it.
    generate = kms_models.generate_private_key
    setattr(kms_models, "generate_private_key", lambda spec: None if spec == "SYMMETRIC_DEFAULT" else generate(spec))  # noqa: B010

    DynamoHandler.restore_table_from_backup = with_sse(DynamoHandler.restore_table_from_backup)  # type: ignore[method-assign]
    DynamoHandler.restore_table_to_point_in_time = with_sse(DynamoHandler.restore_table_to_point_in_time)  # type: ignore[method-assign]


@functools.cache
def _session() -> Any:
    """One botocore session for every seeding: it loads each service model once, not once per test."""
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")


@functools.cache
def _clients(endpoint: str | None, region: str) -> dict[str, Any]:
    """Clients are kept: moto's interception is switched by ``mock_aws``, not built into a client."""
    kw: dict[str, Any] = {"region_name": region}
    if endpoint:
        kw["endpoint_url"] = endpoint
    names = ("kms", "dynamodb", "ecs", "elbv2", "ec2", "cloudwatch", "application-autoscaling")
    return {n: _session().client(n, **kw) for n in names}


PARTS = ("data", "service")


def seed(
    stack: str = "production", endpoint: str | None = None, items: int = 3, parts: tuple[str, ...] = PARTS
) -> dict[str, Any]:
    """Create what a deployed ``stack`` has (``data``: key and tables; ``service``: ECS, ELB, alarms,
    autoscaling); returns the names and ARNs made."""
    settings = load_stack(ROOT, stack)
    cfg = parse_config(stack, settings.config, settings.secret_keys)
    naming = Naming.from_config(cfg)
    c = _clients(endpoint, cfg.region)
    tags = [{"Key": k, "Value": v} for k, v in naming.tags.items()]

    made: dict[str, Any] = {"cluster": naming.cluster}
    if "data" in parts:
        made |= _seed_data(c, cfg, naming, tags, items)
    if "service" in parts:
        made |= _seed_service(c, cfg, naming)
    return made


def _seed_data(c: dict[str, Any], cfg: Any, naming: Naming, tags: list[dict[str, str]], items: int) -> dict[str, Any]:
    key = c["kms"].create_key(Description="BudgetBuddy data key")["KeyMetadata"]["Arn"]
    c["kms"].create_alias(AliasName=f"alias/{naming.prefix}/data", TargetKeyId=key)
    tables = {}
    for t in cfg.tables:
        name = naming.table(t.name)
        keys = [{"AttributeName": t.hash_key, "KeyType": "HASH"}]
        if t.range_key:
            keys.append({"AttributeName": t.range_key, "KeyType": "RANGE"})
        gsis = [
            {
                "IndexName": ix.name,
                "KeySchema": [{"AttributeName": ix.hash_key, "KeyType": "HASH"}]
                + ([{"AttributeName": ix.range_key, "KeyType": "RANGE"}] if ix.range_key else []),
                "Projection": {"ProjectionType": ix.projection},
            }
            for ix in t.global_secondary_indexes
        ]
        c["dynamodb"].create_table(
            TableName=name,
            KeySchema=keys,
            AttributeDefinitions=[{"AttributeName": a.name, "AttributeType": a.type} for a in t.attributes],
            BillingMode="PAY_PER_REQUEST",
            SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
            Tags=[*tags, {"Key": "Name", "Value": name}],
            **({"GlobalSecondaryIndexes": gsis} if gsis else {}),
        )
        c["dynamodb"].update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 35},
        )
        for i in range(items):
            item = {a.name: {"S": f"{a.name}-{i}"} for a in t.attributes}
            c["dynamodb"].put_item(TableName=name, Item=item)
        tables[t.name] = name
    return {"key": key, "tables": tables}


def _seed_service(c: dict[str, Any], cfg: Any, naming: Naming) -> dict[str, Any]:
    vpc = c["ec2"].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    groups = [
        c["elbv2"].create_target_group(
            Name=f"{naming.prefix}-{colour}"[:32], Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        for colour in ("blue", "green")
    ]
    alarms = [
        naming.resource("alb-5xx-error-rate"),
        *(naming.resource(f"unhealthy-hosts-{c}") for c in ("blue", "green")),
    ]
    for name in [*alarms, naming.resource("ecs-cpu-high")]:
        c["cloudwatch"].put_metric_alarm(
            AlarmName=name, Namespace="AWS/ApplicationELB", MetricName="RequestCount", Statistic="Sum",
            Period=60, EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
        )  # fmt: skip

    ecs = c["ecs"]
    ecs.create_cluster(clusterName=naming.cluster)
    for image_tag in ("release-1", "release-2"):
        ecs.register_task_definition(
            family=naming.ecs_service,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu=str(cfg.task_cpu),
            memory=str(cfg.task_memory),
            containerDefinitions=[{"name": naming.container, "image": f"backend:{image_tag}", "essential": True}],
        )
    ecs.create_service(
        cluster=naming.cluster,
        serviceName=naming.ecs_service,
        taskDefinition=f"{naming.ecs_service}:2",
        desiredCount=cfg.min_capacity,
        launchType="FARGATE",
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "alarms": {"alarmNames": alarms, "enable": True, "rollback": True},
            "strategy": cfg.deployment_strategy,
        },
        loadBalancers=[
            {
                "targetGroupArn": groups[0],
                "containerName": naming.container,
                "containerPort": cfg.container_port,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": groups[1],
                    "productionListenerRule": f"arn:aws:elasticloadbalancing:{cfg.region}:{ACCOUNT}:listener-rule/app/x/1/2/3",
                    "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{naming.prefix}-ecs-infrastructure",
                },
            }
        ],
    )
    c["application-autoscaling"].register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{naming.cluster}/{naming.ecs_service}",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=cfg.min_capacity,
        MaxCapacity=cfg.max_capacity,
    )
    return {"target_groups": groups, "alarms": alarms}


def main() -> None:
    from moto.server import ThreadedMotoServer

    p = argparse.ArgumentParser(prog="python -m tests.ops.emulator", description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--seed", action="append", default=[], metavar="STACK", help="create this stack's resources")
    args = p.parse_args()
    patch_moto()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
    for stack in args.seed:
        seed(stack, endpoint)
        print(f"seeded {stack}")
    print(f"moto (patched, see tests/ops/emulator.py) at {endpoint}; Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
