"""`python -m preview --compare BASE HEAD` (docs/preview.md, "--compare"): resources by URN, replacements,
cost delta, new and cleared violations; the verdict and exit code follow HEAD."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from preview import compare, dump, pipeline
from preview.report import compare as compare_views
from preview.report.cost import usd
from tests.preview_runs import dump_of, run_cli, write_json

CMK_RULE = "aws-dynamodb-table-require-cmk-encryption"


def _find(doc: dict[str, Any], type_: str, name: str | None = None) -> dict[str, Any]:
    return next(r for r in doc["resources"] if r["type"] == type_ and (name is None or r["name"] == name))


def _rejudged(doc: dict[str, Any]) -> dict[str, Any]:
    """A consistent dump of edited resources: cost and policy computed for them, as a run would."""
    return pipeline.judge(dump.normalize(doc)).to_json()


def _unencrypted(stack: str = "staging") -> dict[str, Any]:
    doc = dump_of(stack)
    _find(doc, "aws:dynamodb/table:Table", "data-Users")["inputs"].pop("serverSideEncryption")
    return _rejudged(doc)


@pytest.fixture(scope="module")
def unencrypted() -> dict[str, Any]:
    return _unencrypted()


def test_identical_previews_compare_clean(tmp_path: Path):
    base = write_json(tmp_path / "base.json", dump_of("staging"))
    code, out, err = run_cli("--compare", str(base), str(base))
    assert code == 0, err
    assert "Resources: 0 added, 0 changed (0 replaced), 0 removed" in out
    assert "($0.00)" in out and "Policy (head): PASS" in out and "0 new, 0 cleared" in out
    assert max(len(x) for x in out.splitlines()) <= 80


def test_resources_are_diffed_by_urn_and_replacements_are_flagged():
    base = dump_of("staging")
    head = copy.deepcopy(base)
    users = _find(head, "aws:dynamodb/table:Table", "data-Users")
    users["inputs"]["hashKey"] = "accountId"
    users["inputs"]["billingMode"] = "PROVISIONED"
    log_group = _find(head, "aws:cloudwatch/logGroup:LogGroup")
    log_group["inputs"]["name"] = "/renamed"
    alb = _find(head, "aws:lb/loadBalancer:LoadBalancer")
    alb["inputs"]["name"] = "budgetbuddy-alb"
    bucket = _find(head, "aws:s3/bucket:Bucket")
    bucket["inputs"]["bucket"] = UNKNOWN  # a computed name: unknown during preview
    key = _find(head, "aws:kms/key:Key")
    key["inputs"]["tags"] = {**key["inputs"].get("tags", {}), "Owner": "someone-else"}
    key["protect"] = not key["protect"]
    removed = _find(head, "aws:ecr/lifecyclePolicy:LifecyclePolicy")
    head["resources"].remove(removed)
    added = {**copy.deepcopy(_find(head, "aws:sns/topic:Topic")), "name": "extra-topic"}
    added["urn"] = added["urn"].rsplit("::", 1)[0] + "::extra-topic"
    head["resources"].append(added)

    c = compare.compare(base, head)
    assert [r.urn for r in c.added] == [added["urn"]]
    assert [r.urn for r in c.removed] == [removed["urn"]]
    by_name = {ch.name: ch for ch in c.changed}
    assert set(by_name) == {"data-Users", log_group["name"], alb["name"], bucket["name"], key["name"]}
    assert by_name["data-Users"].keys == ("billingMode", "hashKey") and by_name["data-Users"].replace == ("hashKey",)
    assert by_name["data-Users"].stateful and by_name["data-Users"].replaces
    assert by_name[log_group["name"]].replace == ("name",)
    assert by_name[alb["name"]].replace == ("name",) and not by_name[alb["name"]].stateful
    assert by_name[bucket["name"]].replace == () and by_name[bucket["name"]].maybe_replace == ("bucket",)
    assert by_name[key["name"]].keys == ("tags",) and by_name[key["name"]].options == ("protect",)
    assert not by_name[key["name"]].replaces  # tags and protect change in place

    text = "\n".join(compare_views.to_text(c))
    assert "REPLACES: hashKey: the key schema is fixed at CreateTable" in text
    assert "may replace: bucket is unknown during preview" in text
    assert "1 added, 5 changed (3 replaced), 1 removed" in text
    md = compare_views.to_markdown(c)
    assert "| **replaced** | `data-Users`" in md and "`hashKey` (**replaces**), `billingMode`" not in md
    assert "`billingMode`, `hashKey` (**replaces**)" in md
    assert "- `data-Users` is replaced: hashKey: the key schema is fixed at CreateTable" in md
    assert "| added | `extra-topic` | `aws:sns:Topic` |" in md
    assert "| removed | `" + removed["name"] + "`" in md


def test_a_protected_replacement_says_the_update_will_be_refused():
    base = dump_of("production")
    head = copy.deepcopy(base)
    users = _find(head, "aws:dynamodb/table:Table", "data-Users")
    assert users["protect"]  # production protects its tables
    users["inputs"]["rangeKey"] = "createdAt"
    (change,) = compare.compare(base, head).changed
    assert change.why() == [
        "rangeKey: the key schema is fixed at CreateTable (protected: `pulumi up` refuses the replacement "
        "until protect is lifted)"
    ]


def test_cost_delta_per_line_item_and_in_total():
    base = dump_of("staging")
    head_doc = copy.deepcopy(base)
    # Drop one resource that carries a monthly charge of its own (the ECR repository's storage).
    ecr = "aws:ecr/repository:Repository"
    item = next(i for i in base["cost"]["items"] if i["resource_type"] == ecr and len(i["resources"]) == 1)
    (gone,) = item["resources"]
    head_doc["resources"] = [r for r in head_doc["resources"] if (r["type"], r["name"]) != (ecr, gone)]
    head = _rejudged(head_doc)
    c = compare.compare(base, head)
    line = next(
        x
        for x in c.cost_lines
        if (x.resource_type, x.component, x.item) == (item["resource_type"], item["component"], item["item"])
    )
    assert line.base == pytest.approx(item["monthlyUsd"], abs=0.005) and line.head == 0
    out = compare_views.to_json(c)["cost"]
    assert out["delta"] == pytest.approx(head["cost"]["total"] - base["cost"]["total"], abs=0.01) and out["delta"] < 0
    assert sum(x.delta for x in c.cost_lines) == pytest.approx(out["delta"], abs=0.01 * max(1, len(c.cost_lines)))
    md = compare_views.to_markdown(c)
    assert f"{usd(base['cost']['total'])} → {usd(head['cost']['total'])} (**-{usd(-out['delta'])}**)" in md
    assert f"| {usd(line.base)} | $0.00 | -{usd(line.base)} |" in md


def test_new_violations_fail_the_head_and_are_marked_new(tmp_path: Path, unencrypted: dict[str, Any]):
    base = write_json(tmp_path / "base.json", dump_of("staging"))
    head = write_json(tmp_path / "head.json", unencrypted)
    code, md, _ = run_cli("--compare", str(base), str(head), "--markdown")
    assert code == 1
    v = next(v for v in unencrypted["policy"]["violations"] if v["rule"] == CMK_RULE)
    assert "### :x: `staging`: FAIL" in md
    assert (
        f"| **new** | `{CMK_RULE}` | mandatory, high | `data-Users` (`aws:dynamodb:Table`) | {v['remediation']} |" in md
    )
    assert f"({len(unencrypted['policy']['violations'])} new, 0 cleared)" in md  # the base had none
    assert "**Resources:** 0 added, 1 changed (0 replaced), 0 removed." in md
    assert "**Monthly cost:**" in md


def test_cleared_violations_are_listed_and_the_head_passes(tmp_path: Path, unencrypted: dict[str, Any]):
    base = write_json(tmp_path / "base.json", unencrypted)
    head = write_json(tmp_path / "head.json", dump_of("staging"))
    out_json = tmp_path / "cmp.json"
    code, out, _ = run_cli("--compare", str(base), str(head), "--json", str(out_json))
    assert code == 0
    assert f"cleared: {CMK_RULE} on data-Users (aws:dynamodb:Table)" in " ".join(out.split())
    result = json.loads(out_json.read_text())
    assert result["verdict"] == "PASS" and result["exitCode"] == 0 and result["formatVersion"] == 1
    assert [v["rule"] for v in result["policy"]["cleared"]] == [CMK_RULE] and result["policy"]["new"] == []


@pytest.mark.parametrize("base_kind", ["none", "failed"])
def test_a_base_that_could_not_be_previewed_is_reported_and_the_head_still_judged(
    tmp_path: Path, unencrypted: dict[str, Any], base_kind: str
):
    base = "none"
    if base_kind == "failed":
        base = str(
            write_json(tmp_path / "base.json", {"formatVersion": 1, "stack": "staging", "error": "exit 3: boom"})
        )
    good = write_json(tmp_path / "good.json", dump_of("staging"))
    bad = write_json(tmp_path / "bad.json", unencrypted)
    code, out, _ = run_cli("--compare", base, str(good))
    assert code == 0 and "base could not be previewed:" in out and "the head is judged on its own" in out
    if base_kind == "failed":
        assert "exit 3: boom" in out
    code, md, _ = run_cli("--compare", base, str(bad), "--markdown")
    assert code == 1
    assert "**Base could not be previewed:**" in md and f"`{CMK_RULE}`" in md and "**new**" not in md


def test_head_given_as_a_stack_is_previewed_on_the_fly(tmp_path: Path):
    base = write_json(tmp_path / "base.json", dump_of("staging"))
    code, out, err = run_cli("--compare", str(base), "staging")
    assert code == 0, err
    assert "Resources: 0 added, 0 changed (0 replaced), 0 removed" in out


def test_a_version_0_base_gets_its_cost_and_policy_computed(tmp_path: Path):
    doc = dump_of("staging")
    # Written by older code: no formatVersion, cost or policy, resources in registration order (unsorted).
    old = {"project": doc["project"], "stack": doc["stack"], "resources": doc["resources"][::-1], "outputs": {}}
    code, out, _ = run_cli(
        "--compare", str(write_json(tmp_path / "base.json", old)), str(write_json(tmp_path / "h.json", doc))
    )
    assert code == 0
    assert "note: BASE dump carried no cost or policy results: computed now with the current code" in " ".join(
        out.split()
    )
    assert "Resources: 0 added, 0 changed (0 replaced), 0 removed" in out
    assert "($0.00)" in out and "+$" not in out and "-$" not in out  # the same resources cost the same


@pytest.mark.parametrize(
    ("base", "head", "config", "message"),
    [
        ("production", "staging", [], "BASE is a preview of budgetbuddy/production but HEAD of budgetbuddy/staging"),
        ("malformed", "staging", [], "BASE {tmp}/malformed.json: resources[0].urn: field required"),
        ("staging", "qa-stack", [], "HEAD 'qa-stack': neither a dump file nor a stack (stacks: production, staging)"),
        ("staging", "failed", [], "records a failed preview (boom)"),
        ("staging", "staging", ["--config", "minCapacity=3"], "--config applies when HEAD is a stack to preview"),
    ],
)
def test_previews_that_cannot_be_compared_exit_2(tmp_path: Path, base: str, head: str, config: list[str], message: str):
    files = {
        "production": write_json(tmp_path / "production.json", dump_of("production")),
        "staging": write_json(tmp_path / "staging.json", dump_of("staging")),
        "malformed": write_json(tmp_path / "malformed.json", {"stack": "staging", "resources": [{"type": "t"}]}),
        "failed": write_json(tmp_path / "failed.json", {"formatVersion": 1, "stack": "staging", "error": "boom"}),
    }
    code, out, err = run_cli("--compare", str(files[base]), str(files.get(head, head)), *config)
    assert code == 2 and out == ""
    assert message.format(tmp=tmp_path) in err and "Traceback" not in err


def test_usage_assumptions_price_both_sides_so_the_delta_is_the_codes(tmp_path: Path):
    """--assume changes what a month costs, not what the branch changed: both sides are priced with it."""
    same = write_json(tmp_path / "s.json", dump_of("staging"))
    code, out, _ = run_cli("--compare", str(same), str(same), "--assume", "natGbProcessed=5000", "--json",
                           str(tmp_path / "c.json"))  # fmt: skip
    cost = json.loads((tmp_path / "c.json").read_text())["cost"]
    assert code == 0 and "priced again" in out
    plain = dump_of("staging")["cost"]["total"]
    assert cost["delta"] == 0 and cost["head"] == cost["base"] > plain  # both sides carry the extra NAT data


def test_the_comparison_never_overwrites_one_of_its_inputs(tmp_path: Path):
    head = write_json(tmp_path / "head.json", dump_of("staging"))
    before = head.read_bytes()
    code, _, err = run_cli("--compare", "none", str(head), "--json", str(head))
    assert code == 2 and "is an input of --compare" in err and "Traceback" not in err
    assert head.read_bytes() == before


def test_the_pull_request_report_shows_exempted_rules_as_exempt_with_expiry_and_justification():
    doc = dump_of("staging")
    md = compare_views.to_markdown(compare.compare(doc, doc))
    row = next(line for line in md.splitlines() if "`aws-codebuild-project-disallow-privileged-mode`" in line)
    assert row.startswith(
        "| EXEMPT | `aws-codebuild-project-disallow-privileged-mode` | `pipeline-build` | 2027-05-31 |"
    )
    assert "privileged mode" in row
