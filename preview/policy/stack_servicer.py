"""The pack's analyzer servicer, with AnalyzeStack decoding each resource once for all stack rules.

pulumi_policy's ``AnalyzeStack`` converts every resource (protobuf to dict, deserialise, unknown-checking
proxy, options, provider) once per *stack rule*: 24 rules x about 190 resources, most of a stack judgment's
time. This subclass runs the same loop over the same rules, in the same order, with the same enforcement
levels, violation reports, not-applicable notes and unknown-value handling, but builds the resource list once
per request and hands it to every rule. The rules only read what they are given (a rule that wrote into a
resource would change what the next rule sees; none does), so the diagnostics are the same:
tests/policies/test_policy_engine_equivalence.py compares them with the unmodified pack run as a real plugin,
and tests/policies/test_stack_servicer.py fails when the SDK's ``AnalyzeStack`` changes and this copy must be
checked again (docs/decisions.md, "Offline policy run").
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi_policy import EnforcementLevel, StackValidationArgs, StackValidationPolicy
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.policy import PolicyResource, _NotApplicableError, _PolicyAnalyzerServicer
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

# sha256 of the source of pulumi-policy 1.21.0's _PolicyAnalyzerServicer.AnalyzeStack, the loop mirrored below.
SDK_ANALYZE_STACK_SHA256 = "3917a008482c2387d7da37f65d889970933e8df8efc57270559e20b36be837bf"


def sdk_analyze_stack_sha256() -> str:
    return hashlib.sha256(inspect.getsource(_PolicyAnalyzerServicer.AnalyzeStack).encode()).hexdigest()


class SharedDecodeServicer(_PolicyAnalyzerServicer):
    """``_PolicyAnalyzerServicer`` whose AnalyzeStack decodes the stack once (see the module docstring)."""

    def _stack_resources(self, request: pb.AnalyzeStackRequest) -> list[PolicyResource]:
        # As the SDK builds them: resources first, then parents, dependencies and property dependencies
        # resolved to the resource objects by URN (a URN outside the request is left out).
        resources: list[PolicyResource] = []
        links = []
        for r in request.resources:
            props = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(r.properties)))
            opts = self._get_resource_options(r)
            provider = self._get_provider_resource(r)
            resources.append(PolicyResource(r.type, props, r.urn, r.name, opts, provider, None, [], {}))
            prop_deps = {k: list(v.urns) for k, v in r.propertyDependencies.items()}
            links.append((r.parent, list(r.dependencies), prop_deps))
        by_urn = {res.urn: res for res in resources}
        for res, (parent, deps, prop_deps) in zip(resources, links, strict=True):
            if parent is not None and parent in by_urn:
                res.parent = by_urn[parent]
            res.dependencies.extend(by_urn[d] for d in deps if d in by_urn)
            for k, urns in prop_deps.items():
                res.property_dependencies[k] = [by_urn[d] for d in urns if d in by_urn]
        return resources

    def AnalyzeStack(self, request: pb.AnalyzeStackRequest, _context: Any) -> pb.AnalyzeResponse:  # noqa: N802
        self._configure_runtime_settings()
        response = pb.AnalyzeResponse()
        name = self._PolicyAnalyzerServicer__policy_pack_name  # type: ignore[attr-defined]
        version = self._PolicyAnalyzerServicer__policy_pack_version  # type: ignore[attr-defined]
        resources: list[PolicyResource] | None = None
        for policy in self._PolicyAnalyzerServicer__policies:  # type: ignore[attr-defined]
            level = self._get_enforcement_level(policy)
            if level == EnforcementLevel.DISABLED or not isinstance(policy, StackValidationPolicy):
                continue
            if level == EnforcementLevel.REMEDIATE:
                level = EnforcementLevel.MANDATORY  # stack rules cannot remediate: the SDK reports mandatory
            report = self._create_report_violation(response, policy.name, policy.description, level, policy.severity)
            if resources is None:
                resources = self._stack_resources(request)
            args = StackValidationArgs(
                resources,
                self._get_policy_config(policy.name),
                self._PolicyAnalyzerServicer__stack_tags,  # type: ignore[attr-defined]
            )
            try:
                result = policy.validate(args, report)
                if inspect.isawaitable(result):
                    loop = asyncio.new_event_loop()
                    loop.run_until_complete(asyncio.Task(result, loop=loop))  # type: ignore[arg-type]  # as the SDK does
                    loop.close()
            except UnknownValueError as e:
                response.diagnostics.append(
                    pb.AnalyzeDiagnostic(
                        policyName=policy.name,
                        policyPackName=name,
                        policyPackVersion=version,
                        message=(
                            f"can't run policy '{policy.name}' from policy pack '{name}@v{version}' "
                            f"during preview: {e.message}"
                        ),
                        urn="",
                        description=policy.description,
                        enforcementLevel=self._map_enforcement_level(EnforcementLevel.ADVISORY),
                    )
                )
            except _NotApplicableError as e:
                response.not_applicable.append(pb.PolicyNotApplicable(policy_name=policy.name, reason=e.reason or ""))
        return response
