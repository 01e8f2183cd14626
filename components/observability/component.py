"""The Observability component: alarms, CIS security monitoring, dashboards, log archive, budget.

Consumes the outputs of Security, Data, Compute and Alerting through ``ObservabilityInputs``
(plain names/ARNs or Outputs), so it can be built and tested alone with literal strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, StackContext
from components.observability.alarms import Thresholds, application_alarms, create_alarm
from components.observability.budget import activate_cost_allocation_tags, create_budget
from components.observability.contract import ObservabilityInputs, ObservabilityOutputs
from components.observability.dashboards import (
    Dashboard,
    DashboardRefs,
    application_dashboard,
    compliance_dashboard,
    cost_dashboard,
)
from components.observability.log_archive import LogArchive, LogArchiveArgs, LogArchiveInputs
from components.observability.security_alarms import (
    CIS_CHECKS,
    TRAIL_DELIVERY_KEY,
    create_cis_monitoring,
    trail_delivery_alarm,
)
from components.observability.settings import ObservabilitySettings
from components.outputs import exported

# Runbook "Key Metrics" thresholds (components/observability/alarms.py).
THRESHOLDS = Thresholds()
ERROR_PATTERN = "ERROR"  # runbook: aws logs tail /aws/ecs/budgetbuddy-cluster --filter-pattern "ERROR"


class Observability(Component):
    """``alarms`` (key -> MetricAlarm), ``dashboards`` (application/compliance/cost -> Dashboard),
    ``budget``, ``archive_bucket`` (SecureBucket), ``metric_filters``, ``event_rules``."""

    def __init__(
        self,
        name: str,
        settings: ObservabilitySettings,
        inputs: ObservabilityInputs,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("budgetbuddy:observability:Observability", name, ctx, opts)
        routes = inputs.routes
        # Events are findings and failures someone must look at today, not pages (docs/alerts.md).
        topic = routes.alert

        # Application ErrorCount from ERROR lines (runbook "High Error Rate" queries exactly this).
        self.error_filter = aws.cloudwatch.LogMetricFilter(
            self.child_name("app-errors"),
            log_group_name=inputs.app_log_group_name,
            pattern=ERROR_PATTERN,
            metric_transformation={
                "name": "ErrorCount",
                "namespace": self.naming.error_namespace,
                "value": "1",
                "default_value": "0",  # a zero while logs flow, so the graph and alarm see quiet periods
            },
            opts=self.opts(),
        )
        specs = application_alarms(
            thresholds=THRESHOLDS,
            cluster_name=inputs.cluster_name,
            service_name=inputs.service_name,
            alb_arn_suffix=inputs.alb_arn_suffix,
            table_names=inputs.table_names,
            backup_vault_name=inputs.backup_vault_name,
            error_namespace=self.naming.error_namespace,
            web_acl_name=inputs.web_acl_name,
            region=ctx.region,
        )
        specs.append(trail_delivery_alarm(inputs.trail_log_group_name))
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {s.key: create_alarm(self, s, routes) for s in specs}

        # CIS AWS Foundations monitoring on the CloudTrail log group.
        self.cis_filters, cis_alarms = create_cis_monitoring(
            self, inputs.trail_log_group_name, routes, self.naming.cis_namespace
        )
        self.alarms.update(cis_alarms)

        # Events to the topic: failed backup jobs; threat findings when the detectors are on.
        self.event_rules: dict[str, aws.cloudwatch.EventRule] = {}
        self._event_rule(
            "backup-job-failed",
            "AWS Backup job failed, aborted or expired for this stack's vault.",
            pulumi.Output.from_input(inputs.backup_vault_name).apply(
                lambda vault: {
                    "source": ["aws.backup"],
                    "detail-type": ["Backup Job State Change"],
                    "detail": {"state": ["FAILED", "ABORTED", "EXPIRED"], "backupVaultName": [vault]},
                }
            ),
            topic,
        )
        if settings.enable_guardduty:
            self._event_rule(
                "guardduty-findings",
                "GuardDuty findings of medium severity or higher.",
                {
                    "source": ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    "detail": {"severity": [{"numeric": [">=", 4]}]},
                },
                topic,
            )
        if settings.enable_security_hub:
            self._event_rule(
                "securityhub-findings",
                "New, active Security Hub findings of high or critical severity.",
                {
                    "source": ["aws.securityhub"],
                    "detail-type": ["Security Hub Findings - Imported"],
                    "detail": {
                        "findings": {
                            "Severity": {"Label": ["HIGH", "CRITICAL"]},
                            "Workflow": {"Status": ["NEW"]},
                            "RecordState": ["ACTIVE"],
                        }
                    },
                },
                topic,
            )

        # Log archive: subscription -> Firehose -> S3 (Intelligent-Tiering, Glacier, expiry).
        self.log_archive = LogArchive(
            self.child_name("log-archive"),
            LogArchiveArgs(
                expiration_days=settings.log_archive_expiration_days,
                firehose_log_retention_days=settings.log_retention_days,
            ),
            LogArchiveInputs(
                app_log_group_name=inputs.app_log_group_name,
                storage_key_arn=inputs.storage_key_arn,
                logs_key_arn=inputs.logs_key_arn,
                access_log_bucket=inputs.log_bucket_name,
            ),
            ctx,
            opts=self.opts(),
        )
        self.archive_bucket = self.log_archive.bucket

        # Cost controls.
        self.budget = create_budget(
            self,
            limit_usd=settings.monthly_budget_usd,
            environment=self.naming.environment,
            email=settings.alert_email,
        )
        self.cost_allocation_tags = (
            activate_cost_allocation_tags(self) if settings.activate_cost_allocation_tags else {}
        )

        self.dashboards = self._dashboards(settings, inputs)
        self.outputs = ObservabilityOutputs(
            dashboard_names=pulumi.Output.all(*[d.dashboard_name for _, d in sorted(self.dashboards.items())]),
            budget_name=self.budget.name,
            log_archive_bucket=self.archive_bucket.name,
        )
        self.register_outputs(self.stack_outputs())

    # ---- helpers ---------------------------------------------------------------------------

    def _event_rule(
        self, key: str, description: str, pattern: pulumi.Input[Mapping[str, Any]], topic: pulumi.Input[str]
    ) -> None:
        rule = aws.cloudwatch.EventRule(
            self.child_name(key),
            description=description,
            event_pattern=pulumi.Output.from_input(pattern).apply(lambda p: json.dumps(p, sort_keys=True)),
            tags=self.tags,
            opts=self.opts(),
        )
        aws.cloudwatch.EventTarget(self.child_name(key), rule=rule.name, arn=topic, opts=self.opts())
        self.event_rules[key] = rule

    def _dashboards(
        self, settings: ObservabilitySettings, inputs: ObservabilityInputs
    ) -> dict[str, aws.cloudwatch.Dashboard]:
        compliance_keys = ("backup-jobs-failed", TRAIL_DELIVERY_KEY)
        app_keys = sorted(k for k in self.alarms if not k.startswith("cis-") and k not in compliance_keys)
        cis_keys = sorted(k for k in self.alarms if k.startswith("cis-"))
        gd, sh = self.event_rules.get("guardduty-findings"), self.event_rules.get("securityhub-findings")
        table_keys = sorted(inputs.table_names)
        resolved = pulumi.Output.all(
            cluster=inputs.cluster_name,
            service=inputs.service_name,
            alb=inputs.alb_arn_suffix,
            tgs=pulumi.Output.all(*inputs.target_group_arn_suffixes),
            tables=pulumi.Output.all(*[inputs.table_names[k] for k in table_keys]),
            app_log=inputs.app_log_group_name,
            trail_log=inputs.trail_log_group_name,
            app_alarms=pulumi.Output.all(*[self.alarms[k].arn for k in app_keys]),
            deploy_alarms=pulumi.Output.all(*inputs.deployment_alarm_arns),
            cis_alarms=pulumi.Output.all(*[self.alarms[k].arn for k in cis_keys]),
            backup_alarm=self.alarms["backup-jobs-failed"].arn,
            trail_alarm=self.alarms[TRAIL_DELIVERY_KEY].arn,
            web_acl=inputs.web_acl_name,
            vault=inputs.backup_vault_name,
            backup_rule=self.event_rules["backup-job-failed"].name,
            gd=gd.name if gd else None,
            sh=sh.name if sh else None,
            stream=self.log_archive.stream.name,
            bucket=self.archive_bucket.name,
            budget=self.budget.name,
        )

        def refs(v: dict[str, Any]) -> DashboardRefs:
            return DashboardRefs(
                environment=self.naming.environment,
                region=self.ctx.region,
                cluster=v["cluster"],
                service=v["service"],
                alb_suffix=v["alb"],
                target_group_suffixes=tuple(v["tgs"]),
                tables=dict(zip(table_keys, v["tables"], strict=True)),
                app_log_group=v["app_log"],
                trail_log_group=v["trail_log"],
                error_namespace=self.naming.error_namespace,
                cis_namespace=self.naming.cis_namespace,
                cis_metrics={c.key: c.metric for c in CIS_CHECKS},
                app_alarm_arns=tuple(v["app_alarms"]),
                deployment_alarm_arns=tuple(v["deploy_alarms"]),
                cis_alarm_arns=tuple(v["cis_alarms"]),
                backup_alarm_arn=v["backup_alarm"],
                trail_delivery_alarm_arn=v["trail_alarm"],
                backup_vault=v["vault"],
                backup_events_rule=v["backup_rule"],
                min_capacity=settings.min_capacity,
                max_capacity=settings.max_capacity,
                guardduty_rule=v["gd"],
                securityhub_rule=v["sh"],
                firehose_stream=v["stream"],
                archive_bucket=v["bucket"],
                budget_name=v["budget"],
                monthly_budget_usd=settings.monthly_budget_usd,
                web_acl=v["web_acl"],
                waf_rules=tuple(inputs.waf_rule_names),
            )

        builders = {
            "application": application_dashboard,
            "compliance": compliance_dashboard,
            "cost": cost_dashboard,
        }

        def body(build: Callable[[DashboardRefs], Dashboard]) -> pulumi.Output[str]:
            return resolved.apply(lambda v: build(refs(v)).to_json())

        return {
            key: aws.cloudwatch.Dashboard(
                self.child_name(f"dashboard-{key}"),
                dashboard_name=self.naming.resource(key),
                dashboard_body=body(build),
                opts=self.opts(delete_before_replace=True),
            )
            for key, build in builders.items()
        }

    def stack_outputs(self) -> dict[str, Any]:
        """camelCase stack outputs (docs/outputs.md, "## Observability")."""
        return exported(self.outputs)
