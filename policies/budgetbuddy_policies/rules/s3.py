"""S3: one rule per bucket sub-resource (pulumi-aws v7 splits them out) and
stack rules that every bucket has each of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from ..framework import known, of_type, references
from ..props import as_list, dig, json_input
from ..registry import REGISTRY
from .helpers import each

BUCKET = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PAB = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
SSE = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
VERSIONING = (
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
)
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
LOGGING = (
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketLoggingV2:BucketLoggingV2",
)
OWNERSHIP = ("aws:s3/bucketOwnershipControls:BucketOwnershipControls",)
LB = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
_PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
_S3_CONTROLS_PUBLIC = (
    "fsbp:S3.8",
    "pci-dss-4.0:1.4.1",
    "soc2:CC6.1",
    "hipaa:164.312(a)(1)",
)


def _everyone(principal: Any) -> bool:
    """Principal "*" or {"AWS": "*"}: a Deny for one principal leaves everyone else on plain HTTP."""
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))


def _covers_bucket_and_objects(resources: list[Any]) -> bool:
    names = [str(r) for r in resources]
    objects = any(r == "*" or r.endswith("/*") for r in names)
    bucket = any(r == "*" or not r.endswith("*") for r in names)
    return objects and bucket


def denies_insecure_transport(doc: Any) -> bool:
    for st in as_list(doc.get("Statement") if isinstance(doc, dict) else None):
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        cond = st.get("Condition") or {}
        value = (cond.get("Bool") or cond.get("BoolIfExists") or {}).get("aws:SecureTransport")
        actions = as_list(st.get("Action"))
        if (
            str(value).lower() == "false"
            and any(str(a).lower() in ("s3:*", "*") for a in actions)
            and _everyone(st.get("Principal"))
            and _covers_bucket_and_objects(as_list(st.get("Resource")))
        ):
            return True
    return False


# Resource rules -----------------------------------------------------------------


@REGISTRY.resource(
    name="aws-s3-bucketpublicaccessblock-require-all-blocked",
    resource_types=PAB,
    description="A bucket's public access block must enable all four settings.",
    severity=Severity.CRITICAL,
    remediation="Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    controls=_S3_CONTROLS_PUBLIC,
)
def pab_all(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    for key in (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ):
        if dig(args.props, key) is not True:
            yield f"{key} is not true."


@REGISTRY.resource(
    name="aws-s3-bucketpolicy-require-tls",
    resource_types=POLICY,
    description="Bucket policies must deny every request not made over TLS.",
    severity=Severity.HIGH,
    remediation='Add {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, '
    'bucket ARN/*], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.',
    controls=("fsbp:S3.5", "pci-dss-4.0:4.2.1", "soc2:CC6.7", "hipaa:164.312(e)(1)"),
)
def policy_tls(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not denies_insecure_transport(json_input(args.props, "policy")):
        yield (
            "no Deny statement for Principal '*' on s3:* over the bucket and its objects (ARN and ARN/*) "
            "with aws:SecureTransport=false."
        )


@REGISTRY.resource(
    name="aws-s3-bucketencryption-require-sse-kms",
    resource_types=SSE,
    description="Buckets must encrypt objects by default with SSE-KMS.",
    severity=Severity.HIGH,
    remediation="Set rules[0].applyServerSideEncryptionByDefault {sseAlgorithm: aws:kms, kmsMasterKeyId: "
    "<CMK ARN>} and bucketKeyEnabled: true.",
    controls=(
        "fsbp:S3.17",
        "pci-dss-4.0:3.5.1",
        "soc2:CC6.1",
        "hipaa:164.312(a)(2)(iv)",
    ),
)
def sse_kms(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    algorithms = [
        dig(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") for r in as_list(dig(args.props, "rules"))
    ]
    if not any(a in ("aws:kms", "aws:kms:dsse") for a in algorithms):
        yield f"default encryption is {algorithms or 'unset'}, not aws:kms."


@REGISTRY.resource(
    name="aws-s3-bucketversioning-require-enabled",
    resource_types=VERSIONING,
    description="Bucket versioning must be Enabled.",
    severity=Severity.MEDIUM,
    remediation="Set versioningConfiguration.status to Enabled.",
    controls=("fsbp:S3.14", "pci-dss-4.0:10.3.3", "soc2:A1.2", "hipaa:164.312(c)(1)"),
)
def versioning_enabled(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    status = dig(args.props, "versioningConfiguration", "status")
    if status != "Enabled":
        yield f"versioningConfiguration.status is {status}."


@REGISTRY.resource(
    name="aws-s3-bucketlifecycle-require-enabled-rule",
    resource_types=LIFECYCLE,
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="A lifecycle configuration must have at least one Enabled rule (runbook: S3 lifecycle policies).",
    severity=Severity.LOW,
    remediation="Add an Enabled rule that transitions to INTELLIGENT_TIERING/GLACIER and expires old "
    "versions and incomplete multipart uploads.",
    controls=("fsbp:S3.13", "cost:s3-lifecycle"),
)
def lifecycle_rule(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not any(r.get("status") == "Enabled" for r in as_list(dig(args.props, "rules"))):
        yield "no rule has status Enabled."


@REGISTRY.resource(
    name="aws-s3-bucket-disallow-public-acl",
    resource_types=(*BUCKET, "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"),
    description="Buckets must not grant public or any-authenticated-user ACLs.",
    severity=Severity.CRITICAL,
    remediation="Remove the acl (object ownership BucketOwnerEnforced disables ACLs altogether).",
    controls=("fsbp:S3.2", "pci-dss-4.0:1.4.1", "soc2:CC6.1", "hipaa:164.312(a)(1)"),
)
def public_acl(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    acl = dig(args.props, "acl")
    if acl in _PUBLIC_ACLS:
        yield f"acl is {acl}."


@REGISTRY.resource(
    name="aws-s3-bucketownershipcontrols-require-enforced",
    resource_types=OWNERSHIP,
    description="Object ownership must be BucketOwnerEnforced so ACLs cannot grant access.",
    severity=Severity.MEDIUM,
    remediation="Set rule.objectOwnership to BucketOwnerEnforced.",
    controls=("fsbp:S3.12", "soc2:CC6.1"),
)
def ownership(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    value = dig(args.props, "rule", "objectOwnership")
    if value != "BucketOwnerEnforced":
        yield f"rule.objectOwnership is {value}."


# Stack rules: every bucket has each companion resource ---------------------------


def _bucket_refs(res: PolicyResource, prop: str, bucket: PolicyResource) -> bool:
    return references(res, prop, bucket, known(bucket, "bucket"))


def _companion_rule(
    companions: tuple[str, ...], what: str
) -> Callable[[StackValidationArgs, Mapping[str, Any]], Iterator[tuple[str | None, str]]]:
    def check(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
        found = of_type(args.resources, *companions)

        def one(bucket: PolicyResource) -> Iterator[str]:
            if not any(_bucket_refs(c, "bucket", bucket) for c in found):
                yield f"bucket has no {what} ({companions[0]})."

        yield from each(of_type(args.resources, *BUCKET), one)

    return check


for _name, _types, _what, _desc, _sev, _controls, _kind in (
    (
        "aws-s3-bucket-require-public-access-block",
        PAB,
        "public access block",
        "Every bucket must have its own public access block.",
        Severity.CRITICAL,
        _S3_CONTROLS_PUBLIC,
        "compliance",
    ),
    (
        "aws-s3-bucket-require-sse-kms",
        SSE,
        "default encryption configuration",
        "Every bucket must have a default SSE-KMS configuration.",
        Severity.HIGH,
        ("fsbp:S3.17", "pci-dss-4.0:3.5.1", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)"),
        "compliance",
    ),
    (
        "aws-s3-bucket-require-versioning",
        VERSIONING,
        "versioning configuration",
        "Every bucket must have versioning configured.",
        Severity.MEDIUM,
        ("fsbp:S3.14", "pci-dss-4.0:10.3.3", "soc2:A1.2", "hipaa:164.312(c)(1)"),
        "compliance",
    ),
    (
        "aws-s3-bucket-require-tls-policy",
        POLICY,
        "bucket policy (TLS-only)",
        "Every bucket must have a bucket policy (which must deny non-TLS access).",
        Severity.HIGH,
        ("fsbp:S3.5", "pci-dss-4.0:4.2.1", "soc2:CC6.7", "hipaa:164.312(e)(1)"),
        "compliance",
    ),
    (
        "aws-s3-bucket-require-lifecycle",
        LIFECYCLE,
        "lifecycle configuration",
        "Every bucket must have a lifecycle configuration (runbook: S3 lifecycle policies).",
        Severity.LOW,
        ("fsbp:S3.13", "cost:s3-lifecycle"),
        "cost",
    ),
):
    REGISTRY.stack(
        name=_name,
        description=_desc,
        severity=_sev,
        remediation=f"Create the bucket with the shared secure-bucket helper, which adds its {_what}; or add an "
        f"{_types[0].split(':')[-1]} whose bucket input is this bucket.",
        controls=_controls,
        kind=_kind,
        enforcement=EnforcementLevel.MANDATORY if _kind == "compliance" else EnforcementLevel.ADVISORY,
    )(_companion_rule(_types, _what))


@REGISTRY.stack(
    name="aws-s3-bucket-require-access-logging",
    description="Every bucket except the access-log bucket itself must log server access.",
    severity=Severity.MEDIUM,
    remediation="Add an aws.s3.BucketLogging with bucket=<this bucket> and targetBucket=<the log bucket>.",
    controls=("fsbp:S3.9", "pci-dss-4.0:10.2.1", "soc2:CC7.2", "hipaa:164.312(b)"),
)
def access_logging(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    loggings = of_type(args.resources, *LOGGING)
    lbs = of_type(args.resources, *LB)

    def is_log_bucket(bucket: PolicyResource) -> bool:
        if any(_bucket_refs(lg, "targetBucket", bucket) for lg in loggings):
            return True
        return any(any(d.urn == bucket.urn for d in lb.property_dependencies.get("accessLogs", [])) for lb in lbs)

    def one(bucket: PolicyResource) -> Iterator[str]:
        if is_log_bucket(bucket):
            return
        if not any(_bucket_refs(lg, "bucket", bucket) for lg in loggings):
            yield "bucket has no BucketLogging and is not the access-log bucket."

    yield from each(of_type(args.resources, *BUCKET), one)
