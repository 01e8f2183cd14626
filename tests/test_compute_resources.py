"""Compute resources: registry, cluster, task definition, IAM, load balancer, listeners, certificate."""

from __future__ import annotations

import json

import pytest

from components.kms import KeyPolicyContext, key_policy
from tests.harness import CERT
from tests.test_compute_helpers import (
    DATA_KEY,
    EGRESS,
    INDEXES,
    INGRESS,
    LISTENER,
    LOGS_KEY,
    NAT_EGRESS,
    PRIVATE,
    PUBLIC,
    ROLE,
    SERVICE,
    STORAGE_KEY,
    TABLES,
    TASK_DEF,
    by_name,
    container,
    policy_doc,
    run_compute,
)

SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:budgetbuddy/jwt-AbCdEf"
SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/budgetbuddy/api-key"


@pytest.fixture(scope="module")
def staging():
    return run_compute("staging")


@pytest.fixture(scope="module")
def production():
    return run_compute("production")


# ---- 1. registry --------------------------------------------------------------------------
def test_repository_is_immutable_scanned_kms_encrypted_with_lifecycle():
    r = run_compute("staging", ecrKeepTaggedImages=7)
    repo = r.inputs("aws:ecr/repository:Repository")
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": STORAGE_KEY}]
    rules = json.loads(r.inputs("aws:ecr/lifecyclePolicy:LifecyclePolicy")["policy"])["rules"]
    untagged, tagged = sorted(rules, key=lambda x: x["rulePriority"])
    assert untagged["selection"]["tagStatus"] == "untagged" and untagged["action"] == {"type": "expire"}
    assert tagged["selection"] == {
        "tagStatus": "tagged",
        "tagPatternList": ["*"],
        "countType": "imageCountMoreThan",
        "countNumber": 7,
    }


@pytest.mark.parametrize(("stack", "protected"), [("production", True), ("staging", False)])
def test_repository_and_log_group_are_protected_in_production(stack, protected):
    r = run_compute(stack)
    for type_ in ("aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup"):
        res = r.one(type_)
        assert res["protect"] is protected and res["retainOnDelete"] is protected


# ---- 2. cluster ---------------------------------------------------------------------------
def test_cluster_names_insights_and_capacity_providers(production, staging):
    cluster = production.inputs("aws:ecs/cluster:Cluster")
    assert cluster["name"] == "budgetbuddy-cluster"
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    assert staging.inputs("aws:ecs/cluster:Cluster")["name"] == "budgetbuddy-staging-cluster"
    cp = production.inputs("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
    assert cp["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]


def _weights(strategies):
    return {s["capacityProvider"]: (s.get("base", 0), s["weight"]) for s in strategies}


def test_production_on_demand_only_staging_mostly_spot(production, staging):
    assert _weights(production.inputs(SERVICE)["capacityProviderStrategies"]) == {"FARGATE": (0, 1)}
    prod = run_compute("production", capacityOnDemandBase=2)
    assert _weights(prod.inputs(SERVICE)["capacityProviderStrategies"]) == {"FARGATE": (2, 1)}
    stg = _weights(staging.inputs(SERVICE)["capacityProviderStrategies"])
    assert stg == {"FARGATE": (1, 1), "FARGATE_SPOT": (0, 3)}
    cp = staging.inputs("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
    assert _weights(cp["defaultCapacityProviderStrategies"]) == stg


# ---- 3. task definition -------------------------------------------------------------------
def test_task_definition_platform_and_size():
    r = run_compute("staging", taskCpu=1024, taskMemory=3072)
    td = r.inputs(TASK_DEF)
    assert td["runtimePlatform"] == {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    assert td["requiresCompatibilities"] == ["FARGATE"] and td["networkMode"] == "awsvpc"
    assert (td["cpu"], td["memory"]) == ("1024", "3072")
    assert td["family"] == "budgetbuddy-staging-backend"


def test_container_is_hardened_and_configured():
    r = run_compute("production", imageTag="v1.2.3", containerPort=9090, healthCheckPath="/healthz")
    c = container(r)
    repo_url = r.outputs["ecrRepositoryUrl"]
    assert c["name"] == "backend" and c["image"] == f"{repo_url}:v1.2.3"
    assert c["portMappings"][0]["containerPort"] == 9090
    assert c["healthCheck"]["interval"] == 30
    assert "http://localhost:9090/healthz" in c["healthCheck"]["command"][1]
    assert {"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75.0"} in c["environment"]
    assert c["readonlyRootFilesystem"] is True and c["privileged"] is False
    assert c["user"].split(":")[0] not in ("", "0", "root")
    assert c["mountPoints"] == [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}]
    assert [v["name"] for v in r.inputs(TASK_DEF)["volumes"]] == ["tmp"]
    log = c["logConfiguration"]
    assert log["logDriver"] == "awslogs" and log["options"]["awslogs-group"] == "/aws/ecs/budgetbuddy-cluster"
    group = r.inputs("aws:cloudwatch/logGroup:LogGroup")
    assert group["name"] == "/aws/ecs/budgetbuddy-cluster" and group["kmsKeyId"] == LOGS_KEY
    assert group["retentionInDays"] == 30


def test_log_retention_from_config():
    r = run_compute("staging", logRetentionDays=14)
    assert r.inputs("aws:cloudwatch/logGroup:LogGroup")["retentionInDays"] == 14


def test_secrets_are_injected_by_arn_and_readable_only_by_the_execution_role():
    r = run_compute("staging", containerSecrets={"JWT_SECRET": SM + ":signing::", "API_KEY": SSM})
    c = container(r)
    assert sorted(c["secrets"], key=lambda s: s["name"]) == [
        {"name": "API_KEY", "valueFrom": SSM},
        {"name": "JWT_SECRET", "valueFrom": SM + ":signing::"},
    ]
    assert not any(e["name"] in ("JWT_SECRET", "API_KEY") for e in c["environment"])
    sts = {s["Sid"]: s for s in policy_doc(r, "compute-execution-policy")["Statement"]}
    assert sts["Secrets"]["Resource"] == [SM] and sts["Secrets"]["Action"] == "secretsmanager:GetSecretValue"
    assert sts["Parameters"]["Resource"] == [SSM] and sts["Parameters"]["Action"] == "ssm:GetParameters"


def test_no_secret_statements_without_secrets(staging):
    sids = {s["Sid"] for s in policy_doc(staging, "compute-execution-policy")["Statement"]}
    assert sids == {"EcrAuth", "EcrPull", "Logs"}


# ---- 4. IAM -------------------------------------------------------------------------------
def _all_statements(r):
    for name in by_name(r, "aws:iam/rolePolicy:RolePolicy"):
        yield from policy_doc(r, name)["Statement"]


def test_no_wildcard_actions_and_star_only_for_actions_without_resource_scope():
    r = run_compute("staging", enableExecuteCommand=True, containerSecrets={"JWT_SECRET": SM})
    for st in _all_statements(r):
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        assert not any(a == "*" or a.endswith(":*") for a in actions)
        if st["Resource"] == "*":
            assert all(a == "ecr:GetAuthorizationToken" or a.startswith("ssmmessages:") for a in actions)


def test_execution_role_scoped_to_repository_and_log_group(staging):
    sts = {s["Sid"]: s for s in policy_doc(staging, "compute-execution-policy")["Statement"]}
    assert sts["EcrAuth"] == {
        "Sid": "EcrAuth",
        "Effect": "Allow",
        "Action": "ecr:GetAuthorizationToken",
        "Resource": "*",
    }
    repo_arn = staging.outputs["ecrRepositoryArn"]
    assert sts["EcrPull"]["Resource"] == repo_arn
    assert sts["Logs"]["Resource"].startswith("arn:aws:logs:us-east-1:123456789012:log-group:/aws/ecs/")
    assert sts["Logs"]["Resource"].endswith(":log-stream:*")


def test_task_role_only_backend_dynamodb_actions_on_tables_and_indexes(staging):
    sts = {s["Sid"]: s for s in policy_doc(staging, "compute-task-policy")["Statement"]}
    assert set(sts) == {"Tables", "TableKey"}
    assert set(sts["Tables"]["Action"]) == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    }
    assert sts["Tables"]["Resource"] == TABLES + INDEXES
    assert set(sts["TableKey"]["Action"]) == {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}
    assert sts["TableKey"]["Resource"] == DATA_KEY
    # Same path as the data key policy allows (kms:ViaService dynamodb): no direct use of the key.
    assert sts["TableKey"]["Condition"] == {"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}


def test_task_role_key_path_matches_the_data_key_policy(staging):
    policy = key_policy("data", KeyPolicyContext(account_id="123456789012", region="us-east-1"))
    via = {
        st["Condition"]["StringEquals"]["kms:ViaService"]
        for st in policy["Statement"]
        if st["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"} and "Condition" in st
    }
    task_key = {s["Sid"]: s for s in policy_doc(staging, "compute-task-policy")["Statement"]}["TableKey"]
    assert task_key["Condition"]["StringEquals"]["kms:ViaService"] in via


def test_task_roles_trust_ecs_tasks_of_this_account_only(staging):
    for name in ("compute-task-role", "compute-execution-role"):
        (st,) = json.loads(staging.inputs(ROLE, name)["assumeRolePolicy"])["Statement"]
        assert st["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}


def test_ecs_exec_off_by_default_and_fully_wired_when_on(staging):
    assert staging.inputs(SERVICE)["enableExecuteCommand"] is False
    r = run_compute("staging", enableExecuteCommand=True)
    assert r.inputs(SERVICE)["enableExecuteCommand"] is True
    sts = {s["Sid"]: s for s in policy_doc(r, "compute-task-policy")["Statement"]}
    assert set(sts["EcsExec"]["Action"]) == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    # The SSM agent needs writable state/log paths under a read-only root filesystem.
    mounts = {m["containerPath"] for m in container(r)["mountPoints"]}
    assert mounts == {"/tmp", "/var/lib/amazon", "/var/log/amazon"}
    assert container(r)["readonlyRootFilesystem"] is True


def test_infrastructure_role_for_blue_green(staging):
    (st,) = json.loads(staging.inputs(ROLE, "compute-ecs-infrastructure-role")["assumeRolePolicy"])["Statement"]
    assert st["Principal"] == {"Service": "ecs.amazonaws.com"} and st["Action"] == "sts:AssumeRole"
    att = staging.inputs("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert att["policyArn"] == "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
    adv = staging.inputs(SERVICE)["loadBalancers"][0]["advancedConfiguration"]
    assert adv["roleArn"].startswith("arn:aws:iam::123456789012:role/compute-ecs-infrastructure-role")


# ---- 5. load balancer and security groups -------------------------------------------------
@pytest.mark.parametrize(("stack", "protection"), [("production", True), ("staging", False)])
def test_alb_settings(stack, protection):
    alb = run_compute(stack).inputs("aws:lb/loadBalancer:LoadBalancer")
    assert alb["internal"] is False and alb["loadBalancerType"] == "application"
    assert alb["subnets"] == PUBLIC
    assert alb["idleTimeout"] == 60
    assert alb["dropInvalidHeaderFields"] is True
    assert alb["desyncMitigationMode"] in ("defensive", "strictest")
    assert alb["enableDeletionProtection"] is protection
    assert alb["accessLogs"] == {"bucket": "budgetbuddy-logs-bucket", "prefix": "alb", "enabled": True}


def test_security_groups_admit_only_what_is_needed(staging):
    out = staging.outputs
    alb_sg, task_sg = out["albSecurityGroupId"], out["taskSecurityGroupId"]
    # The rules below are keyed by group: the ALB must sit in the ALB group for them to mean anything.
    assert staging.inputs("aws:lb/loadBalancer:LoadBalancer")["securityGroups"] == [alb_sg]
    for sg in staging.of_type("aws:ec2/securityGroup:SecurityGroup"):
        assert not sg["inputs"].get("ingress") and not sg["inputs"].get("egress")  # rules are standalone
    ingress = {(i["securityGroupId"], i["fromPort"], i["toPort"], i.get("cidrIpv4"), i.get("referencedSecurityGroupId"))
               for i in by_name(staging, INGRESS).values()}  # fmt: skip
    assert ingress == {
        (alb_sg, 443, 443, "0.0.0.0/0", None),
        (alb_sg, 80, 80, "0.0.0.0/0", None),
        *((alb_sg, 8443, 8443, cidr, None) for cidr in NAT_EGRESS),
        (task_sg, 8080, 8080, None, alb_sg),
    }
    egress = {(e["securityGroupId"], e["fromPort"], e.get("cidrIpv4"), e.get("referencedSecurityGroupId"))
              for e in by_name(staging, EGRESS).values()}  # fmt: skip
    assert egress == {(alb_sg, 8080, None, task_sg), (task_sg, 443, "0.0.0.0/0", None)}
    assert all(
        r["ipProtocol"] == "tcp" for r in [*by_name(staging, INGRESS).values(), *by_name(staging, EGRESS).values()]
    )


def test_tasks_in_private_subnets_without_public_ip(staging):
    net = staging.inputs(SERVICE)["networkConfiguration"]
    assert net == {
        "subnets": PRIVATE,
        "securityGroups": [staging.outputs["taskSecurityGroupId"]],
        "assignPublicIp": False,
    }


# ---- 6. listeners and certificate ---------------------------------------------------------
def test_listeners_https_tls13_http_redirect_and_vpc_only_test_listener():
    r = run_compute("staging")  # config_for gives an existing certificate ARN
    ls = {int(x["port"]): x for x in by_name(r, LISTENER).values()}
    assert set(ls) == {443, 80, 8443}
    for port in (443, 8443):
        assert ls[port]["protocol"] == "HTTPS"
        assert ls[port]["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
        assert ls[port]["certificateArn"] == CERT  # the certificate the stack config names
    (redirect,) = ls[80]["defaultActions"]
    assert redirect["type"] == "redirect"
    assert redirect["redirect"] == {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}
    assert not r.of_type("aws:acm/certificate:Certificate")


def test_certificate_issued_for_domain_with_dns_validation():
    r = run_compute("production", domainName="api.budgetbuddy.com", hostedZoneId="Z0BUDGETBUDDYPROD")
    cert = r.inputs("aws:acm/certificate:Certificate")
    assert cert["domainName"] == "api.budgetbuddy.com" and cert["validationMethod"] == "DNS"
    records = by_name(r, "aws:route53/record:Record")
    validation_record = records["compute-certificate-validation-record"]
    assert validation_record["zoneId"] == "Z0BUDGETBUDDYPROD" and validation_record["type"] == "CNAME"
    assert validation_record["name"].endswith(".api.budgetbuddy.com.")
    assert validation_record["records"][0].endswith(".acm-validations.aws.")
    alias = records["compute-alias"]
    assert alias["name"] == "api.budgetbuddy.com" and alias["type"] == "A"
    assert alias["aliases"][0]["name"] == r.outputs["albDnsName"]
    validation = r.inputs("aws:acm/certificateValidation:CertificateValidation")
    https = next(x for x in by_name(r, LISTENER).values() if int(x["port"]) == 443)
    assert https["certificateArn"] == validation["certificateArn"] == r.outputs["certificateArn"]
    # The listener waits for ACM to issue the certificate (its ARN comes from the validation).
    deps = r.one(LISTENER, "compute-https")["propertyDependencies"]["certificateArn"]
    assert any("acm/certificateValidation:CertificateValidation" in d for d in deps)
