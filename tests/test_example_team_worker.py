"""examples/team-worker, the consumer other teams copy (docs/outputs.md), run under Pulumi's mocks.

Its StackReference resolves to the outputs the platform's own offline preview records for the same
stack, so renaming or retyping a platform output the worker reads breaks these tests.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import sys
from collections.abc import Iterator
from functools import cache
from typing import Any

import budgetbuddy_policies as bp
import pytest

from preview import recorder
from preview.mocks import PlatformMocks
from preview.policy.engine import evaluate
from preview.stackfiles import load_stack
from tests.harness import ROOT, Result, run_stack
from tools import outputs_contract as oc
from tools import provider_schema as ps

# A program stopped on purpose (a missing platform output) leaves the SDK's own Output coroutines unawaited;
# collecting them is expected here, not a fault of the worker's code.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine 'Output\\.:RuntimeWarning")

EXAMPLE = ROOT / "examples" / "team-worker"
ORG = "budgetbuddy"  # the example stack files' platformOrg
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/worker:1.4.2"


class ConsumerMocks(PlatformMocks):
    """The platform mocks, plus a StackReference that answers only for the expected platform stack."""

    def __init__(self, region: str, platform_stack: str, outputs: dict[str, Any]) -> None:
        super().__init__(region=region)
        self.platform_stack = platform_stack
        self.outputs = outputs
        self.references: list[str] = []

    def new_resource(self, args: Any) -> tuple[str, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            name = str(args.inputs.get("name"))
            self.references.append(name)
            if name != self.platform_stack:
                raise RuntimeError(f"unknown stack {name} (expected {self.platform_stack})")
            secret = sorted(k for k, v in self.outputs.items() if oc.is_secret(v))
            return name, {"name": name, "outputs": oc.reveal(self.outputs), "secretOutputNames": secret}
        return super().new_resource(args)


@cache
def platform(stack: str) -> dict[str, Any]:
    return run_stack(stack).outputs


def run_worker(
    monkeypatch: pytest.MonkeyPatch, stack: str, outputs: dict[str, Any] | None = None, *overrides: str
) -> tuple[Result, ConsumerMocks]:
    """The example with its own stack file (``Pulumi.<stack>.yaml``) and ``KEY=VALUE`` overrides."""
    s = load_stack(EXAMPLE, stack, list(overrides))
    org, platform_stack = s.config["team-worker:platformOrg"], s.config["team-worker:platformStack"]
    mocks = ConsumerMocks(
        s.region, f"{org}/budgetbuddy/{platform_stack}", platform(stack) if outputs is None else outputs
    )
    monkeypatch.setattr(recorder, "PlatformMocks", lambda region: mocks)
    try:
        recording = recorder.run_program(s.program, s.project, s.stack, s.config, s.secret_keys, s.region)
    finally:
        # The example's modules are not the platform's: never leave them importable by name.
        for mod in ("platform_ref", "worker_service"):
            sys.modules.pop(mod, None)
    return Result(recording), mocks


@pytest.fixture
def collect_the_failed_run() -> Iterator[None]:
    """A failed run leaves asyncio futures holding the error, some alive until a later run replaces the SDK's
    state, and tasks pending on the SDK's event loop that the next run would finish. Finalized later, outside any
    test's capture, each printed "Future exception was never retrieved" with its traceback into the run's log (or,
    in the middle of some ast.parse, tripped CPython 3.11's "AST constructor recursion depth mismatch"). The error
    was expected and asserted: the pending tasks are cancelled, every future holding it is marked retrieved and the
    SDK's coroutines it never awaited are closed. Only the tests whose run fails use it (a scan of the heap)."""
    yield
    loop = asyncio.get_event_loop()  # the SDK's: its pending tasks of the failed run are cancelled and finished
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    for obj in gc.get_objects():  # garbage not yet collected included: no full collection (0.4 s here) needed
        if isinstance(obj, asyncio.Future) and obj.done() and not obj.cancelled():
            obj.exception()  # marks the error as seen
        elif (
            inspect.iscoroutine(obj)
            and obj.__qualname__.startswith("Output.")
            and inspect.getcoroutinestate(obj) == inspect.CORO_CREATED
        ):
            obj.close()  # the SDK's coroutine the stopped run never awaited: no "never awaited" warning later


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_the_worker_joins_the_platforms_cluster_subnets_and_logs_key(monkeypatch, stack):
    out = platform(stack)
    r, mocks = run_worker(monkeypatch, stack)
    assert mocks.references == [f"{ORG}/budgetbuddy/{stack}"]
    service = r.inputs("aws:ecs/service:Service")
    assert service["cluster"] == out["clusterArn"]
    assert service["networkConfiguration"]["subnets"] == out["privateSubnetIds"]
    assert service["networkConfiguration"]["assignPublicIp"] is False
    assert r.inputs("aws:ec2/securityGroup:SecurityGroup")["vpcId"] == out["vpcId"]
    logs = r.inputs("aws:cloudwatch/logGroup:LogGroup")
    assert logs["kmsKeyId"] == out["kmsKeyArns"]["logs"]
    assert logs["name"] == f"/aws/ecs/{out['clusterName']}/team-worker"
    task = r.inputs("aws:ecs/taskDefinition:TaskDefinition")
    assert task["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    assert task["requiresCompatibilities"] == ["FARGATE"]
    (container,) = json.loads(task["containerDefinitions"])
    assert container["logConfiguration"]["options"]["awslogs-group"] == logs["name"]
    assert container["readonlyRootFilesystem"] is True and container["user"] == "1000:1000"
    # The example stack file's image and command reach the container.
    assert container["image"] == "public.ecr.aws/docker/library/busybox:1.37"
    assert container["command"][:2] == ["sh", "-c"]
    spot = {s["capacityProvider"] for s in service["capacityProviderStrategies"]}
    assert spot == ({"FARGATE"} if stack == "production" else {"FARGATE", "FARGATE_SPOT"})
    assert r.outputs["platformStack"] == f"{ORG}/budgetbuddy/{stack}"


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_every_resource_carries_the_platform_environment_and_the_workers_team(monkeypatch, stack):
    r, _ = run_worker(monkeypatch, stack)
    taggable = [res for res in r.custom() if res["type"] in bp.taggable.TAGGABLE_TYPES]
    assert len(taggable) == 7  # group, egress rule, log group, two roles, task definition, service
    for res in taggable:
        tags = {k: res["inputs"]["tags"].get(k) for k in ("Environment", "Service", "Team")}
        assert tags == {"Environment": platform(stack)["environment"], "Service": "team-worker", "Team": "payments"}


def test_no_ingress_and_https_egress_only(monkeypatch):
    r, _ = run_worker(monkeypatch, "staging")
    assert not r.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    (egress,) = r.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert (egress["inputs"]["ipProtocol"], egress["inputs"]["fromPort"], egress["inputs"]["toPort"]) == (
        "tcp",
        443,
        443,
    )
    assert "ingress" not in r.inputs("aws:ec2/securityGroup:SecurityGroup")


def test_roles_are_least_privilege(monkeypatch):
    r, _ = run_worker(monkeypatch, "staging", None, f"image={IMAGE}")
    (policy,) = r.of_type("aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy["inputs"]["policy"])["Statement"]}
    log_arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{r.inputs('aws:cloudwatch/logGroup:LogGroup')['name']}"
    assert statements["Logs"]["Resource"] == f"{log_arn}:log-stream:*"
    assert statements["EcrPull"]["Resource"] == "arn:aws:ecr:us-east-1:123456789012:repository/payments/worker"
    assert statements["EcrAuth"]["Action"] == "ecr:GetAuthorizationToken"
    # The task role has no policy at all; a public image needs no ECR permission.
    assert len(r.of_type("aws:iam/role:Role")) == 2
    public, _ = run_worker(monkeypatch, "staging")
    (policy,) = public.of_type("aws:iam/rolePolicy:RolePolicy")
    assert [s["Sid"] for s in json.loads(policy["inputs"]["policy"])["Statement"]] == ["Logs"]


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_the_platforms_policy_pack_accepts_the_worker(monkeypatch, stack):
    r, _ = run_worker(monkeypatch, stack)
    report = evaluate(r.resources, stack=stack, project="team-worker")
    # Every resource passes every rule, advisory ones included. The one stack rule that fails wants a
    # cost budget in the stack: the worker has none of its own because the platform's budget filters
    # on the Environment tag the worker carries, so its cost counts there.
    assert [(v.rule, v.urn) for v in report.violations] == [("aws-budgets-budget-require-cost-notifications", "")]


def test_every_input_exists_in_the_installed_provider(monkeypatch):
    """Keys inside dict and JSON inputs (container definitions) pass mocks unchecked; the SDK's schema does not."""
    r, _ = run_worker(monkeypatch, "staging", None, f"image={IMAGE}")
    assert ps.check_resources(r.resources) == []


@pytest.mark.usefixtures("collect_the_failed_run")
@pytest.mark.parametrize("missing", ["clusterArn", "privateSubnetIds", "vpcId"])
def test_a_renamed_platform_output_fails_naming_the_key_and_the_stack(monkeypatch, missing):
    outputs = {k: v for k, v in platform("staging").items() if k != missing}
    with pytest.raises(recorder.ProgramError) as err:
        run_worker(monkeypatch, "staging", outputs)
    assert type(err.value.cause).__name__ == "MissingPlatformOutput"
    message = str(err.value.cause)
    assert f"platform stack {ORG}/budgetbuddy/staging has no output '{missing}'" in message


@pytest.mark.usefixtures("collect_the_failed_run")
def test_a_missing_logs_key_fails_naming_the_entry(monkeypatch):
    outputs = dict(platform("staging"))
    outputs["kmsKeyArns"] = {k: v for k, v in outputs["kmsKeyArns"].items() if k != "logs"}
    with pytest.raises(recorder.ProgramError) as err:
        run_worker(monkeypatch, "staging", outputs)
    assert "output 'kmsKeyArns' has no entry 'logs'" in str(err.value.cause)


@pytest.mark.usefixtures("collect_the_failed_run")
def test_a_region_other_than_the_platforms_is_refused(monkeypatch):
    with pytest.raises(recorder.ProgramError) as err:
        run_worker(monkeypatch, "staging", None, "aws:region=eu-west-1")
    assert "aws:region='eu-west-1'" in str(err.value.cause) and "runs in us-east-1" in str(err.value.cause)


@pytest.mark.usefixtures("collect_the_failed_run")
def test_bad_settings_are_listed_together(monkeypatch):
    with pytest.raises(recorder.ProgramError) as err:
        run_worker(monkeypatch, "staging", None, "cpu=256", "memory=4096", "name=Worker_1")
    message = str(err.value.cause)
    assert "name='Worker_1'" in message and "cpu=256, memory=4096" in message


def test_the_helper_reads_what_the_contract_promises():
    sys.path.insert(0, str(EXAMPLE))
    try:
        import platform_ref
    finally:
        sys.path.remove(str(EXAMPLE))
        sys.modules.pop("platform_ref", None)
    contract = oc.load()
    assert oc.version(contract["version"])[0] == platform_ref.CONTRACT_MAJOR
    assert {k: contract["outputs"][k]["type"] for k in platform_ref.REQUIRED} == platform_ref.REQUIRED
    assert not [k for k in platform_ref.REQUIRED if contract["outputs"][k].get("when")]


@pytest.mark.usefixtures("collect_the_failed_run")
def test_a_platform_of_another_contract_major_is_refused(monkeypatch):
    outputs = {**platform("staging"), "contractVersion": "2.0.0"}
    with pytest.raises(recorder.ProgramError) as err:
        run_worker(monkeypatch, "staging", outputs)
    assert type(err.value.cause).__name__ == "IncompatiblePlatform"
    assert "exports outputs contract 2.0.0; this worker was written for major 1" in str(err.value.cause)


def test_the_examples_own_snapshot_is_what_the_platform_exports():
    """The example tests itself offline (examples/team-worker/tests) against a copy of the platform's
    outputs; the copy must stay what the platform's staging stack exports."""
    snapshot = json.loads((EXAMPLE / "tests" / "platform_outputs.staging.json").read_text())
    out = oc.reveal(platform("staging"))
    assert snapshot == {k: out[k] for k in snapshot}


def test_the_examples_own_tests_pass_without_the_platforms_modules():
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-p", "no:xdist", "tests"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout
    imported = " ".join((EXAMPLE / "tests" / "test_worker.py").read_text().split())
    assert not any(m in imported for m in ("from preview", "from tests", "from tools", "import components"))
