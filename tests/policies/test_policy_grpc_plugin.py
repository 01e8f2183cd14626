"""The pack as a real analyzer plugin: started as the engine starts it, driven over gRPC.

The engine runs `python -u -m pulumi.policy <engine address> .` in the pack's
directory (pulumi-analyzer-policy-python); PolicyPack prints the port it serves
on as the first stdout line. The diagnostics must equal the in-process run's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf import empty_pb2
from policy_fixtures import UNKNOWN, baseline, edited, without
from pulumi.runtime.proto import analyzer_pb2_grpc

from preview.policy.config import configure_request, reconcile_config
from preview.policy.engine import analyze_requests, analyze_stack_request, diagnostic_dict, evaluate, new_servicer
from preview.policy.load import PACK_DIR, load_policy_config


@pytest.fixture(scope="module")
def plugin() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    env = {
        **os.environ,
        "PULUMI_PROJECT": "budgetbuddy",
        "PULUMI_STACK": "production",
        "PULUMI_DRY_RUN": "true",
    }
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=PACK_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        line = proc.stdout.readline().decode().strip() if proc.stdout else ""
        assert line.isdigit(), f"plugin did not print its port: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def broken() -> list[dict]:
    r = edited(baseline("production"), "service", networkConfiguration={"assignPublicIp": True})
    r = edited(r, "trail", enableLogFileValidation=UNKNOWN)
    r = edited(r, "alb", enableDeletionProtection=False)
    r = edited(r, "task", cpu="8192", memory="16384")
    return without(r, "artifacts-pab", "flow-log")


def drive(stub: analyzer_pb2_grpc.AnalyzerStub, resources: list[dict], stack: str) -> list[dict]:
    info = stub.GetAnalyzerInfo(empty_pb2.Empty())
    stub.Configure(configure_request(reconcile_config(info, load_policy_config(stack))))
    diagnostics = []
    for req in analyze_requests(resources):
        diagnostics += [diagnostic_dict(d, req.urn) for d in stub.Analyze(req).diagnostics]
    response = stub.AnalyzeStack(analyze_stack_request(resources))
    return diagnostics + [diagnostic_dict(d) for d in response.diagnostics]


def test_analyzer_info_matches_registry(plugin: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = plugin.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "budgetbuddy-aws"
    assert info.supportsConfig
    in_process = new_servicer().GetAnalyzerInfo(empty_pb2.Empty(), None)
    assert info == in_process


@pytest.mark.parametrize("case", ["baseline", "broken"])
def test_grpc_results_equal_in_process(plugin: analyzer_pb2_grpc.AnalyzerStub, case: str) -> None:
    resources = baseline("production") if case == "baseline" else broken()
    over_grpc = drive(plugin, resources, "production")
    report = evaluate(resources, stack="production")
    assert over_grpc == report.diagnostics
    if case == "broken":
        levels = {d["policyName"]: d["enforcementLevel"] for d in over_grpc}
        assert levels["aws-ecs-service-disallow-public-ip"] == "mandatory"
        assert levels["aws-cloudtrail-trail-enable-log-validation"] == "mandatory"  # unknown, still blocking
        # Configure applied production.json: the cost rule was raised to mandatory.
        assert levels["aws-ecs-taskdefinition-configure-size-cap"] == "mandatory"
        assert {
            "aws-s3-bucket-require-public-access-block",
            "aws-ec2-vpc-require-flow-logs",
        } <= set(levels)
