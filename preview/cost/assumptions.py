"""Every usage-based assumption of the cost model, in one typed object with per-environment defaults.

Fixed charges (hours a NAT gateway or ALB exists, a key, a secret, a dashboard) come from the recorded
resources; everything that depends on traffic or data volume comes from here and is printed next to the
figure it drives. Production defaults are busier than staging. Override with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from preview.cost.prices import HOURS_PER_MONTH


@dataclass(frozen=True)
class UsageAssumptions:
    environment: str = "staging"
    hours_per_month: float = HOURS_PER_MONTH
    apply_free_tier: bool = True  # each environment is its own AWS account (runbook: one AWS_PROFILE each)

    # network
    nat_gb_processed: float = 50.0  # total GB through all NAT gateways (image pulls, AWS APIs without endpoints)
    alb_lcus: float = 1.0  # average LCUs per load balancer, every hour
    interface_endpoint_gb: float = 10.0  # per interface endpoint
    waf_million_requests: float = 1.0

    # logs (GB ingested per month, per log group of that role; storage = ingest x retention months)
    log_gb: dict[str, float] = field(
        default_factory=lambda: {"app": 5.0, "audit": 1.0, "flow": 5.0, "build": 0.5, "other": 0.5}
    )
    log_never_expire_months: float = 12.0  # storage horizon for groups without retention
    flow_log_gb: float = 5.0  # per flow log (vended log ingestion)
    container_insights_metrics: float = 30.0  # per cluster with containerInsights enabled/enhanced
    metric_filter_metrics: float = 1.0  # metrics per metric filter (one per dimension value)

    # CloudTrail, GuardDuty, Security Hub
    cloudtrail_mgmt_events: float = 500_000.0  # per month, analysed by extra trails / GuardDuty
    cloudtrail_data_events: float = 1_000_000.0  # only when a trail selects data events
    guardduty_dns_gb: float = 1.0
    securityhub_checks_per_standard: float = 2_000.0
    securityhub_findings: float = 5_000.0

    # data
    dynamodb_million_reads: float = 2.0  # per table
    dynamodb_million_writes: float = 0.5  # per table (GSIs add one write each)
    dynamodb_storage_gb: float = 1.0  # per table
    s3_gb: dict[str, float] = field(default_factory=lambda: {"logs": 5.0, "artifacts": 2.0, "other": 1.0})
    ecr_image_gb: float = 0.3  # compressed image size; storage = images kept x size (no layer sharing)
    ecr_images_if_no_policy: float = 30.0
    firehose_gb: float = 5.0  # per delivery stream
    kms_requests: float = 100_000.0  # all keys together
    backup_horizon_months: float = 12.0  # retention when a rule has no deleteAfter

    # CI/CD
    pipeline_runs: float = 40.0  # per pipeline per month
    pipeline_minutes_per_action: dict[str, float] = field(
        default_factory=lambda: {"Source": 1.0, "Build": 8.0, "Test": 5.0, "Deploy": 15.0, "Approval": 0.0}
    )
    builds_per_month: float = 40.0  # per CodeBuild project
    build_minutes: float = 8.0

    def describe(self) -> dict[str, Any]:
        return asdict(self)


PRODUCTION = UsageAssumptions(
    environment="production",
    nat_gb_processed=300.0,
    alb_lcus=3.0,
    interface_endpoint_gb=50.0,
    waf_million_requests=10.0,
    log_gb={"app": 50.0, "audit": 5.0, "flow": 30.0, "build": 1.0, "other": 2.0},
    flow_log_gb=30.0,
    container_insights_metrics=40.0,
    cloudtrail_mgmt_events=2_000_000.0,
    cloudtrail_data_events=10_000_000.0,
    guardduty_dns_gb=5.0,
    securityhub_findings=20_000.0,
    dynamodb_million_reads=50.0,
    dynamodb_million_writes=10.0,
    dynamodb_storage_gb=20.0,
    s3_gb={"logs": 100.0, "artifacts": 5.0, "other": 5.0},
    firehose_gb=50.0,
    kms_requests=2_000_000.0,
    pipeline_runs=20.0,
    builds_per_month=20.0,
    build_minutes=10.0,
)
STAGING = UsageAssumptions(environment="staging")


def for_stack(stack: str) -> UsageAssumptions:
    """Production's defaults for ``production``/``prod``; staging's (quieter) for every other stack."""
    if stack in ("production", "prod"):
        return PRODUCTION
    return replace(STAGING, environment=stack)
