import json

import pytest

from components.base import StackContext
from components.buckets import SecureBucket, SecureBucketArgs, Transition
from tests.harness import config_for, run_component

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def _bucket(args: SecureBucketArgs, stack: str = "staging"):
    def body(cfg, naming):
        SecureBucket("artifacts", args, StackContext(naming, "123456789012", cfg.region))

    return run_component(body, config_for(stack))


def test_every_rule_is_applied():
    args = SecureBucketArgs(
        kms_key_arn=KEY, access_log_bucket="logs", transitions=(Transition(30, "GLACIER"),), expiration_days=90
    )
    r = _bucket(args)
    pab = r.inputs("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(
        pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    assert r.inputs("aws:s3/bucketOwnershipControls:BucketOwnershipControls")["rule"] == {
        "objectOwnership": "BucketOwnerEnforced"
    }
    sse = r.inputs("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")["rules"][0]
    assert sse["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY}
    assert r.inputs("aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"]["status"] == "Enabled"
    rule = r.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"][0]
    assert rule["status"] == "Enabled" and rule["expiration"]["days"] == 90
    assert rule["transitions"] == [{"days": 30, "storageClass": "GLACIER"}]
    assert r.inputs("aws:s3/bucketLogging:BucketLogging")["targetBucket"] == "logs"
    policy = json.loads(r.inputs("aws:s3/bucketPolicy:BucketPolicy")["policy"])
    deny = policy["Statement"][0]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Principal"] == "*" and deny["Action"] == "s3:*"
    # Both the bucket and its objects: a deny on the bucket ARN alone leaves object requests open.
    bucket_arn, objects = deny["Resource"]
    assert bucket_arn.startswith("arn:aws:s3:::artifacts-") and objects == f"{bucket_arn}/*"


def test_log_bucket_does_not_log_to_itself_and_needs_a_reason_for_sse_s3():
    r = _bucket(SecureBucketArgs(is_log_bucket=True, sse_s3_reason="S3 server access logs require SSE-S3"))
    assert not r.of_type("aws:s3/bucketLogging:BucketLogging")
    with pytest.raises(ValueError, match="kms_key_arn"):
        SecureBucketArgs(access_log_bucket="logs")
    with pytest.raises(ValueError, match="access_log_bucket"):
        SecureBucketArgs(kms_key_arn=KEY)
    with pytest.raises(ValueError, match="expiration_days=30"):
        SecureBucketArgs(
            kms_key_arn=KEY, access_log_bucket="l", transitions=(Transition(30, "GLACIER"),), expiration_days=30
        )


@pytest.mark.parametrize(("stack", "protected"), [("production", True), ("staging", False)])
def test_bucket_is_protected_in_production_only(stack, protected):
    r = _bucket(SecureBucketArgs(kms_key_arn=KEY, access_log_bucket="logs"), stack)
    bucket = r.one("aws:s3/bucket:Bucket")
    assert bucket["protect"] is protected and bucket["retainOnDelete"] is protected
    assert bucket["inputs"]["tags"]["Environment"] == stack
