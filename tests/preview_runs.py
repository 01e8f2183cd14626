"""One real offline preview per stack and test session, shared by the preview, dump and compare tests.

Each stack is previewed once through ``python -m preview STACK --json FILE`` in-process (as CI runs it,
stdout not a terminal, COLUMNS=80); tests get copies, so none can change what another sees.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from preview.cli import main
from tests.harness import clone

RUNS_DIR = Path(tempfile.mkdtemp(prefix="preview-runs-"))


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str
    dump_path: Path

    @property
    def dump_bytes(self) -> bytes:
        return self.dump_path.read_bytes()

    def doc(self) -> dict[str, Any]:
        return json.loads(self.dump_bytes)


def run_cli(*args: str, columns: int = 80) -> tuple[int, str, str]:
    """``main(args)`` with stdout/stderr captured (not a terminal) and COLUMNS set, as in a CI log."""
    out, err = io.StringIO(), io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse refuses bad arguments this way
                code = int(exc.code or 0)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return code, out.getvalue(), err.getvalue()


def preview_once(stack: str, tag: str = "") -> CliRun:
    """A fresh run of ``python -m preview STACK --json FILE`` (not cached)."""
    path = RUNS_DIR / f"{stack}{tag}.json"
    code, out, err = run_cli(stack, "--json", str(path))
    return CliRun(code, out, err, path)


@functools.cache
def cached_run(stack: str) -> CliRun:
    run = preview_once(stack)
    # Never cache a failed run (e.g. one made while a test had broken the tool): every later test would fail.
    assert run.code in (0, 1) and run.dump_path.is_file(), f"preview {stack} failed ({run.code}): {run.stderr}"
    return run


def dump_of(stack: str) -> dict[str, Any]:
    """A private copy of the session's dump of ``stack``."""
    return clone(cached_run(stack).doc())


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return path
