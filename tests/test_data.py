"""DataTables: tables, AWS Backup, DR, data safety, config errors, policy pack."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.base import StackContext
from components.config.problems import ConfigError
from components.data import DataInputs, DataSettings, DataTables
from preview.policy.engine import evaluate
from tests.harness import Result, config_for, run_component

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
TABLE = "aws:dynamodb/table:Table"
PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
SELECTION = "aws:backup/selection:Selection"
CUSTOM_TABLES = [
    {
        "name": "Budgets",
        "hashKey": "userId",
        "rangeKey": "budgetId",
        "attributes": [{"name": "userId"}, {"name": "budgetId"}],
    }
]


def _run(stack: str = "staging", **keys: object) -> tuple[Result, dict[str, DataTables]]:
    built: dict[str, DataTables] = {}

    def body(cfg, naming):
        ctx = StackContext(naming, "123456789012", cfg.region)
        built["data"] = DataTables("data", cfg, DataInputs(kms_key_arn=KEY), ctx)

    return run_component(body, config_for(stack, **keys)), built


def _table(r: Result, base: str) -> dict:
    return r.inputs(TABLE, f"data-{base}")


# --- tables ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stack", "users", "transactions"),
    [
        ("production", "BudgetBuddy-Users", "BudgetBuddy-Transactions"),
        ("staging", "BudgetBuddy-staging-Users", "BudgetBuddy-staging-Transactions"),
    ],
)
def test_default_tables_have_the_runbook_names_per_stack(stack, users, transactions):
    r, _ = _run(stack)
    assert sorted(t["inputs"]["name"] for t in r.of_type(TABLE)) == sorted([users, transactions])
    assert _table(r, "Users")["name"] == users and _table(r, "Transactions")["name"] == transactions


def test_keys_attributes_and_indexes_serve_the_access_patterns():
    r, _ = _run()
    users, tx = _table(r, "Users"), _table(r, "Transactions")
    assert users["hashKey"] == "userId" and "rangeKey" not in users
    assert {a["name"]: a["type"] for a in users["attributes"]} == {"userId": "S", "email": "S"}
    assert users["globalSecondaryIndexes"] == [
        {
            "name": "EmailIndex",
            "keySchemas": [{"attributeName": "email", "keyType": "HASH"}],
            "projectionType": "KEYS_ONLY",
        }
    ]
    assert (tx["hashKey"], tx["rangeKey"]) == ("userId", "transactionId")
    assert {a["name"] for a in tx["attributes"]} == {"userId", "transactionId", "bookedAt", "categoryMonth"}
    gsis = {
        g["name"]: [(k["attributeName"], k["keyType"]) for k in g["keySchemas"]] for g in tx["globalSecondaryIndexes"]
    }
    assert gsis == {
        "UserDateIndex": [("userId", "HASH"), ("bookedAt", "RANGE")],
        "CategoryMonthIndex": [("categoryMonth", "HASH"), ("bookedAt", "RANGE")],
    }
    # the deprecated per-index hash_key/range_key are not used
    assert all("hashKey" not in g for g in tx["globalSecondaryIndexes"])


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_every_table_is_on_demand_pitr_35_protected_in_production_and_cmk_encrypted(stack):
    r, _ = _run(stack)
    for t in r.of_type(TABLE):
        i = t["inputs"]
        assert i["billingMode"] == "PAY_PER_REQUEST"
        assert "readCapacity" not in i and "writeCapacity" not in i
        assert i["pointInTimeRecovery"] == {"enabled": True, "recoveryPeriodInDays": 35}
        assert i["deletionProtectionEnabled"] is (stack == "production")  # staging: `pulumi destroy` alone
        assert i["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": KEY}


def test_ttl_and_streams_only_where_the_table_def_says():
    r, built = _run()
    tx, users = _table(r, "Transactions"), _table(r, "Users")
    assert tx["ttl"] == {"attributeName": "expiresAt", "enabled": True}
    assert tx["streamEnabled"] is True and tx["streamViewType"] == "NEW_AND_OLD_IMAGES"
    assert "ttl" not in users
    assert users["streamEnabled"] is False and "streamViewType" not in users
    assert set(built["data"].stream_arns) == {"Transactions"}


def test_tables_from_config_replace_the_defaults():
    r, built = _run(tables=json.dumps(CUSTOM_TABLES))
    assert [t["inputs"]["name"] for t in r.of_type(TABLE)] == ["BudgetBuddy-staging-Budgets"]
    assert set(built["data"].tables) == {"Budgets"}
    assert "globalSecondaryIndexes" not in _table(r, "Budgets")


def test_attributes_expose_names_arns_and_exact_index_arns():
    r, built = _run("production")
    d = built["data"]
    assert set(d.tables) == {"Users", "Transactions"}
    sel = r.inputs(SELECTION)
    arns = {
        "Users": "arn:aws:dynamodb:us-east-1:123456789012:table/BudgetBuddy-Users",
        "Transactions": "arn:aws:dynamodb:us-east-1:123456789012:table/BudgetBuddy-Transactions",
    }
    assert sorted(sel["resources"]) == sorted(arns.values())
    assert len(d.table_arns) == 2 and len(d.index_arns) == 3 and set(d.table_names) == set(arns)


def test_index_arns_are_table_arn_slash_index_slash_name():
    seen: list[str] = []

    def body(cfg, naming):
        d = DataTables("data", cfg, DataInputs(kms_key_arn=KEY), StackContext(naming, "123456789012", cfg.region))
        for arn in d.index_arns:
            arn.apply(seen.append)

    run_component(body, config_for("production"))
    base = "arn:aws:dynamodb:us-east-1:123456789012:table/"
    assert sorted(seen) == sorted(
        [
            f"{base}BudgetBuddy-Users/index/EmailIndex",
            f"{base}BudgetBuddy-Transactions/index/UserDateIndex",
            f"{base}BudgetBuddy-Transactions/index/CategoryMonthIndex",
        ]
    )


def test_stack_outputs_are_camel_case_and_complete():
    got: dict[str, object] = {}

    def body(cfg, naming):
        d = DataTables("data", cfg, DataInputs(kms_key_arn=KEY), StackContext(naming, "123456789012", cfg.region))
        for k, v in d.stack_outputs().items():
            pulumi.Output.from_input(v).apply(lambda x, k=k: got.__setitem__(k, x))

    run_component(body, config_for("production"))
    assert set(got) == {"tableNames", "tableArns", "backupVaultName", "backupPlanId"}
    assert got["tableNames"] == {"Users": "BudgetBuddy-Users", "Transactions": "BudgetBuddy-Transactions"}
    assert len(got["tableArns"]) == 2 and str(got["backupVaultName"]).startswith("data-vault")


# --- AWS Backup ------------------------------------------------------------------------------
def test_backup_plan_daily_at_2_utc_kept_35_days_into_the_cmk_vault():
    r, _ = _run("production")
    rule = r.inputs(PLAN)["rules"][0]
    assert rule["schedule"] == "cron(0 2 * * ? *)"
    assert rule["lifecycle"] == {"deleteAfter": 35}
    assert rule["startWindow"] == 60 and rule["completionWindow"] == 180
    assert rule["recoveryPointTags"]["Environment"] == "production"
    assert rule["targetVaultName"].startswith("data-vault")
    assert "copyActions" not in rule
    assert r.inputs(VAULT)["kmsKeyArn"] == KEY


def test_backup_schedule_and_retention_come_from_config():
    r, _ = _run(backupSchedule="cron(30 3 * * ? *)", backupRetentionDays=90)
    rule = r.inputs(PLAN)["rules"][0]
    assert rule["schedule"] == "cron(30 3 * * ? *)" and rule["lifecycle"]["deleteAfter"] == 90


def test_selection_covers_every_table_by_arn_with_the_backup_role():
    r, _ = _run(tables=json.dumps([*CUSTOM_TABLES, {**CUSTOM_TABLES[0], "name": "Goals"}]))
    sel = r.inputs(SELECTION)
    base = "arn:aws:dynamodb:us-east-1:123456789012:table/BudgetBuddy-staging-"
    assert sorted(sel["resources"]) == [f"{base}Budgets", f"{base}Goals"]
    role = r.one("aws:iam/role:Role")
    assert sel["iamRoleArn"].startswith("arn:aws:iam::123456789012:role/data-backup-role")
    trust = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    attached = sorted(a["inputs"]["policyArn"] for a in r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
    assert attached == [
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]
    # the selection waits for the role's policies, or the first backup job could fail
    sel_res = r.one(SELECTION)
    assert all(
        a["urn"] in sel_res["dependencies"] for a in r.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    )


# --- DR --------------------------------------------------------------------------------------
def test_without_dr_region_no_dr_resources_exist():
    r, built = _run("production")
    assert not r.of_type("pulumi:providers:aws") and not r.of_type("aws:kms/key:Key")
    assert len(r.of_type(VAULT)) == 1
    assert all("replicas" not in t["inputs"] for t in r.of_type(TABLE))
    assert built["data"].dr_vault is None and "drBackupVaultArn" not in built["data"].stack_outputs()


def test_dr_region_adds_replicas_a_dr_key_vault_and_copy_actions():
    r, _ = _run("production", drRegion="us-west-2")
    provider = r.one("pulumi:providers:aws")
    assert provider["inputs"]["region"] == "us-west-2"
    assert provider["parent"].endswith("budgetbuddy:data:DataTables::data")
    key = r.one("aws:kms/key:Key")
    dr_vault = r.one(VAULT, "data-dr-vault")
    for res in (key, dr_vault):
        assert res["provider"].startswith(provider["urn"] + "::")
    assert key["inputs"]["enableKeyRotation"] is True and key["inputs"]["deletionWindowInDays"] == 30
    policy = json.loads(key["inputs"]["policy"])
    services = {st["Condition"]["StringEquals"]["kms:ViaService"] for st in policy["Statement"] if "Condition" in st}
    assert services == {"dynamodb.us-west-2.amazonaws.com", "backup.us-west-2.amazonaws.com"}
    assert all("kms:*" not in st["Action"] for st in policy["Statement"])
    assert r.sources(VAULT, "data-dr-vault", "kmsKeyArn") == {"aws:kms/key:Key::data-dr-key"}
    for t in r.of_type(TABLE):
        (replica,) = t["inputs"]["replicas"]
        assert replica["regionName"] == "us-west-2"
        assert replica["pointInTimeRecovery"] is True and replica["propagateTags"] is True
        assert replica["deletionProtectionEnabled"] is True  # production, like its table
        assert replica["kmsKeyArn"] == dr_vault["inputs"]["kmsKeyArn"]
        assert replica["kmsKeyArn"] != KEY  # a key in the DR region, not the primary CMK
        # global tables replicate through a stream with both images, even on tables without one configured
        assert t["inputs"]["streamEnabled"] is True and t["inputs"]["streamViewType"] == "NEW_AND_OLD_IMAGES"
    (copy,) = r.inputs(PLAN)["rules"][0]["copyActions"]
    assert copy["destinationVaultArn"].startswith("arn:aws:backup:") and "data-dr-vault" in copy["destinationVaultArn"]
    assert copy["lifecycle"] == {"deleteAfter": 35}


def test_dr_region_with_an_incompatible_stream_is_a_config_error():
    tables = [{**CUSTOM_TABLES[0], "streamViewType": "KEYS_ONLY"}]
    with pytest.raises(ConfigError, match=r"budgetbuddy:tables=.*Budgets.streamViewType=KEYS_ONLY.*NEW_AND_OLD_IMAGES"):
        config_for("staging", drRegion="us-west-2", tables=json.dumps(tables))
    config_for("staging", tables=json.dumps(tables))  # fine without DR


def test_dr_region_equal_to_stack_region_is_rejected():
    with pytest.raises(ConfigError, match="drRegion='us-east-1'"):
        config_for("staging", drRegion="us-east-1")


# --- data safety -----------------------------------------------------------------------------
STATEFUL = (TABLE, VAULT, "aws:kms/key:Key")


@pytest.mark.parametrize(("stack", "protected"), [("production", True), ("staging", False)])
def test_stateful_resources_protected_and_retained_in_production_only(stack, protected):
    r, _ = _run(stack, drRegion="us-west-2")
    stateful = [res for res in r.resources if res["type"] in STATEFUL]
    assert len(stateful) == 2 + 2 + 1  # tables, vaults, DR key
    for res in stateful:
        assert res["protect"] is protected and res["retainOnDelete"] is protected, res["name"]
        # no delete-before-replace on a table: a replacement must fail, never drop the data first
        assert not res["deleteBeforeReplace"]
    for res in r.of_type(PLAN) + r.of_type(SELECTION) + r.of_type("aws:iam/role:Role"):
        assert res["protect"] is False


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_every_taggable_resource_has_the_standard_tags(stack):
    r, _ = _run(stack, drRegion="us-west-2")
    taggable = [res for res in r.resources if res["type"] in (*STATEFUL, PLAN, "aws:iam/role:Role")]
    assert len(taggable) == 7  # 2 tables, 2 vaults, DR key, plan, backup role
    for res in taggable:
        tags = res["inputs"]["tags"]
        assert tags["Environment"] == stack and tags["Service"] == "budgetbuddy" and tags["Team"] == "platform"


def test_children_are_parented_and_named_after_the_component():
    r, _ = _run(drRegion="us-west-2")
    comp = r.one("budgetbuddy:data:DataTables")
    for res in r.resources:
        if res is not comp:
            assert res["parent"] == comp["urn"] and res["name"].startswith("data-")


# --- config errors ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ([CUSTOM_TABLES[0], CUSTOM_TABLES[0]], r"budgetbuddy:tables=\['Budgets', 'Budgets'\]: .*distinct names"),
        ([], r"budgetbuddy:tables=\[\]: must be a non-empty list"),
        (
            [{**CUSTOM_TABLES[0], "attributes": [{"name": "userId"}]}],
            r"budgetbuddy:tables\[0\]=.*table Budgets: key attributes \['budgetId'\] are not in 'attributes'",
        ),
        (
            [{**CUSTOM_TABLES[0], "attributes": [{"name": "userId"}, {"name": "budgetId"}, {"name": "note"}]}],
            r"budgetbuddy:tables\[0\]=.*table Budgets: attributes \['note'\] are not used by a key or index",
        ),
        (
            [{**CUSTOM_TABLES[0], "globalSecondaryIndexes": [{"name": "ByMonth", "hashKey": "month"}]}],
            r"table Budgets: key attributes \['month'\] are not in 'attributes'",
        ),
        ([{**CUSTOM_TABLES[0], "billing": "PROVISIONED"}], r"budgetbuddy:tables\[0\]\[billing\]"),
    ],
)
def test_bad_tables_are_clear_config_errors_naming_the_key(tables, message):
    with pytest.raises(ConfigError, match=message):
        config_for("staging", tables=json.dumps(tables))


def test_data_settings_reject_impossible_values_naming_the_setting():
    with pytest.raises(ValueError, match=r"pitr_recovery_days\n  Input should be less than or equal to 35"):
        DataSettings(pitr_recovery_days=36)
    with pytest.raises(ValueError, match=r"backup_completion_window_minutes=90: .*\(120\)"):
        DataSettings(backup_completion_window_minutes=90)
    with pytest.raises(ValueError, match="backup_start_window_minutes"):
        DataSettings(backup_start_window_minutes=30, backup_completion_window_minutes=120)
    cfg = config_for("staging")
    bad = tuple(t.model_copy(update={"stream_view_type": "NEW_IMAGE"}) for t in cfg.tables)
    with pytest.raises(ValueError, match=r"budgetbuddy:tables='Transactions.streamViewType=NEW_IMAGE'"):
        DataSettings(tables=bad, dr_region="us-west-2")
    with pytest.raises(ValueError, match="distinct names"):
        DataSettings(tables=(cfg.tables[0], cfg.tables[0]))


# --- policy pack -----------------------------------------------------------------------------
@pytest.mark.parametrize(("stack", "dr"), [("production", None), ("production", "us-west-2"), ("staging", None)])
def test_policy_pack_finds_no_violation_on_the_data_layer(stack, dr):
    keys = {"drRegion": dr} if dr else {}
    r, _ = _run(stack, **keys)
    report = evaluate(r.resources, stack=stack)
    ours = {res["urn"] for res in r.resources}
    # stack-wide rules about other components (e.g. "no budget") have no URN of ours
    assert [(v.rule, v.resource_name, v.message) for v in report.violations if v.urn in ours] == []
    assert report.resource_count == len(r.resources)


def test_policy_pack_catches_a_table_left_out_of_the_selection():
    r, _ = _run("production")
    resources = [res for res in r.resources if res["type"] != SELECTION]
    report = evaluate(resources, stack="production")
    missing = {(v.rule, v.resource_name) for v in report.mandatory if v.urn}
    assert missing == {
        ("aws-dynamodb-table-require-backup-selection", "data-Users"),
        ("aws-dynamodb-table-require-backup-selection", "data-Transactions"),
    }
