"""The runner's structured result and its JSON, markdown and rich forms."""

from __future__ import annotations

import io
import json

import pytest
from policy_fixtures import UNKNOWN, baseline, edited
from rich.console import Console

from preview.cli import verdict
from preview.dump import DumpError
from preview.pipeline import evaluate_dump
from preview.policy.engine import evaluate
from preview.policy.report import PolicyReport, Violation
from preview.policy.report import to_json as policy_json
from preview.report.policy import render as render_policy
from preview.report.policy import to_markdown as policy_markdown


@pytest.fixture(scope="module")
def report() -> PolicyReport:
    resources = edited(baseline("production"), "service", networkConfiguration={"assignPublicIp": True})
    resources = edited(resources, "task", runtimePlatform=None)
    return evaluate(resources, stack="production", policy_config={})


def test_structured_violation(report: PolicyReport) -> None:
    [v] = [v for v in report.violations if v.rule == "aws-ecs-service-disallow-public-ip"]
    assert v.severity == "high" and v.enforcement == "mandatory"
    assert v.urn.endswith("aws:ecs/service:Service::service") and v.resource_name == "service"
    assert v.message == "networkConfiguration.assignPublicIp is true."
    assert "private subnets" in v.remediation
    assert verdict(report) == 1


def test_advisory_only_exits_zero() -> None:
    resources = edited(baseline("production"), "task", runtimePlatform=None)
    report = evaluate(resources, stack="production", policy_config={})  # arm64 is advisory by default
    assert [v.enforcement for v in report.violations] == ["advisory"]
    assert verdict(report) == 0


def test_json_and_markdown(report: PolicyReport) -> None:
    data = policy_json(report)
    json.dumps(data)
    assert data["mandatoryViolations"] == 1 and data["violations"][0]["severity"] == "high"
    md = policy_markdown(report)
    assert "FAIL" in md and "### High (1)" in md and "### Low (1)" in md
    assert md.index("### High") < md.index("### Low")


def test_rich_render_groups_by_severity(report: PolicyReport) -> None:
    buf = io.StringIO()
    render_policy(report, Console(file=buf, width=200))
    out = buf.getvalue()
    assert out.index("HIGH") < out.index("LOW") and "private subnets" in out and "FAIL" in out


def test_evaluate_dump_file(tmp_path) -> None:
    path = tmp_path / "dump.json"
    path.write_text(json.dumps({"project": "budgetbuddy", "stack": "staging", "resources": baseline("staging"),
                                "outputs": {}}))  # fmt: skip
    report = evaluate_dump(path)
    assert report.stack == "staging" and report.violations == []
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(DumpError):
        evaluate_dump(bad)


LONG_WHY = (
    "Docker-in-Docker image builds need privileged mode: the build runs `docker build` for the backend image, "
    "which needs the daemon. The project builds only this repository's branch, with a role limited to one ECR "
    "repository. Revisit with a daemonless builder (buildah or kaniko) once the pipeline supports it."
)


def render_80(report: PolicyReport) -> str:
    buf = io.StringIO()
    render_policy(report, Console(file=buf, width=80, force_terminal=False))  # as in a CI log: no TTY
    return buf.getvalue()


def test_render_fits_80_columns_without_cutting_words() -> None:
    from budgetbuddy_policies import parse_exemptions

    resources = edited(baseline("production"), "service", networkConfiguration={"assignPublicIp": True})
    resources = edited(resources, "trail", enableLogFileValidation=UNKNOWN)
    exemptions = parse_exemptions(
        [{"rule": "aws-codebuild-project-disallow-privileged-mode", "resource": "build", "justification": LONG_WHY}]
    )
    report = evaluate(resources, stack="production", exemptions=exemptions)
    out = render_80(report)
    lines = out.splitlines()
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)
    flowing = " ".join(out.split())  # a word cut at a line end would show up split in two here
    assert " ".join(LONG_WHY.split()) in flowing
    for v in report.violations:
        assert " ".join(v.remediation.split()) in flowing and " ".join(v.message.split()) in flowing
    assert "[unknown-input]" in out  # plain text, not swallowed as markup
    # One compact block per exemption: heading, resource, expiry, then the justification as a paragraph.
    start = lines.index("Exemptions in use (1)")
    end = next(i for i, line in enumerate(lines) if line.startswith("FAIL: "))
    block = lines[start + 1 : end]
    assert block[0] == "- aws-codebuild-project-disallow-privileged-mode"
    assert block[1:3] == ["   resource: build (aws:codebuild/project:Project)", "   expires: never"]
    assert len(block) <= 3 + len(LONG_WHY) // 70 + 1


def test_render_folds_only_identifiers_longer_than_a_line() -> None:
    long_type = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    violation = Violation(
        rule="aws-s3-bucketencryption-require-sse-kms", severity="high", enforcement="mandatory", urn="urn:x",
        resource_type=long_type, resource_name="logs-sse", message="Default encryption is AES256.",
        description="", remediation="Use aws:kms with a customer-managed key.",
    )  # fmt: skip
    report = PolicyReport("budgetbuddy", "production", "budgetbuddy-aws", [], [violation], [], 1)
    out = render_80(report)
    assert all(len(line) <= 80 for line in out.splitlines())
    assert long_type in out.replace("\n   ", "").replace("\n", "")  # folded, nothing lost
    assert "   resource: logs-sse\n" in out  # the short words before it still wrap whole
