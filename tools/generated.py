"""What the generators in tools/ share: a stack's recorded resources, and writing or checking the generated file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def record(stack: str) -> list[dict[str, Any]]:
    """The resources the real program registers for ``stack`` under Pulumi's mocks (the offline preview's run)."""
    from preview.recorder import run_program
    from preview.stackfiles import load_stack

    s = load_stack(ROOT, stack, [])
    return run_program(s.program, s.project, s.stack, s.config, s.secret_keys, s.region).to_json()["resources"]


def write_or_check(path: Path, text: str, argv: list[str], tool: str, *, what: str | None = None) -> int:
    """``--check``: 1 when ``path`` differs from ``text`` (stale), else 0; otherwise write it. ``tool`` names the
    generator in the stale message; ``what`` the generated part, when it is not the whole file."""
    shown = what or str(path.relative_to(ROOT))
    if "--check" in argv:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{shown} is stale: run python tools/{tool}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {shown}")
    return 0
