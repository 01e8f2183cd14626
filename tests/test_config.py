"""StackConfig: every key validated, every problem reported at once, before any resource."""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.config import (
    CONFIG_KEYS,
    FARGATE_MEMORY,
    LOG_RETENTION_DAYS,
    ConfigError,
    parse_stack_config,
)
from tests.harness import CERT

BASE = {"certificateArn": CERT}


def problems(stack: str = "staging", **values: object) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_stack_config(stack, {**BASE, **values})
    return info.value.problems


def test_defaults_are_the_runbook_numbers():
    cfg = parse_stack_config("production", BASE)
    assert (cfg.min_capacity, cfg.cpu_target_percent, cfg.memory_target_percent) == (2, 70.0, 70.0)
    assert (cfg.scale_out_cooldown_seconds, cfg.scale_in_cooldown_seconds) == (60, 300)
    assert cfg.backup_schedule == "cron(0 2 * * ? *)" and cfg.backup_retention_days == 35
    assert cfg.alert_email == "ops@budgetbuddy.com" and cfg.az_count == 3
    assert [t.name for t in cfg.tables] == ["Users", "Transactions"]
    assert cfg.is_production and not parse_stack_config("staging", BASE).is_production


def test_config_is_immutable():
    cfg = parse_stack_config("staging", BASE)
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        cfg.min_capacity = 9  # type: ignore[misc]
    assert cfg.min_capacity == 2


def test_strings_as_pulumi_config_set_stores_them_are_parsed():
    cfg = parse_stack_config(
        "staging", {**BASE, "minCapacity": "3", "enableGuardDuty": "true", "cpuTargetPercent": "65.5"}
    )
    assert cfg.min_capacity == 3 and cfg.enable_guardduty is True and cfg.cpu_target_percent == 65.5


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("logRetentionDays", 8, "retention periods"),
        ("auditLogRetentionDays", 366, "retention periods"),
        ("backupRetentionDays", 7, "greater than or equal to 35"),
        ("backupSchedule", "daily", "cron expression"),
        ("vpcCidr", "10.0.0.1/16", "CIDR"),
        ("vpcCidr", "8.8.0.0/16", "private"),
        ("vpcCidr", "10.0.0.0/24", "/16 to /20"),
        ("azCount", 1, "greater than or equal to 2"),
        ("natStrategy", "None", "OnePerAz"),
        ("alertEmail", "ops-at-budgetbuddy", "email"),
        ("pagerDutyEndpoint", "http://events.pagerduty.com/x", "https"),
        ("taskCpu", 300, "Fargate cpu size"),
        ("monthlyBudgetUsd", 0, "greater than 0"),
        ("monthlyBudgetUsd", -5, "greater than 0"),
        ("drRegion", "mars-1", "AWS region"),
        ("deploymentStrategy", "ROLLING", "BLUE_GREEN"),
        ("canaryPercent", 0, "greater than or equal to 0.1"),
        ("canaryBakeMinutes", 2000, "less than or equal to 1440"),
        ("containerSecrets", '{"DB_PASSWORD": "hunter2"}', "ARN"),
        ("codestarConnectionArn", "arn:aws:s3:::bucket", "connection ARN"),
        ("githubRepository", "no-slash", "pattern"),
        ("tables", "not json", "must be JSON"),
    ],
)
def test_each_bad_value_names_key_value_and_what_is_allowed(key, value, fragment):
    found = problems(**{key: value})
    assert len(found) == 1, found
    shown = "DB_PASSWORD" if key == "containerSecrets" else repr(value)
    assert found[0].startswith(f"budgetbuddy:{key}") and shown in found[0] and fragment in found[0]


@pytest.mark.parametrize(
    ("values", "key", "fragment"),
    [
        ({"taskCpu": 512, "taskMemory": 8192}, "taskMemory", "[1024, 2048, 3072, 4096]"),
        ({"minCapacity": 6, "maxCapacity": 5}, "minCapacity", "must not exceed maxCapacity (5)"),
        ({"capacitySpotWeight": 0, "capacityOnDemandWeight": 0}, "capacitySpotWeight", "cannot both be 0"),
        ({"drRegion": "us-east-1"}, "drRegion", "must differ"),
        ({"deploymentStrategy": "CANARY", "canaryPercent": 100}, "canaryPercent", "below 100"),
        ({"domainName": "api.budgetbuddy.com", "hostedZoneId": "Z123"}, "certificateArn", "not both"),
    ],
)
def test_combinations_are_judged_and_named(values, key, fragment):
    found = problems(**values)
    assert any(p.startswith(f"budgetbuddy:{key}") and fragment in p for p in found), found


def test_missing_certificate_source_is_an_error():
    with pytest.raises(ConfigError, match="certificateArn=None: an ACM certificate ARN is required"):
        parse_stack_config("staging", {})
    cfg = parse_stack_config("staging", {"domainName": "api.budgetbuddy.com", "hostedZoneId": "Z0ABC"})
    assert cfg.certificate_arn is None and cfg.domain_name == "api.budgetbuddy.com"


def test_production_is_on_demand_only():
    assert any("must be 0 in production" in p for p in problems("production", capacitySpotWeight=1))
    assert parse_stack_config("staging", {**BASE, "capacitySpotWeight": 3}).capacity_spot_weight == 3


def test_unknown_keys_are_rejected_with_the_allowed_list():
    (msg,) = problems(minCapcity=3)
    assert msg.startswith("budgetbuddy:minCapcity=3: unknown key") and "minCapacity" in msg


def test_every_problem_is_listed_at_once():
    found = problems(taskCpu=300, logRetentionDays=8, alertEmail="x", minCapacity=9, maxCapacity=3, bogus=1)
    keys = {p.split("=")[0] for p in found}
    assert keys == {f"budgetbuddy:{k}" for k in ("taskCpu", "logRetentionDays", "alertEmail", "minCapacity", "bogus")}
    assert "invalid configuration for stack 'staging'" in str(ConfigError("staging", found))


def test_combination_with_an_invalid_key_is_not_reported_twice():
    # taskCpu is invalid on its own: no misleading taskMemory message computed against a default cpu.
    found = problems(taskCpu=300, taskMemory=8192)
    assert [p.split("=")[0] for p in found] == ["budgetbuddy:taskCpu"]


def test_tables_are_validated():
    bad = '[{"name": "Users", "hashKey": "id", "attributes": [{"name": "id"}, {"name": "extra"}]}]'
    (msg,) = problems(tables=bad)
    assert "tables" in msg and "['extra'] are not used" in msg
    dup = '[{"name": "A1", "hashKey": "id", "attributes": [{"name": "id"}]}, {"name": "A1", "hashKey": "id", "attributes": [{"name": "id"}]}]'
    assert any("distinct names" in p for p in problems(tables=dup))


# ---- property-based -------------------------------------------------------------------------

fargate_pairs = st.sampled_from([(c, m) for c, mems in FARGATE_MEMORY.items() for m in mems])
bad_memory = st.tuples(st.sampled_from(list(FARGATE_MEMORY)), st.integers(1, 200_000)).filter(
    lambda p: p[1] not in FARGATE_MEMORY[p[0]]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    pair=fargate_pairs,
    lo=st.integers(1, 50),
    span=st.integers(0, 50),
    retention=st.sampled_from(LOG_RETENTION_DAYS),
    budget=st.floats(min_value=0.01, max_value=1e6, allow_nan=False),
)
def test_valid_configs_are_accepted(pair, lo, span, retention, budget):
    cfg = parse_stack_config(
        "staging",
        {
            **BASE,
            "taskCpu": str(pair[0]),
            "taskMemory": str(pair[1]),
            "minCapacity": lo,
            "maxCapacity": lo + span,
            "logRetentionDays": retention,
            "monthlyBudgetUsd": budget,
        },
    )
    assert (cfg.task_cpu, cfg.task_memory, cfg.min_capacity, cfg.max_capacity) == (pair[0], pair[1], lo, lo + span)


invalid_entries = st.one_of(
    st.integers().filter(lambda d: d not in LOG_RETENTION_DAYS).map(lambda d: ("logRetentionDays", d)),
    st.floats(max_value=0, allow_nan=False).map(lambda b: ("monthlyBudgetUsd", b)),
    st.text(max_size=20).filter(lambda s: "@" not in s).map(lambda s: ("alertEmail", s)),
    st.integers(max_value=34).map(lambda d: ("backupRetentionDays", d)),
    st.integers().filter(lambda c: c not in FARGATE_MEMORY).map(lambda c: ("taskCpu", c)),
    st.integers(max_value=0).map(lambda n: ("minCapacity", n)),
    st.integers(max_value=1023).map(lambda p: ("containerPort", p)),
    st.from_regex(r"[a-z][A-Za-z0-9]{0,11}", fullmatch=True)
    .filter(lambda k: k not in CONFIG_KEYS)
    .map(lambda k: (k, "x")),
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(entries=st.lists(invalid_entries, min_size=1, max_size=5, unique_by=lambda e: e[0]))
def test_random_invalid_configs_list_every_bad_key(entries):
    with pytest.raises(ConfigError) as info:
        parse_stack_config("staging", {**BASE, **dict(entries)})
    reported = {p.split("=", 1)[0] for p in info.value.problems}
    assert {f"budgetbuddy:{k}" for k, _ in entries} <= reported


def test_every_key_is_documented_and_the_doc_is_current():
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("gen_config_doc", root / "tools" / "gen_config_doc.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert set(gen.ABOUT) == set(CONFIG_KEYS), "describe every key in tools/gen_config_doc.py"
    assert (root / "docs" / "config.md").read_text() == gen.render(), "run python tools/gen_config_doc.py"
