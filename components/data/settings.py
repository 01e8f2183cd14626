"""Settings of the DataTables component: the tables, AWS Backup and the DR region (docs/config.md)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from components.config.problems import Problem
from components.settings import AwsRegion, Settings, runbook

# Global tables (version 2019.11.21) replicate through the table's stream, which must carry both images.
GLOBAL_TABLE_STREAM = "NEW_AND_OLD_IMAGES"
TABLE_MODEL = Settings.model_config


class AttributeDef(BaseModel):
    """A DynamoDB key or index attribute."""

    model_config = TABLE_MODEL
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,255}$")
    type: Literal["S", "N", "B"] = "S"


class IndexDef(BaseModel):
    model_config = TABLE_MODEL
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,255}$")
    hash_key: str = Field(alias="hashKey")
    range_key: str | None = Field(default=None, alias="rangeKey")
    projection: Literal["ALL", "KEYS_ONLY"] = "ALL"


class TableDef(BaseModel):
    """One DynamoDB table. ``name`` is the runbook's base name (``Users`` -> ``BudgetBuddy-Users``)."""

    model_config = TABLE_MODEL
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]{1,40}$")
    hash_key: str = Field(alias="hashKey")
    range_key: str | None = Field(default=None, alias="rangeKey")
    attributes: tuple[AttributeDef, ...]
    global_secondary_indexes: tuple[IndexDef, ...] = Field(default=(), alias="globalSecondaryIndexes")
    ttl_attribute: str | None = Field(default=None, alias="ttlAttribute")
    stream_view_type: Literal["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"] | None = Field(
        default=None, alias="streamViewType"
    )

    @model_validator(mode="after")
    def _keys_declared(self) -> TableDef:
        declared = {a.name for a in self.attributes}
        used = {self.hash_key, *([self.range_key] if self.range_key else [])}
        for ix in self.global_secondary_indexes:
            used |= {ix.hash_key, *([ix.range_key] if ix.range_key else [])}
        if missing := sorted(used - declared):
            raise ValueError(f"table {self.name}: key attributes {missing} are not in 'attributes'")
        if unused := sorted(declared - used):
            # DynamoDB rejects attribute definitions that no key or index uses.
            raise ValueError(f"table {self.name}: attributes {unused} are not used by a key or index")
        return self


# Keys and indexes a budgeting backend needs; documented in docs/data-model.md.
DEFAULT_TABLES: tuple[dict[str, Any], ...] = (
    {
        "name": "Users",
        "hashKey": "userId",
        "attributes": [{"name": "userId"}, {"name": "email"}],
        "globalSecondaryIndexes": [{"name": "EmailIndex", "hashKey": "email", "projection": "KEYS_ONLY"}],
    },
    {
        "name": "Transactions",
        "hashKey": "userId",
        "rangeKey": "transactionId",
        "attributes": [
            {"name": "userId"},
            {"name": "transactionId"},
            {"name": "bookedAt"},
            {"name": "categoryMonth"},
        ],
        "globalSecondaryIndexes": [
            {"name": "UserDateIndex", "hashKey": "userId", "rangeKey": "bookedAt"},
            {"name": "CategoryMonthIndex", "hashKey": "categoryMonth", "rangeKey": "bookedAt"},
        ],
        "ttlAttribute": "expiresAt",
        "streamViewType": "NEW_AND_OLD_IMAGES",
    },
)


DEFAULT_TABLE_DEFS: tuple[TableDef, ...] = tuple(TableDef(**t) for t in DEFAULT_TABLES)


class DataSettings(Settings):
    """The tables, their backups and their second region."""

    backup_schedule: str = Field(
        default="cron(0 2 * * ? *)",
        alias="backupSchedule",
        description="AWS Backup rule schedule (cron, UTC)",
        json_schema_extra=runbook("On-Demand Backups: Daily at 2 AM UTC"),
    )
    backup_retention_days: int = Field(
        default=35,
        ge=35,
        le=36500,
        alias="backupRetentionDays",
        description="Days each backup is kept (>= 35)",
        json_schema_extra=runbook("Retention: 35 days"),
    )
    dr_region: AwsRegion | None = Field(
        default=None,
        alias="drRegion",
        examples=["us-west-2"],
        description="Secondary region for global-table replicas and backup copies (optional)",
        json_schema_extra=runbook("DR: Failover to secondary region (if configured); RTO 1 h, RPO 15 min"),
    )
    tables: tuple[TableDef, ...] = Field(
        default=DEFAULT_TABLE_DEFS,
        alias="tables",
        description="DynamoDB tables (JSON list); defaults documented in docs/data-model.md",
        json_schema_extra=runbook("DynamoDB: Primary data store"),
    )
    # Not stack keys: AWS limits the platform sets once.
    pitr_recovery_days: int = Field(default=35, ge=1, le=35, description="The DynamoDB PITR window (1-35)")
    backup_start_window_minutes: int = Field(default=60, ge=60, description="How long a job may wait to start")
    backup_completion_window_minutes: int = Field(
        default=180, description="How long a job may run (at least the start window + 60)"
    )

    @field_validator("backup_schedule")
    @classmethod
    def _cron(cls, v: str) -> str:
        if not re.match(r"^cron\((\S+ ){5}\S+\)$", v):
            raise ValueError("must be an AWS cron expression with six fields, such as cron(0 2 * * ? *)")
        return v

    @model_validator(mode="after")
    def _windows(self) -> DataSettings:
        if self.backup_completion_window_minutes < self.backup_start_window_minutes + 60:
            raise ValueError(
                f"backup_completion_window_minutes={self.backup_completion_window_minutes}: must be at least "
                f"backup_start_window_minutes + 60 ({self.backup_start_window_minutes + 60})"
            )
        return self

    def problems(self) -> list[Problem]:
        return [*super().problems(), *self.table_problems(), *self.replica_problems()]

    def table_problems(self) -> list[Problem]:
        names = [t.name for t in self.tables]
        if not names or len(set(names)) != len(names):
            return [Problem(("tables",), names, "must be a non-empty list of tables with distinct names")]
        return []

    def replica_problems(self) -> list[Problem]:
        """Global-table replicas (the DR region) replicate through a NEW_AND_OLD_IMAGES stream."""
        if self.dr_region is None:
            return []
        return [
            Problem(
                ("tables", "drRegion"),
                f"{t.name}.streamViewType={t.stream_view_type}",
                "must be NEW_AND_OLD_IMAGES (or unset) when drRegion is set: global tables need both images",
            )
            for t in self.tables
            if t.stream_view_type not in (None, GLOBAL_TABLE_STREAM)
        ]

    def stream_view_type(self, table: TableDef) -> str | None:
        """The table's stream: as configured, forced to NEW_AND_OLD_IMAGES for a global table."""
        if self.dr_region is not None:
            return GLOBAL_TABLE_STREAM
        return table.stream_view_type
