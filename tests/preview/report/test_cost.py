"""Cost report: the full table at 80 columns, checkable arithmetic, stable JSON ids, usage assumptions from
files and --assume (exit 2 on bad ones), and docs/cost.md generated from the code (docs/cost.md)."""

from __future__ import annotations

import io
import json
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from preview import cost
from preview.cli import main
from preview.report import cost as cost_views
from preview.report.cost import arithmetic
from tests.policies.policy_fixtures import baseline
from tools import gen_cost_doc

ROOT = Path(__file__).resolve().parents[3]
STACKS = ("staging", "production")


@cache
def recorded(stack: str) -> tuple[dict[str, Any], ...]:
    from tests.harness import run_stack

    return tuple(run_stack(stack).resources)


def report_of(stack: str) -> cost.CostReport:
    return cost.estimate(list(recorded(stack)), stack)


# --- the full table at 80 columns --------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_full_cost_table_fits_80_columns_in_a_non_tty_log_with_nothing_cut(stack: str) -> None:
    report = report_of(stack)
    out = io.StringIO()
    console = Console(width=80, file=out, force_terminal=False, color_system=None)
    assert not console.is_terminal
    cost_views.render(report, console)
    text = out.getvalue()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in text
    for figure in (f"${report.total:,.2f}", f"${report.total_max:,.2f}", f"{report.budget_percent:.1f}%"):
        assert any(figure in line for line in lines), figure  # whole, on one line
    for i in report.items:  # every monthly figure printed whole
        assert f"${i.monthly_usd:,.2f}" in text, i.key


@pytest.mark.parametrize("stack", STACKS)
def test_every_line_item_reproduces_by_hand_from_its_printed_figures(stack: str) -> None:
    report = report_of(stack)
    for i in [*report.items, *cost.estimate(baseline(stack), stack).items]:
        qty, free, price, monthly = arithmetic(i)
        billable = float(qty.replace(",", "")) - float(free.replace(",", "") or 0)
        by_hand = max(0.0, billable) * float(price.lstrip("$").replace(",", ""))
        assert f"${by_hand:,.2f}" == monthly, (i.key, qty, free, price, monthly)


def test_printed_unit_prices_keep_every_digit() -> None:
    spot = cost.LineItem("Compute", "t", ("s",), "c", "Spot", 273.75, "vCPU-hour", 0.03238 * 0.3)
    qty, _, price, _ = arithmetic(spot)
    assert (qty, price) == ("273.75", "$0.009714")


# --- JSON: stable ids, old keys kept ------------------------------------------------------

OLD_ITEM_KEYS = {"category", "resource_type", "component", "item", "quantity", "unit", "unit_price", "free_quantity",
                 "assumption", "quantity_max", "resources", "monthlyUsd", "monthlyUsdMax"}  # fmt: skip
OLD_TOP_KEYS = {"stack", "currency", "region", "pricesAsOf", "total", "totalAtMaxCapacity", "fixedTotal", "usageTotal",
                "byCategory", "budget", "items", "unknowns", "warnings", "notes", "noDirectCharge", "notModeled",
                "assumptions", "priceNotes", "priceSources"}  # fmt: skip


@pytest.mark.parametrize("stack", STACKS)
def test_json_items_have_stable_unique_ids_and_keep_the_old_keys(stack: str) -> None:
    doc = cost.to_json(report_of(stack))
    assert set(doc) >= OLD_TOP_KEYS
    ids = [i["id"] for i in doc["items"]]
    assert len(ids) == len(set(ids)) and all(ids)
    assert all(set(i) >= OLD_ITEM_KEYS for i in doc["items"])
    again = cost.to_json(report_of(stack))
    assert [i["id"] for i in again["items"]] == ids
    # an id names the charge, not the figures: a different NAT volume changes the line, not its id
    busier = cost.to_json(
        cost.estimate(list(recorded(stack)), stack, replace(cost.for_stack(stack), nat_gb_processed=999))
    )
    assert [i["id"] for i in busier["items"]] == ids
    nat = next(i for i in busier["items"] if i["id"] == "nat-data-processed")
    assert nat["quantity"] == 999 and nat["item"] == next(i["item"] for i in doc["items"] if i["id"] == nat["id"])
    json.dumps(doc)


# --- usage assumptions ---------------------------------------------------------------------


def test_per_stack_file_sets_production_and_overrides_layer_in_order(tmp_path: Path) -> None:
    assert cost.for_stack("production").nat_gb_processed == 300.0  # preview/cost/usage/production.yaml
    assert cost.for_stack("staging").nat_gb_processed == 50.0
    f = tmp_path / "busy.yaml"
    f.write_text("natGbProcessed: 700\nlogGb: {app: 80}\nsharedAccount: true\n")
    usage = cost.resolve("production", [f], ["natGbProcessed=900", "logGb.audit=9"])
    assert usage.nat_gb_processed == 900.0  # --assume wins over the file
    assert usage.log_gb == {"app": 80.0, "audit": 9.0, "flow": 30.0, "build": 1.0, "other": 2.0}
    assert usage.shared_account is True and usage.free_tier is True  # production keeps the free tier
    assert cost.resolve("staging", [f]).free_tier is False


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["natGb=3"], "unknown usage assumption `natGb`; did you mean `natGbProcessed`?"),
        (["natGbProcessed=-1"], "`natGbProcessed`='-1' is not a number >= 0"),
        (["natGbProcessed=lots"], "`natGbProcessed`='lots' is not a number >= 0"),
        (["natGbProcessed=nan"], "is not a number >= 0"),
        (["sharedAccount=yes"], "`sharedAccount`='yes' is not a boolean (true or false)"),
        (["logGb.ap=3"], "`logGb.ap`: unknown role; did you mean `app`?"),
        (["logGb=3"], "set one role, e.g. `logGb.app=1`"),
        (["albLcus.x=3"], "`albLcus` has no parts"),
        (["dynamodbGsiKeysOnlyShare=2"], "is not a share between 0 and 1"),
        (["novalue"], "expected KEY=VALUE"),
    ],
)
def test_bad_assume_values_name_the_key_the_value_and_what_is_allowed(pairs: list[str], message: str) -> None:
    with pytest.raises(cost.AssumptionError) as exc:
        cost.read_overrides([], pairs)
    assert message in str(exc.value) and str(exc.value).startswith("--assume")
    assert isinstance(exc.value, ValueError)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- natGbProcessed: 3\n", "expected a mapping of `key: value`"),
        ("natGbProcessed: [1\n", "not valid YAML at line"),
        ("natGbProcesed: 3\n", "did you mean `natGbProcessed`?"),
        ("applyFreeTier: 1\n", "`applyFreeTier`=1 is not a boolean"),
        ("albLcus: true\n", "`albLcus`=True is not a number >= 0"),
        (b"\xff\xfe\x00", "cannot read it"),
    ],
)
def test_bad_assumption_files_name_the_file(tmp_path: Path, content: str | bytes, message: str) -> None:
    f = tmp_path / "usage.yaml"
    f.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(cost.AssumptionError) as exc:
        cost.read_overrides([f], [])
    assert message in str(exc.value) and str(f) in str(exc.value)


def test_every_assumption_has_a_unit_or_is_a_switch_and_round_trips_through_assume() -> None:
    for spec in cost.assumptions.specs():
        assert spec.help and (spec.unit or spec.kind == "bool"), spec.key
        if spec.kind == "number":
            (update,) = cost.read_overrides([], [f"{spec.key}=0.5"])[-1].values()
            assert update == 0.5


def test_cli_refuses_bad_assumptions_with_exit_2_before_running_the_program(capsys: pytest.CaptureFixture) -> None:
    assert main(["staging", "--assume", "natGbProcesed=10", "--no-tree"]) == 2
    err = capsys.readouterr().err
    assert "did you mean `natGbProcessed`?" in err and "Traceback" not in err
    assert main(["staging", "--assumptions", "/nonexistent/usage.yaml"]) == 2
    assert "cannot read it" in capsys.readouterr().err


def test_cli_applies_assumptions_to_a_dump(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    dump = tmp_path / "staging.json"
    dump.write_text(json.dumps({"project": "budgetbuddy", "stack": "staging", "resources": baseline("staging")}))
    main(["--resources", str(dump)])
    default = capsys.readouterr().out
    main(["--resources", str(dump), "--assume", "natGbProcessed=10000"])
    busy = capsys.readouterr().out
    base = cost.estimate(baseline("staging"), "staging").total
    extra = (10_000 - cost.STAGING.nat_gb_processed) * cost.PRICES.nat_gateway_gb
    assert f"${base:,.2f}" in default and f"${base + extra:,.2f}" in busy


def test_the_printed_assumptions_carry_units() -> None:
    out = io.StringIO()
    cost_views.render(report_of("production"), Console(width=80, file=out, color_system=None))
    text = out.getvalue()
    assert "natGbProcessed = 300 GB/month" in text
    assert "kmsKeyAgeDays = 730 days" in text and "guarddutyDnsGb" not in text  # no detector deployed


# --- docs/cost.md ----------------------------------------------------------------------------


def test_cost_doc_is_generated_from_the_code_and_not_stale() -> None:
    gen = gen_cost_doc
    text = gen.render({s: list(recorded(s)) for s in STACKS})
    assert (ROOT / "docs" / "cost.md").read_text(encoding="utf-8") == text, "run python tools/gen_cost_doc.py"
    for s in STACKS:
        r = report_of(s)
        assert f"| {s} | ${r.total:,.2f} | ${r.total_max:,.2f} |" in text
    for spec in cost.assumptions.specs():
        assert f"| `{spec.key}` |" in text


@settings(max_examples=150, deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=64),
        st.text(max_size=64),
        st.dictionaries(
            st.sampled_from([s.key for s in cost.assumptions.specs()] + ["x", "logGb.app"]),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(-(10**400), 10**400),
                st.floats(),
                st.text(max_size=5),
                st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
            ),
            max_size=4,
        ).map(lambda d: yaml.safe_dump(d)),
    )
)
def test_any_assumptions_file_is_used_or_refused_with_one_clear_error(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "usage.yaml"
        f.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        try:
            (updates, _) = cost.read_overrides([f], [])
        except cost.AssumptionError as exc:
            assert str(f) in str(exc)
            return
        usage = cost.for_stack("staging", updates)
        assert all(v >= 0 for v in vars(usage).values() if isinstance(v, float))


@pytest.mark.parametrize("stack", STACKS)
def test_the_estimate_does_not_depend_on_registration_order(stack: str) -> None:
    """The engine registers resources asynchronously, so two runs record them in different orders; the
    report (line order, and which log group the free tier goes to) must be the same bytes either way."""
    import random

    resources = list(recorded(stack))
    shuffled = resources[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != resources
    assert json.dumps(cost.to_json(cost.estimate(shuffled, stack))) == json.dumps(
        cost.to_json(cost.estimate(resources, stack))
    )
