"""Generate docs/config.md from StackConfig and the stack files, so the table cannot drift.

python tools/gen_config_doc.py          # rewrite docs/config.md
python tools/gen_config_doc.py --check  # exit 1 if it is stale (tests run this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.config import FIELD_KEYS, JSON_KEYS, NAMESPACE, SECRET_KEYS, StackConfig  # noqa: E402
from preview.stackfiles import load_stack  # noqa: E402

# key as written in a stack file -> (what it is, the runbook line or requirement it serves)
ABOUT: dict[str, tuple[str, str]] = {
    "environment": (
        "Environment tag value and name infix; production names are the runbook's exact names",
        "Cost Allocation Tags: Environment",
    ),
    "aws:region": (
        "AWS region: where the provider deploys and what key policies, endpoint names, log configuration and "
        "ARNs name (`budgetbuddy:region` is refused)",
        "Initial Deployment: us-east-1",
    ),
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
    "wafRateLimit": (
        "WAF: requests per client IP per 5 minutes before 429 (10-2,000,000,000)",
        "Security Monitoring; PCI-DSS 6.4.2 (docs/decisions.md Edge protection)",
    ),
    "wafAuthRateLimit": (
        "WAF: the same on the authentication paths, <= wafRateLimit",
        "Security Procedures: credential stuffing (docs/decisions.md Edge protection)",
    ),
    "wafAuthPathPrefix": ("WAF: lower-case path prefix of the authentication endpoints", "Security Procedures"),
    "wafMaxBodyBytes": (
        "WAF: largest request body let through (1-8192; bodies over 8 KB cannot be inspected behind an ALB)",
        "Security Procedures",
    ),
    "wafManagedRuleActions": (
        "WAF: managed group short name -> `count` or `block` (JSON object; unnamed groups block)",
        "Deploy: Apply updates in staging first",
    ),
    "wafAnonymousIpList": ("WAF: run the AWS Anonymous IP list (VPNs, Tor, hosting providers)", "Security Procedures"),
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


def doc_key(full_key: str) -> str:
    """``budgetbuddy:minCapacity`` -> ``minCapacity``; keys of other namespaces stay whole (``aws:region``)."""
    return full_key.removeprefix(f"{NAMESPACE}:")


def _stack_values(stack: str) -> dict[str, str]:
    """The stack's values as the program receives them (literal text), read by the preview's loader."""
    return {doc_key(k): v for k, v in load_stack(ROOT, stack).config.items()}


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
        "is stale. Keys live in the `budgetbuddy` namespace (`pulumi config set budgetbuddy:minCapacity 3`), except the",
        "region: it is `aws:region` alone, the region the AWS provider deploys to, so that key policies, endpoint names,",
        "log configuration and ARNs name the region the resources are in. `budgetbuddy:region` is refused, and",
        "`aws:region` (like `drRegion`) must be a region the installed pulumi-aws knows.",
        "",
        "Values are validated together before any resource is registered: one error lists every bad key, its value and",
        "what is allowed, and suggests the nearest key for a typo. Values are read as Pulumi's typed getters read them:",
        "booleans are exactly `true`, `True`, `false` or `False` (`Config.get_bool`), whole numbers as `get_int` and",
        "numbers as `get_float` read them; JSON keys take an object or list. Any key may be a secret",
        "(`pulumi config set --secret`); error messages never show a secret value, and the offline preview, which cannot",
        "decrypt it, uses a stand-in valid for the key (the key's default, or the example for a key unset by default)",
        "and says so. `aws:` keys must be keys the AWS provider reads; other namespaces except `pulumi:` are errors.",
        "Defaults apply where a stack file is silent.",
        "",
        "| key | type | default | staging | production | what | runbook |",
        "|---|---|---|---|---|---|---|",
    ]
    for field_name, full_key in FIELD_KEYS.items():
        key = doc_key(full_key)
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
        "`capacitySpotWeight` is 0 in production and not both weights 0; `drRegion` differs from `aws:region`;",
        "exactly one certificate source (`certificateArn`, or `domainName` with `hostedZoneId`; a missing one is",
        "reported by name); a canary below 100 %.",
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
