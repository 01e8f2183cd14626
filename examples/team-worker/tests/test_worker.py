"""The worker's own offline tests: Pulumi's mocks answer the platform's StackReference with
platform_outputs.staging.json, a copy of what the platform's staging stack exports (refresh it with
`pulumi stack output --json --stack <org>/budgetbuddy/staging`); nothing of the platform is imported.

Run: python -m pytest tests  (from this directory; requirements-dev.txt)
"""

import json
import runpy
import sys
from pathlib import Path

import pulumi
import pytest

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))
OUTPUTS = json.loads((HERE / "tests" / "platform_outputs.staging.json").read_text())
ACCOUNT = "123456789012"


class PlatformMocks(pulumi.runtime.Mocks):
    """The platform stack answers with ``outputs``; every other resource echoes its inputs."""

    def __init__(self, outputs: dict) -> None:
        self.outputs = outputs
        self.registered: dict[str, dict] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        if args.typ == "pulumi:pulumi:StackReference":
            return args.name, {"name": args.name, "outputs": self.outputs, "secretOutputNames": []}
        self.registered[f"{args.typ}::{args.name}"] = dict(args.inputs)
        return f"{args.name}-id", {**args.inputs, "arn": f"arn:aws:mock:us-east-1:{ACCOUNT}:{args.name}"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list]:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/test", "userId": "AIDA"}, []
        return {}, []


def run_worker(outputs: dict) -> pulumi.Output:
    """The program (__main__.py) with the example stack's config; returns [contract version, the
    service's cluster, the log group's key] as the program resolves them."""
    mocks = PlatformMocks(outputs)
    pulumi.runtime.set_mocks(mocks, project="team-worker", stack="staging", preview=False)
    pulumi.runtime.set_all_config(
        {
            "aws:region": "us-east-1",
            "team-worker:platformOrg": "budgetbuddy",
            "team-worker:platformStack": "staging",
            "team-worker:team": "payments",
            "team-worker:image": "public.ecr.aws/docker/library/busybox:1.37",
        }
    )
    program = runpy.run_path(str(HERE / "__main__.py"))
    worker, platform = program["worker"], program["platform"]
    return pulumi.Output.all(platform.contract_version, worker.service.cluster, worker.log_group.kms_key_id)


def resolve(values: pulumi.Output) -> list:
    """Wait for an Output outside a Pulumi test function (the way the SDK's own tests do)."""
    return pulumi.runtime.sync_await._sync_await(values.future())


@pulumi.runtime.test
def test_the_worker_joins_the_platforms_cluster_with_its_logs_key():
    values = run_worker(OUTPUTS)

    def check(v: list) -> None:
        version, cluster, key = v
        assert version == OUTPUTS["contractVersion"]
        assert cluster == OUTPUTS["clusterArn"]
        assert key == OUTPUTS["kmsKeyArns"]["logs"]

    return values.apply(check)


def test_a_platform_of_another_major_is_refused():
    newer = {**OUTPUTS, "contractVersion": "2.0.0"}
    with pytest.raises(Exception, match=r"exports outputs contract 2\.0\.0; this worker was written for major 1"):
        resolve(run_worker(newer))


def test_a_missing_output_is_refused_naming_it():
    missing = {k: v for k, v in OUTPUTS.items() if k != "clusterArn"}
    with pytest.raises(Exception, match=r"has no output 'clusterArn'"):
        resolve(run_worker(missing))
