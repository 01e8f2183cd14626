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
