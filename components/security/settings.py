"""Settings of the Security component (docs/config.md)."""

from __future__ import annotations

from pydantic import Field, model_validator

from components.settings import AUDIT_MIN_RETENTION_DAYS, AuditLogSettings, Settings, runbook


class DetectorSettings(Settings):
    """GuardDuty and Security Hub are optional (runbook "Security Monitoring"): off by default."""

    enable_guardduty: bool = Field(
        default=False,
        alias="enableGuardDuty",
        description="Create a GuardDuty detector",
        json_schema_extra=runbook("GuardDuty: Threat detection (optional)"),
    )
    enable_security_hub: bool = Field(
        default=False,
        alias="enableSecurityHub",
        description="Enable Security Hub with standards",
        json_schema_extra=runbook("Security Hub: Centralized security findings (optional)"),
    )


class SecuritySettings(DetectorSettings, AuditLogSettings):
    """Keys, log bucket, trail and detectors; audit objects move to GLACIER_IR, then GLACIER."""

    archive_after_days: int = Field(default=90, description="S3 lifecycle of audit objects: to GLACIER_IR")
    deep_archive_after_days: int = Field(default=180, description="S3 lifecycle of audit objects: to GLACIER")

    @model_validator(mode="after")
    def _lifecycle(self) -> SecuritySettings:
        # A retention below the audit floor is reported as that (AuditLogSettings), not as this.
        audit = self.audit_log_retention_days
        if audit >= AUDIT_MIN_RETENTION_DAYS and not self.archive_after_days < self.deep_archive_after_days < audit:
            raise ValueError(
                "archive_after_days < deep_archive_after_days < audit_log_retention_days is required "
                f"(got {self.archive_after_days}, {self.deep_archive_after_days}, {self.audit_log_retention_days})"
            )
        return self
