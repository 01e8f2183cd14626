"""KMS customer-managed keys."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import dig, json_input, number
from ..registry import REGISTRY
from .policydocs import public_statements

KEY = ("aws:kms/key:Key",)


@REGISTRY.resource(
    name="aws-kms-key-enable-rotation",
    resource_types=KEY,
    description="Symmetric customer-managed keys must rotate automatically.",
    severity=Severity.MEDIUM,
    remediation="Set enableKeyRotation: true (rotationPeriodInDays 365 or less).",
    controls=(
        "fsbp:KMS.4",
        "pci-dss-4.0:3.7.4",
        "soc2:CC6.1",
        "hipaa:164.312(a)(2)(iv)",
    ),
)
def rotation(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    spec = dig(args.props, "customerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    usage = dig(args.props, "keyUsage") or "ENCRYPT_DECRYPT"
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
        return  # AWS rotates only symmetric encryption keys
    if dig(args.props, "enableKeyRotation") is not True:
        yield "enableKeyRotation is not true."
    period = number(dig(args.props, "rotationPeriodInDays"))
    if period is not None and period > 365:
        yield f"rotationPeriodInDays {period:g} is longer than a year."


@REGISTRY.resource(
    name="aws-kms-key-configure-deletion-window",
    resource_types=KEY,
    description="Keys must keep the maximum 30-day deletion window so an accidental deletion can be cancelled.",
    severity=Severity.MEDIUM,
    remediation="Set deletionWindowInDays: 30.",
    controls=("pci-dss-4.0:3.6.1", "soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)"),
)
def deletion_window(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    days = number(dig(args.props, "deletionWindowInDays"))
    if days is not None and days < 30:
        yield f"deletionWindowInDays is {days:g}."


@REGISTRY.resource(
    name="aws-kms-key-disallow-public-policy",
    resource_types=(*KEY, "aws:kms/keyPolicy:KeyPolicy"),
    description='Key policies must not let everyone use or manage the key: a Principal "*" statement needs a '
    "condition naming the caller's account, organization or source.",
    severity=Severity.CRITICAL,
    remediation='Grant the account root and service principals explicitly; scope any Principal "*" statement '
    "with kms:CallerAccount or aws:SourceAccount.",
    controls=("fsbp:KMS.5", "pci-dss-4.0:3.6.1", "soc2:CC6.1", "hipaa:164.312(a)(1)"),
)
def key_policy_public(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    # An unset key policy is AWS's default: only the owning account.
    for sid in public_statements(json_input(args.props, "policy")):
        yield f"key policy statement {sid} allows everyone without a restricting condition."
