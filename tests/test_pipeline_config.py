"""Pipeline config keys (docs/config.md, docs/pipeline.md): a missing or invalid connection ARN or branch is a clear
error naming the key; production requires approval through its stack file."""

from __future__ import annotations

import pytest

from components.config.load import parse_stack_config
from components.config.problems import ConfigError
from components.pipeline import PipelineSettings
from preview.stackfiles import load_stack
from tests.harness import CERT, ROOT, config_for


def _error(**values: object) -> str:
    with pytest.raises(ConfigError) as info:
        parse_stack_config("staging", {"certificateArn": CERT, **values})
    return str(info.value)


@pytest.mark.parametrize("branch", ["", "   ", "feature branch", "a..b", "/main", "main/", "-x", "x.lock", None])
def test_a_missing_or_invalid_branch_names_the_key(branch):
    message = _error(githubBranch=branch)
    assert "budgetbuddy:githubBranch=" in message
    if isinstance(branch, str):
        assert "must be the name of the branch the pipeline deploys" in message


@pytest.mark.parametrize("branch", ["main", "develop", "release/1.2", "feature/ABC-12_x"])
def test_valid_branches_pass(branch):
    assert config_for("staging", githubBranch=branch).github_branch == branch


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "arn:aws:codebuild:us-east-1:123456789012:project/x",
        "arn:aws:codeconnections:us-east-1:123:connection/x",
        "connection/abc",
    ],
)
def test_an_empty_or_invalid_connection_arn_names_the_key_and_what_is_allowed(arn):
    message = _error(codestarConnectionArn=arn)
    assert f"budgetbuddy:codestarConnectionArn={arn!r}" in message
    assert "connection ARN" in message and "unset, the stack creates the connection" in message


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:codeconnections:us-east-1:123456789012:connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        "arn:aws:codestar-connections:eu-west-1:123456789012:connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    ],
)
def test_connection_arns_of_both_service_prefixes_are_accepted(arn):
    assert config_for("staging", codestarConnectionArn=arn).codestar_connection_arn == arn


def test_no_connection_arn_means_the_stack_creates_one():
    assert config_for("staging").codestar_connection_arn is None


def test_build_compute_type_is_limited_to_arm_sizes():
    message = _error(buildComputeType="BUILD_LAMBDA_1GB")
    assert "budgetbuddy:buildComputeType='BUILD_LAMBDA_1GB'" in message
    assert config_for("staging").build_compute_type == "BUILD_GENERAL1_SMALL"


def test_invalid_repository_names_the_key():
    assert "budgetbuddy:githubRepository='no-owner'" in _error(githubRepository="no-owner")


def _stack_args(stack: str) -> PipelineSettings:
    s = load_stack(ROOT, stack)
    values = {k.split(":", 1)[1]: v for k, v in s.config.items() if k.startswith("budgetbuddy:")}
    return parse_stack_config(stack, values, region=s.region)


def test_stack_files_approve_production_deploys_and_not_staging():
    production, staging = _stack_args("production"), _stack_args("staging")
    assert production.require_manual_approval is True
    assert staging.require_manual_approval is False
    assert (production.github_branch, staging.github_branch) == ("main", "develop")
