"""Per rule: the compliant baseline passes, and each way of breaking it fails."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from budgetbuddy_policies import REGISTRY
from policy_fixtures import BOTH, baseline, container, drop, edited, judge_only, set_
from test_policy_rules_coverage import CASES as COVERAGE_CASES
from test_policy_rules_runbook import CASES as RUNBOOK_CASES
from test_policy_rules_waf import CASES as WAF_CASES

from preview.policy.engine import evaluate

Resources = list[dict[str, Any]]


def td(**overrides: Any) -> Callable[[Resources], Resources]:
    return lambda b: edited(b, "task", containerDefinitions=json.dumps([container(**overrides)]))


def td_env(name: str, value: str) -> Callable[[Resources], Resources]:
    return td(environment=[{"name": name, "value": value}])


def policy_doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def add_ingress(cidr: str, port: int, group: str = "task-sg", proto: str = "tcp") -> Callable[[Resources], Resources]:
    def mutate(b: Resources) -> Resources:
        out = edited(b, group)
        sg = next(r for r in out if r["name"] == group)
        sg["inputs"]["ingress"] = [{"protocol": proto, "fromPort": port, "toPort": port, "cidrBlocks": [cidr]}]
        return out

    return mutate


def spot_cluster_default(b: Resources) -> Resources:
    """The cluster's default strategy is Spot; in production the service leaves its strategy to it."""
    prod = b[0]["urn"].startswith("urn:pulumi:production:")
    out = edited(b, "service", capacityProviderStrategies=None) if prod else b
    return [*out, dict(copy.deepcopy(b[0]), urn=b[0]["urn"] + "-ccp", name="capacity", custom=True, remote=False,
                       type="aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
                       inputs={"clusterName": "budgetbuddy-cluster", "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                               "defaultCapacityProviderStrategies": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]})]  # fmt: skip


def budget_operator(op: str) -> Callable[[Resources], Resources]:
    def mutate(b: Resources) -> Resources:
        out = edited(b, "monthly")
        for n in next(r for r in out if r["name"] == "monthly")["inputs"]["notifications"]:
            n["comparisonOperator"] = op
        return out

    return mutate


TLS_DENY_MISSING = policy_doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})
_ARTIFACTS = "arn:aws:s3:::budgetbuddy-{stack}-artifacts"


def tls_deny(principal: Any = "*", objects: bool = True, bucket: bool = True) -> Callable[[Resources], Resources]:
    """The artifacts bucket's TLS-only Deny, narrowed in one way."""

    def mutate(b: Resources) -> Resources:
        arn = _ARTIFACTS.format(stack=b[0]["urn"].split(":")[2])
        resources = [arn] * bucket + [f"{arn}/*"] * objects
        doc = policy_doc({"Effect": "Deny", "Principal": principal, "Action": "s3:*", "Resource": resources,
                          "Condition": {"Bool": {"aws:SecureTransport": "false"}}})  # fmt: skip
        return edited(b, "artifacts-policy", policy=doc)

    return mutate


SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def rule_on_http(actions: list[dict[str, Any]] | None = None) -> Callable[[Resources], Resources]:
    """Re-attach the production listener rule to the port-80 listener (optionally with other actions)."""

    def mutate(b: Resources) -> Resources:
        out = copy.deepcopy(b)
        http = next(r for r in out if r["name"] == "http")
        rule = next(r for r in out if r["name"] == "production-rule")
        rule["propertyDependencies"]["listenerArn"] = [http["urn"]]
        rule["inputs"]["listenerArn"] = "arn:listener-http"
        if actions is not None:
            rule["inputs"]["actions"] = actions
        return out

    return mutate


# (rule, case id, mutation, stacks where it must fail; it must pass in the others)
CASES: list[tuple[str, str, Callable[[Resources], Resources], tuple[str, ...]]] = [
    ("aws-ecs-service-disallow-public-ip", "assign-public-ip", set_("service", networkConfiguration={"assignPublicIp": True}), BOTH),
    ("aws-ecs-taskdefinition-require-readonly-rootfs", "false", td(readonlyRootFilesystem=False), BOTH),
    ("aws-ecs-taskdefinition-require-readonly-rootfs", "unset", td(readonlyRootFilesystem=None), BOTH),
    ("aws-ecs-taskdefinition-disallow-privileged", "privileged", td(privileged=True), BOTH),
    ("aws-ecs-taskdefinition-disallow-root-user", "root", td(user="root"), BOTH),
    ("aws-ecs-taskdefinition-disallow-root-user", "uid0", td(user="0:0"), BOTH),
    ("aws-ecs-taskdefinition-disallow-root-user", "unset", td(user=None), BOTH),
    ("aws-ecs-taskdefinition-require-container-logging", "no-logconfig", td(logConfiguration=None), BOTH),
    ("aws-ecs-taskdefinition-disallow-plaintext-secrets", "password", td_env("DB_PASSWORD", "hunter2"), BOTH),
    ("aws-ecs-taskdefinition-disallow-plaintext-secrets", "api-key", td_env("STRIPE_API_KEY", "sk_live"), BOTH),
    ("aws-ecs-taskdefinition-disallow-plaintext-secrets", "aws-key-value", td_env("CFG", "AKIAABCDEFGHIJKLMNOP"), BOTH),
    ("aws-ecs-cluster-enable-container-insights", "disabled", set_("cluster", settings=[{"name": "containerInsights", "value": "disabled"}]), BOTH),
    ("aws-ecs-cluster-enable-container-insights", "unset", set_("cluster", settings=None), BOTH),
    ("aws-ecs-taskdefinition-require-arm64", "x86", set_("task", runtimePlatform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}), BOTH),
    ("aws-ecs-taskdefinition-require-arm64", "unset", set_("task", runtimePlatform=None), BOTH),
    ("aws-ecs-taskdefinition-configure-size-cap", "cpu", set_("task", cpu="8192", memory="16384"), BOTH),
    ("aws-ecs-taskdefinition-configure-size-cap", "staging-cap", set_("task", cpu="2048", memory="4096"), ("staging",)),
    ("aws-ecs-service-configure-fargate-spot", "spot-in-prod", set_("service", capacityProviderStrategies=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}]), ("production",)),
    ("aws-ecs-service-configure-fargate-spot", "no-spot-in-staging", set_("service", capacityProviderStrategies=[{"capacityProvider": "FARGATE", "weight": 1}]), ("staging",)),
    ("aws-ecs-service-configure-fargate-spot", "spot-cluster-default-in-prod", spot_cluster_default, ("production",)),
    ("aws-elb-listenerrule-require-https-redirect", "forward-rule-on-http", rule_on_http(), BOTH),
    ("aws-elb-listenerrule-require-https-redirect", "redirect-to-http-rule", rule_on_http([{"type": "redirect", "redirect": {"protocol": "HTTP", "port": "8080"}}]), BOTH),
    ("aws-elb-listener-require-https-redirect", "forward", set_("http", defaultActions=[{"type": "forward", "targetGroupArn": "arn:tg"}]), BOTH),
    ("aws-elb-listener-require-https-redirect", "no-protocol-is-http", set_("http", protocol=None, defaultActions=[{"type": "forward", "targetGroupArn": "arn:tg"}]), BOTH),
    ("aws-elb-listener-require-https-redirect", "redirect-http", set_("http", defaultActions=[{"type": "redirect", "redirect": {"protocol": "HTTP", "port": "8080"}}]), BOTH),
    ("aws-elb-listener-configure-tls-policy", "old", set_("https", sslPolicy="ELBSecurityPolicy-2016-08"), BOTH),
    ("aws-elb-listener-configure-tls-policy", "unset", set_("https", sslPolicy=None), BOTH),
    ("aws-elb-loadbalancer-enable-drop-invalid-headers", "false", set_("alb", dropInvalidHeaderFields=False), BOTH),
    ("aws-elb-loadbalancer-enable-access-logs", "disabled", set_("alb", accessLogs={"bucket": "b", "enabled": False}), BOTH),
    ("aws-elb-loadbalancer-enable-access-logs", "unset", set_("alb", accessLogs=None), BOTH),
    ("aws-elb-loadbalancer-enable-deletion-protection", "off-in-prod", set_("alb", enableDeletionProtection=False), ("production",)),
    ("aws-elb-loadbalancer-configure-desync-mitigation", "monitor", set_("alb", desyncMitigationMode="monitor"), BOTH),
    ("aws-dynamodb-table-require-on-demand", "provisioned", set_("budgetbuddy-users", billingMode="PROVISIONED"), BOTH),
    ("aws-dynamodb-table-enable-pitr", "off", set_("budgetbuddy-users", pointInTimeRecovery={"enabled": False}), BOTH),
    ("aws-dynamodb-table-enable-pitr", "short-window", set_("budgetbuddy-users", pointInTimeRecovery={"enabled": True, "recoveryPeriodInDays": 7}), BOTH),
    ("aws-dynamodb-table-enable-deletion-protection", "off-in-prod", set_("budgetbuddy-users", deletionProtectionEnabled=False), ("production",)),
    ("aws-dynamodb-table-require-cmk-encryption", "aws-owned", set_("budgetbuddy-users", serverSideEncryption=None), BOTH),
    ("aws-dynamodb-table-require-cmk-encryption", "aws-managed", set_("budgetbuddy-users", serverSideEncryption={"enabled": True}), BOTH),
    ("aws-dynamodb-table-require-backup-selection", "no-selection", drop("selection"), BOTH),
    ("aws-backup-plan-configure-retention", "short", set_("plan", rules=[{"ruleName": "daily", "lifecycle": {"deleteAfter": 7}}]), BOTH),
    ("aws-backup-plan-configure-retention", "no-rules", set_("plan", rules=[]), BOTH),
    ("aws-backup-vault-require-cmk", "no-key", set_("vault", kmsKeyArn=None), BOTH),
    ("aws-s3-bucketpublicaccessblock-require-all-blocked", "one-off", set_("artifacts-pab", restrictPublicBuckets=False), BOTH),
    ("aws-s3-bucketpolicy-require-tls", "no-deny", set_("artifacts-policy", policy=TLS_DENY_MISSING), BOTH),
    ("aws-s3-bucketpolicy-require-tls", "deny-one-role-only", tls_deny(principal={"AWS": "arn:aws:iam::123456789012:role/x"}), BOTH),
    ("aws-s3-bucketpolicy-require-tls", "deny-bucket-not-objects", tls_deny(objects=False), BOTH),
    ("aws-s3-bucketpolicy-require-tls", "deny-objects-not-bucket", tls_deny(bucket=False), BOTH),
    ("aws-s3-bucketpolicy-require-tls", "deny-aws-star-principal", tls_deny(principal={"AWS": "*"}), ()),
    ("aws-s3-bucketencryption-require-sse-kms", "aes256", set_("artifacts-sse", rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]), BOTH),
    ("aws-s3-bucketversioning-require-enabled", "suspended", set_("artifacts-versioning", versioningConfiguration={"status": "Suspended"}), BOTH),
    ("aws-s3-bucketlifecycle-require-enabled-rule", "disabled", set_("artifacts-lifecycle", rules=[{"id": "x", "status": "Disabled"}]), BOTH),
    ("aws-s3-bucket-disallow-public-acl", "public-read", set_("artifacts", acl="public-read"), BOTH),
    ("aws-s3-bucketownershipcontrols-require-enforced", "preferred", set_("artifacts-ownership", rule={"objectOwnership": "BucketOwnerPreferred"}), BOTH),
    ("aws-s3-bucket-require-public-access-block", "missing", drop("artifacts-pab"), BOTH),
    ("aws-s3-bucket-require-sse-kms", "missing", drop("artifacts-sse"), BOTH),
    ("aws-s3-bucket-require-versioning", "missing", drop("artifacts-versioning"), BOTH),
    ("aws-s3-bucket-require-tls-policy", "missing", drop("artifacts-policy"), BOTH),
    ("aws-s3-bucket-require-lifecycle", "missing", drop("access-logs-lifecycle"), BOTH),
    ("aws-s3-bucket-require-access-logging", "missing", drop("artifacts-logging"), BOTH),
    ("aws-cloudtrail-trail-enable-multi-region", "single-region", set_("trail", isMultiRegionTrail=False), BOTH),
    ("aws-cloudtrail-trail-enable-multi-region", "logging-off", set_("trail", enableLogging=False), BOTH),
    ("aws-cloudtrail-trail-enable-log-validation", "off", set_("trail", enableLogFileValidation=False), BOTH),
    ("aws-cloudtrail-trail-require-kms", "no-key", set_("trail", kmsKeyId=None), BOTH),
    ("aws-cloudtrail-trail-enable-cloudwatch-logs", "no-group", set_("trail", cloudWatchLogsGroupArn=None), BOTH),
    ("aws-cloudwatch-loggroup-configure-retention", "unset", set_("app-logs", retentionInDays=None), BOTH),
    ("aws-cloudwatch-loggroup-configure-retention", "invalid-value", set_("app-logs", retentionInDays=45), BOTH),
    ("aws-cloudwatch-loggroup-configure-retention", "below-min", set_("app-logs", retentionInDays=14), ("production",)),
    ("aws-cloudwatch-loggroup-configure-retention", "below-staging-min", set_("app-logs", retentionInDays=5), BOTH),
    ("aws-cloudwatch-loggroup-configure-retention", "audit-below-year", set_("cloudtrail-logs", retentionInDays=180), BOTH),
    ("aws-cloudwatch-loggroup-disallow-excess-retention", "over-cap", set_("app-logs", retentionInDays=731), BOTH),
    ("aws-cloudwatch-loggroup-disallow-excess-retention", "staging-cap", set_("app-logs", retentionInDays=180), ("staging",)),
    ("aws-cloudwatch-loggroup-require-kms", "no-key", set_("app-logs", kmsKeyId=None), BOTH),
    ("aws-cloudwatch-metricalarm-require-actions", "no-actions", set_("ecs-cpu-high-alarm", alarmActions=[]), BOTH),
    ("aws-cloudwatch-metricalarm-require-actions", "disabled", set_("ecs-cpu-high-alarm", actionsEnabled=False), BOTH),
    ("aws-ec2-vpc-require-flow-logs", "missing", drop("flow-log"), BOTH),
    ("aws-ec2-flowlog-configure-all-traffic", "reject-only", set_("flow-log", trafficType="REJECT"), BOTH),
    ("aws-ec2-defaultsecuritygroup-disallow-rules", "ingress", set_("default-sg", ingress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}]), BOTH),
    ("aws-ec2-securitygroup-disallow-public-ingress", "ssh", add_ingress("0.0.0.0/0", 22, "alb-sg"), BOTH),
    ("aws-ec2-securitygroup-disallow-public-ingress", "https-not-alb", add_ingress("0.0.0.0/0", 443, "task-sg"), BOTH),
    ("aws-ec2-securitygroup-disallow-public-ingress", "ipv6-all", add_ingress("::/0", 0, "alb-sg", proto="-1"), BOTH),
    ("aws-ec2-securitygroup-disallow-public-ingress", "rule-resource", set_("alb-in-443", fromPort=0, toPort=65535), BOTH),
    ("aws-ec2-natgateway-configure-limit", "onepera-z-in-staging", set_("network", natGateways={"strategy": "OnePerAz"}), ("staging",)),
    ("aws-ec2-natgateway-configure-limit", "default-strategy-in-staging", set_("network", natGateways=None), ("staging",)),
    ("aws-ec2-natgateway-configure-limit", "six-azs", set_("network", numberOfAvailabilityZones=6), ("production",)),
    ("aws-ec2-natgateway-configure-limit", "extra-nat-resource", lambda b: [*b, dict(b[0], urn=b[0]["urn"] + "-nat", name="nat", type="aws:ec2/natGateway:NatGateway", inputs={})], BOTH),
    ("aws-sns-topic-require-cmk", "unset", set_("alarms", kmsMasterKeyId=None), BOTH),
    ("aws-sns-topic-require-cmk", "aws-managed", set_("alarms", kmsMasterKeyId="alias/aws/sns"), BOTH),
    ("aws-sns-topic-require-cmk", "aws-managed-alias-arn", set_("alarms", kmsMasterKeyId="arn:aws:kms:us-east-1:123456789012:alias/aws/sns"), BOTH),
    ("aws-kms-key-enable-rotation", "off", set_("data-key", enableKeyRotation=False), BOTH),
    ("aws-kms-key-configure-deletion-window", "short", set_("data-key", deletionWindowInDays=7), BOTH),
    ("aws-iam-policy-disallow-wildcard-actions", "star", set_("task-policy", policy=policy_doc({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::x"})), BOTH),
    ("aws-iam-policy-disallow-wildcard-actions", "service-star", set_("task-policy", policy=policy_doc({"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "arn:aws:dynamodb:::table/x"})), BOTH),
    ("aws-iam-policy-disallow-wildcard-actions", "inline-notaction", set_("task-role", inlinePolicies=[{"name": "p", "policy": policy_doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::x"})}]), BOTH),
    ("aws-iam-policy-disallow-wildcard-resources", "star-resource", set_("task-policy", policy=policy_doc({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})), BOTH),
    ("aws-iam-role-disallow-admin-policy", "admin", set_("task-role", managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"]), BOTH),
    ("aws-codebuild-project-disallow-plaintext-credentials", "secret-key", set_("build", environment={"type": "ARM_CONTAINER", "environmentVariables": [{"name": "AWS_SECRET_ACCESS_KEY", "value": "x"}]}), BOTH),
    ("aws-codebuild-project-enable-logging", "disabled", set_("build", logsConfig={"cloudwatchLogs": {"status": "DISABLED"}}), BOTH),
    ("aws-codebuild-project-enable-logging", "unset", set_("build", logsConfig=None), BOTH),
    ("aws-codebuild-project-require-kms", "no-key", set_("build", encryptionKey=None), BOTH),
    ("aws-codebuild-project-disallow-privileged-mode", "privileged", set_("build", environment={"type": "ARM_CONTAINER", "privilegedMode": True}), BOTH),
    ("aws-ecr-repository-enable-scan-on-push", "off", set_("repo", imageScanningConfiguration={"scanOnPush": False}), BOTH),
    ("aws-ecr-repository-require-immutable-tags", "mutable", set_("repo", imageTagMutability="MUTABLE"), BOTH),
    ("aws-ecr-repository-require-kms", "aes", set_("repo", encryptionConfigurations=[{"encryptionType": "AES256"}]), BOTH),
    ("aws-ecr-repository-require-lifecycle-policy", "missing", drop("repo-lifecycle"), BOTH),
    ("aws-tagging-resource-require-tags", "missing", set_("alarms", tags={"Environment": "production"}), BOTH),
    ("aws-tagging-resource-require-tags", "empty-team", set_("alarms", tags={"Environment": "production", "Service": "budgetbuddy", "Team": " "}), BOTH),
    ("aws-tagging-resource-require-tags", "wrong-env", set_("alarms", tags={"Environment": "staging", "Service": "s", "Team": "t"}), ("production",)),
    ("aws-tagging-resource-require-tags", "no-tags-on-sub-resource", set_("repo-lifecycle"), ()),
    ("aws-budgets-budget-require-cost-notifications", "missing", drop("monthly"), BOTH),
    ("aws-budgets-budget-require-cost-notifications", "less-than", budget_operator("LESS_THAN"), BOTH),
    ("aws-budgets-budget-require-cost-notifications", "no-80", set_("monthly", notifications=[{"notificationType": "ACTUAL", "threshold": 100, "thresholdType": "PERCENTAGE", "subscriberEmailAddresses": ["ops@budgetbuddy.com"]}]), BOTH),
]  # fmt: skip

# Rules whose breakage is exercised in test_policy_exemptions.py.
ELSEWHERE = {
    "aws-governance-exemption-disallow-expired",
    "aws-governance-exemption-require-review",
}


@pytest.fixture(scope="module", params=["production", "staging"])
def stack(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def base(stack: str) -> Resources:
    return baseline(stack)


def test_baseline_passes_every_rule(stack: str, base: Resources) -> None:
    report = evaluate(base, stack=stack)
    assert report.violations == []
    assert len(report.rules) == len(REGISTRY)


def test_every_rule_has_breaking_cases() -> None:
    covered = {rule for rule, _, _, stacks in [*CASES, *WAF_CASES, *COVERAGE_CASES, *RUNBOOK_CASES] if stacks}
    assert set(REGISTRY.names()) - ELSEWHERE - covered == set()


@pytest.mark.parametrize(("rule", "case", "mutate", "stacks"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_breaking_the_rule_fails(rule: str, case: str, mutate: Callable, stacks: tuple[str, ...]) -> None:
    for stack in ("production", "staging"):
        report = judge_only(rule, mutate(baseline(stack)), stack)
        failed = {v.rule for v in report.violations}
        if stack in stacks:
            assert rule in failed, f"{rule} did not fail on {case} in {stack}: {report.violations}"
            hits = [v for v in report.violations if v.rule == rule]
            assert all(v.message and not v.unknown for v in hits)
        else:
            assert rule not in failed, f"{rule} failed on {case} in {stack} where it should pass"


def test_a_redirect_rule_on_the_http_listener_is_allowed() -> None:
    redirect = [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]
    report = evaluate(rule_on_http(redirect)(baseline("production")), stack="production")
    assert "aws-elb-listenerrule-require-https-redirect" not in report.failed_rules
