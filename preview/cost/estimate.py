"""Turn recorded RegisterResource requests into a monthly cost estimate.

One method per priced resource family; each reads engine (camelCase) inputs through
``preview.cost.inputs`` so an unknown value is reported (``UnknownInput``) instead of crashing, and a
resource that still cannot be priced becomes a warning, never an exception.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from preview.cost import fargate
from preview.cost.assumptions import UsageAssumptions, for_stack
from preview.cost.inputs import UnknownValueError, get, items, number, plain, text
from preview.cost.model import Budget, CostReport, LineItem, UnknownInput
from preview.cost.prices import PRICES, PriceTable

Resource = dict[str, Any]

# Types that have no charge of their own (their cost, if any, is priced on another resource).
FREE_PREFIXES: tuple[str, ...] = (
    "aws:iam/", "aws:ec2/securityGroup", "aws:vpc/securityGroup", "aws:ec2/defaultSecurityGroup",
    "aws:ec2/defaultNetworkAcl", "aws:ec2/networkAcl", "aws:ec2/subnet", "aws:ec2/routeTable", "aws:ec2/route:",
    "aws:ec2/vpc:", "aws:ec2/internetGateway", "aws:ec2/defaultRouteTable", "aws:ec2/vpcEndpointPolicy",
    "aws:s3/bucketPublicAccessBlock", "aws:s3/bucketOwnershipControls", "aws:s3/bucketServerSideEncryption",
    "aws:s3/bucketVersioning", "aws:s3/bucketLifecycleConfiguration", "aws:s3/bucketPolicy", "aws:s3/bucketLogging",
    "aws:s3/bucketNotification", "aws:s3/accountPublicAccessBlock", "aws:lb/listener", "aws:lb/targetGroup",
    "aws:ecs/taskDefinition", "aws:ecs/cluster:", "aws:ecs/clusterCapacityProviders", "aws:appautoscaling/",
    "aws:sns/", "aws:cloudwatch/eventRule", "aws:cloudwatch/eventTarget", "aws:cloudwatch/logResourcePolicy",
    "aws:cloudwatch/logSubscriptionFilter", "aws:cloudwatch/logDataProtectionPolicy", "aws:acm/",
    "aws:route53/record", "aws:kms/alias", "aws:kms/keyPolicy", "aws:kms/grant", "aws:ecr/lifecyclePolicy",
    "aws:ecr/repositoryPolicy", "aws:ecr/registryScanningConfiguration", "aws:backup/vault", "aws:backup/selection",
    "aws:backup/vaultPolicy", "aws:backup/vaultNotifications", "aws:backup/vaultLockConfiguration", "aws:budgets/",
    "aws:codestarconnections/", "aws:codeconnections/", "aws:codestarnotifications/",
    "aws:securityhub/standardsSubscription", "aws:guardduty/detectorFeature", "aws:secretsmanager/secretVersion",
    "aws:secretsmanager/secretPolicy", "aws:secretsmanager/secretRotation", "aws:dynamodb/resourcePolicy",
    "aws:ssm/parameter", "aws:ecr/replicationConfiguration",
    "aws:ec2/eipAssociation", "aws:wafv2/webAclAssociation",
    "aws:wafv2/webAclLoggingConfiguration", "aws:cloudwatch/logStream", "aws:ecs/accountSettingDefault",
    "aws:costexplorer/costAllocationTag", "aws:ec2/vpcEndpointRouteTableAssociation",
)  # fmt: skip
NEGLIGIBLE = {
    "aws:sns/topic:Topic": "SNS: first 1M publishes and 1,000 email deliveries a month are free; alarm traffic is far below",
}
FIXED = None  # LineItem.assumption for charges read from the program itself


def component_of(res: Resource) -> str:
    """The top-level component a resource belongs to (from its URN's type chain), or '-' at the root."""
    parts = str(res.get("urn", "")).split("::")
    if len(parts) >= 3:
        chain = parts[2].split("$")
        if len(chain) > 1:
            return chain[0]
    return "-"


def _cron_runs_per_day(expr: str) -> float | None:
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
            first = 0 if start in ("*", "") else int(start) if start.isdigit() else 0
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


class _Estimator:
    def __init__(self, resources: list[Resource], stack: str, usage: UsageAssumptions, prices: PriceTable) -> None:
        self.resources = [r for r in resources if isinstance(r, dict)]
        self.a = usage
        self.p = prices
        self.report = CostReport(stack=stack, assumptions=usage, prices=prices)
        self.priced: set[str] = set()  # URNs that produced or fed a line item
        self.by_urn = {r.get("urn", ""): r for r in self.resources}
        self.free_left = {
            "alarm": prices.free_alarm_metrics,
            "dashboard": prices.free_dashboards,
            "metric": prices.free_custom_metrics,
            "logs": prices.free_logs_gb,
            "dynamodb": prices.dynamodb_free_storage_gb,
            "kms": prices.kms_free_requests / 10_000,
            "codebuild": prices.codebuild_free_minutes,
            "codepipeline": prices.codepipeline_v2_free_minutes,
        }
        self.free_urns: set[str] = set()  # resources judged free by their inputs (gateway endpoints)
        self.fargate_vcpus = 0.0  # running vCPUs (min capacity), for GuardDuty runtime monitoring

    # --- helpers ------------------------------------------------------------------------
    def of(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.get("type") in types]

    @staticmethod
    def inputs(res: Resource) -> dict[str, Any]:
        value = plain(res.get("inputs"))
        return value if isinstance(value, dict) else {}

    def free(self, pool: str, quantity: float) -> float:
        if not self.a.apply_free_tier:
            return 0.0
        granted = min(quantity, self.free_left.get(pool, 0.0))
        self.free_left[pool] = self.free_left.get(pool, 0.0) - granted
        return granted

    def add(
        self,
        category: str,
        res: Resource | list[Resource],
        item: str,
        quantity: float,
        unit: str,
        unit_price: float,
        assumption: str | None = FIXED,
        free_pool: str | None = None,
        quantity_max: float | None = None,
    ) -> None:
        group = res if isinstance(res, list) else [res]
        if not group:
            return
        for r in group:
            self.priced.add(r.get("urn", ""))
        self.report.items.append(
            LineItem(
                category=category,
                resource_type=str(group[0].get("type", "")),
                resources=tuple(str(r.get("name", "")) for r in group),
                component=component_of(group[0]),
                item=item,
                quantity=float(quantity),
                unit=unit,
                unit_price=float(unit_price),
                free_quantity=self.free(free_pool, quantity) if free_pool else 0.0,
                assumption=assumption,
                quantity_max=quantity_max,
            )
        )

    def unknown(self, res: Resource, exc: UnknownValueError, effect: str) -> None:
        self.report.unknowns.append(
            UnknownInput(str(res.get("name", "")), str(res.get("type", "")), exc.prop, f"{exc.why}; {effect}")
        )

    def guarded(self, res: Resource, fn: Callable[[Resource], None], effect: str = "not priced") -> None:
        try:
            fn(res)
        except UnknownValueError as exc:
            self.unknown(res, exc, effect)
            self.priced.add(res.get("urn", ""))
        except Exception as exc:  # a malformed record must never stop the preview
            self.report.warnings.append(
                f"{res.get('type')} {res.get('name')}: not priced ({type(exc).__name__}: {exc})"
            )
            self.priced.add(res.get("urn", ""))

    def linked(self, res: Resource, types: Iterable[str], prop: str | None = None) -> list[Resource]:
        """Resources of ``types`` that ``res`` depends on (through ``prop`` when given)."""
        deps = res.get("propertyDependencies") or {}
        urns = (
            list(deps.get(prop, [])) if prop else [*res.get("dependencies", []), *(u for v in deps.values() for u in v)]
        )
        wanted = set(types)
        return [
            self.by_urn[u] for u in dict.fromkeys(urns) if u in self.by_urn and self.by_urn[u].get("type") in wanted
        ]

    def name_of(self, res: Resource, *props: str) -> str:
        for prop in props:
            try:
                value = text(self.inputs(res), prop)
            except UnknownValueError:
                continue
            if value:
                return value
        return str(res.get("name", ""))

    # --- compute ------------------------------------------------------------------------
    def _task_definition(self, svc: Resource) -> Resource | None:
        tds = self.of("aws:ecs/taskDefinition:TaskDefinition")
        if linked := self.linked(svc, ["aws:ecs/taskDefinition:TaskDefinition"], "taskDefinition"):
            return linked[0]
        ref = self.inputs(svc).get("taskDefinition")
        if isinstance(ref, str):
            for td in tds:
                family = self.inputs(td).get("family")
                if isinstance(family, str) and (ref == family or f"task-definition/{family}:" in ref):
                    return td
        return tds[0] if len(tds) == 1 else None

    def _scaling_target(self, svc: Resource) -> Resource | None:
        targets = [
            t for t in self.of("aws:appautoscaling/target:Target")
            if self.inputs(t).get("serviceNamespace") in ("ecs", None)
        ]  # fmt: skip
        for t in targets:
            if svc.get("urn") in (t.get("dependencies") or []) or svc.get("urn") in (
                (t.get("propertyDependencies") or {}).get("resourceId", [])
            ):
                return t
        svc_name = self.inputs(svc).get("name")
        for t in targets:
            rid = self.inputs(t).get("resourceId")
            if isinstance(rid, str) and isinstance(svc_name, str) and rid.endswith(f"/{svc_name}"):
                return t
        services = self.of("aws:ecs/service:Service")
        return targets[0] if len(targets) == 1 and len(services) == 1 else None

    def _strategies(self, svc: Resource) -> list[fargate.Strategy]:
        raw = items(self.inputs(svc), "capacityProviderStrategies")
        if not raw and get(self.inputs(svc), "launchType") is None:
            defaults = self.of("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
            if len(defaults) == 1:
                raw = items(self.inputs(defaults[0]), "defaultCapacityProviderStrategies")
        out = []
        for s in raw:
            if not isinstance(s, dict):
                raise UnknownValueError("capacityProviderStrategies", "unexpected shape")
            out.append(
                fargate.Strategy(
                    capacity_provider=str(plain(s.get("capacityProvider"))),
                    base=number(s, "base", 0.0) or 0.0,
                    weight=number(s, "weight", 0.0) or 0.0,
                )
            )
        return out

    def ecs_service(self, svc: Resource) -> None:
        inp = self.inputs(svc)
        launch = get(inp, "launchType")
        if launch in ("EC2", "EXTERNAL"):
            self.report.warnings.append(f"ECS service {svc.get('name')}: launch type {launch} (instances not modelled)")
            return
        td = self._task_definition(svc)
        if td is None:
            raise UnknownValueError("taskDefinition", "no task definition found for the service")
        self.priced.add(td.get("urn", ""))
        tdi = self.inputs(td)
        try:
            vcpu = (number(tdi, "cpu") or 0.0) / 1024
            mem = (number(tdi, "memory") or 0.0) / 1024
        except UnknownValueError as exc:
            self.unknown(td, exc, "Fargate task size unknown: the service is not priced")
            return
        arch = (text(tdi, "runtimePlatform.cpuArchitecture") or fargate.X86_64).upper()
        ephemeral = number(tdi, "ephemeralStorage.sizeInGib", 20.0) or 20.0

        target = self._scaling_target(svc)
        desired = number(inp, "desiredCount", 0.0) or 0.0
        if target is not None:
            self.priced.add(target.get("urn", ""))
            try:
                lo = number(self.inputs(target), "minCapacity", desired)
                hi = number(self.inputs(target), "maxCapacity", lo)
                count_note = f"{lo:g} tasks (autoscaling minCapacity; {hi:g} at maxCapacity)"
            except UnknownValueError as exc:
                self.unknown(target, exc, f"task count falls back to desiredCount {desired:g}")
                lo = hi = desired
                count_note = f"{desired:g} tasks (desiredCount; autoscaling capacity unknown)"
        else:
            lo = hi = desired
            count_note = f"{desired:g} tasks (desiredCount; no autoscaling target found)"
        lo, hi = lo or 0.0, max(hi or 0.0, lo or 0.0)
        strategies = self._strategies(svc)
        od_lo, spot_lo = fargate.split_tasks(lo, strategies)
        od_hi, spot_hi = fargate.split_tasks(hi, strategies)
        split_note = (
            "strategy " + ", ".join(f"{s.capacity_provider} base {s.base:g} weight {s.weight:g}" for s in strategies)
            if strategies
            else "launch type FARGATE (all on-demand)"
        )
        assumption = (
            f"{count_note}; {split_note}: {od_lo:g} on-demand + {spot_lo:g} Spot; 24x7 ({self.a.hours_per_month:g} h)"
        )
        platform = text(inp, "platformVersion")
        if spot_lo + spot_hi > 0 and not fargate.spot_supported(arch, platform):
            self.report.warnings.append(
                f"ECS service {svc.get('name')}: FARGATE_SPOT share with ARM64 on platform {platform} - Fargate "
                "Spot runs ARM64 tasks on platform 1.4.0 or later only; priced as ARM64 on-demand"
            )
            od_lo, spot_lo, od_hi, spot_hi = od_lo + spot_lo, 0.0, od_hi + spot_hi, 0.0
            assumption += f" (Spot unavailable for ARM64 on platform {platform}: priced on-demand)"
        h = self.a.hours_per_month
        vcpu_rate, gb_rate = fargate.hourly_rates(arch, self.p)
        label = "ARM64 (Graviton)" if arch == fargate.ARM64 else "X86_64"
        size = f"{vcpu:g} vCPU / {mem:g} GB"
        for kind, tasks_lo, tasks_hi, factor in (
            ("on-demand", od_lo, od_hi, 1.0),
            ("Spot", spot_lo, spot_hi, 1 - self.p.fargate_spot_discount),
        ):
            if tasks_lo == 0 and tasks_hi == 0:
                continue
            self.add("Compute", svc, f"Fargate {label} {kind} vCPU ({size})", tasks_lo * vcpu * h, "vCPU-hour",
                     vcpu_rate * factor, assumption, quantity_max=tasks_hi * vcpu * h)  # fmt: skip
            self.add("Compute", svc, f"Fargate {label} {kind} memory ({size})", tasks_lo * mem * h, "GB-hour",
                     gb_rate * factor, assumption, quantity_max=tasks_hi * mem * h)  # fmt: skip
        extra = max(0.0, ephemeral - self.p.fargate_included_ephemeral_gib)
        if extra > 0:
            self.add("Compute", svc, f"Fargate ephemeral storage above {self.p.fargate_included_ephemeral_gib:g} GiB",
                     lo * extra * h, "GB-hour", self.p.fargate_ephemeral_gb_hour, assumption,
                     quantity_max=hi * extra * h)  # fmt: skip
        self.fargate_vcpus += lo * vcpu
        spot_share = spot_lo / lo if lo else 0.0
        other = fargate.X86_64 if arch == fargate.ARM64 else fargate.ARM64
        cost = fargate.monthly_cost(lo, vcpu, mem, arch, self.p, spot_lo, h, ephemeral)
        alt = fargate.monthly_cost(
            lo, vcpu, mem, other, self.p, lo * spot_share if other == fargate.X86_64 else 0, h, ephemeral
        )
        if lo and alt:
            verdict = "cheaper" if cost < alt else "dearer"
            self.report.comparisons.append(
                f"ECS service {svc.get('name')}: {arch} ${cost:,.2f}/month vs {other} ${alt:,.2f}/month for the same "
                f"{lo:g} x {size} ({arch} {abs(alt - cost) / alt:.0%} {verdict})"
            )

    # --- network ------------------------------------------------------------------------
    def nat_and_vpc(self) -> None:
        h = self.a.hours_per_month
        total = 0.0
        for vpc in self.of("awsx:ec2:Vpc"):
            inp = self.inputs(vpc)
            try:
                strategy = text(inp, "natGateways.strategy") or "OnePerAz"  # awsx default with public+private subnets
                zones = items(inp, "availabilityZoneNames")
                azs = float(len(zones)) if zones else number(inp, "numberOfAvailabilityZones", 3.0) or 3.0
            except UnknownValueError as exc:
                self.unknown(vpc, exc, "assumed OnePerAz x 3 AZs (awsx defaults)")
                strategy, azs = "OnePerAz", 3.0
            count = {"OnePerAz": azs, "Single": 1.0, "None": 0.0}.get(strategy)
            if count is None:
                self.report.warnings.append(f"awsx VPC {vpc.get('name')}: unknown natGateways.strategy {strategy!r}")
                continue
            self.priced.add(vpc.get("urn", ""))
            if count == 0:
                continue
            total += count
            note = (
                f"natGateways.strategy {strategy} x {azs:g} AZs"
                if strategy == "OnePerAz"
                else f"natGateways.strategy {strategy}"
            )
            self.add(
                "Network",
                vpc,
                f"NAT gateways in awsx VPC ({note})",
                count * h,
                "NAT gateway-hour",
                self.p.nat_gateway_hour,
            )
            try:
                own_eips = bool(items(inp, "natGateways.elasticIpAllocationIds"))
            except UnknownValueError:
                own_eips = True
            if not own_eips:
                self.add("Network", vpc, "Public IPv4 of the NAT gateways (awsx-allocated EIPs)", count * h,
                         "IPv4-hour", self.p.public_ipv4_hour)  # fmt: skip
        nats = self.of("aws:ec2/natGateway:NatGateway")
        if nats:
            total += len(nats)
            self.add("Network", nats, "NAT gateways", len(nats) * h, "NAT gateway-hour", self.p.nat_gateway_hour)
        if total:
            group = self.of("awsx:ec2:Vpc", "aws:ec2/natGateway:NatGateway")
            self.add("Network", group, f"NAT data processed ({total:g} gateways)", self.a.nat_gb_processed, "GB",
                     self.p.nat_gateway_gb, f"{self.a.nat_gb_processed:g} GB/month through all NAT gateways")  # fmt: skip
        eips = self.of("aws:ec2/eip:Eip")
        if eips:
            self.add("Network", eips, "Elastic IPs (public IPv4)", len(eips) * h, "IPv4-hour", self.p.public_ipv4_hour)

    def load_balancer(self, lb: Resource) -> None:
        inp = self.inputs(lb)
        kind = text(inp, "loadBalancerType") or "application"
        h = self.a.hours_per_month
        if kind == "application":
            self.add("Network", lb, "Application Load Balancer", h, "ALB-hour", self.p.alb_hour)
            self.add("Network", lb, "ALB capacity units", self.a.alb_lcus * h, "LCU-hour", self.p.alb_lcu_hour,
                     f"{self.a.alb_lcus:g} LCU average, every hour")  # fmt: skip
        elif kind == "network":
            self.add("Network", lb, "Network Load Balancer", h, "NLB-hour", self.p.nlb_hour)
            self.add("Network", lb, "NLB capacity units", self.a.alb_lcus * h, "NLCU-hour", self.p.nlb_lcu_hour,
                     f"{self.a.alb_lcus:g} NLCU average, every hour")  # fmt: skip
        else:
            self.report.warnings.append(f"load balancer {lb.get('name')}: type {kind} not modelled")
            return
        if get(inp, "internal") is True:
            return
        try:
            subnets = len(items(inp, "subnets")) or len(items(inp, "subnetMappings"))
            note = None
        except UnknownValueError as exc:
            self.unknown(lb, exc, "public IPv4 count assumed 3 (one per AZ)")
            subnets, note = 3, "3 AZs (subnets unknown in preview)"
        if subnets:
            self.add("Network", lb, f"Public IPv4 of the internet-facing load balancer ({subnets} AZs)", subnets * h,
                     "IPv4-hour", self.p.public_ipv4_hour, note)  # fmt: skip

    def vpc_endpoint(self, ep: Resource) -> None:
        inp = self.inputs(ep)
        if (text(inp, "vpcEndpointType") or "Gateway") == "Gateway":
            self.free_urns.add(ep.get("urn", ""))  # gateway endpoints (S3, DynamoDB) are free
            return
        try:
            azs, note = float(len(items(inp, "subnetIds")) or 1), None
        except UnknownValueError as exc:
            self.unknown(ep, exc, "assumed 3 AZs")
            azs, note = 3.0, "3 AZs (subnetIds unknown in preview)"
        service = self.name_of(ep, "serviceName").rsplit(".", 1)[-1]
        h = self.a.hours_per_month
        self.add("Network", ep, f"Interface endpoint {service} ({azs:g} AZs)", azs * h, "endpoint-AZ-hour",
                 self.p.interface_endpoint_az_hour, note)  # fmt: skip
        self.add("Network", ep, f"Interface endpoint {service} data processed", self.a.interface_endpoint_gb, "GB",
                 self.p.interface_endpoint_gb, f"{self.a.interface_endpoint_gb:g} GB/month per endpoint")  # fmt: skip

    def web_acl(self, acl: Resource) -> None:
        rules = len(items(self.inputs(acl), "rules"))
        self.add("Security", acl, "WAF web ACL", 1, "web ACL-month", self.p.waf_web_acl_month)
        if rules:
            self.add("Security", acl, "WAF rules", rules, "rule-month", self.p.waf_rule_month)
        self.add("Security", acl, "WAF requests", self.a.waf_million_requests, "million requests",
                 self.p.waf_million_requests, f"{self.a.waf_million_requests:g}M requests/month")  # fmt: skip

    # --- security -----------------------------------------------------------------------
    def kms(self) -> None:
        keys = self.of("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey")
        replicas = self.of("aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey")
        if keys:
            self.add("Security", keys, "KMS customer managed keys", len(keys), "key-month", self.p.kms_key_month)
        if replicas:
            self.add(
                "Security", replicas, "KMS multi-Region replica keys", len(replicas), "key-month", self.p.kms_key_month
            )
        if keys or replicas:
            self.add("Security", keys + replicas, "KMS requests", self.a.kms_requests / 10_000, "10k requests",
                     self.p.kms_10k_requests, f"{self.a.kms_requests:,.0f} requests/month across all keys", "kms")  # fmt: skip

    def secrets(self) -> None:
        secrets = self.of("aws:secretsmanager/secret:Secret")
        if not secrets:
            return
        count = 0
        for s in secrets:
            try:
                count += 1 + len(items(self.inputs(s), "replicas"))
            except UnknownValueError as exc:
                self.unknown(s, exc, "replicas not counted")
                count += 1
        self.add(
            "Security", secrets, "Secrets Manager secrets (incl. replicas)", count, "secret-month", self.p.secret_month
        )

    def cloudtrail(self) -> None:
        trails = self.of("aws:cloudtrail/trail:Trail")
        for i, trail in enumerate(trails):
            self.guarded(trail, lambda t, first=(i == 0): self._trail(t, first), "trail not priced")

    def _trail(self, trail: Resource, first: bool) -> None:
        inp = self.inputs(trail)
        selectors = items(inp, "eventSelectors")
        advanced = items(inp, "advancedEventSelectors")
        data = any(isinstance(s, dict) and s.get("dataResources") for s in selectors)
        mgmt = not selectors or any(isinstance(s, dict) and s.get("includeManagementEvents", True) for s in selectors)
        if advanced:
            cats = [
                e for a in advanced if isinstance(a, dict) for f in a.get("fieldSelectors") or []
                if isinstance(f, dict) and f.get("field") == "eventCategory" for e in f.get("equals") or []
            ]  # fmt: skip
            data = data or "Data" in cats
            mgmt = "Management" in cats
        ev = self.a.cloudtrail_mgmt_events
        if mgmt and first:
            self.add("Security", trail, "CloudTrail management events (first copy free)", ev / 100_000,
                     "100k events", 0.0, f"{ev:,.0f} management events/month")  # fmt: skip
        elif mgmt:
            self.add("Security", trail, "CloudTrail management events (additional trail)", ev / 100_000,
                     "100k events", self.p.cloudtrail_mgmt_100k_events, f"{ev:,.0f} management events/month")  # fmt: skip
        if data:
            dv = self.a.cloudtrail_data_events
            self.add("Security", trail, "CloudTrail data events", dv / 100_000, "100k events",
                     self.p.cloudtrail_data_100k_events, f"{dv:,.0f} data events/month")  # fmt: skip
        if items(inp, "insightSelectors"):
            self.add("Security", trail, "CloudTrail Insights", ev / 100_000, "100k events",
                     self.p.cloudtrail_insights_100k_events, f"{ev:,.0f} management events analysed/month")  # fmt: skip
        self.priced.add(trail.get("urn", ""))

    def guardduty(self, det: Resource) -> None:
        inp = self.inputs(det)
        if get(inp, "enable") is False:
            return
        ev = self.a.cloudtrail_mgmt_events
        self.add("Security", det, "GuardDuty CloudTrail management event analysis", ev / 1e6, "million events",
                 self.p.guardduty_million_mgmt_events, f"{ev:,.0f} management events/month")  # fmt: skip
        flows = max(1, len(self.of("aws:ec2/flowLog:FlowLog")))
        gb = flows * self.a.flow_log_gb + self.a.guardduty_dns_gb
        self.add("Security", det, "GuardDuty VPC flow and DNS log analysis", gb, "GB", self.p.guardduty_log_gb,
                 f"{flows} x {self.a.flow_log_gb:g} GB flow + {self.a.guardduty_dns_gb:g} GB DNS logs/month")  # fmt: skip
        runtime = [
            f for f in self.of("aws:guardduty/detectorFeature:DetectorFeature")
            if self.inputs(f).get("name") in ("RUNTIME_MONITORING", "ECS_RUNTIME_MONITORING")
            and self.inputs(f).get("status") == "ENABLED"
        ]  # fmt: skip
        if runtime and self.fargate_vcpus:
            self.add("Security", runtime, "GuardDuty Runtime Monitoring (ECS Fargate)", self.fargate_vcpus,
                     "vCPU-month", self.p.guardduty_runtime_vcpu_month, "running Fargate vCPUs at minCapacity")  # fmt: skip

    def security_hub(self, acct: Resource) -> None:
        subs = self.of("aws:securityhub/standardsSubscription:StandardsSubscription")
        defaults = 0 if get(self.inputs(acct), "enableDefaultStandards") is False else 2
        standards = len(subs) or defaults
        checks = standards * self.a.securityhub_checks_per_standard
        if checks:
            self.add("Security", [acct, *subs], f"Security Hub security checks ({standards} standards)", checks,
                     "check", self.p.securityhub_check,
                     f"{self.a.securityhub_checks_per_standard:,.0f} checks/month per standard")  # fmt: skip
        findings = self.a.securityhub_findings
        self.add("Security", acct, "Security Hub finding ingestion", findings, "finding", self.p.securityhub_finding,
                 f"{findings:,.0f} findings/month (first {self.p.securityhub_free_findings:,.0f} free)")  # fmt: skip
        # the 10k free findings are a fixed allowance of the service, not the account free tier
        last = self.report.items[-1]
        self.report.items[-1] = LineItem(
            **{**last.__dict__, "free_quantity": min(findings, self.p.securityhub_free_findings)}
        )

    # --- CloudWatch ---------------------------------------------------------------------
    def alarms(self) -> None:
        standard: list[Resource] = []
        high_res: list[Resource] = []
        anomaly: list[Resource] = []
        n_std = n_high = n_anom = 0.0
        for alarm in self.of("aws:cloudwatch/metricAlarm:MetricAlarm"):
            try:
                kind, metrics = self._alarm_kind(alarm)
            except UnknownValueError as exc:
                self.unknown(alarm, exc, "priced as one standard-resolution alarm metric")
                kind, metrics = "standard", 1.0
            if kind == "anomaly":
                anomaly.append(alarm)
                n_anom += metrics
            elif kind == "high":
                high_res.append(alarm)
                n_high += metrics
            else:
                standard.append(alarm)
                n_std += metrics
        if standard:
            self.add("Monitoring", standard, "CloudWatch alarms, standard resolution", n_std, "alarm metric-month",
                     self.p.alarm_metric_month, free_pool="alarm")  # fmt: skip
        if anomaly:
            self.add("Monitoring", anomaly, f"CloudWatch anomaly detection alarms ({len(anomaly)} x "
                     f"{self.p.anomaly_alarm_metrics} metrics)", n_anom, "alarm metric-month", self.p.alarm_metric_month,
                     free_pool="alarm")  # fmt: skip
        if high_res:
            self.add("Monitoring", high_res, "CloudWatch alarms, high resolution", n_high, "alarm metric-month",
                     self.p.alarm_metric_high_res_month)  # fmt: skip
        composite = self.of("aws:cloudwatch/compositeAlarm:CompositeAlarm")
        if composite:
            self.add("Monitoring", composite, "CloudWatch composite alarms", len(composite), "alarm-month",
                     self.p.composite_alarm_month)  # fmt: skip

    def _alarm_kind(self, alarm: Resource) -> tuple[str, float]:
        inp = self.inputs(alarm)
        queries = [q for q in items(inp, "metricQueries") if isinstance(q, dict)]
        if queries:
            bands = sum("ANOMALY_DETECTION_BAND" in str(q.get("expression") or "").upper() for q in queries)
            if bands:
                return "anomaly", float(bands * self.p.anomaly_alarm_metrics)
            metrics = [q["metric"] for q in queries if isinstance(q.get("metric"), dict)]
            periods = [number(m, "period", 60.0) or 60.0 for m in metrics]
            return ("high" if any(p < 60 for p in periods) else "standard"), float(max(1, len(metrics)))
        period = number(inp, "period", 60.0) or 60.0
        return ("high" if period < 60 else "standard"), 1.0

    def dashboards_and_metrics(self) -> None:
        dashboards = self.of("aws:cloudwatch/dashboard:Dashboard")
        if dashboards:
            self.add("Monitoring", dashboards, "CloudWatch dashboards", len(dashboards), "dashboard-month",
                     self.p.dashboard_month, free_pool="dashboard")  # fmt: skip
        filters = self.of("aws:cloudwatch/logMetricFilter:LogMetricFilter")
        if filters:
            n = len(filters) * self.a.metric_filter_metrics
            self.add("Monitoring", filters, "Custom metrics from log metric filters", n, "metric-month",
                     self.p.custom_metric_month, f"{self.a.metric_filter_metrics:g} metric(s) per filter",
                     "metric")  # fmt: skip
        for cluster in self.of("aws:ecs/cluster:Cluster"):
            try:
                settings = items(self.inputs(cluster), "settings")
            except UnknownValueError as exc:
                self.unknown(cluster, exc, "Container Insights not priced")
                continue
            mode = next(
                (s.get("value") for s in settings if isinstance(s, dict) and s.get("name") == "containerInsights"), None
            )
            if mode in ("enabled", "enhanced"):
                n = self.a.container_insights_metrics
                self.add("Monitoring", cluster, f"Container Insights ({mode}) metrics", n, "metric-month",
                         self.p.custom_metric_month, f"{n:g} metrics per cluster", "metric")  # fmt: skip

    def logs(self) -> None:
        flow_targets: dict[str, float] = {}
        for fl in self.of("aws:ec2/flowLog:FlowLog"):
            self.guarded(fl, lambda r: self._flow_log(r, flow_targets), "flow log not priced")
        for group in self.of("aws:cloudwatch/logGroup:LogGroup"):
            self.guarded(group, lambda g: self._log_group(g, flow_targets), "log group not priced")

    def _flow_log(self, fl: Resource, targets: dict[str, float]) -> None:
        dest = text(self.inputs(fl), "logDestinationType") or "cloud-watch-logs"
        price = self.p.vended_logs_gb.get(dest)
        if price is None:
            raise UnknownValueError("logDestinationType", f"unsupported destination {dest!r}")
        gb = self.a.flow_log_gb
        self.add("Monitoring", fl, f"VPC flow logs delivery to {dest}", gb, "GB", price, f"{gb:g} GB flow logs/month")
        for g in self.linked(fl, ["aws:cloudwatch/logGroup:LogGroup"]):
            targets[g["urn"]] = targets.get(g["urn"], 0.0) + gb

    def _log_role(self, group: Resource, name: str) -> str:
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

    def _log_group(self, group: Resource, flow_targets: dict[str, float]) -> None:
        inp = self.inputs(group)
        name = self.name_of(group, "name", "namePrefix")
        retention = number(inp, "retentionInDays", 0.0) or 0.0
        months = retention / (365 / 12) if retention else self.a.log_never_expire_months
        keep = f"{retention:g}-day retention" if retention else f"never expires: {months:g} months assumed"
        if group.get("urn") in flow_targets:
            gb = flow_targets[group["urn"]]
            role = "flow"
        else:
            role = self._log_role(group, name)
            gb = self.a.log_gb.get(role, self.a.log_gb.get("other", 0.0))
            ia = (text(inp, "logGroupClass") or "STANDARD") == "INFREQUENT_ACCESS"
            self.add("Monitoring", group, f"Log ingestion {name} ({role}{', IA' if ia else ''})", gb, "GB",
                     self.p.logs_ingest_ia_gb if ia else self.p.logs_ingest_gb,
                     f"{gb:g} GB/month ingested ({role} logs)", "logs")  # fmt: skip
        self.add("Monitoring", group, f"Log storage {name}", gb * months, "GB-month", self.p.logs_storage_gb_month,
                 f"{gb:g} GB/month x {months:.1f} months ({keep}), uncompressed upper bound")  # fmt: skip

    # --- data ---------------------------------------------------------------------------
    def _table_gb(self) -> float:
        return self.a.dynamodb_storage_gb

    def dynamodb(self, table: Resource) -> None:
        inp = self.inputs(table)
        mode = text(inp, "billingMode") or "PROVISIONED"
        ia = (text(inp, "tableClass") or "STANDARD") == "STANDARD_INFREQUENT_ACCESS"
        gsis = [g for g in items(inp, "globalSecondaryIndexes") if isinstance(g, dict)]
        replicas = items(inp, "replicas")
        regions = 1 + len(replicas)
        name = self.name_of(table, "name")
        h = self.a.hours_per_month
        if mode == "PAY_PER_REQUEST":
            reads, writes = self.a.dynamodb_million_reads, self.a.dynamodb_million_writes
            w = writes * (1 + len(gsis)) * regions
            self.add("Data", table, f"DynamoDB {name} on-demand reads", reads, "million RRU",
                     self.p.dynamodb_ia_million_reads if ia else self.p.dynamodb_million_reads,
                     f"{reads:g}M reads/month")  # fmt: skip
            self.add("Data", table, f"DynamoDB {name} on-demand writes", w, "million WRU",
                     self.p.dynamodb_ia_million_writes if ia else self.p.dynamodb_million_writes,
                     f"{writes:g}M writes/month x (1 table + {len(gsis)} GSIs) x {regions} region(s)")  # fmt: skip
        else:
            rcu = (number(inp, "readCapacity", 0.0) or 0.0) + sum(number(g, "readCapacity", 0.0) or 0.0 for g in gsis)
            wcu = (number(inp, "writeCapacity", 0.0) or 0.0) + sum(number(g, "writeCapacity", 0.0) or 0.0 for g in gsis)
            self.add("Data", table, f"DynamoDB {name} provisioned RCU", rcu * h, "RCU-hour", self.p.dynamodb_rcu_hour)
            self.add("Data", table, f"DynamoDB {name} provisioned WCU", wcu * h * regions, "WCU-hour",
                     self.p.dynamodb_wcu_hour)  # fmt: skip
        gb = self._table_gb()
        self.add("Data", table, f"DynamoDB {name} storage", gb * regions, "GB-month",
                 self.p.dynamodb_ia_storage_gb_month if ia else self.p.dynamodb_storage_gb_month,
                 f"{gb:g} GB per table x {regions} region(s)", "dynamodb")  # fmt: skip
        if get(inp, "pointInTimeRecovery.enabled") is True:
            pitr_regions = 1 + sum(1 for r in replicas if isinstance(r, dict) and r.get("pointInTimeRecovery"))
            self.add("Data", table, f"DynamoDB {name} point-in-time recovery", gb * pitr_regions, "GB-month",
                     self.p.dynamodb_pitr_gb_month, f"{gb:g} GB per table")  # fmt: skip

    def backup_plan(self, plan: Resource) -> None:
        tables = self.of("aws:dynamodb/table:Table")
        if not tables:
            return
        gb = self._table_gb() * len(tables)
        for rule in items(self.inputs(plan), "rules"):
            if not isinstance(rule, dict):
                continue
            rule_name = str(rule.get("ruleName", "rule"))
            schedule = str(rule.get("schedule") or "")
            per_day = _cron_runs_per_day(schedule) if schedule else None
            if per_day is None:
                per_day = 1.0
                self.report.warnings.append(f"backup plan {plan.get('name')} rule {rule_name}: schedule {schedule!r} "
                                            "not understood, assumed daily")  # fmt: skip
            keep = number(rule, "lifecycle.deleteAfter", 0.0) or self.a.backup_horizon_months * 30
            copies = keep * per_day
            basis = f"{len(tables)} tables x {self._table_gb():g} GB, full backups: {per_day:g}/day x {keep:g} days retained"
            self.add("Data", plan, f"AWS Backup warm storage ({rule_name})", gb * copies, "GB-month",
                     self.p.backup_dynamodb_warm_gb_month, basis)  # fmt: skip
            for action in rule.get("copyActions") or []:
                if not isinstance(action, dict):
                    continue
                ckeep = number(action, "lifecycle.deleteAfter", 0.0) or keep
                self.add("Data", plan, f"AWS Backup copy storage ({rule_name}, other region)", gb * ckeep * per_day,
                         "GB-month", self.p.backup_dynamodb_warm_gb_month,
                         f"{len(tables)} tables x {self._table_gb():g} GB x {ckeep:g} days retained")  # fmt: skip
                self.add("Data", plan, f"AWS Backup cross-region copy transfer ({rule_name})", gb * per_day * 30,
                         "GB", self.p.backup_cross_region_gb, f"{gb:g} GB copied {per_day:g}/day")  # fmt: skip
        self.priced.update(
            r.get("urn", "") for r in self.of("aws:backup/selection:Selection", "aws:backup/vault:Vault")
        )

    def bucket(self, b: Resource) -> None:
        name = self.name_of(b, "bucket", "bucketPrefix").lower()
        role = (
            "logs" if any(k in name for k in ("log", "trail", "audit", "archive"))
            else "artifacts" if any(k in name for k in ("artifact", "pipeline", "build")) else "other"
        )  # fmt: skip
        gb = self.a.s3_gb.get(role, self.a.s3_gb.get("other", 0.0))
        self.add("Data", b, f"S3 storage {b.get('name')} ({role})", gb, "GB-month", self.p.s3_standard_gb_month,
                 f"{gb:g} GB stored ({role} bucket), S3 Standard price as upper bound")  # fmt: skip

    def ecr(self, repo: Resource) -> None:
        name = self.name_of(repo, "name")
        images, source = self.a.ecr_images_if_no_policy, "no lifecycle policy found"
        for pol in self.of("aws:ecr/lifecyclePolicy:LifecyclePolicy"):
            if repo.get("urn") in (pol.get("dependencies") or []) or self.inputs(pol).get("repository") == name:
                try:
                    doc = get(self.inputs(pol), "policy")
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
                self.priced.add(pol.get("urn", ""))
        gb = images * self.a.ecr_image_gb
        self.add("Data", repo, f"ECR storage {name}", gb, "GB-month", self.p.ecr_gb_month,
                 f"{images:g} images ({source}) x {self.a.ecr_image_gb:g} GB, no layer sharing")  # fmt: skip

    def firehose(self, stream: Resource) -> None:
        gb = self.a.firehose_gb
        self.add("Data", stream, "Firehose ingestion", gb, "GB", self.p.firehose_gb, f"{gb:g} GB/month per stream")

    # --- CI/CD --------------------------------------------------------------------------
    def pipeline(self, pl: Resource) -> None:
        inp = self.inputs(pl)
        kind = text(inp, "pipelineType") or "V1"
        if kind == "V1":
            self.add("CI/CD", pl, "CodePipeline V1 active pipeline", 1, "pipeline-month", self.p.codepipeline_v1_month)
            return
        minutes = 0.0
        cats: Counter[str] = Counter()
        for stage in items(inp, "stages"):
            for action in (stage or {}).get("actions") or [] if isinstance(stage, dict) else []:
                cat = str((action or {}).get("category", "Build"))
                cats[cat] += 1
                minutes += self.a.pipeline_minutes_per_action.get(cat, 5.0)
        runs = self.a.pipeline_runs
        detail = ", ".join(f"{n} {c} x {self.a.pipeline_minutes_per_action.get(c, 5.0):g} min" for c, n in cats.items())
        self.add("CI/CD", pl, "CodePipeline V2 action minutes", runs * minutes, "action-minute",
                 self.p.codepipeline_v2_action_minute, f"{runs:g} runs/month x ({detail or 'no actions'})",
                 "codepipeline")  # fmt: skip

    def codebuild(self, project: Resource) -> None:
        inp = self.inputs(project)
        env_type = text(inp, "environment.type") or "LINUX_CONTAINER"
        compute = text(inp, "environment.computeType") or "BUILD_GENERAL1_SMALL"
        rate = self.p.codebuild_rate(env_type, compute)
        if rate is None:
            raise UnknownValueError("environment.computeType", f"no price for {env_type}/{compute}")
        minutes = self.a.builds_per_month * self.a.build_minutes
        label = ("ARM " if env_type == "ARM_CONTAINER" else "Linux ") + compute.rsplit("_", 1)[-1].lower()
        self.add("CI/CD", project, f"CodeBuild {label} build minutes", minutes, "build-minute", rate,
                 f"{self.a.builds_per_month:g} builds/month x {self.a.build_minutes:g} min",
                 "codebuild" if compute == "BUILD_GENERAL1_SMALL" else None)  # fmt: skip

    def route53_zone(self, zone: Resource) -> None:
        self.add("Network", zone, "Route 53 hosted zone", 1, "zone-month", self.p.route53_hosted_zone_month)

    # --- budget -------------------------------------------------------------------------
    def budgets(self) -> None:
        for b in self.of("aws:budgets/budget:Budget"):
            inp = self.inputs(b)
            try:
                amount = number(inp, "limitAmount")
            except UnknownValueError as exc:
                self.unknown(b, exc, "budget comparison not available")
                amount = None
            self.report.budgets.append(
                Budget(
                    resource=str(b.get("name", "")),
                    amount=amount,
                    unit=str(plain(inp.get("limitUnit")) or "USD"),
                    time_unit=str(plain(inp.get("timeUnit")) or "MONTHLY"),
                    budget_type=str(plain(inp.get("budgetType")) or "COST"),
                )
            )

    # --- run ----------------------------------------------------------------------------
    def run(self) -> CostReport:
        per_resource: dict[str, Callable[[Resource], None]] = {
            "aws:ecs/service:Service": self.ecs_service,
            "aws:lb/loadBalancer:LoadBalancer": self.load_balancer,
            "aws:alb/loadBalancer:LoadBalancer": self.load_balancer,
            "aws:ec2/vpcEndpoint:VpcEndpoint": self.vpc_endpoint,
            "aws:wafv2/webAcl:WebAcl": self.web_acl,
            "aws:dynamodb/table:Table": self.dynamodb,
            "aws:backup/plan:Plan": self.backup_plan,
            "aws:s3/bucket:Bucket": self.bucket,
            "aws:s3/bucketV2:BucketV2": self.bucket,
            "aws:ecr/repository:Repository": self.ecr,
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": self.firehose,
            "aws:codepipeline/pipeline:Pipeline": self.pipeline,
            "aws:codebuild/project:Project": self.codebuild,
            "aws:route53/zone:Zone": self.route53_zone,
        }
        for res in self.resources:  # services first: GuardDuty runtime monitoring needs their vCPUs
            fn = per_resource.get(str(res.get("type")))
            if fn is not None:
                self.guarded(res, fn)
        for whole in (self.nat_and_vpc, self.kms, self.secrets, self.cloudtrail, self.alarms,
                      self.dashboards_and_metrics, self.logs, self.budgets):  # fmt: skip
            try:
                whole()
            except Exception as exc:
                self.report.warnings.append(f"{whole.__name__}: not priced ({type(exc).__name__}: {exc})")
        for det in self.of("aws:guardduty/detector:Detector"):
            self.guarded(det, self.guardduty)
        for acct in self.of("aws:securityhub/account:Account"):
            self.guarded(acct, self.security_hub)
        self._classify_rest()
        return self.report

    def _classify_rest(self) -> None:
        free: Counter[str] = Counter()
        other: Counter[str] = Counter()
        for r in self.resources:
            t = str(r.get("type", ""))
            if r.get("urn") in self.priced or t.startswith("pulumi:providers:"):
                continue
            if not r.get("custom") and not r.get("remote"):
                continue  # a component: its children are priced
            if t in NEGLIGIBLE or t.startswith(FREE_PREFIXES) or r.get("urn") in self.free_urns:
                free[t] += 1
            else:
                other[t] += 1
        self.report.no_direct_charge = dict(sorted(free.items()))
        self.report.not_modeled = dict(sorted(other.items()))
        for t in sorted(set(NEGLIGIBLE) & set(free)):
            self.report.comparisons.append(NEGLIGIBLE[t])


def estimate(
    resources: list[dict[str, Any]],
    stack: str,
    assumptions: UsageAssumptions | None = None,
    prices: PriceTable = PRICES,
) -> CostReport:
    """Monthly cost estimate of the recorded resources (the ``--json`` dump's ``resources``)."""
    usage = assumptions if assumptions is not None else for_stack(stack)
    return _Estimator(list(resources or []), stack, usage, prices).run()
