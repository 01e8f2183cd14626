"""The policy pack judges the pipeline's resources: they pass, privileged mode only by exemption."""

from __future__ import annotations

import datetime as dt

import pytest

from preview.policy.engine import evaluate
from tests.harness import config_for
from tests.test_pipeline_helpers import PROJECT_TYPE, run_pipeline

STACK_RULES_NEEDING_OTHER_COMPONENTS = {"aws-budgets-budget-require-cost-notifications"}


@pytest.mark.parametrize(("stack", "approval"), [("staging", False), ("staging", True), ("production", True)])
def test_pipeline_resources_pass_every_rule(stack, approval):
    r, _ = run_pipeline(config_for(stack, requireManualApproval=approval))
    report = evaluate(r.resources, stack=stack)
    ours = [v for v in report.violations if v.urn]  # resource findings (stack rules have no URN)
    assert ours == []
    stack_findings = {v.rule for v in report.violations if not v.urn}
    assert stack_findings <= STACK_RULES_NEEDING_OTHER_COMPONENTS


def test_privileged_mode_is_allowed_only_through_the_recorded_exemption():
    r, _ = run_pipeline()
    report = evaluate(r.resources, stack="staging")
    (use,) = [e for e in report.exemptions if e.rule == "aws-codebuild-project-disallow-privileged-mode"]
    assert use.resource_name == "pipeline-build" and use.resource_type == PROJECT_TYPE
    assert not use.expired and "docker build" in use.justification
    # Without the exemption the mandatory rule fails: the exemption is what lets it pass.
    bare = evaluate(r.resources, stack="staging", exemptions=[])
    assert "aws-codebuild-project-disallow-privileged-mode" in {v.rule for v in bare.mandatory}


def test_the_exemption_expires_and_is_then_reported():
    r, _ = run_pipeline()
    later = evaluate(r.resources, stack="staging", today=dt.date(2027, 6, 1))
    assert "aws-codebuild-project-disallow-privileged-mode" in {v.rule for v in later.mandatory}
