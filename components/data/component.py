"""DataTables: the DynamoDB tables, their AWS Backup plan, and optional cross-region DR.

Runbook "Backup & Recovery" and "Disaster Recovery": PITR on every table (35-day window), daily
AWS Backup at 02:00 UTC kept 35 days, RTO 1 h / RPO 15 min with a DR region (global-table
replicas + backup copies to a vault in that region). Everything stateful uses ``stateful_opts``
(protect + retain_on_delete in production).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.data.contract import DataInputs, DataOutputs
from components.data.key_policy import dr_key_policy
from components.data.settings import DataSettings, TableDef
from components.iam import trust_policy
from components.outputs import exported

# AWS managed policies are the documented way to let AWS Backup back up and restore DynamoDB:
# they track every API the service needs (and new resource types) and are maintained by AWS.
BACKUP_MANAGED_POLICIES = (
    "AWSBackupServiceRolePolicyForBackup",
    "AWSBackupServiceRolePolicyForRestores",
)


class DataTables(Component):
    """DynamoDB tables from config, AWS Backup vault/plan/selection, and DR when ``dr_region`` is set.

    Attributes: ``tables`` (base name -> Table), ``table_names``, ``table_arns``, ``index_arns``
    (``<table-arn>/index/<name>``), ``stream_arns`` (base name -> stream ARN, tables with streams),
    ``vault``, ``plan``, ``selection``, ``backup_role``; with DR also ``dr_provider``, ``dr_key``,
    ``dr_vault`` (all None without DR).
    """

    def __init__(
        self,
        name: str,
        settings: DataSettings,
        inputs: DataInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:data:DataTables", name, ctx, opts)
        self.settings = settings
        self.kms_key_arn = inputs.kms_key_arn

        self.dr_provider: aws.Provider | None = None
        self.dr_key: aws.kms.Key | None = None
        self.dr_vault: aws.backup.Vault | None = None
        if settings.dr_region is not None:
            self._dr(settings.dr_region)

        self.tables: dict[str, aws.dynamodb.Table] = {t.name: self._table(t) for t in settings.tables}
        self.table_names: dict[str, pulumi.Output[str]] = {k: t.name for k, t in self.tables.items()}
        self.table_arns: list[pulumi.Output[str]] = [t.arn for t in self.tables.values()]
        self.index_arns: list[pulumi.Output[str]] = [
            pulumi.Output.concat(self.tables[t.name].arn, "/index/", ix.name)
            for t in settings.tables
            for ix in t.global_secondary_indexes
        ]
        self.stream_arns: dict[str, pulumi.Output[str]] = {
            t.name: self.tables[t.name].stream_arn for t in settings.tables if settings.stream_view_type(t)
        }
        self._backup()

        self.outputs = DataOutputs(
            table_names=self.table_names,
            table_arns=self.table_arns,
            backup_vault_name=self.vault.name,
            backup_plan_id=self.plan.id,
            index_arns=self.index_arns,
            dr_backup_vault_arn=self.dr_vault.arn if self.dr_vault is not None else None,
        )
        self.register_outputs(self.stack_outputs())

    # --- tables ---------------------------------------------------------------------------
    def _table(self, t: TableDef) -> aws.dynamodb.Table:
        stream = self.settings.stream_view_type(t)
        gsis = [
            aws.dynamodb.TableGlobalSecondaryIndexArgs(
                name=ix.name,
                # key_schemas replaces the deprecated hash_key/range_key of an index in v7.
                key_schemas=[
                    aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(attribute_name=ix.hash_key, key_type="HASH"),
                    *(
                        [
                            aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                                attribute_name=ix.range_key, key_type="RANGE"
                            )
                        ]
                        if ix.range_key
                        else []
                    ),
                ],
                projection_type=ix.projection,
            )
            for ix in t.global_secondary_indexes
        ]
        replicas = None
        if self.dr_key is not None and self.settings.dr_region is not None:
            replicas = [
                aws.dynamodb.TableReplicaArgs(
                    region_name=self.settings.dr_region,
                    kms_key_arn=self.dr_key.arn,
                    point_in_time_recovery=True,  # replicas get the default (maximum) 35-day window
                    propagate_tags=True,
                    # Like the table: protected in production, destroyable elsewhere.
                    deletion_protection_enabled=self.ctx.production,
                )
            ]
        # The runbook names the tables, so they carry a physical name. No delete_before_replace:
        # replacing a table would delete its data. In production deletion protection makes AWS refuse the
        # delete and protect/retain_on_delete make Pulumi refuse it, so a replacing change fails instead of
        # losing data.
        return aws.dynamodb.Table(
            self.child_name(t.name),
            name=self.naming.table(t.name),
            billing_mode="PAY_PER_REQUEST",
            hash_key=t.hash_key,
            range_key=t.range_key,
            attributes=[aws.dynamodb.TableAttributeArgs(name=a.name, type=a.type) for a in t.attributes],
            global_secondary_indexes=gsis or None,
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(
                enabled=True, recovery_period_in_days=self.settings.pitr_recovery_days
            ),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                enabled=True, kms_key_arn=self.kms_key_arn
            ),
            # Production: AWS refuses the delete. Other stacks are disposable (`pulumi destroy` alone,
            # docs/decisions.md "Destroy follows the environment").
            deletion_protection_enabled=self.ctx.production,
            ttl=aws.dynamodb.TableTtlArgs(attribute_name=t.ttl_attribute, enabled=True) if t.ttl_attribute else None,
            stream_enabled=bool(stream),
            stream_view_type=stream,
            replicas=replicas,
            tags=self.tags_with(Name=self.naming.table(t.name)),
            opts=self.stateful_opts(),
        )

    # --- AWS Backup -----------------------------------------------------------------------
    def _backup(self) -> None:
        settings, part = self.settings, self.ctx.partition
        self.vault = aws.backup.Vault(
            self.child_name("vault"),
            kms_key_arn=self.kms_key_arn,
            # Outside production the vault's recovery points go with it; production keeps them (protect).
            force_destroy=not self.ctx.production,
            tags=self.tags,
            opts=self.stateful_opts(),
        )
        copy_actions = None
        if self.dr_vault is not None:
            copy_actions = [
                aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=self.dr_vault.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=settings.backup_retention_days),
                )
            ]
        self.plan = aws.backup.Plan(
            self.child_name("plan"),
            rules=[
                aws.backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=self.vault.name,
                    schedule=settings.backup_schedule,  # AWS Backup evaluates cron in UTC by default
                    start_window=settings.backup_start_window_minutes,
                    completion_window=settings.backup_completion_window_minutes,
                    lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=settings.backup_retention_days),
                    recovery_point_tags=self.tags,
                    copy_actions=copy_actions,
                )
            ],
            tags=self.tags,
            opts=self.opts(),
        )
        self.backup_role = aws.iam.Role(
            self.child_name("backup-role"),
            description="AWS Backup service role for the BudgetBuddy DynamoDB backup plan",
            assume_role_policy=trust_policy("backup.amazonaws.com"),
            tags=self.tags,
            opts=self.opts(),
        )
        self.backup_policy_attachments = [
            aws.iam.RolePolicyAttachment(
                self.child_name(f"backup-role-{policy.removeprefix('AWSBackupServiceRolePolicyFor').lower()}"),
                role=self.backup_role.name,
                policy_arn=f"arn:{part}:iam::aws:policy/service-role/{policy}",
                opts=self.opts(),
            )
            for policy in BACKUP_MANAGED_POLICIES
        ]
        self.selection = aws.backup.Selection(
            self.child_name("selection"),
            plan_id=self.plan.id,
            iam_role_arn=self.backup_role.arn,
            resources=self.table_arns,  # every table, by exact ARN
            opts=self.opts(depends_on=self.backup_policy_attachments),
        )

    # --- DR region ------------------------------------------------------------------------
    def _dr(self, region: str) -> None:
        self.dr_provider = aws.Provider(self.child_name("dr"), region=region, opts=self.opts())
        in_dr = {"provider": self.dr_provider}
        self.dr_key = aws.kms.Key(
            self.child_name("dr-key"),
            description=f"BudgetBuddy DynamoDB replicas and DR backup vault ({region})",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=dr_key_policy(self.ctx.partition, self.ctx.account_id, region),
            tags=self.tags,
            opts=self.stateful_opts(**in_dr),
        )
        self.dr_vault = aws.backup.Vault(
            self.child_name("dr-vault"),
            kms_key_arn=self.dr_key.arn,
            force_destroy=not self.ctx.production,
            tags=self.tags,
            opts=self.stateful_opts(**in_dr),
        )

    # --- outputs --------------------------------------------------------------------------
    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Data")."""
        return exported(self.outputs)
