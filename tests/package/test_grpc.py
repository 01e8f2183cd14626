"""The package over gRPC: the plugin started as a subprocess the way the Pulumi CLI starts it, asked
for its schema and to construct a service, with a fake engine and resource monitor (one subprocess
for the whole module)."""

from __future__ import annotations

import json

import grpc
import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import errors_pb2, provider_pb2, status_pb2

from tests.package.engine import ENGINE_INPUTS, TYPE
from tests.package.grpc_fakes import Plugin, running_plugin
from tools.gen_package_schema import SCHEMA


@pytest.fixture(scope="module")
def plugin():
    with running_plugin() as p:
        yield p


def _construct(plugin: Plugin, inputs: dict) -> provider_pb2.ConstructResponse:
    struct = struct_pb2.Struct()
    struct.update(inputs)
    return plugin.provider.Construct(
        provider_pb2.ConstructRequest(
            project=plugin.monitor.project,
            stack=plugin.monitor.stack,
            config={"aws:region": "us-east-1"},
            dryRun=True,
            parallel=4,
            monitorEndpoint=plugin.monitor_address,
            type=TYPE,
            name="orders",
            inputs=struct,
        ),
        timeout=120,
    )


def test_get_schema_serves_the_schema_in_the_repository(plugin):
    response = plugin.provider.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    assert json.loads(response.schema) == json.loads(SCHEMA.read_text())


def test_construct_registers_the_service_and_returns_its_outputs(plugin):
    response = _construct(plugin, ENGINE_INPUTS)
    assert response.urn.endswith(f"::{TYPE}::orders")
    schema = json.loads(SCHEMA.read_text())["resources"][TYPE]
    # Preview: values the cloud assigns are unknown; the state carries every output the schema names
    # that is known without the cloud (containerName, certificateArn).
    state = json_format.MessageToDict(response.state)
    assert set(state) <= set(schema["properties"]) and state["containerName"] == "backend"
    types = [t for t, _, _ in plugin.monitor.registered]
    assert types[0] == TYPE and "budgetbuddy:compute:ComputeService" in types
    assert {"aws:ecs/service:Service", "aws:lb/loadBalancer:LoadBalancer"} <= set(types)


def test_a_refused_setting_reaches_the_engine_as_invalid_properties(plugin):
    with pytest.raises(grpc.RpcError) as info:
        _construct(plugin, {**ENGINE_INPUTS, "taskCpu": 300.0})
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = dict(info.value.trailing_metadata() or ())["grpc-status-details-bin"]
    status = status_pb2.Status.FromString(details)
    errors = errors_pb2.InputPropertiesError()
    status.details[0].Unpack(errors)
    assert [(e.property_path, e.reason) for e in errors.errors] == [
        ("taskCpu", "budgetbuddy:taskCpu='300': must be a Fargate cpu size [256, 512, 1024, 2048, 4096, 8192, 16384]")
    ]
