"""Key policies: key administration for the account, cryptographic use only by the services that need each key."""

import pytest

from components.kms import (
    KEY_ADMIN_ACTIONS,
    PURPOSES,
    SNS_PUBLISHERS,
    KeyPolicyContext,
    key_policy,
    principals,
)

ACCT = "123456789012"
TRAIL = f"arn:aws:cloudtrail:us-east-1:{ACCT}:trail/budgetbuddy-trail"
C = KeyPolicyContext(ACCT, "us-east-1", trail_arn=TRAIL)
ROOT = f"AWS:arn:aws:iam::{ACCT}:root"
CRYPTO = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Encrypt*", "kms:Decrypt*"}


def _by_sid(purpose):
    return {s["Sid"]: s for s in key_policy(purpose, C)["Statement"]}


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        ("logs", {ROOT, "Service:logs.us-east-1.amazonaws.com"}),
        ("data", {ROOT, "Service:dynamodb.amazonaws.com"}),
        ("storage", {ROOT, "Service:cloudtrail.amazonaws.com"}),
        ("messaging", {ROOT, *(f"Service:{s}" for s in SNS_PUBLISHERS)}),
    ],
)
def test_each_key_names_exactly_its_principals(purpose, expected):
    assert principals(key_policy(purpose, C)) == expected


@pytest.mark.parametrize("purpose", PURPOSES)
def test_root_administers_but_never_uses_the_key_directly(purpose):
    statements = key_policy(purpose, C)["Statement"]
    admin = statements[0]
    assert admin["Sid"] == "KeyAdministration" and admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCT}:root"}
    assert tuple(admin["Action"]) == KEY_ADMIN_ACTIONS and "Condition" not in admin
    assert "kms:PutKeyPolicy" not in admin["Action"] and "kms:Put*" in admin["Action"]  # never locked out
    assert not CRYPTO & set(admin["Action"])
    for st in statements:
        assert st["Effect"] == "Allow"
        assert "kms:*" not in st["Action"]
        # Every statement that allows cryptographic use carries a condition.
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if CRYPTO & set(actions):
            assert st.get("Condition"), st["Sid"]


def test_account_principals_use_keys_only_through_their_services():
    expected = {
        "data": {"dynamodb", "backup"},
        "storage": {"s3", "ecr"},
        "messaging": {"sns"},
        "logs": {"logs"},  # CloudWatch Logs calls KMS on the caller's behalf (kms:ViaService, Logs guide)
    }
    for purpose, services in expected.items():
        via = {
            st["Condition"]["StringEquals"]["kms:ViaService"]
            for st in key_policy(purpose, C)["Statement"]
            if st["Principal"].get("AWS") and "Condition" in st
        }
        assert via == {f"{s}.us-east-1.amazonaws.com" for s in services}, purpose
        for st in key_policy(purpose, C)["Statement"]:
            if st["Principal"].get("AWS") and "Condition" in st:
                assert st["Condition"]["StringEquals"]["kms:CallerAccount"] == ACCT


def test_logs_key_is_bound_to_this_accounts_log_groups():
    st = _by_sid("logs")["CloudWatchLogsEncryptLogGroups"]
    assert st["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{ACCT}:log-group:*"}
    }


def test_cloudtrail_encrypts_only_for_this_trail():
    s = _by_sid("storage")
    enc = s["CloudTrailEncryptLogFiles"]
    assert enc["Action"] == "kms:GenerateDataKey*"
    assert enc["Condition"]["StringEquals"] == {"aws:SourceArn": TRAIL}
    assert enc["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCT}:trail/*"
    }
    assert s["CloudTrailDescribeKey"]["Action"] == "kms:DescribeKey"
    assert s["CloudTrailDescribeKey"]["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL}}


def test_dynamodb_and_ecr_may_create_grants_s3_may_not():
    data, storage = _by_sid("data"), _by_sid("storage")
    assert "kms:CreateGrant" in data["DynamoDBUseForAccountPrincipals"]["Action"]
    assert "kms:CreateGrant" in data["BackupUseForAccountPrincipals"]["Action"]
    assert "kms:CreateGrant" in storage["ECRUseForAccountPrincipals"]["Action"]
    assert "kms:CreateGrant" not in storage["S3UseForAccountPrincipals"]["Action"]
    assert data["DynamoDBDescribeKey"]["Action"] == ["kms:Describe*", "kms:Get*", "kms:List*"]


def test_sns_publishers_use_the_messaging_key_only_for_this_accounts_topics():
    # The topic ARN in the encryption context binds the key to this account's topics; aws:SourceAccount is left
    # to the topic policy (docs/decisions.md, "Review of the rollout issue's findings").
    st = _by_sid("messaging")["AwsServicesPublishToEncryptedTopics"]
    assert set(st["Principal"]["Service"]) == set(SNS_PUBLISHERS)
    assert st["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]
    assert st["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:sns:topicArn": f"arn:aws:sns:us-east-1:{ACCT}:*"},
    }


def test_cloudtrail_may_use_the_trail_buckets_s3_bucket_key():
    # The trail bucket has an S3 Bucket Key: S3 asks KMS with the bucket ARN as context, so CloudTrail
    # needs GenerateDataKey without its own context condition (CloudTrail guide), still bound to the trail.
    st = _by_sid("storage")["CloudTrailEncryptViaS3BucketKey"]
    assert st["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert st["Action"] == "kms:GenerateDataKey*"
    assert st["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL, "kms:ViaService": "s3.us-east-1.amazonaws.com"}}


def test_storage_policy_requires_the_trail_arn_and_partition_is_respected():
    with pytest.raises(ValueError, match="trail ARN"):
        key_policy("storage", KeyPolicyContext(ACCT, "us-east-1"))
    gov = KeyPolicyContext(ACCT, "us-gov-west-1", partition="aws-us-gov", trail_arn=TRAIL)
    assert principals(key_policy("logs", gov)) == {
        f"AWS:arn:aws-us-gov:iam::{ACCT}:root",
        "Service:logs.us-gov-west-1.amazonaws.com",
    }
