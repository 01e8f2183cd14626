"""Observability and cost controls: alert channels, alarms, CIS security monitoring, dashboards,
log archive and budget (runbook "Monitoring & Alerting", "Cost Optimization")."""

from components.observability.alarms import AlarmSpec, Metric, Thresholds
from components.observability.alerting import Alerting, AlertingInputs
from components.observability.component import Observability, ObservabilityInputs
from components.observability.log_archive import LogArchive, LogArchiveArgs, LogArchiveInputs
from components.observability.settings import AlertingSettings, ObservabilitySettings

__all__ = [
    "AlarmSpec",
    "Alerting",
    "AlertingInputs",
    "AlertingSettings",
    "LogArchive",
    "LogArchiveArgs",
    "LogArchiveInputs",
    "Metric",
    "Observability",
    "ObservabilityInputs",
    "ObservabilitySettings",
    "Thresholds",
]
