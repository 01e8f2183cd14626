"""StackConfig: every key validated, every problem reported at once, before any resource."""

from __future__ import annotations

import re

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.compute.settings import FARGATE_MEMORY
from components.config.engine import aws_provider_keys, aws_regions
from components.config.load import parse_config, parse_stack_config
from components.config.problems import ConfigError
from components.config.schema import CONFIG_KEYS, FIELD_KEYS
from components.settings import LOG_RETENTION_DAYS
from preview.stand_ins import secret_stand_in
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
        ("drRegion", "mars-1", "AWS region that pulumi-aws"),
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
    with pytest.raises(ConfigError, match="certificateArn: not set: the HTTPS listener needs a certificate"):
        parse_stack_config("staging", {})
    cfg = parse_stack_config("staging", {"domainName": "api.budgetbuddy.com", "hostedZoneId": "Z0ABC"})
    assert cfg.certificate_arn is None and cfg.domain_name == "api.budgetbuddy.com"


def test_production_is_on_demand_only():
    assert any("must be 0 in production" in p for p in problems("production", capacitySpotWeight=1))
    assert parse_stack_config("staging", {**BASE, "capacitySpotWeight": 3}).capacity_spot_weight == 3


def test_unknown_keys_suggest_the_nearest_key_instead_of_listing_all():
    (msg,) = problems(minCapcity=3)
    assert msg == "budgetbuddy:minCapcity=3: unknown key; did you mean `budgetbuddy:minCapacity`?"
    (msg,) = problems(MAXCAPASITY="9")
    assert "did you mean `budgetbuddy:maxCapacity`?" in msg
    (msg,) = problems(zzzzqqqq="x")
    assert "did you mean" not in msg and "docs/config.md" in msg and "taskCpu" not in msg


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
    from pathlib import Path

    from tools import gen_config_doc as gen

    root = Path(__file__).resolve().parent.parent
    undocumented = [n for n in FIELD_KEYS if not all(gen.about(n))]
    assert undocumented == [], "give every key a Field(description=..., json_schema_extra=runbook(...))"
    assert (root / "docs" / "config.md").read_text() == gen.render(), "run python tools/gen_config_doc.py"


# ---- one source of truth for the region (docs/config.md) -------------------------------------

STACK = {"aws:region": "us-east-1", "budgetbuddy:certificateArn": CERT}


def config_problems(secret_keys: tuple[str, ...] = (), environ: dict[str, str] | None = None, **full: str) -> list[str]:
    values = {**STACK, **{k.replace("__", ":"): v for k, v in full.items()}}
    with pytest.raises(ConfigError) as info:
        parse_config("staging", values, secret_keys, environ={} if environ is None else environ)
    return info.value.problems


def test_region_comes_from_aws_region_alone():
    cfg = parse_config("staging", {**STACK, "aws:region": "eu-west-1"}, environ={})
    assert cfg.region == "eu-west-1"
    (msg,) = config_problems(budgetbuddy__region="eu-west-1")
    assert msg.startswith("budgetbuddy:region='eu-west-1': not a budgetbuddy key")
    assert "the AWS provider deploys to aws:region" in msg and "set aws:region instead" in msg


def test_region_falls_back_to_the_environment_as_the_provider_does():
    values = {"budgetbuddy:certificateArn": CERT}
    assert parse_config("staging", values, environ={"AWS_REGION": "eu-central-1"}).region == "eu-central-1"
    assert parse_config("staging", values, environ={"AWS_DEFAULT_REGION": "us-west-2"}).region == "us-west-2"
    with pytest.raises(ConfigError, match="aws:region: not set: the AWS provider needs the region"):
        parse_config("staging", values, environ={})


def test_unknown_regions_are_named_by_their_own_key():
    (msg,) = config_problems(aws__region="us-east-9")
    assert msg.startswith("aws:region='us-east-9': must be an AWS region that pulumi-aws")
    assert "did you mean `us-east-" in msg and "budgetbuddy:region" not in msg
    (msg,) = problems(drRegion="us-west-9")
    assert msg.startswith("budgetbuddy:drRegion='us-west-9'") and "did you mean `us-west-2`?" in msg


def test_regions_are_the_ones_pulumi_aws_knows():
    from pulumi_aws._enums import Region

    assert set(aws_regions()) == {r.value for r in Region}
    # Newer partitions that an "xx-name-N" pattern would refuse.
    for region in ("eusc-de-east-1", "us-iso-east-1", "us-gov-west-1"):
        assert parse_config("staging", {**STACK, "aws:region": region}, environ={}).region == region


def test_dr_region_must_differ_from_aws_region():
    (msg,) = config_problems(aws__region="eu-west-1", budgetbuddy__drRegion="eu-west-1")
    assert msg == "budgetbuddy:drRegion='eu-west-1': must differ from aws:region (eu-west-1)"


# ---- other namespaces: nothing silently ignored --------------------------------------------------


def test_aws_keys_are_the_provider_keys():
    import pulumi_aws.config as provider_config

    keys = aws_provider_keys()
    assert {"region", "profile", "assumeRoles", "skipCredentialsValidation"} <= set(keys)
    snake = {name for name in dir(provider_config.vars._ExportableConfig) if not name.startswith("_")}
    assert {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower() for k in keys} == snake
    assert parse_config("staging", {**STACK, "aws:profile": "ops", "aws:insecure": "False"}, environ={})


def test_unknown_aws_keys_are_errors_with_a_suggestion():
    (msg,) = config_problems(aws__regoin="us-east-1")
    assert msg == "aws:regoin='us-east-1': not a key the AWS provider reads; did you mean `aws:region`?"
    (msg,) = config_problems(aws__skipCredentialsValidation="yes")
    assert msg.startswith("aws:skipCredentialsValidation='yes': must be true or false")


def test_other_namespaces_are_errors_except_pulumi_engine_keys():
    (msg,) = config_problems(budgetbudy__minCapacity="3")
    assert msg.startswith("budgetbudy:minCapacity='3': unknown namespace `budgetbudy`")
    assert "did you mean `budgetbuddy:minCapacity`?" in msg
    assert parse_config("staging", {**STACK, "pulumi:disable-default-providers": '["*"]'}, environ={})


# ---- missing certificate keys are named as missing -------------------------------------------


def test_a_missing_hosted_zone_is_reported_as_that():
    found = problems(certificateArn=None, domainName="api.budgetbuddy.com")
    assert len(found) == 1 and found[0].startswith("budgetbuddy:hostedZoneId: not set: required with domainName")
    found = problems(certificateArn=None, hostedZoneId="Z0ABC")
    assert len(found) == 1 and found[0].startswith("budgetbuddy:domainName: not set: required with hostedZoneId")


def test_an_invalid_hosted_zone_is_not_also_reported_missing():
    found = problems(certificateArn=None, domainName="api.budgetbuddy.com", hostedZoneId="nope")
    assert [p.split("=")[0] for p in found] == ["budgetbuddy:hostedZoneId"]


# ---- values read as Pulumi's typed getters read them --------------------------------------------


@pytest.mark.parametrize("text", ["yes", "maybe", "no", "on", "1", "TRUE", "true ", ""])
def test_booleans_are_strictly_what_get_bool_accepts(text):
    (msg,) = problems(enableGuardDuty=text)
    assert msg.startswith(f"budgetbuddy:enableGuardDuty={text!r}: must be true or false")
    assert "get_bool" in msg


@pytest.mark.parametrize(("text", "value"), [("true", True), ("True", True), ("false", False), ("False", False)])
def test_booleans_get_bool_accepts(text, value):
    assert parse_stack_config("staging", {**BASE, "enableGuardDuty": text}).enable_guardduty is value


def test_numbers_follow_get_int_and_get_float():
    assert parse_stack_config("staging", {**BASE, "maxCapacity": " 7 ", "cpuTargetPercent": "6.5e1"}).max_capacity == 7
    (msg,) = problems(minCapacity="2.0")
    assert msg.startswith("budgetbuddy:minCapacity='2.0': must be a whole number") and "get_int" in msg
    (msg,) = problems(cpuTargetPercent="seventy")
    assert "get_float" in msg


# ---- secrets: any key, never shown, a valid stand-in offline ------------------------------------


def test_secret_values_are_never_shown_in_messages():
    found = config_problems(("budgetbuddy:alertEmail",), budgetbuddy__alertEmail="leaked-value")
    assert found == ["budgetbuddy:alertEmail=[secret]: must be an email address such as ops@budgetbuddy.com"]
    found = config_problems(("budgetbuddy:minCapacity",), budgetbuddy__minCapacity="9", budgetbuddy__maxCapacity="3")
    assert found[0].startswith("budgetbuddy:minCapacity=[secret]: must not exceed maxCapacity (3)")
    assert "secret: an offline preview checks its stand-in" in found[0]


@pytest.mark.parametrize("key", sorted(CONFIG_KEYS))
def test_every_key_has_a_stand_in_valid_for_it(key):
    stand_in = secret_stand_in(f"budgetbuddy:{key}", "staging")
    assert stand_in, f"declare Field(examples=[...]) for {key}: a secret {key} needs an offline stand-in"
    try:
        parse_stack_config("staging", {**BASE, key: stand_in})
    except ConfigError as exc:
        assert not [p for p in exc.problems if p.startswith(f"budgetbuddy:{key}=")], exc.problems


# ---- any input: a config or a clear ConfigError, never anything else ------------------------------

known_full_keys = st.sampled_from([*FIELD_KEYS.values(), *(f"aws:{k}" for k in aws_provider_keys())])
any_full_key = st.one_of(
    known_full_keys, st.text(max_size=20), st.from_regex(r"[a-z]{1,12}:[A-Za-z]{1,15}", fullmatch=True)
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(values=st.dictionaries(any_full_key, st.text(max_size=30), max_size=6), secret=st.booleans())
def test_any_config_is_accepted_or_rejected_clearly(values, secret):
    secrets = tuple(values) if secret else ()
    try:
        cfg = parse_config("staging", {**STACK, **values}, secrets, environ={})
    except ConfigError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        if secret:
            for key, value in values.items():
                if len(value) > 3 and value not in str(STACK) and value not in key:
                    assert all(repr(value) not in p for p in exc.problems)
    else:
        assert cfg.stack == "staging"
