"""Observability (runbook "Monitoring & Alerting"): alert topic, alarms, CIS filters, dashboards, archive, budget."""

from __future__ import annotations

import json
import re

import pytest

from components.base import StackContext
from components.config.load import parse_stack_config
from components.config.problems import ConfigError
from components.observability import (
    Alerting,
    AlertingInputs,
    AlertingSettings,
    Observability,
    ObservabilityInputs,
    ObservabilitySettings,
)
from components.observability.dashboards import referenced_strings
from components.observability.security_alarms import CIS_CHECKS
from preview.policy.engine import evaluate
from tests.harness import CERT, config_for, run_component

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
STORAGE_KEY = "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-3333-4444-555555555555"
ALB = "app/bb-alb/0123456789abcdef"
TGS = ("targetgroup/bb-blue/aaaaaaaaaaaaaaaa", "targetgroup/bb-green/bbbbbbbbbbbbbbbb")
TRAIL = "/aws/cloudtrail/budgetbuddy-trail"
VAULT = "budgetbuddy-vault"
DEPLOY_ALARMS = (
    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:budgetbuddy-alb-5xx-rate",
    "arn:aws:cloudwatch:us-east-1:123456789012:alarm:budgetbuddy-unhealthy-hosts",
)
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


def _run(stack: str = "staging", guardduty: bool = False, securityhub: bool = False, **keys):
    detectors = {"enableGuardDuty": guardduty, "enableSecurityHub": securityhub}
    cfg = config_for(stack, **detectors, **keys)

    def body(cfg, naming):
        ctx = StackContext(naming, "123456789012", cfg.region)
        alerting = Alerting("alerting", cfg, AlertingInputs(messaging_key_arn=KEY), ctx)
        Observability(
            "observability",
            cfg,
            ObservabilityInputs(
                routes=alerting.outputs.routes,
                cluster_name=naming.cluster,
                service_name=naming.ecs_service,
                alb_arn_suffix=ALB,
                target_group_arn_suffixes=TGS,
                table_names={t.name: naming.table(t.name) for t in cfg.tables},
                app_log_group_name=naming.app_log_group,
                trail_log_group_name=TRAIL,
                logs_key_arn=KEY,
                storage_key_arn=STORAGE_KEY,
                log_bucket_name="budgetbuddy-logs",
                backup_vault_name=VAULT,
                deployment_alarm_arns=DEPLOY_ALARMS,
            ),
            ctx,
        )

    return run_component(body, cfg)


@pytest.fixture(scope="module")
def staging():
    # Pulumi.staging.yaml's values for the keys this component reads.
    return _run("staging", logRetentionDays=14, maxCapacity=5, monthlyBudgetUsd=1000)


@pytest.fixture(scope="module")
def production():
    return _run("production", maxCapacity=20, logRetentionDays=90, monthlyBudgetUsd=5000)


def _alarm(result, key):
    return result.inputs(ALARM, f"observability-alarm-{key}")


TOPIC = {
    "staging": "arn:aws:sns:us-east-1:123456789012:budgetbuddy-staging-alarms",
    "production": "arn:aws:sns:us-east-1:123456789012:budgetbuddy-alarms",
}
ALERT_TOPIC = {
    "staging": "arn:aws:sns:us-east-1:123456789012:budgetbuddy-staging-alerts",
    "production": "arn:aws:sns:us-east-1:123456789012:budgetbuddy-alerts",
}


# ---- alert channels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "logical", "publishers"),
    [
        # The paging topic takes alarms only: nothing else may reach PagerDuty (docs/alerts.md).
        ("budgetbuddy-alarms", "alerting-topic", {"cloudwatch.amazonaws.com"}),
        (
            "budgetbuddy-alerts",
            "alerting-alert-topic",
            {"cloudwatch.amazonaws.com", "events.amazonaws.com", "codestar-notifications.amazonaws.com"},
        ),
        (
            "budgetbuddy-notices",
            "alerting-notice-topic",
            {"cloudwatch.amazonaws.com", "codestar-notifications.amazonaws.com"},
        ),
    ],
)
def test_each_route_topic_is_named_encrypted_and_publishable_by_its_services(production, name, logical, publishers):
    topic = production.inputs("aws:sns/topic:Topic", logical)
    assert topic["name"] == name and topic["kmsMasterKeyId"] == KEY
    policy = json.loads(production.inputs("aws:sns/topicPolicy:TopicPolicy", logical)["policy"])
    allow = next(s for s in policy["Statement"] if s["Sid"] == "AllowAlertingServicesPublish")
    assert set(allow["Principal"]["Service"]) == publishers
    assert allow["Action"] == "sns:Publish" and allow["Resource"] == f"arn:aws:sns:us-east-1:123456789012:{name}"
    assert allow["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_email_subscription_on_every_route_and_no_pagerduty_by_default(staging):
    subs = staging.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted((s["name"], s["inputs"]["protocol"], s["inputs"]["endpoint"]) for s in subs) == [
        ("alerting-alert-email", "email", "ops@budgetbuddy.com"),
        ("alerting-email", "email", "ops@budgetbuddy.com"),
        ("alerting-notice-email", "email", "ops@budgetbuddy.com"),
    ]


def test_pagerduty_subscription_is_secret_https_and_auto_confirmed():
    r = _run("staging", pagerDutyEndpoint="https://events.pagerduty.com/integration/abc123/enqueue")
    pd = r.inputs("aws:sns/topicSubscription:TopicSubscription", "alerting-pagerduty")
    assert pd["protocol"] == "https" and pd["endpointAutoConfirms"] is True
    assert pd["endpoint"]["value"] == "https://events.pagerduty.com/integration/abc123/enqueue"
    assert "4dabf18193072939515e22adb298388d" in pd["endpoint"]  # the engine's secret envelope
    # PagerDuty subscribes to the paging topic only.
    https = [s for s in r.of_type("aws:sns/topicSubscription:TopicSubscription") if s["inputs"]["protocol"] == "https"]
    assert [s["name"] for s in https] == ["alerting-pagerduty"]
    assert pd["topic"] == TOPIC["staging"]


# ---- application alarms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "namespace", "metric", "stat", "threshold", "comparison"),
    [
        ("ecs-cpu-high", "AWS/ECS", "CPUUtilization", "Average", 80, "GreaterThanThreshold"),
        ("ecs-memory-high", "AWS/ECS", "MemoryUtilization", "Average", 80, "GreaterThanThreshold"),
        ("app-error-count-high", "BudgetBuddy", "ErrorCount", "Sum", 10, "GreaterThanOrEqualToThreshold"),
    ],
)
def test_static_alarms(production, key, namespace, metric, stat, threshold, comparison):
    a = _alarm(production, key)
    assert (a["namespace"], a["metricName"], a["statistic"]) == (namespace, metric, stat)
    assert a["threshold"] == threshold and a["comparisonOperator"] == comparison
    assert a["alarmActions"] == [ALERT_TOPIC["production"]] and a["okActions"] == [ALERT_TOPIC["production"]]
    assert a["datapointsToAlarm"] <= a["evaluationPeriods"] and a["treatMissingData"]
    if namespace == "AWS/ECS":
        assert a["dimensions"] == {"ClusterName": "budgetbuddy-cluster", "ServiceName": "budgetbuddy-backend"}
        assert (a["period"], a["evaluationPeriods"], a["datapointsToAlarm"]) == (60, 5, 5)
    else:
        assert "dimensions" not in a and a["period"] == 300


def test_p95_latency_uses_extended_statistic_on_the_load_balancer(staging):
    a = _alarm(staging, "alb-p95-latency-high")
    assert a["namespace"] == "AWS/ApplicationELB" and a["metricName"] == "TargetResponseTime"
    assert a["extendedStatistic"] == "p95" and "statistic" not in a
    assert a["dimensions"] == {"LoadBalancer": ALB}
    assert a["threshold"] == 1 and a["comparisonOperator"] == "GreaterThanThreshold"
    assert a["treatMissingData"] == "notBreaching"
    assert a["alarmActions"] == a["okActions"] == [ALERT_TOPIC["staging"]]


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_request_count_anomaly_detection(stack, staging, production):
    a = _alarm({"staging": staging, "production": production}[stack], "alb-request-count-anomaly")
    assert a["thresholdMetricId"] == "ad1" and "threshold" not in a
    assert a["comparisonOperator"] == "LessThanLowerOrGreaterThanUpperThreshold"
    m1, ad1 = a["metricQueries"]
    assert m1["metric"] == {
        "namespace": "AWS/ApplicationELB",
        "metricName": "RequestCount",
        "dimensions": {"LoadBalancer": ALB},
        "stat": "Sum",
        "period": 300,
    }
    assert ad1["expression"] == "ANOMALY_DETECTION_BAND(m1, 2)" and ad1["returnData"] is True
    assert a["treatMissingData"] == "notBreaching"  # an idle ALB publishes no RequestCount


@pytest.mark.parametrize("base", ["Users", "Transactions"])
def test_dynamodb_throttling_alarms_per_table(production, base):
    table = f"BudgetBuddy-{base}"
    slug = base.lower()
    for metric, key in (("ReadThrottleEvents", "read"), ("WriteThrottleEvents", "write")):
        a = _alarm(production, f"dynamodb-{slug}-{key}-throttles")
        assert (a["namespace"], a["metricName"], a["statistic"]) == ("AWS/DynamoDB", metric, "Sum")
        assert a["dimensions"] == {"TableName": table}
        assert a["threshold"] == 0 and a["comparisonOperator"] == "GreaterThanThreshold"
        assert a["alarmActions"] == a["okActions"] == [ALERT_TOPIC["production"]]
    tr = _alarm(production, f"dynamodb-{slug}-throttled-requests")
    (q,) = tr["metricQueries"]
    # ThrottledRequests is per TableName+Operation: the query sums every operation of the table.
    assert q["expression"] == (
        f"SELECT SUM(ThrottledRequests) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) WHERE TableName = '{table}'"
    )
    assert q["period"] == 60 and tr["threshold"] == 0 and tr["comparisonOperator"] == "GreaterThanThreshold"


def test_failed_backups_alarm_and_event_rule(staging):
    a = _alarm(staging, "backup-jobs-failed")
    (q,) = a["metricQueries"]
    assert (
        q["expression"] == f"SELECT SUM(NumberOfBackupJobsFailed) FROM \"AWS/Backup\" WHERE BackupVaultName = '{VAULT}'"
    )
    assert a["threshold"] == 1 and a["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
    rule = staging.inputs("aws:cloudwatch/eventRule:EventRule", "observability-backup-job-failed")
    pattern = json.loads(rule["eventPattern"])
    assert pattern["source"] == ["aws.backup"] and pattern["detail-type"] == ["Backup Job State Change"]
    assert pattern["detail"] == {"state": ["FAILED", "ABORTED", "EXPIRED"], "backupVaultName": [VAULT]}
    target = staging.inputs("aws:cloudwatch/eventTarget:EventTarget", "observability-backup-job-failed")
    assert target["arn"] == ALERT_TOPIC["staging"]  # a failed backup needs a person today, not a page


def test_compute_alarms_are_not_duplicated(production):
    # The compute component alarms on target 5XX (error rate) and unhealthy hosts (deployment rollback);
    # observability must not watch those metrics again (its ALB 5XX alarm watches the ALB's own answers).
    watched = {r["inputs"].get("metricName") for r in production.of_type(ALARM)} | {
        q["metric"]["metricName"] for r in production.of_type(ALARM) for q in r["inputs"].get("metricQueries", [])
        if "metric" in q
    }  # fmt: skip
    assert not watched & {"HTTPCode_Target_5XX_Count", "UnHealthyHostCount"}
    assert "HTTPCode_ELB_5XX_Count" in watched
    assert all(r["inputs"]["alarmActions"] and r["inputs"]["okActions"] for r in production.of_type(ALARM))


def test_error_count_metric_filter_matches_the_runbook(production, staging):
    f = production.inputs(FILTER, "observability-app-errors")
    assert f["logGroupName"] == "/aws/ecs/budgetbuddy-cluster" and f["pattern"] == "ERROR"
    assert f["metricTransformation"] == {
        "name": "ErrorCount",
        "namespace": "BudgetBuddy",
        "value": "1",
        "defaultValue": "0",
    }
    # Staging shares the account: its errors must not count towards production's metric.
    s = staging.inputs(FILTER, "observability-app-errors")
    assert s["metricTransformation"]["namespace"] == "BudgetBuddy/staging"
    assert _alarm(staging, "app-error-count-high")["namespace"] == "BudgetBuddy/staging"


# ---- CIS monitoring ------------------------------------------------------------------------------


def test_cis_filters_and_alarms_on_the_trail_log_group(production):
    filters = {r["name"]: r["inputs"] for r in production.of_type(FILTER) if "-cis-" in r["name"]}
    assert len(filters) == len(CIS_CHECKS) == 14
    for check in CIS_CHECKS:
        f = filters[f"observability-cis-{check.key}"]
        assert f["logGroupName"] == TRAIL and f["pattern"] == check.pattern
        assert f["metricTransformation"] == {"name": check.metric, "namespace": "CISBenchmark", "value": "1"}
        a = _alarm(production, f"cis-{check.key}")
        assert (a["namespace"], a["metricName"], a["statistic"]) == ("CISBenchmark", check.metric, "Sum")
        assert a["threshold"] == 1 and a["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
        route = TOPIC["production"] if check.severity == "Critical" else ALERT_TOPIC["production"]
        assert a["alarmActions"] == a["okActions"] == [route], check.key
        assert a["tags"]["Severity"] == check.severity
        assert a["treatMissingData"] == "notBreaching"


@pytest.mark.parametrize(
    ("key", "fragments"),
    [
        ("unauthorized-api-calls", ['"*UnauthorizedOperation"', '"AccessDenied*"']),
        ("root-account-usage", ['$.userIdentity.type = "Root"', "invokedBy NOT EXISTS"]),
        ("console-signin-without-mfa", ['$.additionalEventData.MFAUsed != "Yes"', '"ConsoleLogin"']),
        ("iam-policy-changes", ["PutRolePolicy", "AttachRolePolicy", "DeletePolicyVersion"]),
        ("cloudtrail-config-changes", ["StopLogging", "DeleteTrail", "UpdateTrail"]),
        ("kms-key-disable-or-deletion", ["kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"]),
        ("s3-bucket-policy-changes", ["s3.amazonaws.com", "PutBucketPolicy", "DeleteBucketPolicy"]),
        ("security-group-changes", ["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress"]),
        ("nacl-changes", ["CreateNetworkAclEntry", "ReplaceNetworkAclAssociation"]),
        ("network-gateway-changes", ["AttachInternetGateway", "DeleteCustomerGateway"]),
        ("route-table-changes", ["ReplaceRoute", "DisassociateRouteTable"]),
        ("vpc-changes", ["CreateVpcPeeringConnection", "ModifyVpcAttribute"]),
    ],
)
def test_cis_patterns_cover_the_issue_list(key, fragments):
    pattern = next(c.pattern for c in CIS_CHECKS if c.key == key)
    assert pattern.startswith("{") and pattern.endswith("}") and pattern.count("(") == pattern.count(")")
    for fragment in fragments:
        assert fragment in pattern


# ---- dashboards -----------------------------------------------------------------------------------


def _bodies(result):
    return {r["inputs"]["dashboardName"]: json.loads(r["inputs"]["dashboardBody"]) for r in result.of_type(DASHBOARD)}


@pytest.mark.parametrize(("stack", "prefix"), [("production", "budgetbuddy"), ("staging", "budgetbuddy-staging")])
def test_three_dashboards_named_for_the_environment(stack, prefix, staging, production):
    bodies = _bodies({"staging": staging, "production": production}[stack])
    assert set(bodies) == {f"{prefix}-application", f"{prefix}-compliance", f"{prefix}-cost"}
    for body in bodies.values():
        assert body["widgets"]
        for w in body["widgets"]:
            assert w["x"] + w["width"] <= 24 and w["type"] in {"metric", "alarm", "log", "text"}
        # No empty labels: the SEARCH expression names its own series (one label would name them all).
        assert '"label": ""' not in json.dumps(body)


def test_application_dashboard_points_only_at_this_stack(production):
    body = _bodies(production)["budgetbuddy-application"]
    alarms = [a for w in body["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]]
    registered = {r["inputs"]["name"] for r in production.of_type(ALARM)}
    for arn in alarms:
        assert arn in DEPLOY_ALARMS or arn.split(":alarm:")[1] in registered
    assert set(DEPLOY_ALARMS) <= set(alarms)  # Compute's rollback alarms are shown, not duplicated
    metrics = [m for w in body["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]]
    dims = {(m[i], m[i + 1]) for m in metrics if isinstance(m[0], str) for i in range(2, len(m) - 1, 2)}
    for name, value in dims:
        if name == "ClusterName":
            assert value == "budgetbuddy-cluster"
        elif name == "ServiceName":
            assert value == "budgetbuddy-backend"
        elif name == "LoadBalancer":
            assert value == ALB
        elif name == "TargetGroup":
            assert value in TGS
        elif name == "TableName":
            assert value in {"BudgetBuddy-Users", "BudgetBuddy-Transactions"}
        else:
            pytest.fail(f"unexpected dimension {name}={value}")
    text = json.dumps(body)
    for needle in ("p50", "p95", "p99", "RunningTaskCount", "ErrorCount", "/aws/ecs/budgetbuddy-cluster"):
        assert needle in text
    annotations = [
        a["value"]
        for w in body["widgets"]
        if w["type"] == "metric"
        for a in w["properties"].get("annotations", {}).get("horizontal", [])
    ]
    assert 2 in annotations and 20 in annotations  # min/max capacity of production


def test_compliance_and_cost_dashboards_reference_created_resources(staging):
    bodies = _bodies(staging)
    compliance = bodies["budgetbuddy-staging-compliance"]
    alarm_widgets = [w for w in compliance["widgets"] if w["type"] == "alarm"]
    cis_arns = alarm_widgets[0]["properties"]["alarms"]
    assert len(cis_arns) == 14 and all(":alarm:budgetbuddy-staging-cis-" in a for a in cis_arns)
    strings = set(referenced_strings(compliance))
    assert TRAIL in strings and "CISBenchmark/staging" in strings
    # The backup-failure rule's (autonamed) name is what the MatchedEvents metric points at.
    rule_names = [s for s in strings if re.fullmatch(r"observability-backup-job-failed-[0-9a-f]{7}", s)]
    assert len(rule_names) == 1
    assert f"WHERE BackupVaultName = '{VAULT}'" in json.dumps(compliance)
    assert "GuardDuty and Security Hub are disabled" in json.dumps(compliance)

    cost = bodies["budgetbuddy-staging-cost"]
    cost_strings = set(referenced_strings(cost))
    budget = staging.inputs("aws:budgets/budget:Budget")["name"]
    assert budget == "budgetbuddy-staging-monthly-cost" and budget in json.dumps(cost)
    assert {"EstimatedCharges", "CpuReserved", "CpuUtilized", "MemoryReserved", "DeliveryToS3.Bytes"} <= cost_strings
    assert any(re.fullmatch(r"observability-log-archive-stream-[0-9a-f]{7}", s) for s in cost_strings)
    billing = [w for w in cost["widgets"] if "EstimatedCharges" in json.dumps(w)]
    assert billing and all(w["properties"]["region"] == "us-east-1" for w in billing)


def test_findings_widgets_when_detectors_are_enabled():
    r = _run("production", guardduty=True, securityhub=True)
    rules = {
        x["name"]: json.loads(x["inputs"]["eventPattern"]) for x in r.of_type("aws:cloudwatch/eventRule:EventRule")
    }
    assert rules["observability-guardduty-findings"]["source"] == ["aws.guardduty"]
    assert rules["observability-securityhub-findings"]["detail-type"] == ["Security Hub Findings - Imported"]
    compliance = json.dumps(_bodies(r)["budgetbuddy-compliance"])
    assert "GuardDuty findings" in compliance and "Security Hub findings" in compliance
    assert "are disabled" not in compliance


# ---- log archive --------------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "retention"), [("production", 90), ("staging", 14)])
def test_archive_lifecycle_and_retention_per_stack(stack, retention, staging, production):
    r = {"staging": staging, "production": production}[stack]
    rule = r.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"][0]
    assert rule["transitions"] == [
        {"days": 0, "storageClass": "INTELLIGENT_TIERING"},
        {"days": 90, "storageClass": "GLACIER"},
    ]
    assert rule["expiration"]["days"] == 365
    sse = r.inputs("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == STORAGE_KEY
    group = r.inputs("aws:cloudwatch/logGroup:LogGroup")
    assert group["retentionInDays"] == retention and group["kmsKeyId"] == KEY
    assert r.one("aws:s3/bucket:Bucket")["protect"] is (stack == "production")


def test_archive_expiry_follows_config():
    r = _run("staging", logArchiveExpirationDays=730)
    rule = r.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"][0]
    assert rule["expiration"]["days"] == 730


def test_subscription_to_firehose_to_s3_with_scoped_roles(staging):
    stream = staging.inputs("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
    s3 = stream["extendedS3Configuration"]
    assert stream["destination"] == "extended_s3" and s3["kmsKeyArn"] == STORAGE_KEY
    assert stream["serverSideEncryption"] == {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": STORAGE_KEY}
    sub = staging.inputs("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
    assert sub["logGroup"] == "/aws/ecs/budgetbuddy-staging-cluster" and sub["filterPattern"] == ""
    stream_arn = sub["destinationArn"]
    assert stream_arn.startswith("arn:aws:firehose:us-east-1:123456789012:deliverystream/")
    # The subscription delivers to this stream, through the role logs.amazonaws.com may assume.
    sub_type = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
    assert staging.sources(sub_type, None, "destinationArn") == {
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::observability-log-archive-stream"
    }
    assert staging.sources(sub_type, None, "roleArn") == {"aws:iam/role:Role::observability-log-archive-subscription"}

    roles = {r["name"]: r["inputs"] for r in staging.of_type("aws:iam/role:Role")}
    trust = json.loads(roles["observability-log-archive-subscription"]["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    policies = {r["name"]: json.loads(r["inputs"]["policy"]) for r in staging.of_type("aws:iam/rolePolicy:RolePolicy")}
    (put,) = policies["observability-log-archive-subscription"]["Statement"]
    assert put["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"] and put["Resource"] == stream_arn
    fh = policies["observability-log-archive-firehose"]["Statement"]
    s3_stmt = next(s for s in fh if s["Sid"] == "WriteArchive")
    assert all(res.startswith("arn:aws:s3:::observability-log-archive-bucket") for res in s3_stmt["Resource"])
    kms = next(s for s in fh if s["Sid"] == "EncryptArchiveObjects")
    assert kms["Resource"] == STORAGE_KEY and kms["Condition"]["StringEquals"] == {
        "kms:ViaService": "s3.us-east-1.amazonaws.com"
    }


# ---- budget ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "amount"), [("production", "5000.00"), ("staging", "1000.00")])
def test_budget_per_stack(stack, amount, staging, production):
    r = {"staging": staging, "production": production}[stack]
    b = r.inputs("aws:budgets/budget:Budget")
    assert (b["budgetType"], b["timeUnit"], b["limitAmount"], b["limitUnit"]) == ("COST", "MONTHLY", amount, "USD")
    assert b["costFilters"] == [{"name": "TagKeyValue", "values": [f"user:Environment${stack}"]}]
    got = {(n["notificationType"], n["threshold"]) for n in b["notifications"]}
    assert got == {("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)}
    for n in b["notifications"]:
        assert n["thresholdType"] == "PERCENTAGE" and n["comparisonOperator"] == "GREATER_THAN"
        # Budget notices go to e-mail, never to a topic that could page (docs/alerts.md).
        assert n["subscriberEmailAddresses"] == ["ops@budgetbuddy.com"]
        assert not n.get("subscriberSnsTopicArns")


def test_cost_allocation_tags_activated_and_retained(staging):
    tags = staging.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag")
    assert sorted(t["inputs"]["tagKey"] for t in tags) == ["Environment", "Service", "Team"]
    assert all(t["inputs"]["status"] == "Active" and t["retainOnDelete"] for t in tags)


def test_cost_allocation_tag_activation_can_wait_for_cost_explorer():
    # Activating a tag key Cost Explorer has not seen yet fails the update (hashicorp/terraform-provider-aws
    # #29068); a new account's first deploy sets activateCostAllocationTags=false, the budget stays.
    r = _run(activateCostAllocationTags=False)
    assert r.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag") == []
    assert r.inputs("aws:budgets/budget:Budget")["costFilters"][0]["name"] == "TagKeyValue"
    with pytest.raises(ConfigError, match="activateCostAllocationTags"):
        parse_stack_config("staging", {"activateCostAllocationTags": "maybe", "certificateArn": CERT})


# ---- outputs, policies, config errors -------------------------------------------------------------


def test_stack_outputs():
    captured = {}

    def body(cfg, naming):
        ctx = StackContext(naming, "123456789012", cfg.region)
        alerting = Alerting("alerting", cfg, AlertingInputs(messaging_key_arn=KEY), ctx)
        obs = Observability(
            "observability",
            cfg,
            ObservabilityInputs(
                routes=alerting.outputs.routes,
                cluster_name=naming.cluster,
                service_name=naming.ecs_service,
                alb_arn_suffix=ALB,
                target_group_arn_suffixes=TGS,
                table_names={"Users": naming.table("Users")},
                app_log_group_name=naming.app_log_group,
                trail_log_group_name=TRAIL,
                logs_key_arn=KEY,
                storage_key_arn=STORAGE_KEY,
                log_bucket_name="logs",
                backup_vault_name=VAULT,
            ),
            ctx,
        )
        captured.update(alerting.stack_outputs(), **obs.stack_outputs())
        assert set(obs.alarms) >= {"ecs-cpu-high", "cis-root-account-usage"}
        assert set(obs.dashboards) == {"application", "compliance", "cost"}

    run_component(body, config_for("staging"))
    assert set(captured) == {
        "alarmTopicArn",
        "alertTopicArn",
        "noticeTopicArn",
        "dashboardNames",
        "budgetName",
        "logArchiveBucket",
    }


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_policy_pack_passes_on_observability_resources(stack, staging, production):
    r = {"staging": staging, "production": production}[stack]
    report = evaluate(r.resources, stack=stack)
    assert report.resource_count == len(r.resources) and report.rules
    assert report.violations == [], [(v.rule, v.message) for v in report.violations]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("logRetentionDays", 8, "CloudWatch Logs retention"),
        ("auditLogRetentionDays", 400_000, "CloudWatch Logs retention"),
        ("monthlyBudgetUsd", 0, "greater than 0"),
        ("monthlyBudgetUsd", -5, "greater than 0"),
        ("alertEmail", "ops-at-budgetbuddy", "email address"),
        ("logArchiveExpirationDays", 30, "greater than or equal to 120"),
    ],
)
def test_bad_values_are_clear_errors_naming_the_key(key, value, message):
    with pytest.raises(ConfigError) as err:
        parse_stack_config("staging", {key: value, "certificateArn": CERT})
    text = str(err.value)
    assert f"budgetbuddy:{key}={value!r}" in text and message in text


def test_args_reject_impossible_values():
    with pytest.raises(ValueError, match="monthlyBudgetUsd"):
        ObservabilitySettings(monthlyBudgetUsd=0)
    with pytest.raises(ValueError, match="must be an email address"):
        AlertingSettings(alertEmail="nobody@")
    with pytest.raises(ValueError, match="https"):
        AlertingSettings(pagerduty_endpoint="http://example.com/x")
