"""Every script in scripts/ and tools/ behaves like a tool (README "Deployments"): -h/--help prints its usage,
exit codes and environment variables and exits 0, before it checks anything else or does any work.
scripts/lib/ holds a sourced library and a helper read from stdin, not commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.cli_help import handle

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(p for p in (ROOT / "scripts").glob("*.sh"))
# cli_help.py and generated.py are modules the tools share, not commands.
TOOLS = sorted(p for p in (ROOT / "tools").glob("*.py") if p.name not in {"cli_help.py", "generated.py"})


def _help_text_is_complete(out: str) -> None:
    lowered = out.lower()
    assert "usage" in lowered or "python tools/" in lowered, out
    assert "exit codes" in lowered, out
    assert "environment" in lowered, out


def test_the_lists_are_not_empty() -> None:
    assert len(SCRIPTS) >= 5 and len(TOOLS) >= 7


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_answers_help_and_exits_0(script: Path, flag: str, tmp_path: Path) -> None:
    # An empty environment and an unrelated working directory: help must not need credentials, venvs or a stack.
    proc = subprocess.run(
        [str(script), flag], cwd=tmp_path, env={"PATH": os.environ["PATH"]}, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: scripts/{script.name}")
    _help_text_is_complete(proc.stdout)


@pytest.mark.parametrize("tool", TOOLS, ids=lambda p: p.name)
def test_every_tool_answers_help_and_exits_0(tool: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-X", "importtime", str(tool), "--help"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    _help_text_is_complete(proc.stdout)
    if "answer_early(__doc__)" in tool.read_text():  # answered before the slow imports (tools/cli_help.py)
        imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()}
        assert not imported & {"pulumi", "pulumi_aws", "components.stack"}, sorted(imported)[:20]


def test_the_shared_answer_takes_h_too_and_refuses_unknown_options(capsys: pytest.CaptureFixture[str]) -> None:
    doc = "What it does.\n\nExit codes: 0 fine. Environment: none."
    assert handle(doc, ["-h"]) == 0 and capsys.readouterr().out.strip() == doc
    assert handle(doc, ["--chek"]) == 2 and "unknown option '--chek'" in capsys.readouterr().err
    assert handle(doc, ["--check", "file.json"]) is None


def test_preview_help_lists_the_exit_codes_and_points_to_its_doc() -> None:
    proc = subprocess.run([sys.executable, "-m", "preview", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0
    for code in ("0  the run reached its verdict", "1  a mandatory policy violation", "2  bad input", "3  the program"):
        assert code in proc.stdout
    assert "docs/preview.md" in proc.stdout
