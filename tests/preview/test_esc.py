"""Stack files that import Pulumi ESC environments, previewed offline (docs/preview.md, "ESC environments"):
from a local definition in esc/, or with the secret keys' stand-ins when the repository holds none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from preview import pipeline
from preview.stackfiles import StackFileError, load_stack
from preview.stand_ins import secret_stand_in
from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY
from tests.harness import ROOT

PAGER = "budgetbuddy:pagerDutyEndpoint"
PRODUCTION = (ROOT / "Pulumi.production.yaml").read_text()


def project(tmp_path: Path, stack_head: str, envs: dict[str, str] | None = None, *, copy_esc: bool = False) -> Path:
    """A project dir: the real Pulumi.yaml (running the real program), stack `prod` = production plus a head."""
    text = (ROOT / "Pulumi.yaml").read_text().replace("runtime:", f"main: {ROOT / '__main__.py'}\nruntime:", 1)
    (tmp_path / "Pulumi.yaml").write_text(text)
    (tmp_path / "Pulumi.prod.yaml").write_text(stack_head + PRODUCTION)
    if copy_esc:
        shutil.copytree(ROOT / "esc", tmp_path / "esc")
    for name, body in (envs or {}).items():
        path = tmp_path / "esc" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return tmp_path


IMPORTS_PRODUCTION = "environment:\n  - budgetbuddy/production\n"


def test_the_repositorys_definition_gives_plain_values_and_secret_stand_ins(tmp_path: Path) -> None:
    s = load_stack(project(tmp_path, IMPORTS_PRODUCTION, copy_esc=True), "prod")
    assert s.config["budgetbuddy:alertEmail"] == "ops@budgetbuddy.com"
    assert s.config[PAGER] == secret_stand_in(PAGER, "prod")
    assert s.secret_keys == [PAGER] and s.stand_ins == [PAGER] and s.notes == []
    assert s.config["budgetbuddy:minCapacity"] == "2"  # the stack file's own config is all there


def test_a_previewed_stack_importing_an_environment_builds_with_its_values(tmp_path: Path) -> None:
    root = project(tmp_path, IMPORTS_PRODUCTION, copy_esc=True)
    doc, stand_ins, notes = pipeline.record("prod", [], root=root)
    endpoints = {r["inputs"]["protocol"]: r["inputs"]["endpoint"] for r in doc["resources"]
                 if r["type"] == "aws:sns/topicSubscription:TopicSubscription"}  # fmt: skip
    assert endpoints["email"] == "ops@budgetbuddy.com"
    assert endpoints["https"] == {SPECIAL_SIG_KEY: SECRET_SIG, "value": secret_stand_in(PAGER, "prod")}
    assert stand_ins == [PAGER] and notes == []


def test_imports_order_stack_file_and_overrides(tmp_path: Path) -> None:
    envs = {
        "budgetbuddy/base": "values:\n  pulumiConfig:\n    alertEmail: base@example.com\n    logRetentionDays: 30\n",
        "budgetbuddy/production": (
            "imports:\n  - budgetbuddy/base\nvalues:\n  pulumiConfig:\n    budgetbuddy:alertEmail: prod@example.com\n"
            "    budgetbuddy:domainName: ${app.domain}\n"
            "    budgetbuddy:containerSecrets:\n      fn::secret: {TOKEN: arn}\n"
        ),
    }
    root = project(tmp_path, IMPORTS_PRODUCTION, envs)
    s = load_stack(root, "prod")
    assert s.config["budgetbuddy:alertEmail"] == "prod@example.com"  # the importing environment wins
    assert s.config["budgetbuddy:logRetentionDays"] == "90"  # the stack file wins over both
    assert s.config["budgetbuddy:domainName"] == "api.budgetbuddy.com"  # the stack file sets it: no stand-in note
    assert s.secret_keys == ["budgetbuddy:containerSecrets"]
    (root / "Pulumi.prod.yaml").write_text(IMPORTS_PRODUCTION + "config:\n  aws:region: us-east-1\n")
    s = load_stack(root, "prod", ["containerSecrets={}"])
    assert s.notes == ["budgetbuddy:domainName is computed by ESC environment budgetbuddy/production; offline it is "
                       "a stand-in"]  # fmt: skip
    assert s.secret_keys == [] and s.config["budgetbuddy:containerSecrets"] == "{}"  # --config wins, plain text


def test_an_inline_environment_definition(tmp_path: Path) -> None:
    head = "environment:\n  values:\n    pulumiConfig:\n      alertEmail: inline@example.com\n"
    s = load_stack(project(tmp_path, head), "prod")
    assert s.config["budgetbuddy:alertEmail"] == "inline@example.com"


def test_without_a_definition_the_secret_keys_get_stand_ins_each_named(tmp_path: Path) -> None:
    s = load_stack(project(tmp_path, IMPORTS_PRODUCTION), "prod")
    assert s.config[PAGER] == secret_stand_in(PAGER, "prod") and s.secret_keys == [PAGER]
    assert s.notes == [
        f"{PAGER} is taken from ESC environment budgetbuddy/production, which esc/ does not define; offline it is "
        "a stand-in"
    ]


@pytest.mark.parametrize(
    ("head", "envs", "message"),
    [
        (
            "environment:\n  - budgetbuddy/prod\n",
            {"budgetbuddy/production": "values: {}\n"},
            "environment budgetbuddy/prod: no esc/budgetbuddy/prod.yaml (environments here: budgetbuddy/production)",
        ),
        (
            IMPORTS_PRODUCTION,
            {"budgetbuddy/production": "values: [\n"},
            "esc/budgetbuddy/production.yaml: not valid YAML",
        ),
        (
            IMPORTS_PRODUCTION,
            {"budgetbuddy/production": "values:\n  pulumiConfig: [a]\n"},
            "`values.pulumiConfig` must be a mapping of config keys to values",
        ),
        (
            IMPORTS_PRODUCTION,
            {"budgetbuddy/production": "values:\n  pulumiConfig:\n    x:\n      fn::secret: a\n      other: b\n"},
            "`fn::secret` must be the only key of its mapping",
        ),
        (
            IMPORTS_PRODUCTION,
            {"budgetbuddy/production": "imports: [budgetbuddy/production]\n"},
            "imports itself (budgetbuddy/production -> budgetbuddy/production)",
        ),
        (IMPORTS_PRODUCTION, {"budgetbuddy/production": "secrets: {}\n"}, "a mapping of imports: and values:"),
        ("environment: []\n", {}, "`environment` lists no environments"),
        ("environment: budgetbuddy/production\n", {}, "`environment` must be a list of ESC environments"),
        ("environment:\n  - ../../etc/passwd\n", {}, "must be PROJECT/ENVIRONMENT"),
    ],
)
def test_a_missing_or_malformed_environment_is_refused(
    tmp_path: Path, head: str, envs: dict[str, str], message: str
) -> None:
    with pytest.raises(StackFileError) as info:
        load_stack(project(tmp_path, head, envs), "prod")
    assert message in str(info.value)


def test_a_malformed_environment_is_bad_input_for_the_preview(tmp_path: Path) -> None:
    """The CLI exits 2 on PreviewError(bad_input=True) with its one-line message (tests/preview/test_cli.py)."""
    root = project(tmp_path, IMPORTS_PRODUCTION, {"budgetbuddy/production": "values: [\n"})
    with pytest.raises(pipeline.PreviewError) as info:
        pipeline.record("prod", [], root=root)
    assert info.value.bad_input and "esc/budgetbuddy/production.yaml: not valid YAML" in str(info.value)
