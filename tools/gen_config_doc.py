"""Generate docs/config.md from StackConfig and the stack files, so the table cannot drift.

python tools/gen_config_doc.py          # rewrite docs/config.md
python tools/gen_config_doc.py --check  # exit 1 if it is stale (tests run this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.config import CONFIG_KEYS, JSON_KEYS, SECRET_KEYS, StackConfig  # noqa: E402

# key -> (what it is, the runbook line or requirement it serves)
ABOUT: dict[str, tuple[str, str]] = {
    "environment": (
        "Environment tag value and name infix; production names are the runbook's exact names",
        "Cost Allocation Tags: Environment",
    ),
    "region": ("AWS region (from `aws:region`)", "Initial Deployment: us-east-1"),
    "service": ("Service tag value and name prefix", "Cost Allocation Tags: Service"),
    "team": ("Team tag value", "Cost Allocation Tags: Team"),
    "vpcCidr": ("VPC IPv4 range, private, /16-/20", "Multi-AZ VPC with public and private subnets"),
    "azCount": ("Availability zones for subnets and tasks", "Services deployed across 3 availability zones"),
    "natStrategy": ("`OnePerAz` (HA) or `Single` NAT gateway", "High Availability Design; Cost Optimization"),
    "logRetentionDays": (
        "Retention of application and build log groups (CloudWatch-accepted values only)",
        "CloudWatch logging",
    ),
    "auditLogRetentionDays": (
        "Retention of CloudTrail and VPC flow log groups (>= 365 by policy)",
        "CloudTrail; VPC Flow Logs; PCI-DSS 10.5.1",
    ),
    "logArchiveExpirationDays": ("Days archived application logs stay in S3", "Archive old CloudWatch logs to S3"),
    "backupSchedule": ("AWS Backup rule schedule (cron, UTC)", "On-Demand Backups: Daily at 2 AM UTC"),
    "backupRetentionDays": ("Days each backup is kept (>= 35)", "Retention: 35 days"),
    "drRegion": (
        "Secondary region for global-table replicas and backup copies (optional)",
        "DR: Failover to secondary region (if configured); RTO 1 h, RPO 15 min",
    ),
    "tables": (
        "DynamoDB tables (JSON list); defaults documented in docs/data-model.md",
        "DynamoDB: Primary data store",
    ),
    "alertEmail": (
        "Email subscribed to the alarm topic and budget alerts",
        "Alert Channels: Email ops@budgetbuddy.com",
    ),
    "pagerDutyEndpoint": ("PagerDuty HTTPS integration URL (secret, optional)", "Alert Channels: PagerDuty (optional)"),
    "enableGuardDuty": ("Create a GuardDuty detector", "GuardDuty: Threat detection (optional)"),
    "enableSecurityHub": (
        "Enable Security Hub with standards",
        "Security Hub: Centralized security findings (optional)",
    ),
    "taskCpu": ("Fargate task cpu units", "Optimize container resource allocation"),
    "taskMemory": ("Fargate task memory (MiB), valid for taskCpu", "Optimize container resource allocation"),
    "containerPort": ("Port the backend listens on", "Load Balancing: ALB with health check-based routing"),
    "imageTag": ("Image tag of the first deployment; the pipeline rolls out later tags", "Rolling Updates"),
    "awaitFirstImage": (
        "`true` for a new environment's first `pulumi up`: 0 tasks and autoscaling minimum 0 until the pipeline "
        "has deployed its first image; then unset it and `pulumi up` again (README, First deployment)",
        "Initial Deployment",
    ),
    "healthCheckPath": ("Target group and container health check path", "Health Checks"),
    "healthCheckGracePeriodSeconds": ("Seconds ECS ignores ALB health checks after a task starts", "Health Checks"),
    "healthCheckHealthyThreshold": (
        "Consecutive passing ALB health checks (every 30 s) before a target is healthy",
        "Health Checks: ALB with health check-based routing",
    ),
    "healthCheckUnhealthyThreshold": (
        "Consecutive failing ALB health checks before a target is unhealthy",
        "Health Checks: Automatic rollback on health check failures",
    ),
    "containerSecrets": (
        "Env var name -> Secrets Manager/SSM ARN injected as container secrets (JSON)",
        "Security Procedures",
    ),
    "ecrKeepTaggedImages": ("Tagged images the ECR lifecycle keeps", "Review and remove unused resources"),
    "enableExecuteCommand": ("ECS Exec into tasks (off unless needed)", "Security Procedures"),
    "capacityOnDemandBase": ("Tasks always on FARGATE (on-demand)", "Fargate Spot for non-critical workloads"),
    "capacityOnDemandWeight": ("FARGATE weight in the capacity provider strategy", "Fargate Spot for non-production"),
    "capacitySpotWeight": ("FARGATE_SPOT weight (0 in production)", "Enable Fargate Spot for non-production"),
    "minCapacity": ("Autoscaling minimum tasks", "Min Capacity: 2 tasks"),
    "maxCapacity": ("Autoscaling maximum tasks", "Max Capacity: 20 (production), 5 (staging)"),
    "cpuTargetPercent": ("Target-tracking average CPU", "Target CPU: 70%"),
    "memoryTargetPercent": ("Target-tracking average memory", "Target Memory: 70%"),
    "scaleOutCooldownSeconds": ("Scale-out cooldown", "Scale Out Cooldown: 60 seconds"),
    "scaleInCooldownSeconds": ("Scale-in cooldown", "Scale In Cooldown: 300 seconds"),
    "deploymentStrategy": ("ECS native `BLUE_GREEN` or `CANARY`", "Zero-Downtime: ECS blue/green; Canary (optional)"),
    "canaryPercent": ("Traffic share of the canary (0.1-99.9)", "Canary Deployments: Gradual traffic shifting"),
    "canaryBakeMinutes": ("Minutes the canary runs before full shift", "Canary Deployments"),
    "bakeTimeMinutes": ("Minutes the old revision is kept for instant rollback", "Automatic rollback"),
    "certificateArn": ("Existing ACM certificate for the HTTPS listener", "ALB (TLS)"),
    "domainName": ("Domain to issue a DNS-validated certificate for (with hostedZoneId)", "ALB (TLS)"),
    "hostedZoneId": ("Route 53 zone for the certificate's validation records", "ALB (TLS)"),
    "monthlyBudgetUsd": ("Monthly cost budget (USD)", "Budget Alerts: 80% and 100% thresholds"),
    "activateCostAllocationTags": (
        "Activate the Environment/Service/Team cost allocation tags (false on a new account's first "
        "deploy: Cost Explorer lists a tag ~24 h after first use; payer account only)",
        "Cost Allocation Tags: Environment, Service, Team",
    ),
    "githubRepository": ("Application repository `owner/name`", "CodePipeline: CI/CD automation"),
    "githubBranch": ("Branch the pipeline builds", "CodePipeline"),
    "codestarConnectionArn": ("Existing CodeStar connection (else the stack creates one)", "CodePipeline"),
    "requireManualApproval": ("Manual approval stage before deploy", "Deploy: Apply updates in staging first"),
    "artifactExpirationDays": ("Days pipeline artifacts are kept", "S3 Lifecycle Policies"),
    "buildComputeType": ("CodeBuild size of the ARM64 image build", "ECS Fargate (ARM64/Graviton2); CodePipeline"),
}


def _stack_values(stack: str) -> dict[str, object]:
    doc = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text()) or {}
    out: dict[str, object] = {}
    for key, value in (doc.get("config") or {}).items():
        out["region" if key == "aws:region" else key.split(":", 1)[-1]] = value
    return out


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "see docs/data-model.md"
    return f"`{value}`"


def render() -> str:
    stacks = {s: _stack_values(s) for s in ("staging", "production")}
    lines = [
        "# Stack configuration",
        "",
        "Generated by `python tools/gen_config_doc.py` from `components/config.py` and the stack files; a test fails when it",
        "is stale. Keys live in the `budgetbuddy` namespace (`pulumi config set budgetbuddy:minCapacity 3`), except",
        "`region`, which is `aws:region`. Values are validated together before any resource is registered: one",
        "error lists every bad key, its value and what is allowed. Defaults apply where a stack file is silent.",
        "",
        "| key | type | default | staging | production | what | runbook |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, field_name in CONFIG_KEYS.items():
        field = StackConfig.model_fields[field_name]
        what, runbook = ABOUT[key]
        type_ = str(field.annotation).replace("typing.", "").replace("<class '", "").replace("'>", "")
        if key in JSON_KEYS:
            type_ = "JSON " + type_
        if key in SECRET_KEYS:
            type_ += " (secret)"
        default = field.get_default(call_default_factory=True)
        if key == "environment":
            default = "the stack name"
        row = [f"`{key}`", type_.replace("|", "\\|"), _fmt(default) if key != "environment" else default]
        row += [_fmt(stacks[s].get(key)) if key in stacks[s] else "default" for s in ("staging", "production")]
        row += [what.replace("|", "\\|"), runbook]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Cross-key rules: `taskMemory` must suit `taskCpu` (Fargate table); `minCapacity` <= `maxCapacity`;",
        "`capacitySpotWeight` is 0 in production and not both weights 0; `drRegion` differs from `region`;",
        "exactly one certificate source (`certificateArn`, or `domainName` with `hostedZoneId`); a canary below 100 %.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    target = ROOT / "docs" / "config.md"
    text = render()
    if "--check" in sys.argv:
        current = target.read_text() if target.exists() else ""
        if current != text:
            print("docs/config.md is stale: run python tools/gen_config_doc.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(exist_ok=True)
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
