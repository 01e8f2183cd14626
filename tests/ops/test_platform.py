"""ops/platform.py: names, region and limits come from the stack itself (the program's naming code)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ops import platform

ROOT = Path(__file__).resolve().parents[2]


def test_production_has_the_runbooks_names() -> None:
    p = platform.load("production")
    assert (p.cluster, p.service, p.family) == ("budgetbuddy-cluster", "budgetbuddy-backend", "budgetbuddy-backend")
    assert p.tables == {"Users": "BudgetBuddy-Users", "Transactions": "BudgetBuddy-Transactions"}
    assert p.scalable_resource_id == "service/budgetbuddy-cluster/budgetbuddy-backend"
    assert p.data_key_alias == "alias/budgetbuddy/data"
    assert p.region == "us-east-1" and p.production
    # production's alarm prefix also starts staging's alarm names: those are told apart
    assert p.alarm_prefix == "budgetbuddy-" and p.other_alarm_prefixes == ("budgetbuddy-staging-",)


def test_staging_inserts_the_environment() -> None:
    p = platform.load("staging")
    assert (p.cluster, p.service) == ("budgetbuddy-staging-cluster", "budgetbuddy-staging-backend")
    assert p.table("Users") == "BudgetBuddy-staging-Users" and not p.production
    assert (p.min_capacity, p.max_capacity) == (2, 5)


def _copy(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "Pulumi.production.yaml", "Pulumi.staging.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "policies" / "config").mkdir(parents=True)
    shutil.copy(ROOT / "policies/config/production.json", tmp_path / "policies/config/production.json")
    return tmp_path


def test_region_is_the_stack_files_aws_region(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    stack_file = root / "Pulumi.production.yaml"
    stack_file.write_text(stack_file.read_text().replace("aws:region: us-east-1", "aws:region: eu-west-1"))
    assert platform.load("production", root).region == "eu-west-1"


def test_a_table_is_found_by_base_or_physical_name_and_an_unknown_one_is_refused() -> None:
    p = platform.load("production")
    assert p.table("Users") == p.table("BudgetBuddy-Users") == "BudgetBuddy-Users"
    with pytest.raises(platform.PlatformError, match=r"--table 'Budgets'.*Users \(BudgetBuddy-Users\)"):
        p.table("Budgets")


def test_unknown_stack_is_bad_input() -> None:
    with pytest.raises(platform.PlatformError, match="unknown stack 'prod'"):
        platform.load("prod")


def test_capacity_limits_are_the_runbooks_from_the_policy_config() -> None:
    limits = platform.capacity_limits("production")
    assert (limits.min_low, limits.min_high, limits.max_low, limits.max_high) == (2, 20, 2, 20)
    assert "maxCapacity 20, minCapacity 2" in limits.source


def test_capacity_limits_fall_back_to_the_config_schema_and_say_so(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "policies/config/production.json"
    doc = json.loads(path.read_text())
    del doc["aws-appautoscaling-target-configure-capacity"]
    path.write_text(json.dumps(doc))
    limits = platform.capacity_limits("production", root)
    assert (limits.min_low, limits.min_high, limits.max_low, limits.max_high) == (1, 1000, 1, 1000)
    assert "sets no capacity limit" in limits.source


def test_capacity_limits_from_a_policy_that_sets_them(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "policies/config/production.json"
    doc = json.loads(path.read_text())
    doc["aws-appautoscaling-target-configure-capacity"] = {"minCapacity": 2, "maxCapacity": 40}
    path.write_text(json.dumps(doc))
    limits = platform.capacity_limits("production", root)
    assert (limits.min_low, limits.max_high) == (2, 40)
    assert "maxCapacity 40" in limits.source


def test_table_urn_is_the_programs() -> None:
    assert platform.load("production").table_urn("Users") == (
        "urn:pulumi:production::budgetbuddy::budgetbuddy:data:DataTables$aws:dynamodb/table:Table::data-Users"
    )


def test_names_and_urns_are_what_the_program_registers() -> None:
    """The real program's recording (memoised per worker; the rest of the suite records it anyway)."""
    from tests.harness import run_stack

    p, result = platform.load("production"), run_stack("production")
    tables = {r["name"]: r for r in result.of_type("aws:dynamodb/table:Table")}
    assert {b: tables[f"data-{b}"]["inputs"]["name"] for b in p.tables} == p.tables
    assert {p.table_urn(b) for b in p.tables} == {r["urn"] for r in tables.values()}
    assert p.cluster in {r["inputs"].get("name") for r in result.of_type("aws:ecs/cluster:Cluster")}
    service = result.one("aws:ecs/service:Service")["inputs"]
    assert service["name"] == p.service
    assert result.one("aws:ecs/taskDefinition:TaskDefinition")["inputs"]["family"] == p.family
    assert p.data_key_alias in {r["inputs"]["name"] for r in result.of_type("aws:kms/alias:Alias")}
    target = result.one("aws:appautoscaling/target:Target")["inputs"]
    assert (target["minCapacity"], target["maxCapacity"]) == (p.min_capacity, p.max_capacity)
