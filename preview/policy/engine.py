"""Drive the real CrossGuard pack in-process, as the Pulumi engine drives the plugin.

The analyzer servicer that pulumi_policy builds inside ``PolicyPack`` gets the same
protobuf requests the engine sends: GetAnalyzerInfo, Configure with the reconciled
per-stack config, one Analyze per resource, one AnalyzeStack.
tests/policies/test_policy_grpc_plugin.py and test_policy_engine_equivalence.py check
that the unmodified pack, run as a real plugin process, returns identical diagnostics.

Speed: the servicer converts a resource's properties once per *policy* (protobuf to
dict, deserialise, proxy) before the policy looks at the resource type. So each
Analyze goes to a servicer holding only the resource rules for that type (same class,
same configuration, same order): the rules it leaves out would return before reporting
anything, so the diagnostics are unchanged, and most of the conversions are saved.
AnalyzeStack is the SDK's loop with each resource decoded once for all stack rules (preview/policy/stack_servicer.py;
docs/decisions.md, "Offline policy run").
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import budgetbuddy_policies as bp
from budgetbuddy_policies.exemptions import Exemption
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi_policy import Policy, PolicyPack, StackValidationPolicy  # noqa: F401  (PolicyPack: whose arguments we mirror)

from preview.policy.config import configure_request, reconcile_config
from preview.policy.levels import LEVEL, SEVERITY
from preview.policy.load import (
    check_unknown_mode,
    display,
    load_exemptions,
    load_policy_config,
    pack_errors,
    policy_config_path,
)
from preview.policy.report import PolicyReport, build_report
from preview.policy.stack_servicer import SharedDecodeServicer

# Requests (what the engine sends) ------------------------------------------------


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    json_format.ParseDict(dict(values), s)
    return s


def _options(r: Mapping[str, Any]) -> pb.AnalyzerResourceOptions:
    dbr = r.get("deleteBeforeReplace")
    return pb.AnalyzerResourceOptions(
        protect=bool(r.get("protect")),
        ignoreChanges=list(r.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(dbr),
        deleteBeforeReplaceDefined=dbr is not None,
        additionalSecretOutputs=list(r.get("additionalSecretOutputs") or []),
        aliases=[str(a) for a in r.get("aliases") or []],
        customTimeouts=pb.AnalyzerResourceOptions.CustomTimeouts(),
        parent=r.get("parent") or "",
    )


class _Encoded:
    """Each resource's properties, options and provider, encoded once for both request kinds."""

    def __init__(self, resources: Sequence[Mapping[str, Any]]) -> None:
        self.resources = resources
        self.props = [_struct(r.get("inputs") or {}) for r in resources]
        self.options = [_options(r) for r in resources]
        by_urn = {r["urn"]: i for i, r in enumerate(resources)}
        self.providers = [self._provider(r, by_urn) for r in resources]

    def _provider(self, r: Mapping[str, Any], by_urn: Mapping[str, int]) -> pb.AnalyzerProviderResource | None:
        ref = r.get("provider") or ""
        # A provider reference is "<provider urn>::<provider id>".
        i = by_urn.get(ref, by_urn.get(ref.rsplit("::", 1)[0]))
        if i is None:
            return None
        prov = self.resources[i]
        return pb.AnalyzerProviderResource(
            type=prov["type"], name=prov["name"], urn=prov["urn"], properties=self.props[i]
        )

    def analyze_requests(self) -> list[pb.AnalyzeRequest]:
        reqs = []
        for r, props, options, prov in zip(self.resources, self.props, self.options, self.providers, strict=True):
            req = pb.AnalyzeRequest(type=r["type"], urn=r["urn"], name=r["name"], properties=props, options=options)
            if prov is not None:
                req.provider.CopyFrom(prov)
            reqs.append(req)
        return reqs

    def analyze_stack_request(self) -> pb.AnalyzeStackRequest:
        req = pb.AnalyzeStackRequest()
        for r, props, options, prov in zip(self.resources, self.props, self.options, self.providers, strict=True):
            ar = req.resources.add(
                type=r["type"],
                urn=r["urn"],
                name=r["name"],
                properties=props,
                options=options,
                parent=r.get("parent") or "",
                dependencies=list(r.get("dependencies") or []),
            )
            for prop, urns in (r.get("propertyDependencies") or {}).items():
                if urns:  # the engine skips properties without dependencies
                    ar.propertyDependencies[prop].urns.extend(urns)
            if prov is not None:
                ar.provider.CopyFrom(prov)
        return req


def analyze_requests(resources: Sequence[Mapping[str, Any]]) -> list[pb.AnalyzeRequest]:
    return _Encoded(resources).analyze_requests()


def analyze_stack_request(resources: Sequence[Mapping[str, Any]]) -> pb.AnalyzeStackRequest:
    return _Encoded(resources).analyze_stack_request()


# The analyzer ---------------------------------------------------------------------


def _servicer(arguments: Mapping[str, Any], policies: list[Policy], cls: type = SharedDecodeServicer) -> Any:
    a = arguments
    return cls(
        a["name"], "0.0.1", policies, a["enforcement_level"], None, a["description"],
        None, None, a["provider"], a["tags"], None,
    )  # fmt: skip


def new_servicer(
    exemptions: Sequence[Exemption] | None = None, today: dt.date | None = None, cls: type = SharedDecodeServicer
) -> Any:
    """The analyzer servicer PolicyPack(**pack_arguments()) would serve, without the server; ``cls``
    _PolicyAnalyzerServicer gives the SDK's own, as a real plugin runs it (tests compare the two)."""
    a = bp.pack_arguments(exemptions, today)
    return _servicer(a, a["policies"], cls)


class InProcessAnalyzer:
    """The pack's servicer, with each Analyze routed to the rules for the resource's type."""

    def __init__(self, exemptions: Sequence[Exemption], today: dt.date) -> None:
        self._arguments = bp.pack_arguments(exemptions, today)
        policies: list[Policy] = self._arguments["policies"]
        self._full = _servicer(self._arguments, policies)
        self._resource_policies = [p for p in policies if not isinstance(p, StackValidationPolicy)]
        self._stack_policies: list[Policy] = [p for p in policies if isinstance(p, StackValidationPolicy)]
        self._config = pb.ConfigureAnalyzerRequest()
        self._by_type: dict[str, Any] = {}
        self._by_policies: dict[tuple[str, ...], Any] = {}

    def info(self) -> pb.AnalyzerInfo:
        return self._full.GetAnalyzerInfo(empty_pb2.Empty(), None)

    def configure(self, request: pb.ConfigureAnalyzerRequest) -> None:
        self._config = request
        self._by_type.clear()
        self._by_policies.clear()

    def _configured(self, policies: list[Policy]) -> Any:
        names = tuple(p.name for p in policies)
        servicer = self._by_policies.get(names)
        if servicer is None:
            servicer = _servicer(self._arguments, policies)
            sub = pb.ConfigureAnalyzerRequest()
            for name in names:
                if name in self._config.policyConfig:
                    sub.policyConfig[name].CopyFrom(self._config.policyConfig[name])
            servicer.Configure(sub, None)
            self._by_policies[names] = servicer
        return servicer

    def _for_type(self, resource_type: str) -> Any | None:
        if resource_type not in self._by_type:
            policies = [p for p in self._resource_policies if _applies(p.name, resource_type)]
            self._by_type[resource_type] = self._configured(policies) if policies else None
        return self._by_type[resource_type]

    def analyze(self, request: pb.AnalyzeRequest) -> pb.AnalyzeResponse:
        servicer = self._for_type(request.type)
        # No rule for this type: every rule would return without a finding.
        return servicer.Analyze(request, None) if servicer is not None else pb.AnalyzeResponse()

    def analyze_stack(self, request: pb.AnalyzeStackRequest) -> pb.AnalyzeResponse:
        if not self._stack_policies:
            return pb.AnalyzeResponse()
        return self._configured(self._stack_policies).AnalyzeStack(request, None)


def _applies(policy_name: str, resource_type: str) -> bool:
    try:
        meta = bp.REGISTRY[policy_name].meta
    except KeyError:
        return True  # not one of ours: let it see everything, as the engine would
    return meta.applies_to(resource_type)


# Evaluation ----------------------------------------------------------------------


@contextmanager
def _stack_env(stack: str) -> Iterator[None]:
    # The engine starts the analyzer with PULUMI_STACK; exemptions scoped to stacks read it.
    # PULUMI_PROJECT/PULUMI_DRY_RUN are left alone so pulumi's runtime settings are not reset.
    old = os.environ.get("PULUMI_STACK")
    os.environ["PULUMI_STACK"] = stack
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PULUMI_STACK", None)
        else:
            os.environ["PULUMI_STACK"] = old


def diagnostic_dict(d: Any, urn: str = "") -> dict[str, Any]:
    """Comparable form of an AnalyzeDiagnostic; resource diagnostics get the analyzed URN."""
    return {
        "policyName": d.policyName,
        "urn": d.urn or urn,
        "message": d.message,
        "description": d.description,
        "enforcementLevel": LEVEL[d.enforcementLevel],
        "severity": SEVERITY[d.severity],
        "policyPackName": d.policyPackName,
    }


def _configured(
    stack: str, policy_config: Mapping[str, Any] | None, exemptions: Sequence[Exemption] | None, today: dt.date
) -> tuple[InProcessAnalyzer, pb.AnalyzerInfo, Sequence[Exemption]]:
    """The pack as the engine starts it for ``stack``: the unknown-value mode, the exemptions file and the
    stack's policy config read and checked against its rules (PolicyConfigError on a bad one)."""
    check_unknown_mode()
    if exemptions is None:
        exemptions = load_exemptions()
    if policy_config is not None:
        config, source = policy_config, "(given)"
    else:
        config, source = load_policy_config(stack), display(policy_config_path(stack))
    analyzer = InProcessAnalyzer(exemptions, today)
    info = analyzer.info()
    analyzer.configure(configure_request(reconcile_config(info, config, source)))
    return analyzer, info, exemptions


def check_inputs(stack: str) -> None:
    """Refuse bad policy-side input for ``stack`` as ``evaluate`` would, without resources: a preview calls it
    before it spends seconds recording the program, so a typo in a policy config costs no run."""
    with _stack_env(stack), pack_errors():
        _configured(stack, None, None, dt.date.today())


def evaluate(
    resources: Sequence[Mapping[str, Any]],
    *,
    stack: str,
    project: str = "budgetbuddy",
    policy_config: Mapping[str, Any] | None = None,
    exemptions: Sequence[Exemption] | None = None,
    today: dt.date | None = None,
) -> PolicyReport:
    """Judge recorded resources with the pack; bad policy-side input raises PolicyConfigError.

    policy_config: a parsed policy config (default: policies/config/<stack>.json);
    exemptions: override policies/exemptions.json (tests).
    """
    today = today or dt.date.today()
    with _stack_env(stack), pack_errors():
        analyzer, info, exemptions = _configured(stack, policy_config, exemptions, today)
        encoded = _Encoded(resources)
        diagnostics: list[dict[str, Any]] = []
        not_applicable: list[dict[str, str]] = []
        for req in encoded.analyze_requests():
            resp = analyzer.analyze(req)
            diagnostics += [diagnostic_dict(d, req.urn) for d in resp.diagnostics]
            not_applicable += [
                {"policy": n.policy_name, "urn": req.urn, "reason": n.reason} for n in resp.not_applicable
            ]
        resp = analyzer.analyze_stack(encoded.analyze_stack_request())
        diagnostics += [diagnostic_dict(d) for d in resp.diagnostics]
    return build_report(project, stack, info, resources, diagnostics, not_applicable, exemptions, today)
