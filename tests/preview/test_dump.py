"""The --json dump (docs/preview.md, "The --json dump"): validation of what --resources reads, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from preview import dump
from preview.cli import main
from tests.preview_runs import dump_of, write_json


def _bad(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "dump.json"
    path.write_bytes(content)
    with pytest.raises(dump.DumpError) as info:
        dump.load(path)
    message = str(info.value)
    assert str(path) in message, message  # every message names the file
    return message


MINIMAL = {"formatVersion": 1, "stack": "staging", "resources": []}


@pytest.mark.parametrize(
    ("content", "place"),
    [
        (b"", "empty file"),
        (b"  \n", "empty file"),
        (b"\xff\xfe\x00binary", "byte 0 is not UTF-8"),
        (b'{"stack": "staging",\n "resources": [}', "line 2 column 16: not valid JSON"),
        (b'{"stack": "staging", "resources": [], "x": NaN}', "NaN is not valid JSON"),
        (b"[1, 2]", "top level is a JSON array"),
        (b'"text"', "top level is a JSON string"),
        (b'{"resources": []}', "stack: field required"),
        (b'{"stack": "staging"}', "resources: field required"),
        (b'{"stack": "staging", "resources": {}}', "resources: input should be a valid list"),
        (b'{"stack": "staging", "resources": [3]}', "resources[0]: input should be a valid dictionary"),
        (b'{"stack": "staging", "resources": [{"type": "t", "name": "n"}]}', "resources[0].urn: field required"),
        (b'{"stack": "staging", "resources": [{"urn": 1, "type": "t", "name": "n"}]}', "resources[0].urn: input should be a valid string"),
        (b'{"stack": "staging", "resources": [{"urn": "u", "type": "t", "name": "n", "inputs": []}]}', "resources[0].inputs"),
        (b'{"stack": "staging", "resources": [{"urn": "u", "type": "t", "name": "n", "inputs": {"a": [1e999]}}]}', "resources[0].inputs.a[0]: number out of range"),
        (b'{"stack": "staging", "resources": [{"urn": "u", "type": "t", "name": "n", "inputs": {"a": [1' + b"0" * 400 + b"]}}]}", "resources[0].inputs.a[0]: number out of range"),
        (b'{"stack": "staging", "resources": [{"urn": "u", "type": "t", "name": "n"}, {"urn": "u", "type": "t", "name": "m"}]}', "resources[1].urn: 'u' appears twice"),
        (b'{"formatVersion": 2, "stack": "staging", "resources": []}', "formatVersion 2 is not supported"),
        (b'{"formatVersion": "1", "stack": "staging", "resources": []}', 'formatVersion "1" is not supported'),
        (b'{"formatVersion": true, "stack": "staging", "resources": []}', "formatVersion true is not supported"),
        (b'{"formatVersion": 1, "stack": "staging", "resources": [], "cost": {"total": 1}}', "cost.totalAtMaxCapacity: field required"),
        (b'{"formatVersion": 1, "stack": "staging", "resources": [], "policy": {"violations": 3}}', "policy.pack: field required"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"stack": "s", "resources": [], "outputs": {"o": ' + b"[" * 200 + b"]" * 200 + b"}}", "outputs.o[0][0]"),
        (b'{"stack": "s", "resources": [{"urn": "u", "type": "t", "name": "n", "inputs": {"a": ' + b"[" * 900
         + b"]" * 900 + b"}}]}", "nested deeper than 100 levels"),
    ],
)  # fmt: skip
def test_a_bad_dump_is_named_with_the_place_and_what_is_expected(tmp_path: Path, content: bytes, place: str):
    message = _bad(tmp_path, content)
    assert place in message, message
    assert "Traceback" not in message


def test_a_dump_without_format_version_is_read_as_version_0(tmp_path: Path):
    doc = dump.load(write_json(tmp_path / "old.json", {"project": "budgetbuddy", "stack": "staging", "resources": []}))
    assert doc["formatVersion"] == 0 and doc["outputs"] == {} and doc["project"] == "budgetbuddy"


def test_a_failed_preview_record_is_recognised(tmp_path: Path):
    doc = dump.load(write_json(tmp_path / "f.json", {"formatVersion": 1, "stack": "staging", "error": "exit 3"}))
    assert dump.failure(doc) == "exit 3"
    assert dump.failure(dump.load(write_json(tmp_path / "ok.json", MINIMAL))) is None


def test_an_unreadable_path_is_named(tmp_path: Path):
    with pytest.raises(dump.DumpError, match=r"cannot read --resources .*missing\.json: No such file"):
        dump.load(tmp_path / "missing.json")
    with pytest.raises(dump.DumpError, match="Is a directory"):
        dump.load(tmp_path)


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "out" / "d.json"
    dump.write(target, MINIMAL)
    assert json.loads(target.read_text()) == MINIMAL and os.listdir(target.parent) == ["d.json"]

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dump.os, "replace", broken_replace)
    with pytest.raises(dump.DumpError, match="No space left on device"):
        dump.write(target, {**MINIMAL, "stack": "production"})
    assert json.loads(target.read_text()) == MINIMAL  # the old dump is intact, not half-written
    assert os.listdir(target.parent) == ["d.json"]


def test_check_writable_refuses_directories_files_as_parents_and_unwritable_places(tmp_path: Path):
    with pytest.raises(dump.DumpError, match="is a directory"):
        dump.check_writable(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(dump.DumpError, match="is a file, not a directory"):
        dump.check_writable(tmp_path / "file" / "d.json")
    with pytest.raises(dump.DumpError, match=r"cannot write to /proc/no-such-dir"):
        dump.check_writable(Path("/proc/no-such-dir/d.json"))  # /proc refuses new entries, even to root
    dump.check_writable(tmp_path / "new" / "d.json")
    assert os.listdir(tmp_path / "new") == []  # the probe is gone


def test_normalize_sorts_resources_and_dependency_lists():
    doc = {
        "stack": "s",
        "resources": [
            {"urn": "b", "dependencies": ["z", "a"], "propertyDependencies": {"y": ["2", "1"], "x": []}},
            {"urn": "a"},
        ],
    }
    out = dump.normalize(doc)
    assert [r["urn"] for r in out["resources"]] == ["a", "b"]
    assert out["resources"][1]["dependencies"] == ["a", "z"]
    assert out["resources"][1]["propertyDependencies"] == {"x": [], "y": ["1", "2"]}


def test_the_dump_of_a_real_run_has_the_documented_shape():
    doc = dump_of("staging")
    assert doc["formatVersion"] == dump.FORMAT_VERSION and doc["project"] == "budgetbuddy" and doc["stack"] == "staging"
    urns = [r["urn"] for r in doc["resources"]]
    assert urns == sorted(urns) and len(set(urns)) == len(urns)
    for res in doc["resources"]:
        assert res["dependencies"] == sorted(res["dependencies"])
        assert all(v == sorted(v) for v in res["propertyDependencies"].values())
    assert doc["cost"]["stack"] == "staging" and doc["cost"]["total"] > 0 and doc["cost"]["items"]
    assert doc["policy"]["stack"] == "staging" and doc["policy"]["rulesEvaluated"] > 0
    assert doc["policy"]["mandatoryViolations"] == 0
    dump.validate(doc, "staging dump")  # a dump the tool writes is one it reads


# Property tests: whatever --resources is given, the exit code is 0, 1 or 2 and no traceback is printed.

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
_types = st.sampled_from(
    ["aws:s3/bucket:Bucket", "aws:dynamodb/table:Table", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup",
     "aws:lb/loadBalancer:LoadBalancer", "aws:ecs/service:Service", "budgetbuddy:data:DataTables", "x"]
)  # fmt: skip
_resource = st.fixed_dictionaries(
    {},
    optional={
        "urn": st.text(max_size=12) | st.integers(),
        "type": _types | st.integers(),
        "name": st.text(max_size=8),
        "parent": st.text(max_size=4),
        "protect": st.booleans() | st.text(max_size=2),
        "inputs": st.dictionaries(
            st.sampled_from(["tags", "name", "bucket", "kmsKeyId", "policy", "x"]), _json, max_size=3
        )
        | _json,
        "dependencies": st.lists(st.text(max_size=3), max_size=2) | _json,
    },
)
_dump = st.fixed_dictionaries(
    {"resources": st.lists(_resource, max_size=4) | _json},
    optional={
        "formatVersion": st.sampled_from([0, 1, 2, "1", None, True]),
        "stack": st.sampled_from(["staging", "production", "qa", ""]) | st.integers(),
        "project": st.text(max_size=4),
        "cost": st.none() | _json,
        "policy": st.none() | _json,
    },
)

# Mostly valid dumps with arbitrary inputs, so the cost model and the policy pack see odd values too.
_inputs = st.dictionaries(
    st.sampled_from(["tags", "name", "bucket", "kmsKeyId", "kmsKeyArn", "serverSideEncryption", "policy",
                     "retentionInDays", "hashKey", "billingMode", "internal", "x"]),
    _json,
    max_size=4,
)  # fmt: skip
_plausible = st.fixed_dictionaries(
    {
        "stack": st.sampled_from(["staging", "production"]),
        "resources": st.lists(
            st.fixed_dictionaries(
                {"urn": st.text(min_size=1, max_size=12), "type": _types, "name": st.text(max_size=8)},
                optional={"inputs": _inputs, "protect": st.booleans(), "parent": st.text(max_size=3)},
            ),
            max_size=5,
            unique_by=lambda r: r["urn"],
        ),
    },
    optional={"formatVersion": st.sampled_from([0, 1]), "outputs": _json, "cost": st.none(), "policy": st.none()},
)


def _judge(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, *extra: str) -> int:
    capsys.readouterr()
    path = tmp_path / "input.json"
    path.write_bytes(content)
    code = main(["--resources", str(path), *extra])
    out = capsys.readouterr()
    assert code in (0, 1, 2), out.out + out.err
    assert "Traceback" not in out.out + out.err
    if code == 2:
        assert out.err.startswith("error:") and "input.json" in out.err, out.err
    event(f"exit {code}")
    return code


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(content=st.binary(max_size=64))
def test_arbitrary_bytes_never_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes):
    _judge(tmp_path, capsys, content)


@_SETTINGS
@given(value=_json)
def test_arbitrary_json_never_crashes(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: object):
    _judge(tmp_path, capsys, json.dumps(value).encode())


@_SETTINGS
@given(doc=_dump | _plausible, no_policy=st.booleans())
def test_arbitrary_dump_shapes_never_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: dict, no_policy: bool
):
    _judge(tmp_path, capsys, json.dumps(doc).encode(), *(["--no-policy"] if no_policy else []))
