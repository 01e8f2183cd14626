"""Stack files read as the Pulumi CLI reads them; every bad file is one StackFileError naming file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import preview.cli as cli
from components.config.load import parse_config
from components.config.problems import ConfigError
from components.config.schema import CONFIG_KEYS
from preview import pipeline
from preview.stackfiles import StackFileError, load_stack
from tests.harness import ROOT

PROJECT = "name: budgetbuddy\nruntime: python\n"
GOOD_STACK = (
    "config:\n  aws:region: us-east-1\n  budgetbuddy:domainName: api.budgetbuddy.com\n"
    "  budgetbuddy:hostedZoneId: Z0ABC\n"
)


def write(root: Path, stack: str | bytes, project: str | bytes = PROJECT, name: str = "dev") -> Path:
    for path, body in ((root / "Pulumi.yaml", project), (root / f"Pulumi.{name}.yaml", stack)):
        path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return root


def error(root: Path, stack: str = "dev", overrides: list[str] | None = None) -> str:
    with pytest.raises(StackFileError) as info:
        load_stack(root, stack, overrides)
    return str(info.value)


# ---- the shape of the files --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("config:\n  - minCapacity: 3\n", "Pulumi.dev.yaml, line 2: `config` must be a mapping (KEY: VALUE"),
        ("- config\n", "Pulumi.dev.yaml, line 1: the top level must be a mapping (config: KEY: VALUE), found a list"),
        ("just text\n", "the top level must be a mapping (config: KEY: VALUE), found the scalar 'just text'"),
        ("config: 3\n", "Pulumi.dev.yaml, line 1: `config` must be a mapping"),
        (
            "config:\n  minCapacity: 2\n  minCapacity: 3\n",
            "line 3: `config` sets `minCapacity` twice (first on line 2)",
        ),
        ("config:\n  a:b:c: 1\n", "config key 'a:b:c' must be KEY or NAMESPACE:KEY"),
        ("config: {minCapacity: [1, 2\n", "Pulumi.dev.yaml, line 2, column 1: not valid YAML"),
        ("config:\n  x: {secure: [1]}\n", "`secure` must be the ciphertext"),
        ("encryptedkey: [1]\n", "`encryptedkey` must be text, found a list"),
    ],
)
def test_a_malformed_stack_file_names_file_place_and_expectation(tmp_path, body, expected):
    assert expected in error(write(tmp_path, body))


def test_an_unknown_section_suggests_the_nearest(tmp_path):
    msg = error(write(tmp_path, "conifg:\n  minCapacity: 3\n"))
    assert msg.startswith("Pulumi.dev.yaml, line 1: unknown top-level section `conifg`; did you mean `config`?")
    assert "secretsprovider" in msg


def test_a_kms_secrets_provider_stack_file_is_accepted(tmp_path):
    body = (
        "secretsprovider: awskms://alias/budgetbuddy-pulumi?region=us-east-1\n"
        "encryptedkey: AQICAHh0ZXN0\n" + GOOD_STACK + "  budgetbuddy:alertEmail:\n    secure: v1:AAAA:BBBB\n"
    )
    s = load_stack(write(tmp_path, body), "dev")
    assert s.secret_keys == ["budgetbuddy:alertEmail"] and s.stand_ins == ["budgetbuddy:alertEmail"]


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        ("runtime: python\n", "Pulumi.yaml: no `name:`; expected the project name"),
        (
            "- name\n",
            "Pulumi.yaml, line 1: the top level must be a mapping (name:, runtime:, config:, ...), found a list",
        ),
        ("name: [a]\nruntime: python\n", "Pulumi.yaml, line 1: `name` must be the project name"),
        ("name: a b\nruntime: python\n", "`name` 'a b' may hold only letters"),
        ("name: x\n", "Pulumi.yaml: no `runtime:`"),
        ("name: x\nruntime: nodejs\n", "`runtime` is 'nodejs'; this preview runs python programs"),
        ("name: x\nruntim: python\n", "line 2: unknown top-level section `runtim`; did you mean `runtime`?"),
        ("name: x\nruntime: python\nconfig: [1]\n", "Pulumi.yaml, line 3: `config` must be a mapping"),
        ("name: x\nruntime: python\nconfig:\n  k: {defualt: 1}\n", "did you mean `default`?"),
        ("", "Pulumi.yaml: empty; expected a mapping with at least `name:` and `runtime:`"),
        ("name: 'x\n", "Pulumi.yaml, line 2, column 1: not valid YAML"),
    ],
)
def test_a_malformed_project_file_names_file_place_and_expectation(tmp_path, project, expected):
    assert expected in error(write(tmp_path, GOOD_STACK, project))


def test_binary_and_non_utf8_files_are_refused(tmp_path):
    assert "Pulumi.yaml: not UTF-8 text (byte 0)" in error(write(tmp_path, GOOD_STACK, b"\xff\xfe\x00binary"))
    assert "Pulumi.dev.yaml: not valid YAML" in error(write(tmp_path, b"config:\n  a: \x00\x01\n"))


def test_no_project_file_and_bad_stack_names(tmp_path):
    assert "no Pulumi.yaml in" in error(tmp_path)
    write(tmp_path, GOOD_STACK)
    assert "stack name '../dev': may hold only" in error(tmp_path, "../dev")


# ---- values as the CLI passes them --------------------------------------------------------------


def test_scalars_reach_the_program_as_their_literal_text(tmp_path):
    body = GOOD_STACK + "  enableGuardDuty: yes\n  canaryPercent: 10.0\n  githubBranch: 0x10\n  team: ~\n"
    s = load_stack(write(tmp_path, body), "dev")
    # PyYAML's YAML 1.1 would make these True, 10.0 -> "10.0" by luck, 16 and None.
    assert s.config["budgetbuddy:enableGuardDuty"] == "yes"
    assert s.config["budgetbuddy:githubBranch"] == "0x10" and s.config["budgetbuddy:team"] == ""
    with pytest.raises(ConfigError, match=r"budgetbuddy:enableGuardDuty='yes': must be true or false"):
        parse_config("dev", s.config, environ={})


def test_objects_and_lists_reach_the_program_as_json(tmp_path):
    body = GOOD_STACK + "  containerSecrets:\n    DB_PASSWORD: arn:aws:ssm:us-east-1:123456789012:parameter/db\n"
    s = load_stack(write(tmp_path, body), "dev")
    assert json.loads(s.config["budgetbuddy:containerSecrets"]) == {
        "DB_PASSWORD": "arn:aws:ssm:us-east-1:123456789012:parameter/db"
    }


def test_project_config_values_and_defaults_apply_under_the_stacks_own(tmp_path):
    project = (
        PROJECT
        + "config:\n  minCapacity: 3\n  maxCapacity:\n    type: integer\n    default: 9\n  aws:region: eu-west-1\n"
    )
    s = load_stack(write(tmp_path, GOOD_STACK.replace("us-east-1", "us-west-2"), project), "dev")
    assert s.config["budgetbuddy:minCapacity"] == "3" and s.config["budgetbuddy:maxCapacity"] == "9"
    assert s.config["aws:region"] == "us-west-2" and s.region == "us-west-2"


def test_stack_config_dir_and_main_are_honoured(tmp_path):
    (tmp_path / "stacks").mkdir()
    write(tmp_path, "", PROJECT + "stackConfigDir: stacks\nmain: app/\n")
    (tmp_path / "Pulumi.dev.yaml").unlink()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(GOOD_STACK)
    s = load_stack(tmp_path, "dev")
    assert s.config["budgetbuddy:hostedZoneId"] == "Z0ABC" and s.program == tmp_path / "app" / "__main__.py"
    assert "unknown stack 'qa': no stacks/Pulumi.qa.yaml (stacks: dev)" in error(tmp_path, "qa")


@pytest.mark.parametrize(
    ("key", "secure"),
    [
        ("alertEmail", "secure: v1:abc"),
        ("minCapacity", "secure: v1:abc"),
        ("containerSecrets", "secure: v1:abc"),
        ("tables", "secure: v1:abc"),
        ("enableGuardDuty", "secure: v1:abc"),
        ("hostedZoneId", "secure: v1:abc"),
        ("containerSecrets", "DB: {secure: v1:abc}"),
    ],
)
def test_any_key_may_be_secret_and_its_stand_in_is_valid(tmp_path, key, secure):
    body = GOOD_STACK.replace("  budgetbuddy:hostedZoneId: Z0ABC\n", "") + f"  budgetbuddy:{key}:\n    {secure}\n"
    if key != "hostedZoneId":
        body += "  budgetbuddy:hostedZoneId: Z0ABC\n"
    s = load_stack(write(tmp_path, body), "dev")
    assert s.secret_keys == [f"budgetbuddy:{key}"] and s.stand_ins == [f"budgetbuddy:{key}"]
    cfg = parse_config("dev", s.config, s.secret_keys, environ={})  # no error blaming the user
    assert cfg.stack == "dev"


def test_a_secret_in_project_config_is_refused(tmp_path):
    project = PROJECT + "config:\n  alertEmail:\n    value: {secure: v1:abc}\n"
    assert "a `secure:` value belongs in a stack file" in error(write(tmp_path, GOOD_STACK, project))


def test_overrides_need_a_valid_key(tmp_path):
    write(tmp_path, GOOD_STACK)
    assert "--config: 'a b=1': config key 'a b' must be KEY or NAMESPACE:KEY" in error(tmp_path, "dev", ["a b=1"])
    s = load_stack(tmp_path, "dev", ["aws:region=eu-west-1"])
    assert s.region == "eu-west-1"


def test_the_real_stack_files_load_and_validate():
    for stack in ("staging", "production"):
        s = load_stack(ROOT, stack)
        assert parse_config(stack, s.config, s.secret_keys, environ={}).region == "us-east-1"


# ---- property tests: any bytes, any YAML -> a settings object or a StackFileError ------------------

yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
config_keys = st.sampled_from([*CONFIG_KEYS, "aws:region", "budgetbuddy:region"]) | st.text(max_size=10)
stack_docs = st.one_of(
    yaml_values,
    st.dictionaries(st.sampled_from(["config", "conifg", "secretsprovider", "encryptedkey"]), yaml_values, max_size=3),
    st.fixed_dictionaries({"config": st.dictionaries(config_keys, yaml_values, max_size=4)}),
)


def _load_and_validate(root: Path) -> None:
    try:
        s = load_stack(root, "dev")
    except StackFileError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in s.config.items())
    try:
        parse_config("dev", s.config, s.secret_keys, environ={})
    except ConfigError as exc:
        assert exc.problems


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200), which=st.sampled_from(["stack", "project"]))
def test_any_bytes_give_settings_or_a_stack_file_error(tmp_path, data, which):
    write(tmp_path, data, PROJECT) if which == "stack" else write(tmp_path, GOOD_STACK, data)
    _load_and_validate(tmp_path)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(doc=stack_docs)
def test_any_yaml_document_gives_settings_or_a_stack_file_error(tmp_path, doc):
    write(tmp_path, yaml.safe_dump(doc))
    _load_and_validate(tmp_path)


# ---- end to end: python -m preview in-process with a temporary project root ---------------------


@pytest.fixture
def project_root(tmp_path, monkeypatch) -> Path:
    shutil.copy(ROOT / "__main__.py", tmp_path / "__main__.py")
    write(tmp_path, GOOD_STACK)
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    monkeypatch.setattr(pipeline, "ROOT", tmp_path)
    return tmp_path


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_budgetbuddy_region_exits_2_naming_aws_region(project_root, capsys):
    code, text = _run(capsys, "dev", "--no-policy", "--config", "region=eu-west-1")
    assert code == 2 and "budgetbuddy:region='eu-west-1': not a budgetbuddy key" in text and "Traceback" not in text


def test_a_secret_alert_email_previews_with_a_note(project_root, capsys):
    (project_root / "Pulumi.dev.yaml").write_text(GOOD_STACK + "  budgetbuddy:alertEmail:\n    secure: v1:abc\n")
    code, text = _run(capsys, "dev", "--no-policy", "--no-tree")
    assert code == 0, text[-2000:]
    assert "budgetbuddy:alertEmail is a secure value; offline it is a stand-in" in " ".join(text.split())


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=120) | stack_docs.map(lambda d: yaml.safe_dump(d).encode()))
def test_any_stack_file_exits_0_1_or_2_without_traceback(project_root, capsys, data):
    (project_root / "Pulumi.dev.yaml").write_bytes(data)
    code, text = _run(capsys, "dev", "--no-policy", "--no-tree")
    assert code in (0, 1, 2) and "Traceback" not in text, text[-2000:]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    items=st.lists(
        st.tuples(config_keys, st.text(max_size=15)).map(lambda kv: f"{kv[0]}={kv[1]}") | st.text(max_size=20),
        min_size=1,
        max_size=3,
    )
)
def test_any_config_override_exits_0_1_or_2_without_traceback(project_root, capsys, items):
    argv = ["dev", "--no-policy", "--no-tree"]
    for item in items:
        argv += ["--config", item]
    try:
        code, text = _run(capsys, *argv)
    except SystemExit as exc:  # argparse refuses an item that looks like an option: exit 2 as well
        code, text = int(exc.code or 0), capsys.readouterr().err
    assert code in (0, 1, 2) and "Traceback" not in text, text[-2000:]


def test_the_whole_stack_follows_aws_region():
    from tests.harness import run_stack

    r = run_stack("staging", "aws:region=eu-west-1")
    naming_us_east_1 = [x["name"] for x in r.resources if "us-east-1" in json.dumps(x["inputs"])]
    # Billing metrics exist only in us-east-1 (CloudWatch billing), so the cost dashboard alone names it.
    assert naming_us_east_1 == ["observability-dashboard-cost"], naming_us_east_1
    assert r.outputs["region"] == "eu-west-1"


def test_a_file_changed_on_disk_is_read_again(tmp_path):
    """Files are parsed once per content, not once per path: an edit between two loads is seen."""
    write(tmp_path, "config:\n  aws:region: us-east-1\n  budgetbuddy:minCapacity: '2'\n")
    assert load_stack(tmp_path, "dev").config["budgetbuddy:minCapacity"] == "2"
    write(tmp_path, "config:\n  aws:region: us-east-1\n  budgetbuddy:minCapacity: '3'\n", PROJECT + "main: app/\n")
    again = load_stack(tmp_path, "dev")
    assert again.config["budgetbuddy:minCapacity"] == "3"
    assert again.program == tmp_path / "app" / "__main__.py"
