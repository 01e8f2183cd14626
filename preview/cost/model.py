"""Cost report data: line items, unknown inputs, budget comparison (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field

from preview.cost.assumptions import UsageAssumptions
from preview.cost.prices import PriceTable


@dataclass(frozen=True)
class LineItem:
    """One priced quantity. ``monthly_usd = max(0, quantity - free_quantity) * unit_price``.

    ``assumption`` is None for a fixed charge read from the program (hours a resource exists, a key, a
    dashboard) and the usage assumption behind the figure otherwise. ``quantity_max`` is the upper end
    of a range (at the autoscaling maxCapacity: Fargate, and the usage that grows with tasks); None means no
    range. ``key`` is stable and unique within a report (``<kind>:<resource>``), for diffs between dumps.
    Quantities are rounded to 4 decimals and prices to 8 where they are made, so the printed figures
    reproduce ``monthly_usd`` by hand.
    """

    category: str
    resource_type: str
    resources: tuple[str, ...]
    component: str
    item: str
    quantity: float
    unit: str
    unit_price: float
    free_quantity: float = 0.0
    assumption: str | None = None
    quantity_max: float | None = None
    key: str = ""
    free_quantity_max: float | None = None  # free quantity at the upper end (None: as ``free_quantity``)

    @property
    def billable(self) -> float:
        return max(0.0, self.quantity - self.free_quantity)

    @property
    def monthly_usd(self) -> float:
        return self.billable * self.unit_price

    @property
    def monthly_usd_max(self) -> float:
        q = self.quantity if self.quantity_max is None else self.quantity_max
        free = self.free_quantity if self.free_quantity_max is None else self.free_quantity_max
        return max(0.0, q - free) * self.unit_price

    @property
    def usage_based(self) -> bool:
        return self.assumption is not None


@dataclass(frozen=True)
class UnknownInput:
    """A cost-relevant input that is unknown during preview (or unusable); ``effect`` says what was done."""

    resource: str
    resource_type: str
    prop: str
    effect: str


@dataclass(frozen=True)
class Budget:
    resource: str
    amount: float | None  # None: unknown during preview
    unit: str
    time_unit: str
    budget_type: str


@dataclass
class CostReport:
    stack: str
    assumptions: UsageAssumptions
    prices: PriceTable
    items: list[LineItem] = field(default_factory=list)
    unknowns: list[UnknownInput] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    comparisons: list[str] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    no_direct_charge: dict[str, int] = field(default_factory=dict)  # type -> count
    not_modeled: dict[str, int] = field(default_factory=dict)  # type -> count (may cost; not priced)
    used_assumptions: set[str] = field(default_factory=set)  # camelCase keys a line item or note relied on
    load_factor: float = 1.0  # maxCapacity / minCapacity tasks: what "at max capacity" scales usage by

    def item(self, key: str) -> LineItem:
        return next(i for i in self.items if i.key == key)

    @property
    def total(self) -> float:
        return sum(i.monthly_usd for i in self.items)

    @property
    def total_max(self) -> float:
        return sum(i.monthly_usd_max for i in self.items)

    @property
    def fixed_total(self) -> float:
        return sum(i.monthly_usd for i in self.items if not i.usage_based)

    @property
    def usage_total(self) -> float:
        return sum(i.monthly_usd for i in self.items if i.usage_based)

    @property
    def budget(self) -> Budget | None:
        """The monthly USD cost budget the estimate is compared with (the first one recorded)."""
        for b in self.budgets:
            if b.budget_type == "COST" and b.time_unit == "MONTHLY" and b.unit == "USD":
                return b
        return None

    @property
    def budget_percent(self) -> float | None:
        b = self.budget
        if b is None or not b.amount:
            return None
        return 100.0 * self.total / b.amount

    @property
    def budget_percent_max(self) -> float | None:
        b = self.budget
        if b is None or not b.amount:
            return None
        return 100.0 * self.total_max / b.amount

    def by_category(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for i in self.items:
            out[i.category] = out.get(i.category, 0.0) + i.monthly_usd
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))
