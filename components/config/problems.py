"""Problem reporting: one line per bad key naming the key, the value and what is allowed.

Secret values are never shown (``[secret]``); an unknown word gets the nearest known one.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from typing import Any, NamedTuple

from components.config.engine import ELSEWHERE, NAMESPACE

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
SECRET_SHOWN = "[secret]"


class ConfigError(ValueError):
    """Invalid stack configuration: one line per bad key, value and what is allowed."""

    def __init__(self, stack: str, problems: list[str]) -> None:
        self.stack = stack
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid configuration for stack '{stack}':\n{lines}")


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None when nothing is close."""
    by_lower = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def full_key(alias: str) -> str:
    """``minCapacity`` -> ``budgetbuddy:minCapacity``; ``region`` -> ``aws:region``."""
    if alias in ELSEWHERE:
        return ELSEWHERE[alias][0]
    return f"{NAMESPACE}:{alias}"


def shown(key: str, value: Any, secret_keys: Collection[str]) -> str:
    """A value as a message shows it: its repr, or ``[secret]`` for a secret key."""
    return SECRET_SHOWN if key in secret_keys else repr(value)


class Problem(NamedTuple):
    """A combination of keys that is wrong although each key is valid on its own."""

    keys: tuple[str, ...]  # aliases; the first is the key reported, all are the keys involved
    value: Any  # MISSING when the first key is not set
    allowed: str

    def render(self, secret_keys: Collection[str] = ()) -> str:
        key = full_key(self.keys[0])
        head = f"{key}: not set" if self.value is MISSING else f"{key}={shown(key, self.value, secret_keys)}"
        secret = [full_key(k) for k in self.keys if full_key(k) in secret_keys]
        note = f" ({', '.join(secret)} secret: an offline preview checks its stand-in)" if secret else ""
        return f"{head}: {self.allowed}{note}"

    def __str__(self) -> str:
        return self.render()
