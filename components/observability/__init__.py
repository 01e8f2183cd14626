"""Observability and cost controls: alert channels, alarms, CIS security monitoring, dashboards,
log archive and budget (runbook "Monitoring & Alerting", "Cost Optimization")."""

from components.observability.alarms import AlarmSpec, Metric, Thresholds
from components.observability.alerting import Alerting, AlertingArgs
from components.observability.component import Observability, ObservabilityArgs, ObservabilityInputs
from components.observability.log_archive import LogArchive, LogArchiveArgs, LogArchiveInputs

__all__ = [
    "AlarmSpec",
    "Alerting",
    "AlertingArgs",
    "LogArchive",
    "LogArchiveArgs",
    "LogArchiveInputs",
    "Metric",
    "Observability",
    "ObservabilityArgs",
    "ObservabilityInputs",
    "Thresholds",
]
