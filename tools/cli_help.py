"""The `-h`/`--help` answer and the unknown-option check every tool in tools/ shares (README "Development").

A tool's module docstring is its help: what it does, its usage lines, its exit codes and the environment
variables it reads. ``handle`` prints it for -h/--help (exit 0) and refuses an option the tool does not take
(exit 2), before the tool does any work.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def handle(doc: str | None, argv: Sequence[str], options: Sequence[str] = ("--check",)) -> int | None:
    """None: go on. Otherwise the exit code to return: 0 after printing the help, 2 for an unknown option."""
    if "-h" in argv or "--help" in argv:
        print((doc or "").strip())
        return 0
    unknown = [a for a in argv if a.startswith("-") and a not in options]
    if unknown:
        allowed = ", ".join([*options, "--help"])
        print(f"error: unknown option {unknown[0]!r} (allowed: {allowed})", file=sys.stderr)
        return 2
    return None


def answer_early(doc: str | None, options: Sequence[str] = ("--check",)) -> None:
    """For a tool run as a script, before its slow imports (the program, the provider): -h/--help and an unknown
    option are answered at once, as ``handle`` in its ``main`` would answer them later."""
    if (code := handle(doc, sys.argv[1:], options)) is not None:
        raise SystemExit(code)
