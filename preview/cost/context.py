"""What every pricer shares: the recorded resources, the assumptions (tracked), the prices, free-tier pools
and ``add`` (one line item). Pricers (``preview.cost.pricers``) read engine inputs through
``preview.cost.inputs`` so an unknown value is reported (``UnknownInput``) instead of crashing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from preview.cost.assumptions import UsageAssumptions, camel
from preview.cost.inputs import UnknownValueError, plain, text
from preview.cost.model import CostReport, LineItem, UnknownInput
from preview.cost.prices import PriceTable

Resource = dict[str, Any]
FIXED = None  # LineItem.assumption for charges read from the program itself


class TrackedUsage:
    """Read-only view of ``UsageAssumptions`` that records which keys the estimate used, so the report prints
    only the assumptions behind its figures (GuardDuty's, for instance, only when a detector is deployed)."""

    def __init__(self, usage: UsageAssumptions, used: set[str]) -> None:
        self._usage = usage
        self._used = used

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._usage, name)
        if name == "free_tier":
            self._used.update(("applyFreeTier", "sharedAccount"))
        elif not name.startswith("_") and not callable(value):
            self._used.add(camel(name))
        return value


def component_of(res: Resource) -> str:
    """The top-level component a resource belongs to (from its URN's type chain), or '-' at the root."""
    parts = str(res.get("urn", "")).split("::")
    if len(parts) >= 3:
        chain = parts[2].split("$")
        if len(chain) > 1:
            return chain[0]
    return "-"


def slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


class Context:
    def __init__(self, resources: list[Resource], stack: str, usage: UsageAssumptions, prices: PriceTable) -> None:
        self.resources = [r for r in resources if isinstance(r, dict)]
        self.report = CostReport(stack=stack, assumptions=usage, prices=prices)
        self.a = TrackedUsage(usage, self.report.used_assumptions)
        self.p = prices
        self.priced: set[str] = set()  # URNs that produced or fed a line item
        self.by_urn = {r.get("urn", ""): r for r in self.resources}
        self.by_type: dict[str, list[Resource]] = {}
        for r in self.resources:
            self.by_type.setdefault(str(r.get("type", "")), []).append(r)
        self.free_left = {
            "alarm": prices.free_alarm_metrics,
            "dashboard": prices.free_dashboards,
            "metric": prices.free_custom_metrics,
            "logs": prices.free_logs_gb,
            "dynamodb": prices.dynamodb_free_storage_gb,
            "kms": prices.kms_free_requests / 10_000,
            "codebuild": prices.codebuild_free_minutes,
            "codepipeline": prices.codepipeline_v2_free_minutes,
            "egress": prices.free_internet_egress_gb,
            "securityhub-findings": prices.securityhub_free_findings,
        }
        self.free_urns: set[str] = set()  # resources judged free by their inputs (gateway endpoints)
        self.fargate_vcpus = 0.0  # running vCPUs (min capacity), for GuardDuty runtime monitoring
        self.load_factor = 1.0  # tasks at maxCapacity / at minCapacity (set before pricing)

    # --- reading ------------------------------------------------------------------------
    def of(self, *types: str) -> list[Resource]:
        """Recorded resources of ``types``, in recording order."""
        if len(types) == 1:
            return list(self.by_type.get(types[0], ()))
        wanted = set(types)
        return [r for r in self.resources if r.get("type") in wanted]

    @staticmethod
    def inputs(res: Resource) -> dict[str, Any]:
        value = plain(res.get("inputs"))
        return value if isinstance(value, dict) else {}

    def linked(self, res: Resource, types: Iterable[str], prop: str | None = None) -> list[Resource]:
        """Resources of ``types`` that ``res`` depends on (through ``prop`` when given)."""
        deps = res.get("propertyDependencies") or {}
        if not isinstance(deps, dict):
            deps = {}
        urns = (
            list(deps.get(prop, [])) if prop else [*res.get("dependencies", []), *(u for v in deps.values() for u in v)]
        )
        wanted = set(types)
        return [
            self.by_urn[u]
            for u in dict.fromkeys(u for u in urns if isinstance(u, str))
            if u in self.by_urn and self.by_urn[u].get("type") in wanted
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

    # --- writing ------------------------------------------------------------------------
    def free(self, pool: str, quantity: float) -> float:
        if not self.a.free_tier:
            return 0.0
        granted = min(quantity, self.free_left.get(pool, 0.0))
        self.free_left[pool] = self.free_left.get(pool, 0.0) - granted
        return granted

    def add(
        self,
        category: str,
        res: Resource | list[Resource],
        kind: str,
        item: str,
        quantity: float,
        unit: str,
        unit_price: float,
        assumption: str | None = FIXED,
        free_pool: str | None = None,
        quantity_max: float | None = None,
        scaled: bool = False,
    ) -> LineItem | None:
        """One line item. ``kind`` names the charge (stable across config changes); the item's key is
        ``kind:<resource name>`` for one resource, ``kind`` for a group. ``scaled``: usage that grows with the
        number of tasks, so its upper end is ``quantity x load_factor``."""
        group = res if isinstance(res, list) else [res]
        if not group:
            return None
        for r in group:
            self.priced.add(r.get("urn", ""))
        quantity = round(float(quantity), 4)
        if scaled and self.load_factor != 1.0:
            quantity_max = quantity * self.load_factor
        names = tuple(str(r.get("name", "")) for r in group)
        key = kind if isinstance(res, list) else f"{kind}:{names[0]}"
        free_max = None
        if free_pool and quantity_max is not None and self.a.free_tier:
            free_max = round(min(float(quantity_max), self.free_left.get(free_pool, 0.0)), 4)
        taken = {i.key for i in self.report.items}
        unique, n = key, 2
        while unique in taken:
            unique, n = f"{key}#{n}", n + 1
        line = LineItem(
            category=category,
            resource_type=str(group[0].get("type", "")),
            resources=names,
            component=component_of(group[0]),
            item=item,
            quantity=quantity,
            unit=unit,
            unit_price=round(float(unit_price), 8),
            free_quantity=round(self.free(free_pool, quantity), 4) if free_pool else 0.0,
            assumption=assumption,
            quantity_max=None if quantity_max is None else round(float(quantity_max), 4),
            key=unique,
            free_quantity_max=free_max,
        )
        self.report.items.append(line)
        return line

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
