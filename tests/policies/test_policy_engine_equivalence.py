"""The offline engine routes each resource to its type's rules (preview/policy/engine.py).

Proof that this changes no result: for both real stacks, as the program records them and
with many rules made to fire, the diagnostics and not-applicable notes equal those of the
unmodified pack started as a real plugin and driven over gRPC, as the engine drives it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2
from policy_fixtures import degraded
from pulumi.runtime.proto import analyzer_pb2_grpc

from preview.policy.config import configure_request, reconcile_config
from preview.policy.engine import analyze_requests, analyze_stack_request, diagnostic_dict, evaluate
from preview.policy.load import PACK_DIR, load_policy_config
from tests.harness import run_stack

Stub = analyzer_pb2_grpc.AnalyzerStub


@pytest.fixture(scope="module")
def plugin() -> Iterator[Callable[[str], Stub]]:
    """One real plugin process per stack (exemptions scoped to a stack read PULUMI_STACK)."""
    started: dict[str, tuple[subprocess.Popen, grpc.Channel, Stub]] = {}

    def start(stack: str) -> Stub:
        if stack not in started:
            env = {**os.environ, "PULUMI_PROJECT": "budgetbuddy", "PULUMI_STACK": stack, "PULUMI_DRY_RUN": "true"}
            proc = subprocess.Popen(
                [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
                cwd=PACK_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )  # fmt: skip
            port = proc.stdout.readline().decode().strip() if proc.stdout else ""
            assert port.isdigit(), f"plugin did not print its port: {port!r}"
            channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(channel).result(timeout=30)
            started[stack] = (proc, channel, analyzer_pb2_grpc.AnalyzerStub(channel))
        return started[stack][2]

    yield start
    for proc, channel, _ in started.values():
        channel.close()
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module", params=["production", "staging"])
def recorded(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, run_stack(request.param).resources


def over_grpc(stub: Stub, resources: list[dict[str, Any]], stack: str) -> tuple[list[dict], list[dict]]:
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    stub.Configure(configure_request(reconcile_config(info, load_policy_config(stack))))
    diagnostics, not_applicable = [], []
    for req in analyze_requests(resources):
        resp = stub.Analyze(req)
        diagnostics += [diagnostic_dict(d, req.urn) for d in resp.diagnostics]
        not_applicable += [{"policy": n.policy_name, "urn": req.urn, "reason": n.reason} for n in resp.not_applicable]
    diagnostics += [diagnostic_dict(d) for d in stub.AnalyzeStack(analyze_stack_request(resources)).diagnostics]
    return diagnostics, not_applicable


@pytest.mark.parametrize("variant", ["as recorded", "degraded"])
def test_offline_engine_equals_the_real_plugin(plugin, recorded, variant: str) -> None:
    stack, resources = recorded
    resources = resources if variant == "as recorded" else degraded(resources)
    diagnostics, not_applicable = over_grpc(plugin(stack), resources, stack)
    report = evaluate(resources, stack=stack)
    assert report.diagnostics == diagnostics
    assert report.not_applicable == not_applicable
    assert not_applicable  # the checked-in exemptions apply to both stacks
    if variant == "degraded":
        fired = {d["policyName"] for d in diagnostics if d["enforcementLevel"] == "mandatory"}
        assert len(diagnostics) > 100 and len(fired) >= 5, fired
