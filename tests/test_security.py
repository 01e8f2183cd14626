"""Security component under mocks: keys, log bucket, trail, detectors, protection, policy pack."""

import json

import pytest

from components.base import StackContext
from components.config.problems import ConfigError
from components.kms import principals
from components.security import Security, SecuritySettings
from components.security.contract import SecurityInputs
from preview.policy.engine import evaluate
from tests.harness import config_for, run_component

ACCT = "123456789012"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/budgetbuddy-staging-trail"
KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TRAIL = "aws:cloudtrail/trail:Trail"


def _run(stack: str = "staging", **cfg_values):
    holder = {}

    def body(cfg, naming):
        holder["security"] = Security("security", cfg, SecurityInputs(), StackContext(naming, ACCT, cfg.region))

    return run_component(body, config_for(stack, **cfg_values)), holder


@pytest.fixture(scope="module")
def staging():
    return _run("staging")[0]


@pytest.fixture(scope="module")
def production():
    return _run("production")[0]


def _policy(r, name):
    return json.loads(r.inputs("aws:s3/bucketPolicy:BucketPolicy", name)["policy"])


def test_four_rotating_keys_with_aliases(staging):
    keys = {k["name"]: k["inputs"] for k in staging.of_type(KEY)}
    assert set(keys) == {f"security-{p}-key" for p in ("logs", "data", "storage", "messaging")}
    for inputs in keys.values():
        assert inputs["enableKeyRotation"] is True and inputs["deletionWindowInDays"] == 30
        assert inputs["customerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
        assert inputs["tags"]["Environment"] == "staging"
    aliases = {a["inputs"]["name"] for a in staging.of_type("aws:kms/alias:Alias")}
    assert aliases == {f"alias/budgetbuddy-staging/{p}" for p in ("logs", "data", "storage", "messaging")}


def test_key_policies_name_the_right_principals(staging):
    root = f"AWS:arn:aws:iam::{ACCT}:root"
    found = {k["name"]: principals(json.loads(k["inputs"]["policy"])) for k in staging.of_type(KEY)}
    assert found["security-logs-key"] == {root, "Service:logs.us-east-1.amazonaws.com"}
    assert found["security-data-key"] == {root, "Service:dynamodb.amazonaws.com"}
    assert found["security-storage-key"] == {root, "Service:cloudtrail.amazonaws.com"}
    assert found["security-messaging-key"] == {
        root,
        "Service:cloudwatch.amazonaws.com",
        "Service:budgets.amazonaws.com",
        "Service:events.amazonaws.com",
        "Service:codestar-notifications.amazonaws.com",
    }
    storage = json.loads(staging.inputs(KEY, "security-storage-key")["policy"])
    trail_sids = [s for s in storage["Statement"] if s["Sid"].startswith("CloudTrail")]
    assert all(s["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN for s in trail_sids)


def test_trail_settings(staging):
    t = staging.inputs(TRAIL)
    assert t["name"] == "budgetbuddy-staging-trail"
    assert t["isMultiRegionTrail"] is True and t["includeGlobalServiceEvents"] is True
    assert t["enableLogFileValidation"] is True and t["enableLogging"] is True
    # The mock's ARNs look alike for every key: which key, bucket and role is what the program sent.
    assert staging.sources(TRAIL, None, "kmsKeyId") == {f"{KEY}::security-storage-key"}
    assert staging.sources(TRAIL, None, "s3BucketName") == {f"{BUCKET}::security-trail"}
    assert staging.sources(TRAIL, None, "cloudWatchLogsRoleArn") == {"aws:iam/role:Role::security-trail-to-logs"}
    assert t["cloudWatchLogsGroupArn"] == (
        f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/cloudtrail/budgetbuddy-staging-trail:*"
    )
    assert t["eventSelectors"] == [{"readWriteType": "All", "includeManagementEvents": True}]
    assert t["s3BucketName"].startswith("security-trail-")
    assert t["cloudWatchLogsRoleArn"].startswith(f"arn:aws:iam::{ACCT}:role/security-trail-to-logs")


def test_trail_log_group_and_delivery_role(staging):
    g = staging.inputs(LOG_GROUP, "security-trail")
    assert g["retentionInDays"] == 365
    assert staging.sources(LOG_GROUP, "security-trail", "kmsKeyId") == {f"{KEY}::security-logs-key"}
    assert g["tags"]["LogClass"] == "audit"
    trust = json.loads(staging.inputs("aws:iam/role:Role", "security-trail-to-logs")["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    policy = json.loads(staging.inputs("aws:iam/rolePolicy:RolePolicy", "security-trail-to-logs")["policy"])
    (st,) = policy["Statement"]
    assert st["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert st["Resource"] == [
        f"arn:aws:logs:us-east-1:{ACCT}:log-group:/aws/cloudtrail/budgetbuddy-staging-trail"
        f":log-stream:{ACCT}_CloudTrail_us-east-1*"
    ]


def test_trail_waits_for_bucket_policy_and_role_policy(staging):
    deps = set(staging.one(TRAIL)["dependencies"])
    assert any(u.endswith("::security-trail") and "bucketPolicy" in u for u in deps)
    assert any("rolePolicy" in u and u.endswith("::security-trail-to-logs") for u in deps)


def test_log_bucket_is_sse_s3_and_admits_only_log_delivery(staging):
    sse = staging.inputs(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "security-logs"
    )["rules"][0]
    assert sse["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    assert not [lg for lg in staging.of_type("aws:s3/bucketLogging:BucketLogging") if lg["name"] == "security-logs"]
    statements = {s.get("Sid"): s for s in _policy(staging, "security-logs")["Statement"]}
    s3 = statements["S3ServerAccessLogDelivery"]
    assert s3["Principal"] == {"Service": "logging.s3.amazonaws.com"} and s3["Action"] == "s3:PutObject"
    assert (
        s3["Resource"].startswith("arn:aws:s3:::security-logs-")
        and s3["Resource"].endswith("/s3/*")
        and s3["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCT}}
    )
    legacy, service = statements["AlbAccessLogDeliveryElbAccount"], statements["AlbAccessLogDeliveryService"]
    assert legacy["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert service["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    for st in (legacy, service):
        assert st["Action"] == "s3:PutObject" and st["Resource"].endswith(f"/alb/AWSLogs/{ACCT}/*")
    assert set(statements) == {
        "DenyInsecureTransport",
        "S3ServerAccessLogDelivery",
        "AlbAccessLogDeliveryElbAccount",
        "AlbAccessLogDeliveryService",
    }


def test_trail_bucket_admits_only_this_trail(staging):
    statements = {s.get("Sid"): s for s in _policy(staging, "security-trail")["Statement"]}
    assert set(statements) == {"DenyInsecureTransport", "CloudTrailAclCheck", "CloudTrailWrite"}
    acl, write = statements["CloudTrailAclCheck"], statements["CloudTrailWrite"]
    assert acl["Action"] == "s3:GetBucketAcl" and acl["Resource"].startswith("arn:aws:s3:::security-trail-")
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    assert write["Resource"].endswith(f"/AWSLogs/{ACCT}/*")
    assert write["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN
    sse = staging.inputs(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "security-trail"
    )["rules"][0]["applyServerSideEncryptionByDefault"]
    assert sse["sseAlgorithm"] == "aws:kms"
    sse_type = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    assert staging.sources(sse_type, "security-trail", "rules") == {f"{KEY}::security-storage-key"}
    logging = "aws:s3/bucketLogging:BucketLogging"
    assert staging.sources(logging, "security-trail", "targetBucket") == {f"{BUCKET}::security-logs"}


def test_audit_objects_are_archived_then_expire_at_audit_retention(staging):
    for name in ("security-logs", "security-trail"):
        rule = staging.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name)["rules"][0]
        assert rule["transitions"] == [
            {"days": 90, "storageClass": "GLACIER_IR"},
            {"days": 180, "storageClass": "GLACIER"},
        ]
        assert rule["expiration"] == {"days": 365}


@pytest.mark.parametrize(("stack", "protected"), [("production", True), ("staging", False)])
def test_stateful_resources_protected_in_production_only(stack, protected, request):
    r = request.getfixturevalue(stack)
    stateful = [*r.of_type(KEY), *r.of_type(BUCKET), r.one(LOG_GROUP, "security-trail")]
    assert len(stateful) == 7
    for res in stateful:
        assert res["protect"] is protected and res["retainOnDelete"] is protected, res["name"]
    assert r.one(TRAIL)["protect"] is False  # config, not data: the evidence lives in the bucket and log group


def test_production_names(production):
    assert production.inputs(TRAIL)["name"] == "budgetbuddy-trail"
    assert production.inputs(LOG_GROUP, "security-trail")["name"] == "/aws/cloudtrail/budgetbuddy-trail"


def test_detectors_are_off_by_default(staging):
    types = {r["type"] for r in staging.resources}
    assert not {t for t in types if "guardduty" in t or "securityhub" in t}


def test_guardduty_and_security_hub_switch_on_by_config():
    r, _ = _run("staging", enableGuardDuty=True, enableSecurityHub=True)
    d = r.inputs("aws:guardduty/detector:Detector")
    assert d["enable"] is True and d["tags"]["Team"] == "platform"
    assert r.inputs("aws:guardduty/detectorFeature:DetectorFeature")["name"] == "S3_DATA_EVENTS"
    hub = r.inputs("aws:securityhub/account:Account")
    assert hub["enableDefaultStandards"] is False
    standards = {
        s["inputs"]["standardsArn"] for s in r.of_type("aws:securityhub/standardsSubscription:StandardsSubscription")
    }
    assert standards == {
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:us-east-1::standards/pci-dss/v/4.0.1",
    }
    only_gd, _ = _run("staging", enableGuardDuty=True)
    assert only_gd.of_type("aws:guardduty/detector:Detector")
    assert not only_gd.of_type("aws:securityhub/account:Account")


def test_every_taggable_resource_is_tagged(staging):
    for res in staging.custom():
        if "tags" in res["inputs"]:
            assert {"Environment", "Service", "Team"} <= set(res["inputs"]["tags"]), res["name"]


def test_stack_outputs():
    _, holder = _run("staging")
    outputs = holder["security"].stack_outputs()
    assert set(outputs) == {"kmsKeyArns", "logBucketName", "trailBucketName", "trailArn", "trailLogGroupName"}
    assert set(outputs["kmsKeyArns"]) == {"logs", "data", "storage", "messaging"}


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_resources_pass_the_policy_pack(stack, request):
    report = evaluate(request.getfixturevalue(stack).resources, stack=stack)
    # Whole-stack rules whose other half lives in another component: the budget, and the CIS metric
    # filters on this trail's log group (observability creates them). Everything else must pass.
    whole_stack = {"aws-budgets-budget-require-cost-notifications", "aws-cloudwatch-logmetricfilter-require-cis-alarms"}
    failing = {v.rule for v in report.violations} - whole_stack
    assert failing == set()
    assert {(e.rule, e.resource_name, e.expired) for e in report.exemptions} == {
        ("aws-s3-bucketencryption-require-sse-kms", "security-logs", False)
    }


def test_args_reject_short_audit_retention():
    with pytest.raises(ValueError, match="budgetbuddy:auditLogRetentionDays=180: must be at least 365"):
        SecuritySettings(audit_log_retention_days=180)
    with pytest.raises(ValueError, match="archive_after_days"):
        SecuritySettings(archive_after_days=200, deep_archive_after_days=180)
    with pytest.raises(ConfigError, match="auditLogRetentionDays=180"):
        config_for("staging", auditLogRetentionDays=180)
    assert config_for("production", enableGuardDuty=True).enable_guardduty is True
