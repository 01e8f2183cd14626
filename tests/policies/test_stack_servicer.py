"""AnalyzeStack decoding each resource once (preview/policy/stack_servicer.py) answers as the SDK's own loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import budgetbuddy_policies as bp
import pytest
from google.protobuf import empty_pb2
from policy_fixtures import degraded
from pulumi.runtime.proto import analyzer_pb2 as pb
from pulumi_policy import EnforcementLevel, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

from preview.policy.config import configure_request, reconcile_config
from preview.policy.engine import analyze_stack_request, new_servicer
from preview.policy.load import load_policy_config
from preview.policy.stack_servicer import SDK_ANALYZE_STACK_SHA256, SharedDecodeServicer, sdk_analyze_stack_sha256
from tests.harness import run_stack


def test_the_sdk_loop_it_mirrors_is_the_installed_one() -> None:
    assert sdk_analyze_stack_sha256() == SDK_ANALYZE_STACK_SHA256, (
        "pulumi_policy's AnalyzeStack changed: compare it with SharedDecodeServicer.AnalyzeStack, carry the change "
        "over, then record the new digest in SDK_ANALYZE_STACK_SHA256"
    )


def _servicer(cls: type, config: dict[str, Any]) -> Any:
    servicer = new_servicer(None, dt.date.today(), cls)
    info = servicer.GetAnalyzerInfo(empty_pb2.Empty(), None)
    servicer.Configure(configure_request(reconcile_config(info, config)), None)
    servicer.ConfigureStack(pb.AnalyzerStackConfigureRequest(tags={"team": "platform"}), None)
    return servicer


def _stack_rules() -> list[str]:
    return [
        p.name for p in bp.pack_arguments(None, dt.date.today())["policies"] if isinstance(p, StackValidationPolicy)
    ]


@pytest.mark.parametrize("stack", ["production", "staging"])
@pytest.mark.parametrize("variant", ["as recorded", "degraded", "levels changed"])
def test_the_response_is_the_sdks_byte_for_byte(monkeypatch, stack: str, variant: str) -> None:
    monkeypatch.setenv("PULUMI_STACK", stack)  # exemptions scoped to a stack read it, as under the engine
    resources = run_stack(stack).resources
    config = load_policy_config(stack)
    if variant != "as recorded":
        resources = degraded(resources)
    if variant == "levels changed":
        first, second, *_ = _stack_rules()
        config = {**config, first: "disabled", second: "remediate"}  # remediate is reported as mandatory
    request = analyze_stack_request(resources)
    ours = _servicer(SharedDecodeServicer, config).AnalyzeStack(request, None)
    sdks = _servicer(_PolicyAnalyzerServicer, config).AnalyzeStack(request, None)
    assert ours.SerializeToString(deterministic=True) == sdks.SerializeToString(deterministic=True)
    if variant != "as recorded":
        assert len(sdks.diagnostics) >= 5  # the comparison covers violations, not only silence


def _synthetic_rules() -> list[StackValidationPolicy]:
    """One stack rule per branch of the loop: a finding with and without a URN, an unknown value read through
    the proxy, not-applicable, an asynchronous rule, and a rule that follows parents and dependencies."""

    def per_resource(args, report) -> None:
        for r in args.resources:
            if r.resource_type == "aws:kms/key:Key" and not r.props.get("enableKeyRotation"):
                report(f"{r.name} does not rotate", r.urn)
        report(f"{len(args.resources)} resources, tags {dict(args.stack_tags)}, config {dict(args.get_config())}")

    def reads_unknown(args, report) -> None:
        for r in args.resources:
            _ = r.props.get("policy")  # UNKNOWN in the degraded stack: the proxy raises UnknownValueError

    def not_applicable(args, report) -> None:
        args.not_applicable("nothing to judge here")

    async def asynchronous(args, report) -> None:
        report("async rules are awaited")

    def links(args, report) -> None:
        for r in args.resources:
            deps = sorted(d.urn for ds in r.property_dependencies.values() for d in ds)
            parent = r.parent.urn if r.parent is not None else ""
            report(f"{parent} {len(r.dependencies)} {deps[:3]} {r.opts.protect}", r.urn)

    validate = {"per-resource": per_resource, "reads-unknown": reads_unknown, "not-applicable": not_applicable,
                "asynchronous": asynchronous, "links": links}  # fmt: skip
    return [
        StackValidationPolicy(name=name, description=name, validate=fn, enforcement_level=EnforcementLevel.MANDATORY)
        for name, fn in validate.items()
    ]


def test_every_branch_of_the_loop_answers_as_the_sdks() -> None:
    resources = degraded(run_stack("staging").resources)
    request = analyze_stack_request(resources)
    answers = []
    for cls in (SharedDecodeServicer, _PolicyAnalyzerServicer):
        servicer = cls("synthetic", "0.0.1", _synthetic_rules(), EnforcementLevel.ADVISORY)
        servicer.Configure(pb.ConfigureAnalyzerRequest(), None)
        servicer.ConfigureStack(pb.AnalyzerStackConfigureRequest(tags={"team": "platform"}), None)
        answers.append(servicer.AnalyzeStack(request, None))
    ours, sdks = answers
    assert ours.SerializeToString(deterministic=True) == sdks.SerializeToString(deterministic=True)
    messages = [d.message for d in sdks.diagnostics]
    assert any("can't run policy 'reads-unknown'" in m for m in messages)
    assert any(m.endswith("async rules are awaited") for m in messages)
    assert [n.policy_name for n in sdks.not_applicable] == ["not-applicable"]
    assert sum(d.policyName == "links" for d in sdks.diagnostics) == len(resources)
