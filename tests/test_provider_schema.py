"""tools/provider_schema.py: every recorded input, at any depth, exists in the installed SDKs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components.config.schema import StackConfig
from components.naming import Naming
from tests.harness import run_component, run_stack
from tools import provider_schema as ps

SECRET = {ps.SIG: ps.SECRET}


def _run(build: Any) -> list[ps.Finding]:
    """Register what ``build()`` creates under the preview's mocks, then check the recording."""

    def body(cfg: StackConfig, naming: Naming) -> None:
        build()

    return ps.check_resources(run_component(body).resources)


def _paths(findings: list[ps.Finding], kind: str = "unknown-key") -> list[str]:
    return sorted(f"{f.name}: {f.path}" for f in findings if f.kind == kind)


def _record(type_: str, inputs: dict[str, Any], name: str = "r") -> dict[str, Any]:
    return {"type": type_, "name": name, "inputs": inputs}


# --------------------------------------------------------------------------------------------- the real stacks


@pytest.mark.parametrize(
    ("stack", "overrides"),
    [
        ("staging", ()),
        ("production", ()),
        # the DR variant adds the explicit provider, table replicas and cross-region backup copies
        ("production", ("drRegion=us-west-2",)),
    ],
)
def test_real_stacks_send_only_inputs_the_sdks_define(stack: str, overrides: tuple[str, ...]) -> None:
    resources = run_stack(stack, *overrides).resources
    findings = ps.check_resources(resources)
    assert findings == [], "\n".join(map(str, findings))
    custom = {r["type"] for r in resources if r["custom"]}
    assert all(ps.args_class(ps.resource_class(t)) is not None for t in custom)  # every type was checked
    if overrides:
        assert "pulumi:providers:aws" in {r["type"] for r in resources}


# ------------------------------------------------------------------------------------------------- resolution


def test_type_tokens_resolve_to_the_sdk_input_types() -> None:
    assert ps.args_class(ps.resource_class("aws:ecs/service:Service")) is aws.ecs.ServiceArgs
    # the SDK renames Args that would clash with a nested input type of the same name
    assert (
        ps.args_class(ps.resource_class("aws:s3/bucketVersioning:BucketVersioning")) is aws.s3.BucketVersioningInitArgs
    )
    assert ps.args_class(ps.resource_class("pulumi:providers:aws")) is aws.ProviderArgs
    import pulumi_awsx as awsx

    assert ps.args_class(ps.resource_class("awsx:ec2:Vpc")) is awsx.ec2.VpcArgs
    assert "deploymentConfiguration" in ps.properties(aws.ecs.ServiceArgs)  # engine names, from the getters


def test_unknown_type_tokens_are_reported_and_project_components_skipped() -> None:
    assert [f.kind for f in ps.check_resources([_record("aws:ecs/servise:Service", {})])] == ["unresolved-type"]
    assert ps.check_resources([_record("budgetbuddy:compute:ComputeService", {"anything": 1})]) == []


# ------------------------------------------------------------------------------------------------ unknown keys


def test_misspelt_nested_key_in_dict_literal_is_caught() -> None:
    findings = _run(
        lambda: aws.ecs.Service(
            "svc",
            cluster="c",
            deployment_configuration={"strategy": "CANARY", "canary_configuration": {"canary_percnt": 10.0}},
        )
    )
    assert _paths(findings) == ["svc: deploymentConfiguration.canaryConfiguration.canary_percnt"]
    assert "canaryPercent" in findings[0].detail  # the closest real name is suggested
    assert str(findings[0]).startswith("aws:ecs/service:Service svc: deploymentConfiguration.canaryConfiguration.")


def test_misspelt_camel_case_key_inside_typed_args_is_caught() -> None:
    findings = _run(
        lambda: aws.ecs.Service(
            "svc",
            cluster="c",
            deployment_configuration=aws.ecs.ServiceDeploymentConfigurationArgs(
                strategy="CANARY", canary_configuration={"canaryPercnt": 10.0, "canaryBakeTimeInMinutes": "5"}
            ),
        )
    )
    assert _paths(findings) == ["svc: deploymentConfiguration.canaryConfiguration.canaryPercnt"]


def test_correct_nested_keys_pass() -> None:
    findings = _run(
        lambda: aws.ecs.Service(
            "svc",
            cluster="c",
            deployment_configuration={
                "strategy": "CANARY",
                "canary_configuration": {"canary_percent": 10.0, "canary_bake_time_in_minutes": "5"},
            },
        )
    )
    assert findings == []


def test_misspelt_top_level_key_is_caught() -> None:
    # The typed constructors reject unknown keyword arguments; a raw registration does not.
    findings = _run(
        lambda: pulumi.CustomResource("aws:ecs/cluster:Cluster", "raw", {"name": "x", "setings": [{"name": "n"}]})
    )
    assert _paths(findings) == ["raw: setings"]
    assert ps.check_resources([_record("aws:sns/topic:Topic", {"kmsMasterKeyID": "k"})])[0].path == "kmsMasterKeyID"


def test_keys_inside_lists_of_objects_are_checked_with_their_index() -> None:
    findings = _run(
        lambda: aws.s3.BucketServerSideEncryptionConfiguration(
            "sse",
            bucket="b",
            rules=[
                {"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms"}, "bucket_key_enabled": True},
                {"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_keyid": "k"}},
            ],
        )
    )
    assert _paths(findings) == ["sse: rules[1].applyServerSideEncryptionByDefault.kms_master_keyid"]
    record = _record(
        "aws:dynamodb/table:Table", {"attributes": [{"name": "pk", "type": "S"}, {"name": "sk", "typ": "S"}]}
    )
    assert [f.path for f in ps.check_resource(record)] == ["attributes[1].typ"]


def test_secret_values_are_opened_and_unknown_values_skipped() -> None:
    hidden = {**SECRET, "value": {"enable": True, "rollbak": True}}
    record = _record("aws:ecs/service:Service", {"deploymentCircuitBreaker": hidden, "alarms": ps.UNKNOWN})
    assert [f.path for f in ps.check_resource(record)] == ["deploymentCircuitBreaker.rollbak"]


# ------------------------------------------------------------------------------------------ free-form values


def test_free_form_maps_and_json_strings_are_not_walked() -> None:
    def build() -> None:
        aws.cloudwatch.MetricAlarm(
            "alarm",
            comparison_operator="GreaterThanThreshold",
            evaluation_periods=1,
            metric_name="CPUUtilization",
            namespace="AWS/ECS",
            period=60,
            statistic="Average",
            threshold=80,
            dimensions={"ClusterName": "c", "ServiceName": "s"},  # Mapping[str, str]
            tags={"any key at all": "v", "snake_case_key": "v"},
        )
        aws.iam.RolePolicy(
            "policy",
            role="r",
            policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}),
        )
        aws.cloudwatch.Dashboard("dash", dashboard_name="d", dashboard_body=json.dumps({"widgets": [{"anything": 1}]}))
        aws.codebuild.Project(
            "build",
            service_role="arn:aws:iam::123456789012:role/r",
            artifacts={"type": "NO_ARTIFACTS"},
            source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
            environment={
                "compute_type": "BUILD_GENERAL1_SMALL",
                "image": "aws/codebuild/standard:7.0",
                "type": "LINUX_CONTAINER",
                "environment_variables": [{"name": "ANY_NAME", "value": "v"}],
            },
        )

    assert _run(build) == []


def test_object_where_the_sdk_takes_a_string_is_a_shape_error() -> None:
    record = _record("aws:cloudwatch/dashboard:Dashboard", {"dashboardName": "d", "dashboardBody": {"widgets": []}})
    assert [(f.path, f.kind) for f in ps.check_resource(record)] == [("dashboardBody", "shape")]


# ------------------------------------------------------------------------------------------------------- enums


def test_closed_enum_values_are_checked() -> None:
    inputs = {
        "subnetStrategy": "Automatic",
        "natGateways": {"strategy": "OnePerAz"},
        "subnetSpecs": [{"type": "Publik"}],
    }
    findings = ps.check_resource(_record("awsx:ec2:Vpc", inputs))
    assert [(f.path, f.kind) for f in findings] == [("subnetStrategy", "enum"), ("subnetSpecs[0].type", "enum")]
    assert "'Auto'" in findings[0].detail
    ok = {"subnetStrategy": "Auto", "natGateways": {"strategy": "Single"}, "subnetSpecs": [{"type": "Private"}]}
    assert ps.check_resource(_record("awsx:ec2:Vpc", ok)) == []


def test_open_enum_values_are_checked_except_lists_aws_keeps_growing() -> None:
    findings = _run(lambda: aws.route53.Record("rec", zone_id="Z1", name="a.example.com", type="CNAMEE", records=["x"]))
    assert [(f.path, f.kind, f.blocking) for f in findings] == [("type", "enum", True)]
    assert (
        _run(lambda: aws.route53.Record("rec", zone_id="Z1", name="a.example.com", type="CNAME", records=["x"])) == []
    )
    unlisted = ps.check_resource(_record("aws:ec2/instance:Instance", {"instanceType": "z9.future"}))
    assert [(f.path, f.kind, f.blocking) for f in unlisted] == [("instanceType", "enum-unlisted", False)]


# ----------------------------------------------------------------------------------------- provider and ECS JSON


def test_provider_objects_arrive_json_encoded_and_are_walked() -> None:
    # pulumi/pulumi-aws#5271: a dict literal's snake_case keys reach the provider untranslated and are ignored.
    findings = _run(
        lambda: aws.Provider(
            "p", region="us-west-2", assume_roles=[{"role_arn": "arn"}], default_tags={"tags": {"Any": "v"}}
        )
    )
    assert _paths(findings) == ["p: assumeRoles[0].role_arn"]
    good = _run(lambda: aws.Provider("p", region="us-west-2", assume_roles=[aws.ProviderAssumeRoleArgs(role_arn="a")]))
    assert good == []


def _task(containers: list[dict[str, Any]]) -> list[ps.Finding]:
    return _run(
        lambda: aws.ecs.TaskDefinition(
            "task", family="f", cpu="256", memory="512", container_definitions=json.dumps(containers)
        )
    )


def test_container_definition_keys_follow_the_ecs_shape() -> None:
    good = {
        "name": "app",
        "image": "nginx",
        "essential": True,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp", "appProtocol": "http"}],
        "environment": [{"name": "ANY", "value": "v"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g", "any-option": "x"}},
        "readonlyRootFilesystem": True,
    }
    assert _task([good]) == []
    bad = {**good, "portMappings": [{"containerPort": 8080, "appProtocol": "https"}], "readOnlyRootFilesystem": True}
    found = sorted((f.path, f.kind) for f in _task([good, bad]))
    assert found == [
        ("containerDefinitions[1].portMappings[0].appProtocol", "enum"),
        ("containerDefinitions[1].readOnlyRootFilesystem", "unknown-key"),
    ]


# ------------------------------------------------------------------------------------------------------------ CLI


def test_cli_exit_status_follows_blocking_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({"resources": [_record("aws:sns/topic:Topic", {"name": "t"})]}))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"resources": [_record("aws:sns/topic:Topic", {"nmae": "t"})]}))
    assert ps.main([str(clean)]) == 0
    assert ps.main([str(clean), str(bad)]) == 1
    assert "aws:sns/topic:Topic r: nmae" in capsys.readouterr().out
