"""The pack's version follows its rules (docs/policies.md, "Versions"): policies/versions.json records each
version's rule set, and a rule change without the right semantic-version bump fails here."""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tools import pack_version as pv

ROOT = Path(__file__).resolve().parents[2]
PATHS = pv.Paths(ROOT)


@pytest.fixture(scope="module")
def fingerprint() -> dict[str, Any]:
    return pv.current(PATHS)


def test_the_recorded_version_matches_the_rules(fingerprint: dict[str, Any]) -> None:
    assert pv.problems(PATHS, fingerprint) == []


def test_every_rule_is_fingerprinted(fingerprint: dict[str, Any]) -> None:
    from budgetbuddy_policies import REGISTRY

    assert sorted(fingerprint["rules"]) == REGISTRY.names()
    assert {r["level"] for r in fingerprint["rules"].values()} <= {"mandatory", "advisory", "disabled"}


def _rule(level: str = "mandatory", **parts: str) -> dict[str, str]:
    return {"level": level, "scope": "s", "config": "c", "text": "t", **parts}


BASE = {"code": "x", "rules": {"aws-a": _rule(), "aws-b": _rule("advisory")}}


def _changed(edit: Any) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    edit(new)
    return new


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        (lambda f: f["rules"].update({"aws-c": _rule()}), "major"),  # a new mandatory rule
        (lambda f: f["rules"].update({"aws-c": _rule("advisory")}), "minor"),  # a new advisory rule
        (lambda f: f["rules"]["aws-b"].update(level="mandatory"), "major"),  # raised to mandatory
        (lambda f: f["rules"]["aws-a"].update(level="advisory"), "minor"),  # lowered
        (lambda f: f["rules"]["aws-a"].update(config="c2"), "major"),  # a mandatory rule's schema or default
        (lambda f: f["rules"]["aws-a"].update(scope="s2"), "major"),  # a mandatory rule judges other types
        (lambda f: f["rules"]["aws-b"].update(config="c2"), "minor"),  # an advisory rule's schema
        (lambda f: f["rules"].pop("aws-b"), "major"),  # a removed rule breaks policy configs that name it
        (lambda f: f["rules"]["aws-a"].update(text="t2"), "patch"),
        (lambda f: f.update(code="y"), "patch"),  # a fix
        (lambda f: None, None),
    ],
)
def test_the_bump_each_change_needs(edit: Any, kind: str | None) -> None:
    assert pv.required(pv.changes(BASE, _changed(edit))) == kind


def test_version_steps() -> None:
    assert [pv.bumped("2.3.4", k) for k in pv.KINDS] == ["2.3.5", "2.4.0", "3.0.0"]
    assert pv.step_kind("2.3.4", "3.0.0") == "major"
    assert pv.step_kind("2.3.4", "2.3.4") is None and pv.step_kind("2.3.4", "4.0.0") is None


@pytest.fixture
def repo_copy(tmp_path: Path) -> pv.Paths:
    """The pack and its version records in a throwaway repository."""
    shutil.copytree(ROOT / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("venv", "*.egg-info"))
    return pv.Paths(tmp_path)


def _raise_to_mandatory(paths: pv.Paths, fingerprint: dict[str, Any]) -> str:
    """Edit a copy's advisory rule to mandatory, in its source; the rule's name."""
    name = next(n for n, r in fingerprint["rules"].items() if r["level"] == "advisory")
    for path in (paths.pack / "budgetbuddy_policies" / "rules").glob("*.py"):
        text = path.read_text()
        if f'"{name}"' in text:
            start = text.index(f'"{name}"')
            end = text.index("EnforcementLevel.ADVISORY", start)
            path.write_text(text[:end] + "EnforcementLevel.MANDATORY" + text[end + len("EnforcementLevel.ADVISORY") :])
            return name
    raise AssertionError(name)


def test_an_unbumped_rule_change_fails_the_check_and_bump_records_a_major(
    repo_copy: pv.Paths, fingerprint: dict[str, Any]
) -> None:
    name = _raise_to_mandatory(repo_copy, fingerprint)
    now = pv.manifest_version(repo_copy)
    major = pv.bumped(now, "major")
    tool = [sys.executable, str(ROOT / "tools" / "pack_version.py")]
    check = subprocess.run([*tool, "check", "--root", str(repo_copy.root)], capture_output=True, text=True)
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"need a major bump (to {major})" in check.stderr
    assert f"major: `{name}`: advisory -> mandatory" in check.stderr
    done = subprocess.run([*tool, "bump", "--root", str(repo_copy.root)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert pv.manifest_version(repo_copy) == pv.pyproject_version(repo_copy) == major
    assert f"## {major} (major)" in repo_copy.changelog.read_text()
    assert [e["version"] for e in pv.load_versions(repo_copy)][-2:] == [now, major]
    again = subprocess.run([*tool, "check", "--root", str(repo_copy.root)], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr


def test_a_bump_of_the_wrong_kind_in_the_history_fails(repo_copy: pv.Paths, fingerprint: dict[str, Any]) -> None:
    entries = pv.load_versions(repo_copy)
    now = entries[-1]["version"]
    minor = pv.bumped(now, "minor")
    stricter = copy.deepcopy(fingerprint)
    name = next(n for n, r in stricter["rules"].items() if r["level"] == "advisory")
    stricter["rules"][name]["level"] = "mandatory"
    repo_copy.versions.write_text(pv.render_versions([*entries, {"version": minor, **stricter}]))
    found = pv.problems(repo_copy, stricter)
    assert any(f"{now} -> {minor} is a minor step; its changes need a major bump" in p for p in found)


def test_a_malformed_versions_file_exits_2(repo_copy: pv.Paths) -> None:
    repo_copy.versions.write_text('{"versions": [{"version": "2"}]}')
    with pytest.raises(pv.VersionError, match=r"versions\[0\]: expected the keys version, code and rules"):
        pv.load_versions(repo_copy)
    assert pv.main(["check", "--root", str(repo_copy.root)]) == 2
