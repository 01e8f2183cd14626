"""The Security contract: what it takes from other components (nothing: it is built first)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SecurityInputs:
    """Security depends on no other component; the type keeps every component's shape the same."""
