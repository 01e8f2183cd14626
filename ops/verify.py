"""Verification of a restored table against its source (runbook "DR Procedures": 3. Validate).

Key schema, global secondary indexes, encryption with the stack's data key, PITR switched on for the restored
table (a restore never carries it over), the source's tags copied over, and, when asked, the item counts of a
full scan of both tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ops.context import Ctx


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _indexes(table: dict[str, Any]) -> dict[str, Any]:
    return {
        ix["IndexName"]: (ix.get("KeySchema"), ix.get("Projection", {}).get("ProjectionType"))
        for ix in table.get("GlobalSecondaryIndexes", [])
    }


def _count(ctx: Ctx, table: str) -> int:
    """Items of a full scan (Select=COUNT pages through the whole table; consumes read capacity)."""
    total, start = 0, None
    while True:
        page = ctx.client("dynamodb").scan(
            TableName=table, Select="COUNT", **({"ExclusiveStartKey": start} if start else {})
        )
        total += page.get("Count", 0)
        start = page.get("LastEvaluatedKey")
        if not start:
            return total


def switch_on_pitr(ctx: Ctx, source: str, target: str) -> None:
    """PITR with the source's recovery window (35 days, components/data): a restored table starts without."""
    dynamodb = ctx.client("dynamodb")
    described = dynamodb.describe_continuous_backups(TableName=source).get("ContinuousBackupsDescription", {})
    days = described.get("PointInTimeRecoveryDescription", {}).get("RecoveryPeriodInDays", 35)
    dynamodb.update_continuous_backups(
        TableName=target,
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": days},
    )


def copy_tags(ctx: Ctx, source_arn: str, target_arn: str, target: str) -> dict[str, str]:
    """The source's tags (Environment, Service, Team, ...) on the restored table, with its own Name."""
    dynamodb = ctx.client("dynamodb")
    tags = {t["Key"]: t["Value"] for t in dynamodb.list_tags_of_resource(ResourceArn=source_arn).get("Tags", [])}
    wanted = {**tags, "Name": target} if "Name" in tags else tags
    if wanted:
        dynamodb.tag_resource(ResourceArn=target_arn, Tags=[{"Key": k, "Value": v} for k, v in wanted.items()])
    return wanted


def verify(ctx: Ctx, source: str, target: str, key_arn: str, count_items: bool) -> list[Check]:
    """Switch PITR on and copy the tags, then check everything; [] under ``--dry-run`` (nothing to check)."""
    dynamodb = ctx.client("dynamodb")
    src = dynamodb.describe_table(TableName=source).get("Table", {})
    dst = dynamodb.describe_table(TableName=target).get("Table", {})
    switch_on_pitr(ctx, source, target)
    wanted_tags = copy_tags(ctx, src.get("TableArn", f"<{source} ARN>"), dst.get("TableArn", f"<{target} ARN>"), target)
    pitr = (
        dynamodb.describe_continuous_backups(TableName=target)
        .get("ContinuousBackupsDescription", {})
        .get("PointInTimeRecoveryDescription", {})
    )
    tags = (
        {
            t["Key"]: t["Value"]
            for t in dynamodb.list_tags_of_resource(ResourceArn=dst.get("TableArn", "")).get("Tags", [])
        }
        if not ctx.dry_run
        else {}
    )
    counts = (_count(ctx, source), _count(ctx, target)) if count_items else None
    if ctx.dry_run:
        return []
    sse = dst.get("SSEDescription", {})
    checks = [
        Check("key schema", src.get("KeySchema") == dst.get("KeySchema"), str(dst.get("KeySchema"))),
        Check(
            "indexes",
            _indexes(src) == _indexes(dst),
            ", ".join(sorted(_indexes(dst))) or "none",
        ),
        Check(
            "encryption",
            sse.get("Status") == "ENABLED" and sse.get("SSEType") == "KMS" and sse.get("KMSMasterKeyArn") == key_arn,
            f"{sse.get('SSEType', 'AWS owned key')} {sse.get('KMSMasterKeyArn', '')}".strip() + f" (want {key_arn})",
        ),
        Check(
            "PITR",
            pitr.get("PointInTimeRecoveryStatus") == "ENABLED",
            f"{pitr.get('PointInTimeRecoveryStatus', '?')}, {pitr.get('RecoveryPeriodInDays', '?')} days",
        ),
        Check(
            "tags",
            all(tags.get(k) == v for k, v in wanted_tags.items()),
            ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) or "none",
        ),
    ]
    if counts is not None:
        checks.append(Check("items", counts[0] == counts[1], f"source {counts[0]}, restored {counts[1]}"))
    return checks


def show(ctx: Ctx, checks: list[Check]) -> bool:
    for c in checks:
        ctx.say(f"  {'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}")
    return all(c.ok for c in checks)
