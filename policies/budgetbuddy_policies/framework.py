"""Rule metadata, the registry, and the adapter to pulumi_policy policies.

A rule is one function plus a ``RuleMeta``. The adapter adds what every rule
needs and no rule should repeat: config defaults, exemptions, and turning an
unknown input into a violation (pulumi_policy would otherwise downgrade it to
an advisory note without a URN, so a mandatory rule would pass silently).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from . import exemptions as ex
from .errors import PackConfigError

NAME_RE = re.compile(r"^aws-[a-z0-9]+-[a-z0-9]+-(enable|configure|disallow|require)-[a-z0-9]+(-[a-z0-9]+)*$")
CONTROL_RE = re.compile(r"^(pci-dss-4\.0|soc2|hipaa|fsbp|cis-aws-3\.0|cost|runbook):\S+$")
UNKNOWN_MARKER = "[unknown-input]"
# The first deployment of a stack: nothing exists yet, so its previews see every container
# definition and policy document as unknown, and strict mode would block that deployment for
# good. With the variable set to "advisory", an unknown input in a *preview* (the engine's dry
# run: `pulumi preview`, and the preview step of `pulumi up`) becomes an advisory diagnostic that
# names the resource. The update itself (PULUMI_DRY_RUN=false) stays strict: its inputs are known
# and the mandatory rules judge them in full. docs/policies.md, "Unknown values".
UNKNOWN_MODE_ENV = "BUDGETBUDDY_POLICY_UNKNOWN"
UNKNOWN_MODES = {
    "violation": "the default (also when unset or empty): an unknown input is a violation at the rule's level",
    "advisory": "first deployment: an unknown input in a preview is an advisory note naming the resource",
}
EXEMPTION_EXPIRED_MARKER = "[exemption-expired]"

Kind = Literal["compliance", "cost", "governance"]
# A check takes (args, config), or (args, config, RuleContext) when its RuleMeta sets wants_context.
ResourceCheck = Callable[..., Iterable[str]]
# A stack check yields (urn or None, message).
StackCheck = Callable[..., Iterable[tuple[str | None, str]]]


class UnknownModeError(PackConfigError):
    """BUDGETBUDDY_POLICY_UNKNOWN holds a value the pack does not know."""


class DuplicateRuleError(ValueError):
    """Two rules share a name; the engine would silently keep one of them."""


class RuleDefinitionError(ValueError):
    """A rule's metadata is incomplete or malformed."""


@dataclass(frozen=True)
class RuleMeta:
    name: str
    description: str
    severity: Severity
    remediation: str
    controls: tuple[str, ...]
    kind: Kind = "compliance"
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY
    resource_types: tuple[str, ...] = ()  # empty for stack rules
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    stack: bool = False
    # Governance rules read the exemptions themselves; they get a RuleContext.
    wants_context: bool = False

    def validate(self) -> None:
        problems = []
        if not NAME_RE.match(self.name):
            problems.append("name must be aws-<service>-<resource>-<enable|configure|disallow|require>-<what>")
        if len(self.description) < 20:
            problems.append("description is too short")
        if len(self.remediation) < 20:
            problems.append("remediation steps are missing")
        if not self.controls or any(not CONTROL_RE.match(c) for c in self.controls):
            problems.append(f"controls must be non-empty framework:id tags, got {self.controls}")
        if self.kind == "compliance" and self.enforcement is not EnforcementLevel.MANDATORY:
            problems.append("compliance rules are mandatory")
        if not self.stack and not self.resource_types:
            problems.append("a resource rule must name its resource types")
        for key, schema in self.config.items():
            if "default" not in schema:
                problems.append(f"config {key!r} needs a default")
        if problems:
            raise RuleDefinitionError(f"{self.name}: " + "; ".join(problems))

    @cached_property
    def _type_set(self) -> frozenset[str]:
        return frozenset(self.resource_types)

    def applies_to(self, resource_type: str) -> bool:
        """Does this resource rule look at resources of this type? (Stack rules see the whole stack.)"""
        types = self._type_set
        return not types or resource_type in types or "*" in types

    @property
    def tags(self) -> list[str]:
        return [f"kind:{self.kind}", *self.controls]

    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config.items()}


@dataclass(frozen=True)
class RuleContext:
    exemptions: tuple[ex.Exemption, ...]
    today: dt.date
    registry: Registry


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    check: ResourceCheck | StackCheck


class Registry:
    """All rules of the pack, by unique name."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> Rule:
        rule.meta.validate()
        if rule.meta.name in self._rules:
            raise DuplicateRuleError(f"rule {rule.meta.name!r} is already registered")
        self._rules[rule.meta.name] = rule
        return rule

    def resource(self, **meta: Any) -> Callable[[ResourceCheck], ResourceCheck]:
        def register(fn: ResourceCheck) -> ResourceCheck:
            self.add(Rule(RuleMeta(**meta), fn))
            return fn

        return register

    def stack(self, **meta: Any) -> Callable[[StackCheck], StackCheck]:
        def register(fn: StackCheck) -> StackCheck:
            self.add(Rule(RuleMeta(stack=True, **meta), fn))
            return fn

        return register

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.meta.name))

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, name: str) -> Rule:
        return self._rules[name]

    def names(self) -> list[str]:
        return sorted(self._rules)


def current_stack() -> str | None:
    # The engine starts the analyzer with PULUMI_STACK set; the runner mirrors that.
    return os.environ.get("PULUMI_STACK") or None


def effective_config(meta: RuleMeta, given: Mapping[str, Any]) -> dict[str, Any]:
    # The CLI fills schema defaults itself; doing it here too keeps the rule
    # correct when the pack is driven without a config file.
    return {**meta.defaults(), **dict(given)}


def unknown_mode() -> str:
    """The validated value of BUDGETBUDDY_POLICY_UNKNOWN; the pack reads it at start-up to fail early."""
    value = os.environ.get(UNKNOWN_MODE_ENV, "")
    if value == "":
        return "violation"
    if value not in UNKNOWN_MODES:
        allowed = "; ".join(f"{k!r}: {v}" for k, v in UNKNOWN_MODES.items())
        raise UnknownModeError(
            f"{UNKNOWN_MODE_ENV}={value!r} is not a valid unknown-input mode. Allowed values: {allowed}"
        )
    return value


def is_dry_run() -> bool:
    # The engine starts the analyzer with PULUMI_DRY_RUN "true" (preview) or "false" (update);
    # the offline preview does not set it and is a preview.
    return os.environ.get("PULUMI_DRY_RUN", "true") != "false"


def unknowns_are_advisory() -> bool:
    return unknown_mode() == "advisory" and is_dry_run()


def as_advisory(err: UnknownValueError, where: str) -> UnknownValueError:
    """Re-raised, pulumi_policy reports it at advisory level; the message names the resource."""
    err.message = f"{UNKNOWN_MARKER} {where}: {err.message}"
    return err


def unknown_message(err: UnknownValueError) -> str:
    return (
        f"{UNKNOWN_MARKER} {err.message}. The rule cannot verify this resource until the value is "
        "known, so it is reported instead of passing; make the input a known value or re-run "
        "after the resources it depends on exist."
    )


def to_policy(rule: Rule, context: RuleContext) -> Policy:
    meta = rule.meta
    schema = PolicyConfigSchema(properties={k: dict(v) for k, v in meta.config.items()}) if meta.config else None
    common: dict[str, Any] = {
        "name": meta.name,
        "description": meta.description,
        "enforcement_level": meta.enforcement,
        "config_schema": schema,
        "severity": meta.severity,
        "tags": meta.tags,
        "remediation_steps": meta.remediation,
    }
    if meta.stack:
        return StackValidationPolicy(validate=_stack_validator(rule, context), **common)
    return ResourceValidationPolicy(validate=_resource_validator(rule, context), **common)


def _resource_validator(rule: Rule, context: RuleContext):
    meta = rule.meta
    exemptions, today = context.exemptions, context.today
    extra = (context,) if meta.wants_context else ()

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        # The offline runner routes each resource to the rules whose applies_to() accepts its
        # type; this first check keeps the real engine (which calls every rule) identical.
        if not meta.applies_to(args.resource_type):
            return
        exemption = ex.find(exemptions, meta.name, args.resource_type, args.name, current_stack())
        note = ""
        if exemption is not None:
            if not exemption.expired(today):
                args.not_applicable(f"exempted: {exemption.describe()}")
            note = f" {EXEMPTION_EXPIRED_MARKER} exemption expired on {exemption.expires}."
        config = effective_config(meta, args.get_config())
        try:
            for message in cast(ResourceCheck, rule.check)(args, config, *extra):
                report(message + note, None)
        except UnknownValueError as err:
            if unknowns_are_advisory():
                raise as_advisory(err, args.urn) from None
            report(unknown_message(err) + note, None)

    return validate


def _stack_validator(rule: Rule, context: RuleContext):
    meta = rule.meta
    exemptions, today = context.exemptions, context.today
    extra = (context,) if meta.wants_context else ()

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        by_urn = {r.urn: r for r in args.resources}
        config = effective_config(meta, args.get_config())
        stack = current_stack()

        def emit(urn: str | None, message: str) -> None:
            res = by_urn.get(urn) if urn else None
            if res is not None:
                exemption = ex.find(exemptions, meta.name, res.resource_type, res.name, stack)
                if exemption is not None:
                    if not exemption.expired(today):
                        return
                    message += f" {EXEMPTION_EXPIRED_MARKER} exemption expired on {exemption.expires}."
            report(message, urn)

        try:
            for urn, message in cast(StackCheck, rule.check)(args, config, *extra):
                emit(urn, message)
        except UnknownValueError as err:
            if unknowns_are_advisory():
                raise as_advisory(err, "stack") from None
            report(unknown_message(err), None)

    return validate


# Helpers shared by stack rules -------------------------------------------------


def of_type(resources: Iterable[PolicyResource], *types: str) -> list[PolicyResource]:
    wanted = set(types)
    return [r for r in resources if r.resource_type in wanted]


def references(res: PolicyResource, prop: str, target: PolicyResource, *target_values: Any) -> bool:
    """Does ``res.props[prop]`` point at ``target``?

    Property dependencies work in real previews, where a new target's id is
    still unknown; value equality covers known ids and names (the mocks use
    the physical name as id).
    """
    if any(dep.urn == target.urn for dep in res.property_dependencies.get(prop, [])):
        return True
    try:
        value = res.props.get(prop)
    except UnknownValueError:
        return False
    candidates = {v for v in target_values if isinstance(v, str) and v}
    candidates.add(target.name)
    if isinstance(value, str):
        return value in candidates
    if isinstance(value, Sequence):
        try:
            return any(isinstance(v, str) and v in candidates for v in value)
        except UnknownValueError:
            return False
    return False


def known(res: PolicyResource, *path: str) -> Any:
    """Known value at path or None (unknown or missing); for identity matching only."""
    value: Any = res.props
    try:
        for key in path:
            if not isinstance(value, Mapping) or key not in list(value):
                return None
            value = value[key]
    except UnknownValueError:
        return None
    return value


def ancestors(res: PolicyResource) -> Iterator[PolicyResource]:
    parent = res.parent
    while parent is not None:
        yield parent
        parent = parent.parent
