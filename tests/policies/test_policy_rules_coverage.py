"""Rules that close the gaps of the control walk in docs/policies.md (Control coverage)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from policy_fixtures import (
    BOTH,
    UNKNOWN,
    assert_case,
    baseline,
    edited,
    key_policy,
    set_,
    topic_policy,
)

from preview import policy_runner as pr

Resources = list[dict[str, Any]]
STAR_ALLOW = {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}


def topic_statement(**statement: Any) -> Callable[[Resources], Resources]:
    """The baseline topic policy plus one extra Allow statement."""
    doc = topic_policy()
    doc["Statement"].append({**STAR_ALLOW, **statement})
    return set_("alarms-policy", policy=json.dumps(doc))


def key_statement(**statement: Any) -> Callable[[Resources], Resources]:
    doc = key_policy()
    doc["Statement"].append({**STAR_ALLOW, "Action": "kms:Decrypt", **statement})
    return set_("data-key", policy=json.dumps(doc))


def sse(**settings: Any) -> Callable[[Resources], Resources]:
    def mutate(b: Resources) -> Resources:
        stream = next(r for r in b if r["name"] == "log-archive")
        return edited(b, "log-archive", serverSideEncryption={**stream["inputs"]["serverSideEncryption"], **settings})

    return mutate


# (rule, case id, mutation, stacks where it must fail; it must pass in the others)
CASES: list[tuple[str, str, Callable[[Resources], Resources], tuple[str, ...]]] = [
    ("aws-ecs-service-enable-circuit-breaker", "off", set_("service", deploymentCircuitBreaker={"enable": False, "rollback": False}), BOTH),
    ("aws-ecs-service-enable-circuit-breaker", "no-rollback", set_("service", deploymentCircuitBreaker={"enable": True, "rollback": False}), BOTH),
    ("aws-ecs-service-enable-circuit-breaker", "unset", set_("service", deploymentCircuitBreaker=None), BOTH),
    ("aws-ecs-service-enable-circuit-breaker", "unset-default-controller", set_("service", deploymentController=None, deploymentCircuitBreaker=None), BOTH),
    ("aws-ecs-taskdefinition-disallow-host-namespaces", "pid-host", set_("task", pidMode="host"), BOTH),
    ("aws-ecs-taskdefinition-disallow-host-namespaces", "ipc-host", set_("task", ipcMode="host"), BOTH),
    ("aws-ecs-taskdefinition-disallow-host-namespaces", "network-host", set_("task", networkMode="host"), BOTH),
    ("aws-ecs-service-require-latest-platform", "pinned-old", set_("service", platformVersion="1.3.0"), BOTH),
    ("aws-firehose-deliverystream-require-cmk-encryption", "unset", set_("log-archive", serverSideEncryption=None), BOTH),
    ("aws-firehose-deliverystream-require-cmk-encryption", "disabled", sse(enabled=False), BOTH),
    ("aws-firehose-deliverystream-require-cmk-encryption", "aws-owned-key", sse(keyType="AWS_OWNED_CMK", keyArn=None), BOTH),
    ("aws-firehose-deliverystream-require-cmk-encryption", "cmk-without-key", lambda b: edited(b, "log-archive", serverSideEncryption={"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK"}), BOTH),
    ("aws-acm-certificate-configure-key-algorithm", "rsa-1024", set_("certificate", keyAlgorithm="RSA_1024"), BOTH),
    ("aws-elb-loadbalancer-require-multi-az", "one-subnet", set_("alb", subnets=["subnet-a"]), BOTH),
    ("aws-elb-loadbalancer-require-multi-az", "no-subnets", set_("alb", subnets=None), BOTH),
    ("aws-sns-topicpolicy-disallow-public-access", "principal-star", topic_statement(), BOTH),
    ("aws-sns-topicpolicy-disallow-public-access", "aws-star", topic_statement(Principal={"AWS": ["*"]}), BOTH),
    ("aws-sns-topicpolicy-disallow-public-access", "not-principal", topic_statement(Principal=None, NotPrincipal={"AWS": "arn:aws:iam::1:root"}), BOTH),
    ("aws-sns-topicpolicy-disallow-public-access", "null-condition-only", topic_statement(Condition={"Null": {"aws:SourceAccount": "false"}}), BOTH),
    ("aws-sns-topicpolicy-disallow-public-access", "inline-topic-policy", lambda b: edited(b, "alarms", policy=json.dumps({"Statement": [STAR_ALLOW]})), BOTH),
    ("aws-kms-key-disallow-public-policy", "principal-star", key_statement(), BOTH),
    ("aws-kms-key-disallow-public-policy", "via-service-only", key_statement(Condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}), BOTH),
    ("aws-ecr-repository-require-kms", "aws-managed-key", set_("repo", encryptionConfigurations=[{"encryptionType": "KMS"}]), BOTH),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "case", "mutate", "stacks"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_breaking_the_rule_fails(rule: str, case: str, mutate: Callable, stacks: tuple[str, ...]) -> None:
    assert_case(rule, case, mutate, stacks)


def failed(resources: Resources) -> set[str]:
    return set(pr.evaluate(resources, stack="production").failed_rules)


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        # CodeDeploy and external controllers roll back by their own means; the breaker does not apply.
        (set_("service", deploymentController={"type": "CODE_DEPLOY"}, deploymentCircuitBreaker=None),
         "aws-ecs-service-enable-circuit-breaker"),
        (set_("service", platformVersion="1.4.0"), "aws-ecs-service-require-latest-platform"),
        (set_("service", platformVersion=None), "aws-ecs-service-require-latest-platform"),
        (set_("service", launchType="EC2", capacityProviderStrategies=None, platformVersion="1.3.0"),
         "aws-ecs-service-require-latest-platform"),
        (set_("task", pidMode="task", ipcMode="none"), "aws-ecs-taskdefinition-disallow-host-namespaces"),
        (set_("log-archive", serverSideEncryption=None,
              kinesisSourceConfiguration={"kinesisStreamArn": "arn:aws:kinesis:::stream/s", "roleArn": "arn:r"}),
         "aws-firehose-deliverystream-require-cmk-encryption"),
        (set_("log-archive", serverSideEncryption={"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK",
                                                    "keyArn": UNKNOWN}),
         "aws-firehose-deliverystream-require-cmk-encryption"),
        (set_("certificate", keyAlgorithm="EC_prime256v1"), "aws-acm-certificate-configure-key-algorithm"),
        (set_("alb", subnets=None, subnetMappings=[{"subnetId": "a"}, {"subnetId": "b"}]),
         "aws-elb-loadbalancer-require-multi-az"),
        (topic_statement(Condition={"StringEquals": {"AWS:SourceAccount": "123456789012"}}),
         "aws-sns-topicpolicy-disallow-public-access"),
        (topic_statement(Effect="Deny"), "aws-sns-topicpolicy-disallow-public-access"),
        (set_("data-key", policy=None), "aws-kms-key-disallow-public-policy"),
    ],
    ids=["codedeploy-controller", "platform-1.4.0", "platform-unset", "ec2-launch-type", "task-namespaces",
         "kinesis-source", "new-cmk", "ec-key", "subnet-mappings", "source-account-condition", "deny-star",
         "default-key-policy"],
)  # fmt: skip
def test_compliant_variants_pass(mutate: Callable[[Resources], Resources], rule: str) -> None:
    assert rule not in failed(mutate(baseline("production")))


def test_the_real_key_and_topic_policy_shapes_pass() -> None:
    """The baseline's key policy grants an account-scoped Principal "*" (kms:CallerAccount): not public."""
    doc = key_policy()
    assert any(st["Principal"] == {"AWS": "*"} for st in doc["Statement"])
    resources = copy.deepcopy(baseline("production"))
    assert not failed(resources) & {"aws-kms-key-disallow-public-policy", "aws-sns-topicpolicy-disallow-public-access"}


@pytest.mark.parametrize(
    ("name", "inputs", "rule"),
    [
        ("service", {"deploymentCircuitBreaker": {"enable": UNKNOWN, "rollback": True}},
         "aws-ecs-service-enable-circuit-breaker"),
        ("log-archive", {"serverSideEncryption": {"enabled": UNKNOWN}},
         "aws-firehose-deliverystream-require-cmk-encryption"),
        ("alarms-policy", {"policy": UNKNOWN}, "aws-sns-topicpolicy-disallow-public-access"),
        ("task", {"pidMode": UNKNOWN}, "aws-ecs-taskdefinition-disallow-host-namespaces"),
    ],
)  # fmt: skip
def test_unknown_inputs_are_reported(name: str, inputs: dict[str, Any], rule: str) -> None:
    report = pr.evaluate(edited(baseline("production"), name, **inputs), stack="production")
    hits = [v for v in report.violations if v.rule == rule]
    assert hits and all(h.unknown and h.resource_name == name for h in hits)
