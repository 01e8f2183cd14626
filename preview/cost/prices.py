"""The one price table of the cost model: AWS list prices, us-east-1, USD.

Every figure below is a published on-demand list price for US East (N. Virginia), transcribed from the
AWS pricing pages named in ``source`` (no network at runtime, no Price List API). ``AS_OF`` is the date
the table was last checked; figures flagged ``approximate`` in ``NOTES`` should be re-verified before a
budget decision. Change a price here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

HOURS_PER_MONTH = 730.0  # AWS's own monthly convention (8,760 h / 12)
AS_OF = "2025-06-01"
REGION = "us-east-1"
SOURCES: tuple[str, ...] = (
    "https://aws.amazon.com/fargate/pricing/",
    "https://aws.amazon.com/vpc/pricing/",
    "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "https://aws.amazon.com/kms/pricing/",
    "https://aws.amazon.com/cloudwatch/pricing/",
    "https://aws.amazon.com/cloudtrail/pricing/",
    "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    "https://aws.amazon.com/backup/pricing/",
    "https://aws.amazon.com/s3/pricing/",
    "https://aws.amazon.com/secrets-manager/pricing/",
    "https://aws.amazon.com/ecr/pricing/",
    "https://aws.amazon.com/codepipeline/pricing/",
    "https://aws.amazon.com/codebuild/pricing/",
    "https://aws.amazon.com/guardduty/pricing/",
    "https://aws.amazon.com/security-hub/pricing/",
    "https://aws.amazon.com/firehose/pricing/",
    "https://aws.amazon.com/waf/pricing/",
    "https://aws.amazon.com/route53/pricing/",
    "https://aws.amazon.com/ec2/pricing/on-demand/ (Data Transfer)",
    "https://aws.amazon.com/privatelink/pricing/",
)


def _frozen(d: dict[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class PriceTable:
    """List prices (USD). Field names carry the unit: ``_hour``, ``_gb_month``, ``_million`` ..."""

    region: str = REGION
    as_of: str = AS_OF
    sources: tuple[str, ...] = SOURCES

    # --- Fargate (Linux) ----------------------------------------------------------------
    fargate_arm_vcpu_hour: float = 0.03238
    fargate_arm_gb_hour: float = 0.00356
    fargate_x86_vcpu_hour: float = 0.04048
    fargate_x86_gb_hour: float = 0.004445
    fargate_ephemeral_gb_hour: float = 0.000111  # above the 20 GiB included per task
    fargate_included_ephemeral_gib: float = 20.0
    # Fargate Spot prices float; the runbook and AWS quote "up to 70%" off on-demand. Applies to
    # X86_64 (platform 1.3.0+) and ARM64 (platform 1.4.0+) tasks alike.
    fargate_spot_discount: float = 0.70

    # --- network ------------------------------------------------------------------------
    nat_gateway_hour: float = 0.045
    nat_gateway_gb: float = 0.045
    public_ipv4_hour: float = 0.005  # every public IPv4 address, in use or idle (since 2024-02)
    alb_hour: float = 0.0225
    alb_lcu_hour: float = 0.008
    nlb_hour: float = 0.0225
    nlb_lcu_hour: float = 0.006
    interface_endpoint_az_hour: float = 0.01
    interface_endpoint_gb: float = 0.01
    route53_hosted_zone_month: float = 0.50
    internet_egress_gb: float = 0.09  # data transfer out to the internet, first 10 TB/month
    free_internet_egress_gb: float = 100  # per account, aggregated over services and regions

    # --- AWS WAF (the same in every region; https://aws.amazon.com/waf/pricing/) -----------
    waf_web_acl_month: float = 5.00  # per web ACL, prorated hourly
    waf_rule_month: float = 1.00  # per rule, and per rule group (a managed group counts as one rule)
    waf_million_requests: float = 0.60  # up to 1,500 WCUs and the default body size

    # --- security -----------------------------------------------------------------------
    kms_key_month: float = 1.00  # customer managed key, and each multi-Region replica
    # "The first and second rotation of key material each add $1/month (prorated hourly); subsequent
    # rotations are not charged" (KMS pricing since the 2024 rotation price cap).
    kms_rotation_month: float = 1.00
    kms_billed_rotations: int = 2
    kms_10k_requests: float = 0.03
    kms_free_requests: float = 20_000
    secret_month: float = 0.40  # per secret, and per replica
    cloudtrail_mgmt_100k_events: float = 2.00  # additional copies of management events
    cloudtrail_data_100k_events: float = 0.10
    cloudtrail_insights_100k_events: float = 0.35
    guardduty_million_mgmt_events: float = 4.00
    guardduty_log_gb: float = 1.00  # VPC flow logs and DNS query logs analysed
    guardduty_runtime_vcpu_month: float = 1.50  # ECS Fargate runtime monitoring
    securityhub_check: float = 0.0010  # first 100k checks a month
    securityhub_finding: float = 0.00003  # after 10k free finding ingestion events
    securityhub_free_findings: float = 10_000

    # --- CloudWatch ---------------------------------------------------------------------
    alarm_metric_month: float = 0.10  # standard resolution, per alarm metric
    alarm_metric_high_res_month: float = 0.30  # period < 60 s
    # Metrics Insights query alarms: per metric the query analyses; the free tier's 10 alarm metrics apply
    # only to standard alarms that list their metrics directly.
    metrics_insights_alarm_metric_month: float = 0.10
    anomaly_alarm_metrics: int = 3  # an anomaly-detection alarm bills the metric + upper and lower band
    composite_alarm_month: float = 0.50
    dashboard_month: float = 3.00
    custom_metric_month: float = 0.30  # first 10,000 metrics
    logs_ingest_gb: float = 0.50  # Standard log class
    logs_ingest_ia_gb: float = 0.25  # Infrequent Access log class
    logs_storage_gb_month: float = 0.03
    vended_logs_gb: Mapping[str, float] = field(
        default_factory=lambda: _frozen({"cloud-watch-logs": 0.50, "s3": 0.25, "kinesis-data-firehose": 0.25})
    )
    free_alarm_metrics: float = 10
    free_dashboards: float = 3
    free_custom_metrics: float = 10
    free_logs_gb: float = 5

    # --- data ---------------------------------------------------------------------------
    dynamodb_million_writes: float = 0.625  # on-demand WRU (price since 2024-11-01)
    dynamodb_million_reads: float = 0.125  # on-demand RRU
    dynamodb_ia_million_writes: float = 0.78125  # Standard-Infrequent Access table class
    dynamodb_ia_million_reads: float = 0.15625
    dynamodb_storage_gb_month: float = 0.25
    dynamodb_ia_storage_gb_month: float = 0.10
    dynamodb_wcu_hour: float = 0.00065  # provisioned capacity
    dynamodb_rcu_hour: float = 0.00013
    dynamodb_pitr_gb_month: float = 0.20
    dynamodb_free_storage_gb: float = 25
    backup_dynamodb_warm_gb_month: float = 0.10
    backup_cross_region_gb: float = 0.02  # copy to another region (data transfer)
    s3_standard_gb_month: float = 0.023
    # storage by class (first 50 TB), GB-month; Intelligent-Tiering tiers by days without access
    s3_storage_gb_month: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "STANDARD": 0.023,
                "STANDARD_IA": 0.0125,
                "ONEZONE_IA": 0.01,
                "GLACIER_IR": 0.004,
                "GLACIER": 0.0036,
                "DEEP_ARCHIVE": 0.00099,
                "INTELLIGENT_TIERING/frequent": 0.023,
                "INTELLIGENT_TIERING/infrequent": 0.0125,
                "INTELLIGENT_TIERING/archive-instant": 0.004,
            }
        )
    )
    # lifecycle transition requests into a class, per 1,000
    s3_transition_1k: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "STANDARD_IA": 0.01,
                "ONEZONE_IA": 0.01,
                "INTELLIGENT_TIERING": 0.01,
                "GLACIER_IR": 0.02,
                "GLACIER": 0.03,
                "DEEP_ARCHIVE": 0.05,
            }
        )
    )
    s3_min_storage_days: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {"STANDARD_IA": 30, "ONEZONE_IA": 30, "INTELLIGENT_TIERING": 0, "GLACIER_IR": 90, "GLACIER": 90,
             "DEEP_ARCHIVE": 180}
        )
    )  # fmt: skip
    s3_intelligent_tiering_monitoring_1k_objects: float = 0.0025  # per 1,000 objects a month
    s3_put_1k: float = 0.005  # PUT, COPY, POST, LIST per 1,000 (S3 Standard)
    s3_get_1k: float = 0.0004  # GET, SELECT and others per 1,000
    ecr_gb_month: float = 0.10
    firehose_gb: float = 0.029

    # --- CI/CD --------------------------------------------------------------------------
    codepipeline_v1_month: float = 1.00  # per active V1 pipeline
    codepipeline_v2_action_minute: float = 0.002
    codepipeline_v2_free_minutes: float = 100
    codebuild_free_minutes: float = 100  # general1.small / arm1.small
    codebuild_minute: Mapping[str, float] = field(
        default_factory=lambda: _frozen(
            {
                "ARM_CONTAINER/BUILD_GENERAL1_SMALL": 0.0034,
                "ARM_CONTAINER/BUILD_GENERAL1_MEDIUM": 0.007,
                "ARM_CONTAINER/BUILD_GENERAL1_LARGE": 0.015,
                "ARM_CONTAINER/BUILD_GENERAL1_XLARGE": 0.044,
                "ARM_CONTAINER/BUILD_GENERAL1_2XLARGE": 0.088,
                "LINUX_CONTAINER/BUILD_GENERAL1_SMALL": 0.005,
                "LINUX_CONTAINER/BUILD_GENERAL1_MEDIUM": 0.01,
                "LINUX_CONTAINER/BUILD_GENERAL1_LARGE": 0.02,
                "LINUX_CONTAINER/BUILD_GENERAL1_XLARGE": 0.04,
                "LINUX_CONTAINER/BUILD_GENERAL1_2XLARGE": 0.20,
            }
        )
    )

    def codebuild_rate(self, env_type: str, compute_type: str) -> float | None:
        return self.codebuild_minute.get(f"{env_type}/{compute_type}")


# Prices whose exact value should be re-checked on the live page before a budget decision.
NOTES: tuple[str, ...] = (
    "Fargate Spot: spot prices float; modelled as the documented 'up to 70%' discount.",
    "CodeBuild ARM medium/large/xlarge/2xlarge and Linux xlarge/2xlarge per-minute rates are approximate.",
    "Free tiers (CloudWatch 10 alarm metrics/10 metrics/3 dashboards/5 GB logs, DynamoDB 25 GB, KMS 20k requests, "
    "CodeBuild/CodePipeline 100 min, 100 GB data transfer out) are per account: applied when applyFreeTier is "
    "true, and with sharedAccount true to production only.",
    "S3: Glacier classes add 40 KB of metadata per object and IA classes bill 128 KB minimum per object; "
    "not modelled (the buckets hold few, large objects).",
)

# Field-name prefix -> the pricing page each figure was transcribed from (longest prefix wins).
SOURCE_BY_PREFIX: dict[str, str] = {
    "fargate": "https://aws.amazon.com/fargate/pricing/",
    "nat_": "https://aws.amazon.com/vpc/pricing/",
    "public_ipv4": "https://aws.amazon.com/vpc/pricing/",
    "interface_endpoint": "https://aws.amazon.com/privatelink/pricing/",
    "alb_": "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "nlb_": "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "route53": "https://aws.amazon.com/route53/pricing/",
    "internet_egress": "https://aws.amazon.com/ec2/pricing/on-demand/ (Data Transfer)",
    "free_internet_egress": "https://aws.amazon.com/ec2/pricing/on-demand/ (Data Transfer)",
    "waf": "https://aws.amazon.com/waf/pricing/",
    "kms": "https://aws.amazon.com/kms/pricing/",
    "secret": "https://aws.amazon.com/secrets-manager/pricing/",
    "cloudtrail": "https://aws.amazon.com/cloudtrail/pricing/",
    "guardduty": "https://aws.amazon.com/guardduty/pricing/",
    "securityhub": "https://aws.amazon.com/security-hub/pricing/",
    "alarm": "https://aws.amazon.com/cloudwatch/pricing/",
    "metrics_insights": "https://aws.amazon.com/cloudwatch/pricing/",
    "anomaly": "https://aws.amazon.com/cloudwatch/pricing/",
    "composite": "https://aws.amazon.com/cloudwatch/pricing/",
    "dashboard": "https://aws.amazon.com/cloudwatch/pricing/",
    "custom_metric": "https://aws.amazon.com/cloudwatch/pricing/",
    "logs_": "https://aws.amazon.com/cloudwatch/pricing/",
    "vended": "https://aws.amazon.com/cloudwatch/pricing/",
    "free_alarm": "https://aws.amazon.com/cloudwatch/pricing/",
    "free_dashboards": "https://aws.amazon.com/cloudwatch/pricing/",
    "free_custom": "https://aws.amazon.com/cloudwatch/pricing/",
    "free_logs": "https://aws.amazon.com/cloudwatch/pricing/",
    "dynamodb": "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    "backup": "https://aws.amazon.com/backup/pricing/",
    "s3": "https://aws.amazon.com/s3/pricing/",
    "ecr": "https://aws.amazon.com/ecr/pricing/",
    "firehose": "https://aws.amazon.com/firehose/pricing/",
    "codepipeline": "https://aws.amazon.com/codepipeline/pricing/",
    "codebuild": "https://aws.amazon.com/codebuild/pricing/",
}


def source_of(field_name: str) -> str:
    """The pricing page of a ``PriceTable`` field."""
    matches = [p for p in SOURCE_BY_PREFIX if field_name.startswith(p)]
    return SOURCE_BY_PREFIX[max(matches, key=len)] if matches else ""


PRICES = PriceTable()
