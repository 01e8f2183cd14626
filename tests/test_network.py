"""Network component under mocks: awsx VPC inputs, flow logs, endpoints, default SG, protection, policy pack."""

import json

import pytest

from components.base import StackContext
from components.network import Network, NetworkSettings
from components.network.contract import NetworkInputs
from preview.policy.engine import evaluate
from tests.harness import config_for, run_component

ACCT = "123456789012"
KEY = f"arn:aws:kms:us-east-1:{ACCT}:key/11111111-2222-3333-4444-555555555555"
VPC = "awsx:ec2:Vpc"
THE_VPC = f"{VPC}::network-vpc"  # what a vpcId input must come from (every mock VPC id looks alike)
FLOW_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
# What each real stack file sets (Pulumi.<stack>.yaml).
STACK_VALUES = {
    "staging": {"natStrategy": "Single", "vpcCidr": "10.1.0.0/16"},
    "production": {"natStrategy": "OnePerAz", "vpcCidr": "10.0.0.0/16"},
}


def _run(stack: str, **values):
    holder = {}

    def body(cfg, naming):
        holder["network"] = Network(
            "network", cfg, NetworkInputs(flow_log_key_arn=KEY), StackContext(naming, ACCT, cfg.region)
        )

    return run_component(body, config_for(stack, **{**STACK_VALUES[stack], **values})), holder


@pytest.fixture(scope="module")
def staging():
    return _run("staging")


@pytest.fixture(scope="module")
def production():
    return _run("production")


@pytest.mark.parametrize(("stack", "strategy"), [("production", "OnePerAz"), ("staging", "Single")])
def test_awsx_vpc_inputs_per_stack(stack, strategy, request):
    r, _ = request.getfixturevalue(stack)
    vpc = r.inputs(VPC)
    assert vpc["natGateways"]["strategy"] == strategy
    assert vpc["numberOfAvailabilityZones"] == 3
    assert vpc["cidrBlock"] == STACK_VALUES[stack]["vpcCidr"]
    assert vpc["subnetSpecs"] == [{"type": "Public"}, {"type": "Private"}]
    assert vpc["subnetStrategy"] == "Auto"
    assert vpc["enableDnsHostnames"] is True and vpc["enableDnsSupport"] is True
    assert vpc["tags"]["Environment"] == stack and vpc["tags"]["Team"] == "platform"
    assert r.one(VPC)["remote"] is True


def test_no_awsx_or_open_security_groups(staging):
    r, _ = staging
    assert "securityGroupIds" not in r.inputs(VPC) and not r.of_type("aws:ec2/securityGroup:SecurityGroup")


def test_default_security_group_has_no_rules(staging):
    r, _ = staging
    sg = r.inputs("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert r.sources("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", None, "vpcId") == {THE_VPC}
    assert not sg.get("ingress") and not sg.get("egress")


def test_flow_log_captures_all_traffic_to_an_encrypted_group(staging):
    r, _ = staging
    fl = r.inputs("aws:ec2/flowLog:FlowLog")
    group = r.inputs(FLOW_GROUP, "network-flow-logs")
    assert fl["trafficType"] == "ALL" and fl["logDestinationType"] == "cloud-watch-logs"
    assert r.sources("aws:ec2/flowLog:FlowLog", None, "vpcId") == {THE_VPC}
    assert fl["logDestination"] == f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/vpc/budgetbuddy-staging-flow-logs"
    assert fl["iamRoleArn"].startswith(f"arn:aws:iam::{ACCT}:role/network-flow-logs")
    assert group["kmsKeyId"] == KEY and group["retentionInDays"] == 365
    assert group["tags"]["LogClass"] == "audit"


def test_flow_log_role_trusts_only_this_accounts_flow_logs_and_writes_only_its_group(staging):
    r, _ = staging
    trust = json.loads(r.inputs("aws:iam/role:Role", "network-flow-logs")["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:us-east-1:{ACCT}:vpc-flow-log/*"},
    }
    st, find = json.loads(r.inputs("aws:iam/rolePolicy:RolePolicy", "network-flow-logs")["policy"])["Statement"]
    group = f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/vpc/budgetbuddy-staging-flow-logs"
    assert st["Resource"] == [group, f"{group}:*"]
    assert st["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    # The VPC guide's flow-log role also lists DescribeLogGroups (a list call: account/region scope, read-only).
    assert find["Action"] == "logs:DescribeLogGroups"
    assert find["Resource"] == f"arn:aws:logs:us-east-1:{ACCT}:log-group:*"


def test_flow_log_waits_for_its_role_policy(staging):
    r, _ = staging
    assert any(
        u.endswith("::network-flow-logs") and "rolePolicy" in u
        for u in r.one("aws:ec2/flowLog:FlowLog")["dependencies"]
    )


def test_gateway_endpoints_on_private_route_tables(staging):
    r, _ = staging
    endpoints = {e["inputs"]["serviceName"]: e["inputs"] for e in r.of_type(ENDPOINT)}
    assert set(endpoints) == {"com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"}
    for e in r.of_type(ENDPOINT):
        assert r.sources(ENDPOINT, e["name"], "vpcId") == {THE_VPC}
    for ep in endpoints.values():
        assert ep["vpcEndpointType"] == "Gateway"
        # The mock answers the SubnetType=Private route-table lookup with three ids.
        assert len(ep["routeTableIds"]) == 3 and all(t.startswith("rtb-") for t in ep["routeTableIds"])
        assert ep["tags"]["Service"] == "budgetbuddy"


@pytest.mark.parametrize(("stack", "protected"), [("production", True), ("staging", False)])
def test_flow_log_group_protected_in_production_only(stack, protected, request):
    r, _ = request.getfixturevalue(stack)
    group = r.one(FLOW_GROUP, "network-flow-logs")
    assert group["protect"] is protected and group["retainOnDelete"] is protected
    assert group["deleteBeforeReplace"] is True  # it has a physical name


def test_production_names(production):
    r, _ = production
    assert r.inputs(FLOW_GROUP)["name"] == "/aws/vpc/budgetbuddy-flow-logs"


def test_stack_outputs(staging):
    _, holder = staging
    assert set(holder["network"].stack_outputs()) == {"vpcId", "publicSubnetIds", "privateSubnetIds", "natPublicIps"}
    assert holder["network"].cidr_block == "10.1.0.0/16"


def test_every_taggable_resource_is_tagged(staging):
    r, _ = staging
    for res in [*r.custom(), r.one(VPC)]:
        if "tags" in res["inputs"]:
            assert {"Environment", "Service", "Team"} <= set(res["inputs"]["tags"]), res["name"]


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_resources_pass_the_policy_pack(stack, request):
    r, _ = request.getfixturevalue(stack)
    report = evaluate(r.resources, stack=stack)
    failing = {v.rule for v in report.violations} - {"aws-budgets-budget-require-cost-notifications"}
    assert failing == set()


def test_policy_pack_flags_one_nat_per_az_in_staging():
    r, _ = _run("staging", natStrategy="OnePerAz")
    report = evaluate(r.resources, stack="staging")
    assert "aws-ec2-natgateway-configure-limit" in {v.rule for v in report.violations}


def test_settings_validation():
    with pytest.raises(ValueError, match="natStrategy"):
        NetworkSettings(natStrategy="None")
    with pytest.raises(ValueError, match="azCount"):
        NetworkSettings(azCount=1)
    settings = config_for("production", auditLogRetentionDays=731)
    assert settings.audit_log_retention_days == 731 and settings.nat_strategy == "OnePerAz"


@pytest.mark.parametrize(("stack", "count"), [("production", 3), ("staging", 1)])
def test_the_stack_owns_one_elastic_ip_per_nat_gateway(stack, count, request):
    r, holder = request.getfixturevalue(stack)
    eips = r.of_type("aws:ec2/eip:Eip")
    assert len(eips) == count and all(e["inputs"]["domain"] == "vpc" for e in eips)
    assert all(e["inputs"]["tags"]["Environment"] == stack for e in eips)
    # awsx gets exactly these allocations, so its NAT gateways use the addresses the stack exports.
    assert len(r.inputs(VPC)["natGateways"]["elasticIpAllocationIds"]) == count
    assert len(holder["network"].nat_public_ips) == count
