"""Typed, validated settings of the DataTables component."""

from __future__ import annotations

from dataclasses import dataclass

from components.config import DEFAULT_TABLES, StackConfig, TableDef

# Global tables (version 2019.11.21) replicate through the table's stream, which must carry both images.
GLOBAL_TABLE_STREAM = "NEW_AND_OLD_IMAGES"


@dataclass(frozen=True)
class DataArgs:
    """Settings of the data layer. Defaults are the runbook's values.

    tables: the tables to create (default: Users and Transactions, docs/data-model.md).
    backup_schedule: AWS Backup cron in UTC (runbook: daily at 2 AM UTC).
    backup_retention_days: days a recovery point is kept, locally and in the DR copy (runbook: 35).
    dr_region: a second region for global-table replicas and backup copies; None = no DR resources.
    pitr_recovery_days: the point-in-time-recovery window (1-35; 35 is the maximum AWS allows).
    backup_start_window_minutes: how long a job may wait to start (AWS minimum 60).
    backup_completion_window_minutes: how long a job may run (at least start window + 60).
    """

    tables: tuple[TableDef, ...] = tuple(TableDef(**t) for t in DEFAULT_TABLES)
    backup_schedule: str = "cron(0 2 * * ? *)"
    backup_retention_days: int = 35
    dr_region: str | None = None
    pitr_recovery_days: int = 35
    backup_start_window_minutes: int = 60
    backup_completion_window_minutes: int = 180

    def __post_init__(self) -> None:
        problems: list[str] = []
        names = [t.name for t in self.tables]
        if not names or len(set(names)) != len(names):
            problems.append(f"tables={names}: must be a non-empty list of tables with distinct names")
        if not 1 <= self.pitr_recovery_days <= 35:
            problems.append(f"pitr_recovery_days={self.pitr_recovery_days}: must be 1-35 (DynamoDB PITR window)")
        if self.backup_retention_days < 1:
            problems.append(f"backup_retention_days={self.backup_retention_days}: must be at least 1")
        if self.backup_start_window_minutes < 60:
            problems.append(f"backup_start_window_minutes={self.backup_start_window_minutes}: must be at least 60")
        if self.backup_completion_window_minutes < self.backup_start_window_minutes + 60:
            problems.append(
                f"backup_completion_window_minutes={self.backup_completion_window_minutes}: must be at least "
                f"backup_start_window_minutes + 60 ({self.backup_start_window_minutes + 60})"
            )
        if self.dr_region is not None:
            for t in self.tables:
                if t.stream_view_type not in (None, GLOBAL_TABLE_STREAM):
                    problems.append(
                        f"tables[{t.name}].streamViewType={t.stream_view_type}: must be {GLOBAL_TABLE_STREAM} "
                        "(or unset) when dr_region is set: global-table replication needs both images"
                    )
        if problems:
            raise ValueError("invalid DataArgs:\n" + "\n".join(f"  - {p}" for p in problems))

    @classmethod
    def from_config(cls, cfg: StackConfig) -> DataArgs:
        return cls(
            tables=cfg.tables,
            backup_schedule=cfg.backup_schedule,
            backup_retention_days=cfg.backup_retention_days,
            dr_region=cfg.dr_region,
        )

    def stream_view_type(self, table: TableDef) -> str | None:
        """The table's stream: as configured, forced to NEW_AND_OLD_IMAGES for a global table."""
        if self.dr_region is not None:
            return GLOBAL_TABLE_STREAM
        return table.stream_view_type
