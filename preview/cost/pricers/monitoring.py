"""CloudWatch: alarms (standard, high resolution, anomaly detection, Metrics Insights), composite alarms,
dashboards, custom metrics, log groups (ingestion by role, storage by retention), VPC flow logs, WAF logs."""

from __future__ import annotations

from preview.cost.context import Context, Resource
from preview.cost.inputs import UnknownValueError, items, number, text
from preview.cost.pricers.edge import WEB_ACL, is_waf_log_group

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _alarm_kind(ctx: Context, alarm: Resource) -> tuple[str, float]:
    inp = ctx.inputs(alarm)
    queries = [q for q in items(inp, "metricQueries") if isinstance(q, dict)]
    if queries:
        exprs = [str(q.get("expression") or "").strip().upper() for q in queries]
        bands = sum("ANOMALY_DETECTION_BAND" in e for e in exprs)
        if bands:
            return "anomaly", float(bands * ctx.p.anomaly_alarm_metrics)
        selects = sum(e.startswith("SELECT") for e in exprs)
        if selects:
            return "insights", selects * ctx.a.metrics_insights_metrics
        metrics = [q["metric"] for q in queries if isinstance(q.get("metric"), dict)]
        periods = [number(m, "period", 60.0) or 60.0 for m in metrics]
        return ("high" if any(p < 60 for p in periods) else "standard"), float(max(1, len(metrics)))
    period = number(inp, "period", 60.0) or 60.0
    return ("high" if period < 60 else "standard"), 1.0


def alarms(ctx: Context) -> None:
    groups: dict[str, list[Resource]] = {"standard": [], "high": [], "anomaly": [], "insights": []}
    counts = dict.fromkeys(groups, 0.0)
    for alarm in ctx.of("aws:cloudwatch/metricAlarm:MetricAlarm"):
        try:
            kind, metrics = _alarm_kind(ctx, alarm)
        except UnknownValueError as exc:
            ctx.unknown(alarm, exc, "priced as one standard-resolution alarm metric")
            kind, metrics = "standard", 1.0
        groups[kind].append(alarm)
        counts[kind] += metrics
    p = ctx.p
    if groups["standard"]:
        ctx.add("Monitoring", groups["standard"], "alarms-standard", "CloudWatch alarms, standard resolution",
                counts["standard"], "alarm metric-month", p.alarm_metric_month, free_pool="alarm")  # fmt: skip
    if groups["anomaly"]:
        n = len(groups["anomaly"])
        ctx.add("Monitoring", groups["anomaly"], "alarms-anomaly",
                f"CloudWatch anomaly detection alarms ({n} x {p.anomaly_alarm_metrics} metrics)", counts["anomaly"],
                "alarm metric-month", p.alarm_metric_month, free_pool="alarm")  # fmt: skip
    if groups["high"]:
        ctx.add("Monitoring", groups["high"], "alarms-high-resolution", "CloudWatch alarms, high resolution",
                counts["high"], "alarm metric-month", p.alarm_metric_high_res_month)  # fmt: skip
    if groups["insights"]:
        n, per = len(groups["insights"]), ctx.a.metrics_insights_metrics
        # no free tier: the 10 free alarm metrics exclude alarms on a Metrics Insights query
        ctx.add("Monitoring", groups["insights"], "alarms-metrics-insights",
                f"CloudWatch Metrics Insights query alarms ({n})", counts["insights"], "metric analysed-month",
                p.metrics_insights_alarm_metric_month, f"{per:g} metrics analysed per SELECT query")  # fmt: skip
    composite = ctx.of("aws:cloudwatch/compositeAlarm:CompositeAlarm")
    if composite:
        ctx.add("Monitoring", composite, "alarms-composite", "CloudWatch composite alarms", len(composite),
                "alarm-month", p.composite_alarm_month)  # fmt: skip


def dashboards_and_metrics(ctx: Context) -> None:
    dashboards = ctx.of("aws:cloudwatch/dashboard:Dashboard")
    if dashboards:
        ctx.add("Monitoring", dashboards, "dashboards", "CloudWatch dashboards", len(dashboards), "dashboard-month",
                ctx.p.dashboard_month, free_pool="dashboard")  # fmt: skip
    filters = ctx.of("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    if filters:
        per = ctx.a.metric_filter_metrics
        ctx.add("Monitoring", filters, "metric-filter-metrics", "Custom metrics from log metric filters",
                len(filters) * per, "metric-month", ctx.p.custom_metric_month, f"{per:g} metric(s) per filter",
                "metric")  # fmt: skip
    for cluster in ctx.of("aws:ecs/cluster:Cluster"):
        try:
            settings = items(ctx.inputs(cluster), "settings")
        except UnknownValueError as exc:
            ctx.unknown(cluster, exc, "Container Insights not priced")
            continue
        mode = next(
            (s.get("value") for s in settings if isinstance(s, dict) and s.get("name") == "containerInsights"), None
        )
        if mode in ("enabled", "enhanced"):
            n = ctx.a.container_insights_metrics
            ctx.add("Monitoring", cluster, "container-insights", f"Container Insights ({mode}) metrics", n,
                    "metric-month", ctx.p.custom_metric_month, f"{n:g} metrics per cluster", "metric")  # fmt: skip


def logs(ctx: Context) -> None:
    flow_targets: dict[str, float] = {}
    for fl in ctx.of("aws:ec2/flowLog:FlowLog"):
        ctx.guarded(fl, lambda r: _flow_log(ctx, r, flow_targets), "flow log not priced")
    for group in ctx.of(LOG_GROUP):
        ctx.guarded(group, lambda g: _log_group(ctx, g, flow_targets), "log group not priced")


def _flow_log(ctx: Context, fl: Resource, targets: dict[str, float]) -> None:
    dest = text(ctx.inputs(fl), "logDestinationType") or "cloud-watch-logs"
    price = ctx.p.vended_logs_gb.get(dest)
    if price is None:
        raise UnknownValueError("logDestinationType", f"unsupported destination {dest!r}")
    gb = ctx.a.flow_log_gb
    ctx.add("Monitoring", fl, "flow-log-delivery", f"VPC flow logs delivery to {dest}", gb, "GB", price,
            f"{gb:g} GB flow logs/month", scaled=True)  # fmt: skip
    for g in ctx.linked(fl, [LOG_GROUP]):
        targets[g["urn"]] = targets.get(g["urn"], 0.0) + gb


def _log_role(name: str) -> str:
    n = name.lower()
    if "flow" in n:
        return "flow"
    if "trail" in n or "audit" in n:
        return "audit"
    if "build" in n or "pipeline" in n:
        return "build"
    if "/aws/ecs" in n or "app" in n or "service" in n or "backend" in n:
        return "app"
    return "other"


def _log_group(ctx: Context, group: Resource, flow_targets: dict[str, float]) -> None:
    inp = ctx.inputs(group)
    name = ctx.name_of(group, "name", "namePrefix")
    retention = number(inp, "retentionInDays", 0.0) or 0.0
    months = retention / (365 / 12) if retention else ctx.a.log_never_expire_months
    keep = f"{retention:g}-day retention" if retention else f"never expires: {months:g} months assumed"
    scaled = False
    if group.get("urn") in flow_targets:
        gb, role, scaled = flow_targets[group["urn"]], "flow", True
    elif is_waf_log_group(ctx, group, name):
        acls = max(1, len(ctx.of(WEB_ACL)))
        m, kb = ctx.a.waf_million_requests, ctx.a.waf_log_kb_per_request
        gb, role, scaled = acls * m * kb, "waf", True  # M requests x KB = GB (decimal units)
        ctx.add("Monitoring", group, "log-ingestion", f"WAF log delivery to {name} (vended logs)", gb, "GB",
                ctx.p.vended_logs_gb["cloud-watch-logs"],
                f"{acls} web ACL(s) x {m:g}M requests/month x {kb:g} KB per log record", scaled=True)  # fmt: skip
    else:
        role = _log_role(name)
        gb = ctx.a.log_gb.get(role, ctx.a.log_gb.get("other", 0.0))
        ia = (text(inp, "logGroupClass") or "STANDARD") == "INFREQUENT_ACCESS"
        scaled = role == "app"  # application logs grow with the number of tasks
        ctx.add("Monitoring", group, "log-ingestion", f"Log ingestion {name} ({role}{', IA' if ia else ''})", gb,
                "GB", ctx.p.logs_ingest_ia_gb if ia else ctx.p.logs_ingest_gb,
                f"{gb:g} GB/month ingested ({role} logs)", "logs", scaled=scaled)  # fmt: skip
    ctx.add("Monitoring", group, "log-storage", f"Log storage {name}", gb * months, "GB-month",
            ctx.p.logs_storage_gb_month, f"{gb:g} GB/month x {months:.2f} months ({keep}), uncompressed upper bound",
            scaled=scaled)  # fmt: skip
