"""AWS Backup plans and vaults (runbook: daily at 02:00 UTC, kept 35 days)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import as_list, dig, is_set, number
from ..registry import REGISTRY


@REGISTRY.resource(
    name="aws-backup-plan-configure-retention",
    resource_types=("aws:backup/plan:Plan",),
    description="Every backup rule must keep recovery points at least the configured number of days.",
    severity=Severity.HIGH,
    remediation="Set each rule's lifecycle.deleteAfter to at least minRetentionDays (runbook: 35).",
    controls=("runbook:dynamodb-backups", "pci-dss-4.0:12.10.1", "soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)"),
    config={"minRetentionDays": {"type": "integer", "minimum": 1, "default": 35}},
)
def retention(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    rules = as_list(dig(args.props, "rules"))
    if not rules:
        yield "the plan has no rules."
    for rule in rules:
        days = number(dig(rule, "lifecycle", "deleteAfter"))
        name = rule.get("ruleName", "?")
        if days is not None and days < cfg["minRetentionDays"]:
            yield f"rule {name!r} deletes after {days:g} days (< {cfg['minRetentionDays']})."
        elif days is None:
            # No deleteAfter keeps points forever: compliant, but costs grow unbounded.
            continue


@REGISTRY.resource(
    name="aws-backup-vault-require-cmk",
    resource_types=("aws:backup/vault:Vault",),
    description="Backup vaults must encrypt recovery points with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Set kmsKeyArn to the stack's CMK.",
    controls=(
        "fsbp:Backup.1",
        "pci-dss-4.0:3.5.1",
        "soc2:CC6.1",
        "hipaa:164.312(a)(2)(iv)",
    ),
)
def vault_cmk(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not is_set(args.props, "kmsKeyArn"):
        yield "kmsKeyArn is not set (AWS-managed key)."
