"""Observability and cost controls: alert channels, alarms, CIS security monitoring, dashboards,
log archive and budget (runbook "Monitoring & Alerting", "Cost Optimization")."""

from typing import TYPE_CHECKING

from components.exports import lazy

if TYPE_CHECKING:  # at run time each name is imported on first use (components/exports.py)
    from components.observability.alarms import AlarmSpec, Metric, Thresholds
    from components.observability.alerting import Alerting
    from components.observability.component import Observability
    from components.observability.contract import (
        AlertingInputs,
        AlertingOutputs,
        ObservabilityInputs,
        ObservabilityOutputs,
    )
    from components.observability.log_archive import LogArchive, LogArchiveArgs, LogArchiveInputs
    from components.observability.settings import AlertingSettings, ObservabilitySettings

__all__ = [
    "AlarmSpec",
    "Alerting",
    "AlertingInputs",
    "AlertingOutputs",
    "AlertingSettings",
    "LogArchive",
    "LogArchiveArgs",
    "LogArchiveInputs",
    "Metric",
    "Observability",
    "ObservabilityInputs",
    "ObservabilityOutputs",
    "ObservabilitySettings",
    "Thresholds",
]
__getattr__, __dir__ = lazy(
    __name__,
    alarms=["AlarmSpec", "Metric", "Thresholds"],
    alerting=["Alerting"],
    component=["Observability"],
    contract=["AlertingInputs", "AlertingOutputs", "ObservabilityInputs", "ObservabilityOutputs"],
    log_archive=["LogArchive", "LogArchiveArgs", "LogArchiveInputs"],
    settings=["AlertingSettings", "ObservabilitySettings"],
)
