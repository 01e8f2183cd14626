"""Amazon Data Firehose delivery streams (the log archive)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import dig, is_set
from ..registry import REGISTRY


@REGISTRY.resource(
    name="aws-firehose-deliverystream-require-cmk-encryption",
    resource_types=("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",),
    description="Firehose streams must encrypt buffered records at rest with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Set serverSideEncryption {enabled: true, keyType: CUSTOMER_MANAGED_CMK, keyArn: <CMK arn>} and "
    "let firehose.amazonaws.com use the key. A stream fed by Kinesis Data Streams or MSK is encrypted by its "
    "source instead (AWS refuses serverSideEncryption there).",
    controls=("fsbp:DataFirehose.1", "pci-dss-4.0:3.5.1", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)"),
)
def stream_cmk(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    props = args.props
    if dig(props, "kinesisSourceConfiguration") or dig(props, "mskSourceConfiguration"):
        return
    sse = dig(props, "serverSideEncryption")
    if dig(sse, "enabled") is not True:
        yield "serverSideEncryption.enabled is not true: records are buffered unencrypted."
    elif dig(sse, "keyType") != "CUSTOMER_MANAGED_CMK" or not is_set(sse, "keyArn"):
        yield f"serverSideEncryption uses {dig(sse, 'keyType') or 'AWS_OWNED_CMK'}, not a customer-managed key."
