"""The Makefile, .ci/run and the pre-commit hooks run the README's commands, not copies that drift."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests import readme

ROOT = Path(__file__).resolve().parent.parent


def _recipes() -> dict[str, str]:
    out: dict[str, str] = {}
    for m in re.finditer(r"^([a-z-]+):[^\n]*\n((?:\t[^\n]*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE):
        out[m[1]] = "".join(line.strip() for line in m[2].splitlines())
    return out


def test_make_preview_and_make_test_are_the_quick_start_commands() -> None:
    main_job, suite = readme.quick_start()
    recipes = _recipes()
    assert recipes["preview"].replace("$(STACK)", "production") == main_job
    assert recipes["test"] == suite


def test_ci_runs_the_quick_start_test_command_and_the_type_checker() -> None:
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert readme.quick_start()[1] in lines
    assert _recipes()["typecheck"] in lines


def test_every_generator_is_run_and_checked() -> None:
    recipes = _recipes()
    for tool in sorted((ROOT / "tools").glob("gen_*.py")):
        assert f"tools/{tool.name}" in recipes["generate"], tool.name
        assert f"tools/{tool.name} --check" in recipes["check-generated"], tool.name


def test_pre_commit_hooks_run_the_repositorys_own_tools() -> None:
    hooks = {
        h["id"]: h
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"]
        for h in repo["hooks"]
    }
    assert {"ruff", "ruff-format", "mypy", "generated-files"} <= set(hooks)
    assert hooks["mypy"]["entry"] == f"venv/bin/{_recipes()['typecheck'].removeprefix('venv/bin/')}"
    assert hooks["generated-files"]["entry"] == "make check-generated"
    for hook in hooks.values():
        assert hook["language"] == "system", f"{hook['id']} would download its own tool version"
