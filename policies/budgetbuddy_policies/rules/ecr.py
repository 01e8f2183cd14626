"""ECR repositories."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from ..framework import known, of_type, references
from ..props import as_list, dig, is_set
from ..registry import REGISTRY
from .helpers import each

REPO = ("aws:ecr/repository:Repository",)


@REGISTRY.resource(
    name="aws-ecr-repository-enable-scan-on-push",
    resource_types=REPO,
    description="Images must be scanned for vulnerabilities on push.",
    severity=Severity.MEDIUM,
    remediation="Set imageScanningConfiguration.scanOnPush: true.",
    controls=(
        "fsbp:ECR.1",
        "pci-dss-4.0:6.3.3",
        "soc2:CC7.1",
        "hipaa:164.308(a)(5)(ii)(B)",
    ),
)
def scan_on_push(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if dig(args.props, "imageScanningConfiguration", "scanOnPush") is not True:
        yield "imageScanningConfiguration.scanOnPush is not true."


@REGISTRY.resource(
    name="aws-ecr-repository-require-immutable-tags",
    resource_types=REPO,
    description="Image tags must be immutable so a deployed tag always means the same image.",
    severity=Severity.MEDIUM,
    remediation="Set imageTagMutability: IMMUTABLE.",
    controls=("fsbp:ECR.2", "pci-dss-4.0:6.5.1", "soc2:CC8.1"),
)
def immutable(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    value = dig(args.props, "imageTagMutability")
    if value not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"):
        yield f"imageTagMutability is {value or 'unset (MUTABLE)'}."


@REGISTRY.resource(
    name="aws-ecr-repository-require-kms",
    resource_types=REPO,
    description="Repositories must encrypt images with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set encryptionConfigurations [{encryptionType: KMS, kmsKey: <CMK ARN>}]; without kmsKey ECR uses "
    "the AWS-managed aws/ecr key.",
    controls=("fsbp:ECR.5", "pci-dss-4.0:3.5.1", "soc2:CC6.1"),
)
def repo_kms(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    configs = as_list(dig(args.props, "encryptionConfigurations"))
    types = [e.get("encryptionType") for e in configs]
    if "KMS" not in types and "KMS_DSSE" not in types:
        yield f"encryptionConfigurations encryptionType is {types or 'unset (AES256)'}."
    elif not any(is_set(e, "kmsKey") for e in configs):
        yield "encryptionConfigurations sets no kmsKey: the AWS-managed aws/ecr key is not a customer-managed key."


@REGISTRY.stack(
    name="aws-ecr-repository-require-lifecycle-policy",
    kind="cost",
    enforcement=EnforcementLevel.ADVISORY,
    description="Every repository must have a lifecycle policy that expires old images.",
    severity=Severity.LOW,
    remediation="Add an aws.ecr.LifecyclePolicy expiring untagged images and keeping the last N tagged ones.",
    controls=("fsbp:ECR.3", "cost:ecr-lifecycle"),
)
def lifecycle(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    policies = of_type(args.resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy")

    def one(repo: Any) -> Iterator[str]:
        if not any(references(p, "repository", repo, known(repo, "name")) for p in policies):
            yield "no aws:ecr/lifecyclePolicy:LifecyclePolicy for this repository."

    yield from each(of_type(args.resources, *REPO), one)
