"""Hand-built resource records in the offline preview's --json format.

``baseline(stack)`` mirrors what the program registers for a compliant stack:
every rule passes on it. Tests break one thing at a time and expect the rule
that guards it to fail.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY
from tests.harness import clone

PROJECT = "budgetbuddy"
UNKNOWN = UNKNOWN_STRING_VALUE  # what the engine sends for a value unknown during preview
SECRET = {SPECIAL_SIG_KEY: SECRET_SIG}
ACCOUNT = "123456789012"


def urn(stack: str, type_: str, name: str, parent_type: str = "") -> str:
    qualified = f"{parent_type}${type_}" if parent_type else type_
    return f"urn:pulumi:{stack}::{PROJECT}::{qualified}::{name}"


class Stack:
    """Builds records; ``add`` returns the record so later ones can reference it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.env = name
        self.resources: list[dict[str, Any]] = []

    def tags(self) -> dict[str, str]:
        return {"Environment": self.env, "Service": "budgetbuddy", "Team": "platform"}

    def add(
        self,
        type_: str,
        name: str,
        inputs: dict[str, Any],
        *,
        parent: dict[str, Any] | None = None,
        refs: dict[str, list[dict[str, Any]]] | None = None,
        custom: bool = True,
        remote: bool = False,
    ) -> dict[str, Any]:
        deps = {k: [r["urn"] for r in v] for k, v in (refs or {}).items()}
        record = {
            "urn": urn(self.name, type_, name, parent["type"] if parent else ""),
            "type": type_,
            "name": name,
            "parent": parent["urn"] if parent else "",
            "custom": custom,
            "remote": remote,
            "protect": False,
            "retainOnDelete": False,
            "deleteBeforeReplace": False,
            "dependencies": sorted({u for v in deps.values() for u in v}),
            "propertyDependencies": deps,
            "provider": "",
            "ignoreChanges": [],
            "aliases": [],
            "additionalSecretOutputs": [],
            "inputs": inputs,
        }
        self.resources.append(record)
        return record

    def find(self, name: str) -> dict[str, Any]:
        return next(r for r in self.resources if r["name"] == name)


def _arn(service: str, rest: str) -> str:
    return f"arn:aws:{service}:us-east-1:{ACCOUNT}:{rest}"


def _bucket(s: Stack, name: str, key: dict[str, Any], log_bucket: dict[str, Any] | None) -> dict[str, Any]:
    physical = f"budgetbuddy-{s.name}-{name}"
    b = s.add(
        "aws:s3/bucket:Bucket",
        name,
        {"bucket": physical, "forceDestroy": False, "tags": s.tags()},
    )
    ref = {"bucket": [b]}
    s.add(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        f"{name}-pab",
        {"bucket": physical, "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True,
         "restrictPublicBuckets": True},
        refs=ref,
    )  # fmt: skip
    s.add(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        f"{name}-ownership",
        {"bucket": physical, "rule": {"objectOwnership": "BucketOwnerEnforced"}},
        refs=ref,
    )
    s.add(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        f"{name}-sse",
        {"bucket": physical, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms",
         "kmsMasterKeyId": _arn("kms", "key/1234")}, "bucketKeyEnabled": True}]},
        refs={"bucket": [b], "rules": [key]},
    )  # fmt: skip
    s.add(
        "aws:s3/bucketVersioning:BucketVersioning",
        f"{name}-versioning",
        {"bucket": physical, "versioningConfiguration": {"status": "Enabled"}},
        refs=ref,
    )
    s.add(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        f"{name}-lifecycle",
        {"bucket": physical, "rules": [{"id": "archive", "status": "Enabled", "filter": {},
         "transitions": [{"days": 30, "storageClass": "INTELLIGENT_TIERING"}],
         "noncurrentVersionExpiration": {"noncurrentDays": 90}}]},
        refs=ref,
    )  # fmt: skip
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [f"arn:aws:s3:::{physical}", f"arn:aws:s3:::{physical}/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}],
    }  # fmt: skip
    s.add("aws:s3/bucketPolicy:BucketPolicy", f"{name}-policy", {"bucket": physical, "policy": json.dumps(policy)},
          refs=ref)  # fmt: skip
    if log_bucket is not None:
        s.add(
            "aws:s3/bucketLogging:BucketLogging",
            f"{name}-logging",
            {
                "bucket": physical,
                "targetBucket": log_bucket["inputs"]["bucket"],
                "targetPrefix": f"{name}/",
            },
            refs={"bucket": [b], "targetBucket": [log_bucket]},
        )
    return b


def container(**overrides: Any) -> dict[str, Any]:
    c = {
        "name": "backend",
        "image": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/budgetbuddy:abc123",
        "essential": True,
        "user": "1000:1000",
        "readonlyRootFilesystem": True,
        "privileged": False,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "environment": [{"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75.0"},
                        {"name": "DB_SECRET_ARN", "value": _arn("secretsmanager", "secret:db")}],
        "secrets": [{"name": "API_TOKEN", "valueFrom": _arn("secretsmanager", "secret:api")}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/aws/ecs/budgetbuddy-cluster"}},
        "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}],
        "healthCheck": {"command": ["CMD-SHELL", "curl -fsS http://localhost:8080/actuator/health || exit 1"],
                        "interval": 30, "timeout": 5, "retries": 3},
    }  # fmt: skip
    c.update(overrides)
    return c


def key_policy() -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": ["kms:Describe*", "kms:Put*"], "Resource": "*"},
        {"Sid": "LogsEncrypt", "Effect": "Allow", "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": _arn("logs", "log-group:*")}}},
        {"Sid": "UseViaDynamoDB", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt"],
         "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT,
                                                         "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}}]}  # fmt: skip


def topic_policy() -> dict[str, Any]:
    topic = _arn("sns", "budgetbuddy-alarms")
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AlertingServicesPublish", "Effect": "Allow",
         "Principal": {"Service": ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]}, "Action": "sns:Publish",
         "Resource": topic, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
         "Resource": topic, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}  # fmt: skip


def waf_log_policy(stack: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "WafLogDelivery", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": _arn("logs", f"log-group:aws-waf-logs-budgetbuddy-{stack}:*"),
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                       "ArnLike": {"aws:SourceArn": _arn("logs", "*")}}}]}  # fmt: skip


def waf_rule(name: str, priority: int, statement: dict[str, Any], **action: Any) -> dict[str, Any]:
    return {"name": name, "priority": priority, "statement": statement, **action,
            "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": name,
                                 "sampledRequestsEnabled": True}}  # fmt: skip


# CIS AWS Foundations v1.4 section 4 filter patterns (abridged to the event names that identify them).
CIS_PATTERNS = {
    "RootAccountUsage": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
    "UnauthorizedAPICalls": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "ConsoleSignInWithoutMfa": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    "IAMPolicyChanges": "{ ($.eventName = DeleteRolePolicy) || ($.eventName = PutRolePolicy) }",
    "CloudTrailConfigChanges": "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }",
    "ConsoleAuthenticationFailures": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "KMSKeyDisableOrDeletion": "{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }",
    "S3BucketPolicyChanges": "{ ($.eventName = PutBucketPolicy) || ($.eventName = DeleteBucketPolicy) }",
    "AWSConfigChanges": "{ ($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) }",
    "SecurityGroupChanges": "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = CreateSecurityGroup) }",
    "NetworkAclChanges": "{ ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) }",
    "NetworkGatewayChanges": "{ ($.eventName = CreateCustomerGateway) || ($.eventName = AttachInternetGateway) }",
    "RouteTableChanges": "{ ($.eventName = CreateRoute) || ($.eventName = DeleteRouteTable) }",
    "VPCChanges": "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) }",
}


def prefix(stack: str) -> str:
    return "budgetbuddy" if stack == "production" else f"budgetbuddy-{stack}"


def alarm(s: Stack, key: str, severity: str, topic: dict[str, Any], missing: str, **inputs: Any) -> dict[str, Any]:
    """An alarm as components/alarms.py builds it: named, Severity-tagged, routed, missing data decided."""
    return s.add(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        f"{key}-alarm",
        {"name": f"{prefix(s.name)}-{key}", "actionsEnabled": True, "treatMissingData": missing,
         "alarmDescription": f"[{severity}] {key}. Runbook: Key Metrics.",
         "alarmActions": [_arn("sns", topic["inputs"]["name"])], "okActions": [_arn("sns", topic["inputs"]["name"])],
         "tags": {**s.tags(), "Severity": severity}, **inputs},
        refs={"alarmActions": [topic], "okActions": [topic]},
    )  # fmt: skip


def _cis_monitoring(s: Stack, trail_group: dict[str, Any], topic: dict[str, Any]) -> None:
    """A metric filter per CIS event class on the trail's log group, each with an alarm to the topic."""
    for metric, pattern in CIS_PATTERNS.items():
        s.add(
            "aws:cloudwatch/logMetricFilter:LogMetricFilter",
            f"cis-{metric}",
            {"logGroupName": trail_group["inputs"]["name"], "pattern": pattern,
             "metricTransformation": {"name": metric, "namespace": "CISBenchmark", "value": "1"}},
            refs={"logGroupName": [trail_group]},
        )  # fmt: skip
        alarm(
            s,
            f"cis-{metric}",
            "Medium",
            topic,
            "notBreaching",
            metricName=metric,
            namespace="CISBenchmark",
            statistic="Sum",
            period=300,
            comparisonOperator="GreaterThanOrEqualToThreshold",
            threshold=1,
            evaluationPeriods=1,
        )


def _log_archive(s: Stack, key_arn: str, bucket: dict[str, Any]) -> None:
    """The log archive's DirectPut Firehose stream to S3, encrypted with the CMK."""
    s.add(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "log-archive",
        {"destination": "extended_s3",
         "extendedS3Configuration": {"bucketArn": f"arn:aws:s3:::{bucket['inputs']['bucket']}",
                                     "roleArn": "arn:aws:iam::1:role/firehose", "kmsKeyArn": key_arn},
         "serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": key_arn},
         "tags": s.tags()},
        refs={"extendedS3Configuration": [bucket]},
    )  # fmt: skip


def _waf(s: Stack, alb: dict[str, Any], key_arn: str) -> None:
    """A REGIONAL web ACL on the public ALB, its rules with metrics, and redacted logging to aws-waf-logs-*."""
    t = s.tags()
    s.add("aws:acm/certificate:Certificate", "certificate",
          {"domainName": "api.budgetbuddy.com", "validationMethod": "DNS", "tags": t})  # fmt: skip
    rules = [
        waf_rule("AWSManagedRulesCommonRuleSet", 10, {"managedRuleGroupStatement": {
            "name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}}, overrideAction={"none": {}}),
        waf_rule("rate-per-ip", 50, {"rateBasedStatement": {"limit": 2000, "aggregateKeyType": "IP"}},
                 action={"block": {}}),
    ]  # fmt: skip
    acl = s.add(
        "aws:wafv2/webAcl:WebAcl",
        "waf",
        {"scope": "REGIONAL", "defaultAction": {"allow": {}}, "rules": rules,
         "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": "budgetbuddy",
                              "sampledRequestsEnabled": True}, "tags": t},
    )  # fmt: skip
    acl_arn = _arn("wafv2", f"regional/webacl/budgetbuddy-{s.name}/abc")
    s.add(
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "waf-association",
        {"resourceArn": _arn("elasticloadbalancing", "loadbalancer/app/alb/1"), "webAclArn": acl_arn},
        refs={"resourceArn": [alb], "webAclArn": [acl]},
    )
    group = s.add(
        "aws:cloudwatch/logGroup:LogGroup",
        "waf-logs",
        {"name": f"aws-waf-logs-budgetbuddy-{s.name}", "retentionInDays": 30, "kmsKeyId": key_arn, "tags": t},
    )
    s.add("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "waf-log-policy",
          {"policyName": "budgetbuddy-waf-logs", "policyDocument": json.dumps(waf_log_policy(s.name))})  # fmt: skip
    s.add(
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "waf-logging",
        {"resourceArn": acl_arn, "logDestinationConfigs": [_arn("logs", f"log-group:aws-waf-logs-budgetbuddy-{s.name}")],
         "redactedFields": [{"singleHeader": {"name": "authorization"}}, {"singleHeader": {"name": "cookie"}}]},
        refs={"resourceArn": [acl], "logDestinationConfigs": [group]},
    )  # fmt: skip


def baseline(stack: str = "production") -> list[dict[str, Any]]:
    """A compliant stack: every rule of the pack passes on it with policies/config/<stack>.json."""
    prod = stack == "production"
    s = Stack(stack)
    t = s.tags()
    key = s.add(
        "aws:kms/key:Key",
        "data-key",
        {"enableKeyRotation": True, "deletionWindowInDays": 30, "policy": json.dumps(key_policy()), "tags": t},
    )
    key_arn = _arn("kms", "key/1234")
    vpc = s.add(
        "awsx:ec2:Vpc",
        "network",
        {"cidrBlock": "10.0.0.0/16", "numberOfAvailabilityZones": 3,
         "natGateways": {"strategy": "OnePerAz" if prod else "Single"}, "tags": t},
        custom=False,
        remote=True,
    )  # fmt: skip
    flow_group = s.add(
        "aws:cloudwatch/logGroup:LogGroup",
        "flow-logs",
        {
            "name": f"/budgetbuddy/{stack}/vpc-flow",
            "retentionInDays": 30,
            "kmsKeyId": key_arn,
            "tags": t,
        },
    )
    s.add(
        "aws:ec2/flowLog:FlowLog",
        "flow-log",
        {
            "vpcId": "vpc-0abc",
            "trafficType": "ALL",
            "logDestination": _arn("logs", "log-group:flow"),
            "tags": t,
        },
        refs={"vpcId": [vpc], "logDestination": [flow_group]},
    )
    s.add("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default-sg",
          {"vpcId": "vpc-0abc", "ingress": [], "egress": [], "tags": t}, refs={"vpcId": [vpc]})  # fmt: skip
    log_bucket = _bucket(s, "access-logs", key, None)
    artifacts = _bucket(s, "artifacts", key, log_bucket)
    alb_sg = s.add("aws:ec2/securityGroup:SecurityGroup", "alb-sg",
                   {"vpcId": "vpc-0abc", "description": "ALB", "ingress": [], "egress": [], "tags": t})  # fmt: skip
    task_sg = s.add("aws:ec2/securityGroup:SecurityGroup", "task-sg",
                    {"vpcId": "vpc-0abc", "description": "tasks", "tags": t})  # fmt: skip
    for port in (443, 80):
        s.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            f"alb-in-{port}",
            {"securityGroupId": "sg-alb", "ipProtocol": "tcp", "fromPort": port, "toPort": port,
             "cidrIpv4": "0.0.0.0/0", "tags": t},
            refs={"securityGroupId": [alb_sg]},
        )  # fmt: skip
    s.add(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "task-in",
        {"securityGroupId": "sg-task", "ipProtocol": "tcp", "fromPort": 8080, "toPort": 8080,
         "referencedSecurityGroupId": "sg-alb", "tags": t},
        refs={"securityGroupId": [task_sg], "referencedSecurityGroupId": [alb_sg]},
    )  # fmt: skip
    alb = s.add(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        {"loadBalancerType": "application", "internal": False, "securityGroups": ["sg-alb"],
         "subnets": ["subnet-a", "subnet-b", "subnet-c"], "idleTimeout": 60, "dropInvalidHeaderFields": True,
         "desyncMitigationMode": "defensive", "enableDeletionProtection": prod,
         "accessLogs": {"bucket": log_bucket["inputs"]["bucket"], "enabled": True, "prefix": "alb"}, "tags": t},
        refs={"securityGroups": [alb_sg], "accessLogs": [log_bucket]},
    )  # fmt: skip
    https = s.add(
        "aws:lb/listener:Listener",
        "https",
        {"loadBalancerArn": "arn:alb", "port": 443, "protocol": "HTTPS",
         "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificateArn": _arn("acm", "certificate/1"),
         "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}], "tags": t},
        refs={"loadBalancerArn": [alb]},
    )  # fmt: skip
    s.add(
        "aws:lb/listener:Listener",
        "http",
        {"loadBalancerArn": "arn:alb", "port": 80, "protocol": "HTTP",
         "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443",
                                                              "statusCode": "HTTP_301"}}], "tags": t},
        refs={"loadBalancerArn": [alb]},
    )  # fmt: skip
    s.add(
        "aws:lb/listenerRule:ListenerRule",
        "production-rule",
        {"listenerArn": "arn:listener-https", "priority": 1, "conditions": [{"pathPattern": {"values": ["/*"]}}],
         "actions": [{"type": "forward", "forward": {"targetGroups": [{"arn": "arn:tg", "weight": 100}]}}], "tags": t},
        refs={"listenerArn": [https]},
    )  # fmt: skip
    app_logs = s.add(
        "aws:cloudwatch/logGroup:LogGroup",
        "app-logs",
        {"name": "/aws/ecs/budgetbuddy-cluster" if prod else "/aws/ecs/budgetbuddy-staging-cluster",
         "retentionInDays": 30, "kmsKeyId": key_arn, "tags": t},
    )  # fmt: skip
    s.add(
        "aws:ecs/cluster:Cluster",
        "cluster",
        {
            "name": "budgetbuddy-cluster",
            "settings": [{"name": "containerInsights", "value": "enhanced"}],
            "tags": t,
        },
    )
    s.add(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        {"family": "budgetbuddy-backend", "cpu": "1024", "memory": "2048", "networkMode": "awsvpc",
         "requiresCompatibilities": ["FARGATE"],
         "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
         "containerDefinitions": json.dumps([container()]), "tags": t},
        refs={"containerDefinitions": [app_logs]},
    )  # fmt: skip
    strategies = (
        [{"capacityProvider": "FARGATE", "weight": 1, "base": 2}]
        if prod
        else [{"capacityProvider": "FARGATE", "weight": 1, "base": 1},
              {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0}]
    )  # fmt: skip
    s.add(
        "aws:ecs/service:Service",
        "service",
        {"name": "budgetbuddy-backend", "desiredCount": 2, "capacityProviderStrategies": strategies,
         "networkConfiguration": {"assignPublicIp": False, "subnets": ["subnet-p1"], "securityGroups": ["sg-task"]},
         "deploymentController": {"type": "ECS"}, "deploymentCircuitBreaker": {"enable": True, "rollback": True},
         "loadBalancers": [{"targetGroupArn": "arn:tg", "containerName": "backend", "containerPort": 8080}],
         "deploymentConfiguration": {"strategy": "BLUE_GREEN" if prod else "CANARY", "bakeTimeInMinutes": "5"},
         "alarms": {"enable": True, "rollback": True, "alarmNames": [f"{prefix(stack)}-alb-5xx-error-rate"]},
         "platformVersion": "LATEST", "tags": t},
    )  # fmt: skip
    s.add(
        "aws:lb/targetGroup:TargetGroup",
        "blue",
        {"port": 8080, "protocol": "HTTP", "targetType": "ip", "vpcId": "vpc-0abc",
         "healthCheck": {"enabled": True, "path": "/actuator/health", "interval": 30, "timeout": 5}, "tags": t},
    )  # fmt: skip
    scaling = s.add(
        "aws:appautoscaling/target:Target",
        "scaling-target",
        {"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
         "resourceId": "service/budgetbuddy-cluster/budgetbuddy-backend", "minCapacity": 2,
         "maxCapacity": 20 if prod else 5, "tags": t},
    )  # fmt: skip
    for metric, measure in (
        ("ECSServiceAverageCPUUtilization", "cpu"),
        ("ECSServiceAverageMemoryUtilization", "memory"),
    ):
        s.add(
            "aws:appautoscaling/policy:Policy",
            f"scale-{measure}",
            {"serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
             "resourceId": "service/budgetbuddy-cluster/budgetbuddy-backend", "policyType": "TargetTrackingScaling",
             "targetTrackingScalingPolicyConfiguration": {
                 "targetValue": 70, "scaleOutCooldown": 60, "scaleInCooldown": 300,
                 "predefinedMetricSpecification": {"predefinedMetricType": metric}}},
            refs={"resourceId": [scaling]},
        )  # fmt: skip
    s.add(
        "aws:ecr/repository:Repository",
        "repo",
        {"name": "budgetbuddy", "imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": True},
         "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": key_arn}], "tags": t},
    )  # fmt: skip
    s.add("aws:ecr/lifecyclePolicy:LifecyclePolicy", "repo-lifecycle", {"repository": "budgetbuddy", "policy": "{}"},
          refs={"repository": [s.find("repo")]})  # fmt: skip
    tables = []
    for name in ("BudgetBuddy-Users", "BudgetBuddy-Transactions"):
        tables.append(
            s.add(
                "aws:dynamodb/table:Table",
                name.lower(),
                {"name": name, "billingMode": "PAY_PER_REQUEST", "hashKey": "pk",
                 "attributes": [{"name": "pk", "type": "S"}],
                 "pointInTimeRecovery": {"enabled": True, "recoveryPeriodInDays": 35},
                 "deletionProtectionEnabled": True,
                 "serverSideEncryption": {"enabled": True, "kmsKeyArn": key_arn}, "tags": t},
                refs={"serverSideEncryption": [key]},
            )
        )  # fmt: skip
    vault = s.add(
        "aws:backup/vault:Vault",
        "vault",
        {"kmsKeyArn": key_arn, "tags": t},
        refs={"kmsKeyArn": [key]},
    )
    plan = s.add(
        "aws:backup/plan:Plan",
        "plan",
        {"rules": [{"ruleName": "daily", "targetVaultName": "vault", "schedule": "cron(0 2 * * ? *)",
                    "lifecycle": {"deleteAfter": 35}}], "tags": t},
        refs={"rules": [vault]},
    )  # fmt: skip
    s.add(
        "aws:backup/selection:Selection",
        "selection",
        {"planId": "plan-1", "iamRoleArn": _arn("iam", "role/backup").replace("us-east-1", ""),
         "resources": [_arn("dynamodb", f"table/{t_['inputs']['name']}") for t_ in tables]},
        refs={"planId": [plan], "resources": tables},
    )  # fmt: skip
    trail_group = s.add(
        "aws:cloudwatch/logGroup:LogGroup",
        "cloudtrail-logs",
        {
            "name": f"/budgetbuddy/{stack}/cloudtrail",
            "retentionInDays": 365,
            "kmsKeyId": key_arn,
            "tags": t,
        },
    )
    s.add(
        "aws:cloudtrail/trail:Trail",
        "trail",
        {"s3BucketName": artifacts["inputs"]["bucket"], "isMultiRegionTrail": True, "includeGlobalServiceEvents": True,
         "enableLogFileValidation": True, "kmsKeyId": key_arn,
         "cloudWatchLogsGroupArn": _arn("logs", "log-group:trail:*"), "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/t",
         "tags": t},
        refs={"cloudWatchLogsGroupArn": [trail_group]},
    )  # fmt: skip
    topic = s.add(
        "aws:sns/topic:Topic",
        "alarms",
        {"name": f"{prefix(stack)}-alarms", "kmsMasterKeyId": key_arn, "tags": t},
    )
    s.add("aws:sns/topicPolicy:TopicPolicy", "alarms-policy",
          {"arn": _arn("sns", f"{prefix(stack)}-alarms"), "policy": json.dumps(topic_policy())}, refs={"arn": [topic]})  # fmt: skip
    alerts = s.add(
        "aws:sns/topic:Topic",
        "alerts",
        {"name": f"{prefix(stack)}-alerts", "kmsMasterKeyId": key_arn, "tags": t},
    )
    s.add("aws:sns/topicPolicy:TopicPolicy", "alerts-policy",
          {"arn": _arn("sns", f"{prefix(stack)}-alerts"), "policy": json.dumps(topic_policy())}, refs={"arn": [alerts]})  # fmt: skip
    _cis_monitoring(s, trail_group, alerts)
    _log_archive(s, key_arn, artifacts)
    _waf(s, alb, key_arn)
    alarm(
        s,
        "ecs-cpu-high",
        "Medium",
        alerts,
        "missing",
        comparisonOperator="GreaterThanThreshold",
        threshold=80,
        evaluationPeriods=3,
    )
    alarm(
        s,
        "alb-elb-5xx",
        "Critical",
        topic,
        "notBreaching",
        comparisonOperator="GreaterThanOrEqualToThreshold",
        threshold=10,
        evaluationPeriods=5,
    )
    task_doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
         "Resource": [_arn("dynamodb", "table/BudgetBuddy-Users")]},
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]}  # fmt: skip
    role = s.add(
        "aws:iam/role:Role",
        "task-role",
        {
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": []}),
            "tags": t,
        },
    )
    s.add("aws:iam/rolePolicy:RolePolicy", "task-policy", {"role": "task-role", "policy": json.dumps(task_doc)},
          refs={"role": [role]})  # fmt: skip
    s.add(
        "aws:codebuild/project:Project",
        "build",
        {"serviceRole": "arn:aws:iam::1:role/build", "encryptionKey": key_arn,
         "artifacts": {"type": "CODEPIPELINE"}, "source": {"type": "CODEPIPELINE"},
         "environment": {"computeType": "BUILD_GENERAL1_SMALL", "image": "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
                         "type": "ARM_CONTAINER", "privilegedMode": False,
                         "environmentVariables": [{"name": "IMAGE_REPO", "value": "budgetbuddy", "type": "PLAINTEXT"}]},
         "logsConfig": {"cloudwatchLogs": {"status": "ENABLED", "groupName": "/budgetbuddy/build"}}, "tags": t},
    )  # fmt: skip
    s.add(
        "aws:codepipeline/pipeline:Pipeline",
        "pipeline",
        {"roleArn": "arn:aws:iam::1:role/pipeline", "pipelineType": "V2",
         "artifactStores": [{"type": "S3", "location": artifacts["inputs"]["bucket"],
                             "encryptionKey": {"type": "KMS", "id": key_arn}}],
         "stages": [{"name": "Build", "actions": [{"name": "Build", "category": "Build", "owner": "AWS",
                                                   "provider": "CodeBuild", "version": "1"}]}], "tags": t},
        refs={"artifactStores": [artifacts, key]},
    )  # fmt: skip
    s.add(
        "aws:budgets/budget:Budget",
        "monthly",
        {"budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": "500", "limitUnit": "USD",
         "notifications": [
             {"comparisonOperator": "GREATER_THAN", "threshold": th, "thresholdType": "PERCENTAGE",
              "notificationType": kind, "subscriberEmailAddresses": ["ops@budgetbuddy.com"]}
             for th, kind in ((80, "ACTUAL"), (100, "ACTUAL"), (100, "FORECASTED"))], "tags": t},
    )  # fmt: skip
    return s.resources


def edited(resources: list[dict[str, Any]], name: str, /, **inputs: Any) -> list[dict[str, Any]]:
    """A deep copy with ``name``'s inputs updated (a value of None removes the input)."""
    out = clone(resources)
    r = next(r for r in out if r["name"] == name)
    for k, v in inputs.items():
        if v is None:
            r["inputs"].pop(k, None)
        else:
            r["inputs"][k] = v
    return out


def without(resources: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    return clone([r for r in resources if r["name"] not in names])


BOTH = ("production", "staging")
Resources = list[dict[str, Any]]


def set_(name: str, /, **inputs: Any) -> Callable[[Resources], Resources]:
    """A mutation: ``name``'s inputs updated (None removes one)."""
    return lambda b: edited(b, name, **inputs)


def drop(*names: str) -> Callable[[Resources], Resources]:
    return lambda b: without(b, *names)


@functools.cache
def _only_config(rule: str, stack: str) -> dict[str, Any]:
    from preview.policy.engine import InProcessAnalyzer
    from preview.policy.load import load_exemptions, load_policy_config

    names = [p.name for p in InProcessAnalyzer(load_exemptions(), dt.date.today()).info().policies]
    return {**load_policy_config(stack), **{n: "disabled" for n in names if n != rule}}


def judge_only(rule: str, resources: Resources, stack: str) -> Any:
    """The report of ``rule`` alone over ``resources``, with the stack's own config for it: a breaking case asks
    about one rule, and the others' evaluation (every stack rule decodes every resource) is most of the time."""
    from preview.policy.engine import evaluate

    return evaluate(resources, stack=stack, policy_config=_only_config(rule, stack))


def assert_case(rule: str, case: str, mutate: Callable[[Resources], Resources], stacks: tuple[str, ...]) -> None:
    """The mutated baseline fails ``rule`` (with a real message) in ``stacks`` and passes it elsewhere."""
    for stack in BOTH:
        report = judge_only(rule, mutate(baseline(stack)), stack)
        hits = [v for v in report.violations if v.rule == rule]
        if stack in stacks:
            assert hits, f"{rule} did not fail on {case} in {stack}: {report.violations}"
            assert all(v.message and not v.unknown for v in hits)
        else:
            assert not hits, f"{rule} failed on {case} in {stack} where it should pass: {hits}"


def degraded(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resource and stack rules of many types fire: no tags, policy documents and log retention
    unknown, key rotation off, no public access blocks."""
    out = clone([r for r in resources if r["type"] != "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"])
    for r in out:
        inputs = r["inputs"]
        inputs.pop("tags", None)
        for key, value in (("policy", UNKNOWN), ("retentionInDays", UNKNOWN), ("enableKeyRotation", False)):
            if key in inputs:
                inputs[key] = value
    return out
