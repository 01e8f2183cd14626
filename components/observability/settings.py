"""Settings of the Alerting and Observability components (docs/config.md)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from components.compute.settings import ScalingSettings
from components.security.settings import DetectorSettings
from components.settings import EMAIL_RE, AppLogSettings, Settings, runbook


class AlertingSettings(Settings):
    """Who is told (runbook "Alert Channels")."""

    alert_email: str = Field(
        default="ops@budgetbuddy.com",
        alias="alertEmail",
        description="Email subscribed to every alert route (alarms, alerts, notices topics) and to the budget notices",
        json_schema_extra=runbook("Alert Channels: Email ops@budgetbuddy.com"),
    )
    pagerduty_endpoint: str | None = Field(
        default=None,
        alias="pagerDutyEndpoint",
        examples=["https://events.pagerduty.com/integration/offline-stand-in/enqueue"],
        description="PagerDuty HTTPS integration URL (secret, optional): subscribed to the paging topic (Critical alarms) only",
        json_schema_extra=runbook("Alert Channels: PagerDuty (optional)"),
    )

    @field_validator("alert_email")
    @classmethod
    def _email(cls, v: str) -> str:
        if not EMAIL_RE.match(v):
            raise ValueError("must be an email address such as ops@budgetbuddy.com")
        return v

    @field_validator("pagerduty_endpoint")
    @classmethod
    def _pagerduty(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https://[^\s/]+/\S*$", v):
            raise ValueError("must be an https:// URL (the PagerDuty CloudWatch integration endpoint)")
        return v


class LogArchiveSettings(Settings):
    log_archive_expiration_days: int = Field(
        default=365,
        ge=120,
        le=3650,
        alias="logArchiveExpirationDays",
        description="Days archived application logs stay in S3",
        json_schema_extra=runbook("Archive old CloudWatch logs to S3"),
    )


class CostSettings(Settings):
    monthly_budget_usd: float = Field(
        default=1000.0,
        gt=0,
        le=10_000_000,
        alias="monthlyBudgetUsd",
        description="Monthly cost budget (USD)",
        json_schema_extra=runbook("Budget Alerts: 80% and 100% thresholds"),
    )
    # Cost Explorer lists a tag key ~24 h after it first appears on a resource, and only the payer
    # account may activate it: false for the first `pulumi up` of a new account or in a linked account.
    activate_cost_allocation_tags: bool = Field(
        default=True,
        alias="activateCostAllocationTags",
        description="Activate the Environment/Service/Team cost allocation tags (false on a new account's first "
        "deploy: Cost Explorer lists a tag ~24 h after first use; payer account only)",
        json_schema_extra=runbook("Cost Allocation Tags: Environment, Service, Team"),
    )


class ObservabilitySettings(
    CostSettings, LogArchiveSettings, AlertingSettings, DetectorSettings, ScalingSettings, AppLogSettings
):
    """What to watch and spend: the alarms follow the scaling range, the CIS alarms the detectors
    that are on, the budget mails ``alertEmail``; log groups it creates keep ``logRetentionDays``."""
