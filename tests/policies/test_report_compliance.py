"""The compliance report is generated from rule metadata and a policy run."""

from __future__ import annotations

import io

from budgetbuddy_policies import REGISTRY
from policy_fixtures import UNKNOWN, baseline, edited, without
from rich.console import Console

from preview.policy.engine import evaluate
from preview.report import compliance as cr


def test_every_control_tag_appears_with_its_rules() -> None:
    report = evaluate(baseline("production"), stack="production")
    sections = {s.key: s for s in cr.build(report)}
    assert {"pci-dss-4.0", "soc2", "hipaa", "fsbp", "cost"} <= set(sections)
    listed = {(s.key, c.control, r.rule) for s in sections.values() for c in s.controls for r in c.rules}
    expected = {(t.split(":")[0], t.split(":", 1)[1], r.meta.name) for r in REGISTRY for t in r.meta.controls}
    assert listed == expected
    assert all(c.status == "pass" for s in sections.values() for c in s.controls)


def test_failures_and_unknowns_mark_their_controls() -> None:
    resources = edited(baseline("production"), "alb", accessLogs=None)
    resources = edited(resources, "trail", enableLogFileValidation=UNKNOWN)
    sections = {s.key: s for s in cr.build(evaluate(resources, stack="production"))}
    controls = {c.control: c for c in sections["fsbp"].controls}
    assert controls["ELB.5"].status == "fail"
    assert controls["CloudTrail.4"].status == "unknown"
    assert controls["ELB.1"].status == "pass"
    pci = {c.control: c for c in sections["pci-dss-4.0"].controls}
    assert pci["10.2.1"].status == "fail"  # ELB access logs evidence 10.2.1 too
    md = cr.to_markdown(evaluate(resources, stack="production"))
    assert "| ELB.5 | **FAIL** |" in md and "### PCI DSS 4.0" in md
    buf = io.StringIO()
    cr.render(evaluate(resources, stack="production"), Console(file=buf, width=160))
    assert "HIPAA" in buf.getvalue()


def test_an_unprotected_public_alb_fails_pci_642_and_elb16() -> None:
    sections = {s.key: s for s in cr.build(evaluate(without(baseline("production"), "waf-association"),
                                                        stack="production"))}  # fmt: skip
    pci = {c.control: c for c in sections["pci-dss-4.0"].controls}
    fsbp = {c.control: c for c in sections["fsbp"].controls}
    assert pci["6.4.2"].status == "fail" and fsbp["ELB.16"].status == "fail"
    assert fsbp["WAF.10"].status == "pass"  # the web ACL itself is fine; only its association is missing
    assert "aws-elb-loadbalancer-require-waf" in {r.rule for r in pci["6.4.2"].rules}


def _privileged_build(expires: str) -> object:
    import datetime as dt

    import budgetbuddy_policies as bp
    from budgetbuddy_policies import parse_exemptions

    resources = edited(baseline("production"), "build", environment={"type": "ARM_CONTAINER", "privilegedMode": True})
    why = "Docker-in-Docker image builds need privileged mode; no daemonless builder yet."
    ex = parse_exemptions(
        [{"rule": "aws-codebuild-project-disallow-privileged-mode", "resource": "build", "justification": why,
          "expires": expires}],
        known_rules=bp.REGISTRY.names(),
    )  # fmt: skip
    return evaluate(resources, stack="production", exemptions=ex, today=dt.date(2030, 6, 1))


def test_a_control_evidenced_only_by_an_exempted_rule_is_exempt_never_pass() -> None:
    report = _privileged_build("2030-12-31")
    sections = {s.key: s for s in cr.build(report)}
    fsbp = {c.control: c for c in sections["fsbp"].controls}
    assert fsbp["CodeBuild.5"].status == "exempt"
    (rule,) = fsbp["CodeBuild.5"].rules
    assert rule.status == "exempt" and "until 2030-12-31" in rule.exemption and "Docker-in-Docker" in rule.exemption
    # PCI 2.2.6 has passing rules beside the exempted one: it passes, the exempted rule still shows EXEMPT.
    pci = {c.control: c for c in sections["pci-dss-4.0"].controls}
    assert pci["2.2.6"].status == "pass"
    assert {r.rule: r.status for r in pci["2.2.6"].rules}["aws-codebuild-project-disallow-privileged-mode"] == "exempt"
    n = len(fsbp)
    assert sections["fsbp"].totals == f"{n - 1} pass, 1 exempt, 0 fail"
    md = cr.to_markdown(report)
    assert (
        "| CodeBuild.5 | **EXEMPT** | `aws-codebuild-project-disallow-privileged-mode` EXEMPT (build until 2030-12-31: "
        in md
    )
    assert f"### AWS Foundational Security Best Practices: {n - 1} pass, 1 exempt, 0 fail ({n} controls)" in md
    assert "controls pass" not in md
    buf = io.StringIO()
    cr.render(report, Console(file=buf, width=200))
    assert "EXEMPT" in buf.getvalue() and f"{n - 1} pass, 1 exempt, 0 fail" in buf.getvalue()


def test_an_expired_exemption_fails_its_control() -> None:
    fsbp = {c.control: c for c in {s.key: s for s in cr.build(_privileged_build("2030-05-31"))}["fsbp"].controls}
    assert fsbp["CodeBuild.5"].status == "fail"


def test_the_runbook_framework_lists_the_runbook_rules() -> None:
    sections = {s.key: s for s in cr.build(evaluate(baseline("production"), stack="production"))}
    runbook = {c.control: {r.rule for r in c.rules} for c in sections["runbook"].controls}
    assert "aws-ecs-service-configure-deployment-strategy" in runbook["rolling-updates"]
    assert "aws-appautoscaling-target-configure-capacity" in runbook["auto-scaling-configuration"]
    assert "aws-dynamodb-table-enable-pitr" in runbook["dynamodb-backups"]
    assert cr.totals(evaluate(baseline("production"), stack="production")).endswith(" exempt, 0 fail")
