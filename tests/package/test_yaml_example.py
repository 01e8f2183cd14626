"""examples/yaml-service: its budgetbuddy:ComputeService checked through the package's provider under
the preview's mocks, with the StackReference answered by the outputs the platform's own offline preview
records for the same stack. What this cannot check (Pulumi YAML itself, `pulumi package add`) is in
docs/package.md."""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

from tests.harness import ROOT, Result, run_stack
from tests.package.engine import through_provider
from tools import outputs_contract as oc
from tools.gen_package_schema import SCHEMA

EXAMPLE = ROOT / "examples" / "yaml-service"
PROGRAM = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
STACK = yaml.safe_load((EXAMPLE / "Pulumi.staging.yaml").read_text())["config"]
RESOURCE = __import__("json").loads(SCHEMA.read_text())["resources"]["budgetbuddy:index:ComputeService"]
REF = re.compile(r'^\$\{platform\.outputs((?:\["[A-Za-z]+"\])+)\}$')
VAR = re.compile(r"^\$\{([A-Za-z]+)\}$")


def _resolve(value: Any, outputs: dict[str, Any]) -> Any:
    """The value Pulumi YAML passes: config variables and StackReference outputs substituted; numbers
    as the engine carries them (floats)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and (m := REF.match(value)):
        found: Any = outputs
        for key in re.findall(r'"([A-Za-z]+)"', m.group(1)):
            found = found[key]
        return found
    if isinstance(value, str) and (m := VAR.match(value)):
        return STACK[f"{PROGRAM['name']}:{m.group(1)}"]
    return value


@functools.cache
def _example() -> Any:
    outputs = oc.reveal(run_stack("staging").outputs)
    props = PROGRAM["resources"]["orders"]["properties"]
    return through_provider({k: _resolve(v, outputs) for k, v in props.items()}, name="orders")


def test_the_program_uses_the_package_and_reads_the_platform_through_a_stack_reference():
    assert PROGRAM["runtime"] == "yaml" and PROGRAM["packages"] == {"budgetbuddy": "../../packages/budgetbuddy"}
    resources = PROGRAM["resources"]
    assert resources["orders"]["type"] == "budgetbuddy:ComputeService"
    assert resources["platform"]["type"] == "pulumi:pulumi:StackReference"


def test_every_property_and_output_it_uses_is_in_the_schema_and_the_contract():
    props = PROGRAM["resources"]["orders"]["properties"]
    assert set(props) <= set(RESOURCE["inputProperties"])
    assert set(RESOURCE["requiredInputs"]) <= set(props)
    used = {
        m.group(1)
        for v in props.values()
        if isinstance(v, str) and (m := re.match(r'\$\{platform\.outputs\["(\w+)"', v))
    }
    contract = oc.load()["outputs"]
    assert used <= set(contract) and not [k for k in used if contract[k].get("when")]
    for text in PROGRAM["outputs"].values():
        m = re.match(r"^\$\{orders\.(\w+)\}$", text)
        assert m is None or m.group(1) in RESOURCE["properties"]


def test_the_example_builds_its_service_in_the_platforms_network():
    r = Result(_example())
    out = oc.reveal(run_stack("staging").outputs)
    assert r.inputs("aws:lb/loadBalancer:LoadBalancer")["subnets"] == out["publicSubnetIds"]
    service = r.inputs("aws:ecs/service:Service")
    assert service["networkConfiguration"]["subnets"] == out["privateSubnetIds"]
    assert r.inputs("aws:cloudwatch/logGroup:LogGroup")["kmsKeyId"] == out["kmsKeyArns"]["logs"]
    assert r.inputs("aws:wafv2/webAclAssociation:WebAclAssociation")["webAclArn"] == out["webAclArn"]
    assert r.inputs("aws:ecs/cluster:Cluster")["name"] == "orders-staging-cluster"


def test_the_examples_resource_list():
    r = Result(_example())
    listed = sorted(f"{x['type']} {x['name']}" for x in r.custom())
    # The component's resources, less what the example leaves out: no tables (no task policy) and no
    # NAT addresses (no test-listener rules: plain lists cannot come from a StackReference), plus the
    # web ACL association.
    assert len(listed) == 34, listed
    assert "aws:iam/rolePolicy:RolePolicy orders-task-policy" not in listed
    assert "aws:wafv2/webAclAssociation:WebAclAssociation orders-waf" in listed
