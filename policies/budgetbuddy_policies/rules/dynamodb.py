"""DynamoDB tables (runbook: on-demand, PITR, daily backups kept 35 days)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity, StackValidationArgs

from ..framework import known, of_type, references
from ..props import UnknownValueError, as_list, dig, is_set, number
from ..registry import REGISTRY
from .helpers import each

TABLE = ("aws:dynamodb/table:Table",)
SELECTION = "aws:backup/selection:Selection"


@REGISTRY.resource(
    name="aws-dynamodb-table-require-on-demand",
    resource_types=TABLE,
    description="Tables use on-demand capacity (runbook: DynamoDB on-demand, no throttling at peaks).",
    severity=Severity.MEDIUM,
    remediation="Set billingMode: PAY_PER_REQUEST and drop readCapacity/writeCapacity.",
    controls=("runbook:infrastructure-components", "fsbp:DynamoDB.1", "soc2:A1.1", "cost:dynamodb-on-demand"),
)
def on_demand(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    mode = dig(args.props, "billingMode")
    if mode != "PAY_PER_REQUEST":
        yield f"billingMode is {mode or 'unset (PROVISIONED)'}."


@REGISTRY.resource(
    name="aws-dynamodb-table-enable-pitr",
    resource_types=TABLE,
    description="Tables must have point-in-time recovery with the configured recovery window.",
    severity=Severity.HIGH,
    remediation="Set pointInTimeRecovery {enabled: true, recoveryPeriodInDays: 35}.",
    controls=(
        "runbook:dynamodb-backups",
        "fsbp:DynamoDB.2",
        "pci-dss-4.0:12.10.1",
        "soc2:A1.2",
        "hipaa:164.308(a)(7)(ii)(A)",
    ),
    config={
        "minRecoveryPeriodDays": {
            "type": "integer",
            "minimum": 1,
            "maximum": 35,
            "default": 35,
        }
    },
)
def pitr(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    spec = dig(args.props, "pointInTimeRecovery")
    if dig(spec, "enabled") is not True:
        yield "pointInTimeRecovery.enabled is not true."
        return
    # AWS defaults the window to 35 days when unset.
    days = number(dig(spec, "recoveryPeriodInDays")) or 35
    if days < cfg["minRecoveryPeriodDays"]:
        yield f"recoveryPeriodInDays {days:g} is below {cfg['minRecoveryPeriodDays']}."


@REGISTRY.resource(
    name="aws-dynamodb-table-enable-deletion-protection",
    resource_types=TABLE,
    description="Tables must have deletion protection where the environment requires it (production).",
    severity=Severity.HIGH,
    remediation="Set deletionProtectionEnabled: true (and protect/retainOnDelete in production); "
    "requireDeletionProtection in policies/config/<stack>.json says where it is required.",
    controls=("fsbp:DynamoDB.6", "soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)"),
    # A disposable stack must be destroyable by `pulumi destroy` alone (docs/decisions.md, "Destroy follows
    # the environment"), so non-production stacks turn the requirement off, as for load balancers.
    config={"requireDeletionProtection": {"type": "boolean", "default": True}},
)
def deletion_protection(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if cfg["requireDeletionProtection"] and dig(args.props, "deletionProtectionEnabled") is not True:
        yield "deletionProtectionEnabled is not true."


@REGISTRY.resource(
    name="aws-dynamodb-table-require-cmk-encryption",
    resource_types=TABLE,
    description="Tables must be encrypted with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Set serverSideEncryption {enabled: true, kmsKeyArn: <CMK ARN>}.",
    controls=("pci-dss-4.0:3.5.1", "soc2:CC6.1", "hipaa:164.312(a)(2)(iv)"),
)
def cmk(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    sse = dig(args.props, "serverSideEncryption")
    if dig(sse, "enabled") is not True:
        yield "serverSideEncryption.enabled is not true (AWS-owned key)."
    elif not is_set(sse, "kmsKeyArn"):
        # An unknown ARN is a key being created in this update: that is a CMK.
        yield "serverSideEncryption.kmsKeyArn is not set (AWS-managed key)."


@REGISTRY.stack(
    name="aws-dynamodb-table-require-backup-selection",
    description="Every table must be covered by an AWS Backup selection.",
    severity=Severity.HIGH,
    remediation="Add the table's ARN to the resources of an aws.backup.Selection on the daily plan.",
    controls=(
        "runbook:dynamodb-backups",
        "fsbp:DynamoDB.4",
        "pci-dss-4.0:12.10.1",
        "soc2:A1.2",
        "hipaa:164.308(a)(7)(ii)(A)",
    ),
)
def backup_selection(args: StackValidationArgs, cfg: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    selections = of_type(args.resources, SELECTION)

    def check(table: Any) -> Iterator[str]:
        name = known(table, "name")
        suffixes = ("table/*", f":table/{name}") if name else ("table/*",)
        for sel in selections:
            if references(sel, "resources", table):
                return
            if any(isinstance(r, str) and r.endswith(suffixes) for r in _known_list(sel)):
                return
        yield "no aws:backup/selection:Selection lists this table."

    yield from each(of_type(args.resources, *TABLE), check)


def _known_list(sel: Any) -> list[Any]:
    try:
        return as_list(dig(sel.props, "resources"))
    except UnknownValueError:
        return []
