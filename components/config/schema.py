"""``StackConfig``: one stack's settings, composed from the settings every component owns.

Each component's settings model (components/*/settings.py) owns its keys: field, alias (the flat
``budgetbuddy:`` key), default, description and validators. ``StackConfig`` inherits them all, so a
key has one owner, ``cfg.task_cpu`` reads as before, and the stack hands each component ``cfg``
as its own settings type. What no single component can judge lives here: ``problems``.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from components.compute.settings import (
    CertificateSettings,
    ComputeSettings,
    DeploymentSettings,
    ScalingSettings,
    TaskSettings,
)
from components.config.engine import ELSEWHERE, NAMESPACE
from components.config.problems import Problem
from components.data.settings import DataSettings
from components.edge.settings import EdgeKeys, EdgeSettings
from components.identity import IdentitySettings
from components.network.settings import NetworkKeys, NetworkSettings
from components.observability.settings import (
    AlertingSettings,
    CostSettings,
    LogArchiveSettings,
    ObservabilitySettings,
)
from components.pipeline.settings import PipelineKeys, PipelineSettings
from components.security.settings import DetectorSettings, SecuritySettings
from components.settings import AppLogSettings, AuditLogSettings, Settings


class StackConfig(
    PipelineSettings,
    ObservabilitySettings,
    EdgeSettings,
    ComputeSettings,
    SecuritySettings,
    DataSettings,
    NetworkSettings,
    IdentitySettings,
):
    """Validated, immutable configuration of one stack. Field aliases are the config keys."""

    # Combinations are judged after the field errors (load.py), among the keys valid on their own.
    check_combinations: ClassVar[bool] = False

    def problems(self) -> list[Problem]:
        """Every combination no single key can judge, in the order they are reported."""
        return [
            *self.size_problems(),
            *self.range_problems(),
            *self.weight_problems(),
            *on_demand_in_production(self),
            *dr_region_differs(self),
            *self.certificate_problems(),
            *self.canary_problems(),
            *self.audit_problems(),
            *self.table_problems(),
            *self.replica_problems(),
        ]


# ---- checks across components --------------------------------------------------------------


def on_demand_in_production(cfg: StackConfig) -> list[Problem]:
    if cfg.is_production and cfg.capacity_spot_weight > 0:
        return [
            Problem(
                ("capacitySpotWeight",), cfg.capacity_spot_weight, "must be 0 in production (runbook: on-demand only)"
            )
        ]
    return []


def dr_region_differs(cfg: StackConfig) -> list[Problem]:
    if cfg.dr_region is not None and cfg.dr_region == cfg.region:
        return [Problem(("drRegion", "region"), cfg.dr_region, f"must differ from aws:region ({cfg.region})")]
    return []


# ---- what each key is, derived from the models ------------------------------------------------

# The order keys are documented and reported in: each model's own fields, model by model.
SECTIONS: tuple[type[Settings], ...] = (
    IdentitySettings,
    NetworkKeys,
    AppLogSettings,
    AuditLogSettings,
    LogArchiveSettings,
    DataSettings,
    AlertingSettings,
    DetectorSettings,
    TaskSettings,
    ScalingSettings,
    DeploymentSettings,
    EdgeKeys,
    CertificateSettings,
    CostSettings,
    PipelineKeys,
)


def _ordered_fields() -> dict[str, FieldInfo]:
    names = [n for s in SECTIONS for n in s.__annotations__ if n in s.model_fields]
    names += [n for n in StackConfig.model_fields if n not in names]
    return {n: StackConfig.model_fields[n] for n in names}


def is_key(name: str, field: FieldInfo) -> bool:
    """A field is a stack key exactly when it has an alias (``stack`` is the stack itself)."""
    return field.alias is not None


# field name -> FieldInfo of every stack key, in SECTIONS order
KEY_FIELDS: dict[str, FieldInfo] = {n: f for n, f in _ordered_fields().items() if is_key(n, f)}
# field name -> the full config key a user sets ("budgetbuddy:minCapacity", "aws:region")
FIELD_KEYS: dict[str, str] = {
    name: ELSEWHERE[f.alias][0] if f.alias in ELSEWHERE else f"{NAMESPACE}:{f.alias}"
    for name, f in KEY_FIELDS.items()
    if f.alias
}
# Keys of the budgetbuddy namespace: alias (config key) -> field name.
CONFIG_KEYS: dict[str, str] = {f.alias: name for name, f in KEY_FIELDS.items() if f.alias and f.alias not in ELSEWHERE}
# alias -> its position in SECTIONS order (problems are reported in it)
KEY_ORDER: dict[str, int] = {f.alias: i for i, f in enumerate(KEY_FIELDS.values()) if f.alias}
SECRET_KEYS = {"pagerDutyEndpoint"}  # keys to keep secret (`pulumi config set --secret`); any key may be


def _base_type(annotation: Any) -> Any:
    """``Annotated[int, ...] | None`` -> ``int``."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _base_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _base_type(args[0]) if len(args) == 1 else annotation
    return annotation


def value_kind(field_name: str) -> Literal["bool", "int", "float", "json", "text"]:
    """How a config string becomes the field's value (as Pulumi's typed getters would read it)."""
    base = _base_type(KEY_FIELDS[field_name].annotation)
    if base is bool:
        return "bool"
    if base is int:
        return "int"
    if base is float:
        return "float"
    if typing.get_origin(base) in (tuple, list, dict) or base in (tuple, list, dict):
        return "json"
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "json"
    return "text"


JSON_KEYS = {key for key, name in CONFIG_KEYS.items() if value_kind(name) == "json"}  # objects/lists in YAML
