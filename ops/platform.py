"""Where the platform's resources are, read from the stack itself: the one module of `ops` that imports the program.

Region from the stack file's ``aws:region``, physical names from ``components.naming.Naming`` (the code the
Pulumi program names its resources with), table base names from the stack's ``tables`` config, and the
``scale`` limits from the stack's policy config (``policies/config/<stack>.json``) or, where that sets none,
from the bounds of the program's own config schema. Keeping every import of ``components``/``preview`` here
means a move of those modules touches one file of the tool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotated_types import Ge, Le

from components.config.load import parse_config
from components.config.problems import ConfigError
from components.config.schema import StackConfig
from components.naming import Naming
from preview.stackfiles import StackFileError, available_stacks, load_stack

ROOT = Path(__file__).resolve().parent.parent
CAPACITY_KEYS = ("minCapacity", "maxCapacity")


class PlatformError(ValueError):
    """A stack, stack file or policy config the tool cannot read: bad input (exit 2)."""


@dataclass(frozen=True)
class Platform:
    """Physical names of one stack's resources (production: the runbook's names)."""

    stack: str
    region: str
    production: bool
    cluster: str
    service: str
    family: str  # task definition family (components/compute/task.py: family = naming.ecs_service)
    tables: dict[str, str]  # config base name -> physical table name, in config order
    data_key_alias: str
    alarm_prefix: str
    other_alarm_prefixes: tuple[str, ...]  # other stacks' alarms share the production prefix
    min_capacity: int
    max_capacity: int
    project: str = "budgetbuddy"

    def table_urn(self, base: str) -> str:
        """The Pulumi URN of a config table: components/stack.py builds ``DataTables("data", ...)`` and
        components/data/component.py names each table ``data-<base>``."""
        parent = "budgetbuddy:data:DataTables"
        return f"urn:pulumi:{self.stack}::{self.project}::{parent}$aws:dynamodb/table:Table::data-{base}"

    def base_of(self, table: str) -> str:
        return next(b for b, p in self.tables.items() if p == table)

    @property
    def scalable_resource_id(self) -> str:
        """The runbook's ``--resource-id service/budgetbuddy-cluster/budgetbuddy-backend``."""
        return f"service/{self.cluster}/{self.service}"

    def table(self, name: str) -> str:
        """A table by base name (``Users``) or physical name (``BudgetBuddy-Users``)."""
        if name in self.tables:
            return self.tables[name]
        if name in self.tables.values():
            return name
        allowed = ", ".join(f"{b} ({p})" for b, p in self.tables.items())
        raise PlatformError(f"--table {name!r}: not a table of stack {self.stack!r} (tables: {allowed})")


def _config(stack: str, root: Path) -> StackConfig:
    return _load(stack, root)[1]


def _load(stack: str, root: Path) -> tuple[str, StackConfig]:
    try:
        settings = load_stack(root, stack)
        return settings.project, parse_config(stack, settings.config, settings.secret_keys)
    except StackFileError as exc:
        raise PlatformError(str(exc)) from None
    except ConfigError as exc:
        raise PlatformError(str(exc)) from None


def load(stack: str, root: Path = ROOT) -> Platform:
    project, cfg = _load(stack, root)
    naming = Naming.from_config(cfg)
    prefix = f"{naming.prefix}-"
    return Platform(
        stack=stack,
        region=cfg.region,
        production=cfg.is_production,
        cluster=naming.cluster,
        service=naming.ecs_service,
        family=naming.ecs_service,
        tables={t.name: naming.table(t.name) for t in cfg.tables},
        data_key_alias=naming.key_alias("data"),  # the key the tables are encrypted with
        alarm_prefix=prefix,
        other_alarm_prefixes=tuple(p for p in _other_prefixes(stack, root) if p.startswith(prefix)),
        min_capacity=cfg.min_capacity,
        max_capacity=cfg.max_capacity,
        project=project,
    )


def _other_prefixes(stack: str, root: Path) -> list[str]:
    """Other stacks' name prefixes: production's ``budgetbuddy-`` also starts ``budgetbuddy-staging-``."""
    out = []
    for other in available_stacks(root):
        if other != stack:
            try:
                out.append(f"{Naming.from_config(_config(other, root)).prefix}-")
            except PlatformError:
                continue  # another stack's broken file is that stack's problem, not this command's
    return out


@dataclass(frozen=True)
class CapacityLimits:
    """Inclusive bounds for ``scale --min/--max`` and where they come from."""

    min_low: int
    min_high: int
    max_low: int
    max_high: int
    source: str


def _schema_bounds(field: str) -> tuple[int, int]:
    low, high = 0, 2**31 - 1
    for m in StackConfig.model_fields[field].metadata:
        if isinstance(m, Ge):
            low = int(m.ge)  # type: ignore[call-overload]
        elif isinstance(m, Le):
            high = int(m.le)  # type: ignore[call-overload]
    return low, high


def _policy_capacity(doc: dict[str, Any]) -> dict[str, int]:
    """``minCapacity``/``maxCapacity`` limits set in any policy's config object, if a policy sets them."""
    found: dict[str, int] = {}
    for value in doc.values():
        if isinstance(value, dict):
            found |= {k: v for k, v in value.items() if k in ("minCapacity", "maxCapacity") and isinstance(v, int)}
    return found


def capacity_limits(stack: str, root: Path = ROOT) -> CapacityLimits:
    """The policy config's capacity limits for ``stack``; its schema's bounds where the policy sets none.

    The runbook's range comes from ``aws-appautoscaling-target-configure-capacity`` (production 2-20,
    staging 2-5); a stack whose policy config sets none falls back to the config schema's bounds: the values
    a ``pulumi config set`` of those keys would accept (components/config.py).
    """
    path = root / "policies" / "config" / f"{stack}.json"
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        doc = {}
    except (OSError, ValueError) as exc:
        raise PlatformError(f"{path.relative_to(root)}: cannot be read as JSON ({exc})") from None
    min_low, min_high = _schema_bounds("min_capacity")
    max_low, max_high = _schema_bounds("max_capacity")
    policy = _policy_capacity(doc) if isinstance(doc, dict) else {}
    if policy:
        # A policy's maxCapacity caps both bounds; its minCapacity floors both (a floor for the minimum).
        min_low = max_low = max(min_low, policy.get("minCapacity", min_low))
        min_high = max_high = min(max_high, policy.get("maxCapacity", max_high))
        source = f"policies/config/{stack}.json ({', '.join(f'{k} {v}' for k, v in sorted(policy.items()))})"
    else:
        source = (
            f"policies/config/{stack}.json sets no capacity limit; the bounds of the config schema "
            "(budgetbuddy:minCapacity and budgetbuddy:maxCapacity in components/config.py)"
        )
    return CapacityLimits(min_low, min_high, max_low, max_high, source)
