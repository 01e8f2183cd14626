"""DynamoDB (requests, table and index storage, point-in-time recovery), AWS Backup, ECR, Firehose."""

from __future__ import annotations

import json
import re

from preview.cost.context import Context, Resource
from preview.cost.inputs import UnknownValueError, get, items, number, text


def cron_runs_per_day(expr: str) -> float | None:
    """Runs per day of an AWS cron(min hour dom month dow year) expression; None if not understood."""
    m = re.match(r"^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$", expr.strip())
    if not m:
        return None
    _minute, hour, dom, _month, dow, _year = m.groups()

    def count(field: str, span: int) -> float:
        if field in ("*", "?"):
            return float(span)
        if "/" in field:
            start, step = field.split("/", 1)
            first = int(start) if start.isdigit() else 0
            return float(len(range(first, span, max(1, int(step)))))
        total = 0.0
        for part in field.split(","):
            if "-" in part:
                a, b = part.split("-", 1)
                total += (int(b) - int(a) + 1) if a.isdigit() and b.isdigit() else 5
            else:
                total += 1
        return total

    try:
        per_day = count(hour, 24)
        if dow not in ("*", "?"):
            per_day *= count(dow, 7) / 7.0
        elif dom not in ("*", "?"):
            per_day *= count(dom, 30) / 30.0
    except ValueError:
        return None
    return per_day


def dynamodb(ctx: Context, table: Resource) -> None:
    inp = ctx.inputs(table)
    mode = text(inp, "billingMode") or "PROVISIONED"
    ia = (text(inp, "tableClass") or "STANDARD") == "STANDARD_INFREQUENT_ACCESS"
    gsis = [g for g in items(inp, "globalSecondaryIndexes") if isinstance(g, dict)]
    replicas = items(inp, "replicas")
    regions = 1 + len(replicas)
    name = ctx.name_of(table, "name")
    h = ctx.a.hours_per_month
    p = ctx.p
    if mode == "PAY_PER_REQUEST":
        reads, writes = ctx.a.dynamodb_million_reads, ctx.a.dynamodb_million_writes
        ctx.add("Data", table, "dynamodb-reads", f"DynamoDB {name} on-demand reads", reads, "million RRU",
                p.dynamodb_ia_million_reads if ia else p.dynamodb_million_reads, f"{reads:g}M reads/month",
                scaled=True)  # fmt: skip
        ctx.add("Data", table, "dynamodb-writes", f"DynamoDB {name} on-demand writes",
                writes * (1 + len(gsis)) * regions, "million WRU",
                p.dynamodb_ia_million_writes if ia else p.dynamodb_million_writes,
                f"{writes:g}M writes/month x (1 table + {len(gsis)} GSIs) x {regions} region(s)", scaled=True)  # fmt: skip
    else:
        rcu = (number(inp, "readCapacity", 0.0) or 0.0) + sum(number(g, "readCapacity", 0.0) or 0.0 for g in gsis)
        wcu = (number(inp, "writeCapacity", 0.0) or 0.0) + sum(number(g, "writeCapacity", 0.0) or 0.0 for g in gsis)
        ctx.add("Data", table, "dynamodb-rcu", f"DynamoDB {name} provisioned RCU", rcu * h, "RCU-hour",
                p.dynamodb_rcu_hour)  # fmt: skip
        ctx.add("Data", table, "dynamodb-wcu", f"DynamoDB {name} provisioned WCU", wcu * h * regions, "WCU-hour",
                p.dynamodb_wcu_hour)  # fmt: skip
    gb = ctx.a.dynamodb_storage_gb
    storage_price = p.dynamodb_ia_storage_gb_month if ia else p.dynamodb_storage_gb_month
    ctx.add("Data", table, "dynamodb-storage", f"DynamoDB {name} storage", gb * regions, "GB-month", storage_price,
            f"{gb:g} GB per table x {regions} region(s)", "dynamodb")  # fmt: skip
    if gsis:
        # An index projecting ALL attributes stores its own copy of the items; KEYS_ONLY stores the keys;
        # INCLUDE is priced as ALL (upper bound).
        share = ctx.a.dynamodb_gsi_keys_only_share
        full = sum(1 for g in gsis if str(g.get("projectionType", "ALL")) != "KEYS_ONLY")
        keys_only = len(gsis) - full
        index_gb = gb * (full + keys_only * share)
        ctx.add("Data", table, "dynamodb-index-storage", f"DynamoDB {name} index storage ({len(gsis)} GSIs)",
                index_gb * regions, "GB-month", storage_price,
                f"{gb:g} GB table x ({full} ALL/INCLUDE + {keys_only} KEYS_ONLY x {share:g}) x {regions} region(s)",
                "dynamodb")  # fmt: skip
    if get(inp, "pointInTimeRecovery.enabled") is True:
        pitr_regions = 1 + sum(1 for r in replicas if isinstance(r, dict) and r.get("pointInTimeRecovery"))
        ctx.add("Data", table, "dynamodb-pitr", f"DynamoDB {name} point-in-time recovery", gb * pitr_regions,
                "GB-month", p.dynamodb_pitr_gb_month, f"{gb:g} GB per table (indexes are not backed up)")  # fmt: skip


def backup_plan(ctx: Context, plan: Resource) -> None:
    tables = ctx.of("aws:dynamodb/table:Table")
    if not tables:
        return
    per_table = ctx.a.dynamodb_storage_gb
    gb = per_table * len(tables)
    for rule in items(ctx.inputs(plan), "rules"):
        if not isinstance(rule, dict):
            continue
        rule_name = str(rule.get("ruleName", "rule"))
        schedule = str(rule.get("schedule") or "")
        per_day = cron_runs_per_day(schedule) if schedule else None
        if per_day is None:
            per_day = 1.0
            ctx.report.warnings.append(
                f"backup plan {plan.get('name')} rule {rule_name}: schedule {schedule!r} not understood, assumed daily"
            )
        keep = number(rule, "lifecycle.deleteAfter", 0.0) or ctx.a.backup_horizon_months * 30
        basis = f"{len(tables)} tables x {per_table:g} GB, full backups: {per_day:g}/day x {keep:g} days retained"
        ctx.add("Data", plan, f"backup-warm-{rule_name}", f"AWS Backup warm storage ({rule_name})",
                gb * keep * per_day, "GB-month", ctx.p.backup_dynamodb_warm_gb_month, basis)  # fmt: skip
        for action in rule.get("copyActions") or []:
            if not isinstance(action, dict):
                continue
            ckeep = number(action, "lifecycle.deleteAfter", 0.0) or keep
            ctx.add("Data", plan, f"backup-copy-{rule_name}", f"AWS Backup copy storage ({rule_name}, other region)",
                    gb * ckeep * per_day, "GB-month", ctx.p.backup_dynamodb_warm_gb_month,
                    f"{len(tables)} tables x {per_table:g} GB x {ckeep:g} days retained")  # fmt: skip
            ctx.add("Data", plan, f"backup-copy-transfer-{rule_name}",
                    f"AWS Backup cross-region copy transfer ({rule_name})", gb * per_day * 30, "GB",
                    ctx.p.backup_cross_region_gb, f"{gb:g} GB copied {per_day:g}/day")  # fmt: skip
    ctx.priced.update(r.get("urn", "") for r in ctx.of("aws:backup/selection:Selection", "aws:backup/vault:Vault"))


def ecr(ctx: Context, repo: Resource) -> None:
    name = ctx.name_of(repo, "name")
    images, source = ctx.a.ecr_images_if_no_policy, "no lifecycle policy found"
    for pol in ctx.of("aws:ecr/lifecyclePolicy:LifecyclePolicy"):
        if repo.get("urn") in (pol.get("dependencies") or []) or ctx.inputs(pol).get("repository") == name:
            try:
                doc = get(ctx.inputs(pol), "policy")
                doc = json.loads(doc) if isinstance(doc, str) else doc
                counts = [
                    float(r["selection"]["countNumber"]) for r in (doc or {}).get("rules", [])
                    if r.get("selection", {}).get("countType") == "imageCountMoreThan"
                ]  # fmt: skip
            except (UnknownValueError, ValueError, KeyError, TypeError, AttributeError):
                counts = []
            if counts:
                images, source = sum(counts), "lifecycle policy imageCountMoreThan"
            else:
                source = "lifecycle policy has no imageCountMoreThan rule"
            ctx.priced.add(pol.get("urn", ""))
    size = ctx.a.ecr_image_gb
    ctx.add("Data", repo, "ecr-storage", f"ECR storage {name}", images * size, "GB-month", ctx.p.ecr_gb_month,
            f"{images:g} images ({source}) x {size:g} GB, no layer sharing")  # fmt: skip


def firehose(ctx: Context, stream: Resource) -> None:
    gb = ctx.a.firehose_gb
    ctx.add("Data", stream, "firehose-ingestion", "Firehose ingestion", gb, "GB", ctx.p.firehose_gb,
            f"{gb:g} GB/month per stream (archived application logs)", scaled=True)  # fmt: skip
