"""The runner's structured result and its JSON, markdown and rich forms."""

from __future__ import annotations

import io
import json

import pytest
from policy_fixtures import baseline, edited
from rich.console import Console

from preview import policy_runner as pr


@pytest.fixture(scope="module")
def report() -> pr.PolicyReport:
    resources = edited(baseline("production"), "service", networkConfiguration={"assignPublicIp": True})
    resources = edited(resources, "task", runtimePlatform=None)
    return pr.evaluate(resources, stack="production", policy_config={})


def test_structured_violation(report: pr.PolicyReport) -> None:
    [v] = [v for v in report.violations if v.rule == "aws-ecs-service-disallow-public-ip"]
    assert v.severity == "high" and v.enforcement == "mandatory"
    assert v.urn.endswith("aws:ecs/service:Service::service") and v.resource_name == "service"
    assert v.message == "networkConfiguration.assignPublicIp is true."
    assert "private subnets" in v.remediation
    assert pr.exit_code(report) == 1


def test_advisory_only_exits_zero() -> None:
    resources = edited(baseline("production"), "task", runtimePlatform=None)
    report = pr.evaluate(resources, stack="production", policy_config={})  # arm64 is advisory by default
    assert [v.enforcement for v in report.violations] == ["advisory"]
    assert pr.exit_code(report) == 0


def test_json_and_markdown(report: pr.PolicyReport) -> None:
    data = pr.to_json(report)
    json.dumps(data)
    assert data["mandatoryViolations"] == 1 and data["violations"][0]["severity"] == "high"
    md = pr.to_markdown(report)
    assert "FAIL" in md and "### High (1)" in md and "### Low (1)" in md
    assert md.index("### High") < md.index("### Low")


def test_rich_render_groups_by_severity(report: pr.PolicyReport) -> None:
    buf = io.StringIO()
    pr.render(report, Console(file=buf, width=200))
    out = buf.getvalue()
    assert out.index("HIGH") < out.index("LOW") and "private subnets" in out and "FAIL" in out


def test_evaluate_dump_file(tmp_path) -> None:
    path = tmp_path / "dump.json"
    path.write_text(json.dumps({"project": "budgetbuddy", "stack": "staging", "resources": baseline("staging"),
                                "outputs": {}}))  # fmt: skip
    report = pr.evaluate_dump(path)
    assert report.stack == "staging" and report.violations == []
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(pr.DumpError):
        pr.evaluate_dump(bad)
