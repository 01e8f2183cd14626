"""A small fake engine and resource monitor (servicers from pulumi.runtime.proto) and the plugin started
the way the Pulumi CLI starts it: ``python packages/budgetbuddy <engine address>``, its port on stdout."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)

from tests.harness import ROOT

PLUGIN = ROOT / "packages" / "budgetbuddy"
ACCOUNT = "123456789012"


class FakeEngine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.logs: list[str] = []

    def Log(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC method names)
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        return engine_pb2.SetRootResourceResponse()


@dataclass
class FakeMonitor(resource_pb2_grpc.ResourceMonitorServicer):
    """Registers every resource as a preview would (inputs echoed, outputs unknown), answers the caller
    identity invoke, and keeps what was registered."""

    project: str = "team-orders"
    stack: str = "staging"
    registered: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, parent urn)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def SupportsFeature(self, request: Any, context: Any) -> Any:  # noqa: N802
        return resource_pb2.SupportsFeatureResponse(hasSupport=False)

    def RegisterResource(self, request: Any, context: Any) -> Any:  # noqa: N802
        parent_types = request.parent.split("::")[-2] + "$" if request.parent else ""
        urn = f"urn:pulumi:{self.stack}::{self.project}::{parent_types}{request.type}::{request.name}"
        with self.lock:
            self.registered.append((request.type, request.name, request.parent))
        return resource_pb2.RegisterResourceResponse(urn=urn, id="", object=request.object)

    def RegisterResourceOutputs(self, request: Any, context: Any) -> Any:  # noqa: N802
        return empty_pb2.Empty()

    def GetDeploymentInfo(self, request: Any, context: Any) -> Any:  # noqa: N802
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "an old engine: no deployment info")

    def Invoke(self, request: Any, context: Any) -> Any:  # noqa: N802
        result = struct_pb2.Struct()
        if request.tok == "aws:index/getCallerIdentity:getCallerIdentity":
            result.update(
                {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "userId": "AIDA", "id": ACCOUNT}
            )
        return provider_pb2.InvokeResponse(**{"return": result})


@dataclass
class Plugin:
    provider: provider_pb2_grpc.ResourceProviderStub
    monitor: FakeMonitor
    engine: FakeEngine
    monitor_address: str


def _serve(add: Any, servicer: Any) -> tuple[grpc.Server, str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    add(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@contextmanager
def running_plugin() -> Iterator[Plugin]:
    engine, monitor = FakeEngine(), FakeMonitor()
    engine_server, engine_address = _serve(engine_pb2_grpc.add_EngineServicer_to_server, engine)
    monitor_server, monitor_address = _serve(resource_pb2_grpc.add_ResourceMonitorServicer_to_server, monitor)
    proc = subprocess.Popen(
        [sys.executable, str(PLUGIN), engine_address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().decode().strip()
        if not port.isdigit():
            proc.kill()
            raise RuntimeError(
                f"the plugin printed no port: {port!r}; stderr: {proc.communicate()[1].decode()[-2000:]}"
            )
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield Plugin(provider_pb2_grpc.ResourceProviderStub(channel), monitor, engine, monitor_address)
        channel.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        engine_server.stop(None)
        monitor_server.stop(None)
