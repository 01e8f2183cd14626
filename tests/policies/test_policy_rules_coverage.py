"""Rules that close the gaps of the control walk in docs/policies.md (Control coverage)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from policy_fixtures import (
    BOTH,
    UNKNOWN,
    assert_case,
    baseline,
    drop,
    edited,
    key_policy,
    set_,
    topic_policy,
)

from preview.policy.engine import evaluate
from preview.policy.load import ROOT

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


def store(**settings: Any) -> Callable[[Resources], Resources]:
    """The pipeline's artifact store with ``settings`` changed (None removes one)."""

    def mutate(b: Resources) -> Resources:
        pipeline = next(r for r in b if r["name"] == "pipeline")
        changed = {**pipeline["inputs"]["artifactStores"][0], **settings}
        return edited(b, "pipeline", artifactStores=[{k: v for k, v in changed.items() if v is not None}])

    return mutate


def filter_on_app_logs(name: str) -> Callable[[Resources], Resources]:
    """Move a CIS filter from the trail's log group to the application log group."""

    def mutate(b: Resources) -> Resources:
        app = next(r for r in b if r["name"] == "app-logs")
        out = edited(b, name, logGroupName=app["inputs"]["name"])
        next(r for r in out if r["name"] == name)["propertyDependencies"]["logGroupName"] = [app["urn"]]
        return out

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
    ("aws-cloudwatch-logmetricfilter-require-cis-alarms", "no-root-filter", drop("cis-RootAccountUsage"), BOTH),
    ("aws-cloudwatch-logmetricfilter-require-cis-alarms", "no-vpc-alarm", drop("cis-VPCChanges-alarm"), BOTH),
    ("aws-cloudwatch-logmetricfilter-require-cis-alarms", "alarm-without-action", set_("cis-IAMPolicyChanges-alarm", alarmActions=None), BOTH),
    ("aws-cloudwatch-logmetricfilter-require-cis-alarms", "alarm-actions-off", set_("cis-KMSKeyDisableOrDeletion-alarm", actionsEnabled=False), BOTH),
    ("aws-cloudwatch-logmetricfilter-require-cis-alarms", "pattern-lost-events", set_("cis-CloudTrailConfigChanges", pattern="{ $.eventName = UpdateTrail }"), BOTH),
    ("aws-cloudwatch-logmetricfilter-require-cis-alarms", "filter-on-other-group", filter_on_app_logs("cis-ConsoleSignInWithoutMfa"), BOTH),
    ("aws-codepipeline-pipeline-require-cmk", "no-key", store(encryptionKey=None), BOTH),
    ("aws-codepipeline-pipeline-require-cmk", "key-without-id", store(encryptionKey={"type": "KMS"}), BOTH),
    ("aws-codepipeline-pipeline-require-cmk", "no-store", set_("pipeline", artifactStores=[]), BOTH),
    ("aws-ecr-repository-require-kms", "aws-managed-key", set_("repo", encryptionConfigurations=[{"encryptionType": "KMS"}]), BOTH),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "case", "mutate", "stacks"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_breaking_the_rule_fails(rule: str, case: str, mutate: Callable, stacks: tuple[str, ...]) -> None:
    assert_case(rule, case, mutate, stacks)


def failed(resources: Resources) -> set[str]:
    return set(evaluate(resources, stack="production").failed_rules)


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
    report = evaluate(edited(baseline("production"), name, **inputs), stack="production")
    hits = [v for v in report.violations if v.rule == rule]
    assert hits and all(h.unknown and h.resource_name == name for h in hits)


# The edge protection's WAF types, listed before the program creates them.
WAF_TYPES = {
    "aws:wafv2/webAcl:WebAcl",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
}


def coverage_rows() -> dict[str, str]:
    """Resource type -> its row of the coverage table in docs/policies.md."""
    doc = (ROOT / "docs" / "policies.md").read_text()
    section = doc.split("## Control coverage by resource type", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split(" | ")[0]
            for type_ in first.strip("| ").split(", "):
                rows[type_.strip("`")] = line
    return rows


@pytest.fixture(scope="module")
def stack_types() -> set[str]:
    from tests.harness import run_stack

    # AWS resources and the awsx VPC; the program's own components (budgetbuddy:*) create nothing themselves.
    return {
        r["type"]
        for stack in ("production", "staging")
        for r in run_stack(stack).resources
        if r["custom"] or r["remote"]
    }


def test_coverage_table_lists_every_resource_type_of_both_stacks(stack_types: set[str]) -> None:
    assert {"aws:lb/loadBalancer:LoadBalancer", "awsx:ec2:Vpc"} <= stack_types  # the stacks really ran
    missing = sorted((stack_types | WAF_TYPES) - set(coverage_rows()))
    assert missing == [], f"docs/policies.md coverage table lacks {missing}"


def test_every_rule_named_in_the_coverage_table_exists() -> None:
    from budgetbuddy_policies import REGISTRY

    named = set(re.findall(r"`(aws-[a-z0-9-]+)`", "".join(coverage_rows().values())))
    assert named, "the coverage table names no rule"
    assert named - set(REGISTRY.names()) == set()


def listed_controls(text: str) -> set[str]:
    """Control ids the table names: "ELB.16", lists "ECS.1, .3, .17 **N**, .18", "EC2.13/.14", ranges "IAM.2-8"."""
    found: set[str] = set()
    for m in re.finditer(r"\b([A-Z][A-Za-z0-9]*)\.(\d+)((?:(?: \*\*N\*\*)?(?:, |/|-)\.?\d+)*)", text):
        service, numbers = m.group(1), [int(m.group(2))]
        for sep, n in re.findall(r"(, |/|-)\.?(\d+)", m.group(3)):
            numbers.extend(range(numbers[-1] + 1, int(n) + 1) if sep == "-" else [int(n)])
        found |= {f"{service}.{n}" for n in numbers}
    return found


def test_listed_controls_reads_the_table_notation() -> None:
    assert listed_controls("ECS.1, .3, .17 **N**, .18; EC2.13/.14; IAM.2-4, ELB.16 **N**") == {
        "ECS.1", "ECS.3", "ECS.17", "ECS.18", "EC2.13", "EC2.14", "IAM.2", "IAM.3", "IAM.4", "ELB.16",
    }  # fmt: skip


def test_every_fsbp_control_a_rule_tags_is_in_the_coverage_table() -> None:
    from budgetbuddy_policies import REGISTRY

    tagged = {c.split(":", 1)[1] for r in REGISTRY for c in r.meta.controls if c.startswith("fsbp:")}
    assert sorted(tagged - listed_controls("".join(coverage_rows().values()))) == []
