"""CodePipeline (the deployment pipeline's artifact store)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import as_list, dig, is_set
from ..registry import REGISTRY


@REGISTRY.resource(
    name="aws-codepipeline-pipeline-require-cmk",
    resource_types=("aws:codepipeline/pipeline:Pipeline",),
    description="Pipeline artifact stores must encrypt artifacts (source archives, build outputs) with a "
    "customer-managed KMS key, not the AWS-managed aws/s3 key CodePipeline falls back to.",
    severity=Severity.MEDIUM,
    remediation="Set encryptionKey {type: KMS, id: <CMK arn>} on every artifactStores entry and let the pipeline "
    "and build roles use that key.",
    controls=("pci-dss-4.0:3.5.1", "soc2:CC6.1", "soc2:CC8.1"),
)
def artifact_cmk(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    stores = as_list(dig(args.props, "artifactStores"))
    if not stores:
        yield "artifactStores is empty."
    for store in stores:
        key = dig(store, "encryptionKey")
        if dig(key, "type") != "KMS" or not is_set(key, "id"):
            yield f"artifact store {dig(store, 'location')!r} has no customer-managed KMS encryptionKey."
