"""The DataTables contract: what it takes from other components and what it gives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.outputs import stack_output


@dataclass(frozen=True)
class DataInputs:
    """kms_key_arn: the data CMK (tables, backup vault)."""

    kms_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class DataOutputs:
    """What DataTables gives the stack and the components after it (docs/outputs.md, "## Data")."""

    table_names: Mapping[str, pulumi.Output[str]] = field(
        metadata=stack_output("tableNames")
    )  # base name -> physical name
    table_arns: Sequence[pulumi.Output[str]] = field(metadata=stack_output("tableArns"))
    backup_vault_name: pulumi.Output[str] = field(metadata=stack_output("backupVaultName"))
    backup_plan_id: pulumi.Output[str] = field(metadata=stack_output("backupPlanId"))
    index_arns: Sequence[pulumi.Output[str]]  # <table-arn>/index/<name>: the task role's scope
    dr_backup_vault_arn: pulumi.Output[str] | None = field(
        default=None, metadata=stack_output("drBackupVaultArn", when="drRegion is set")
    )
