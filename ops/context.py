"""What every command gets: the stack's resources, AWS access, the two consoles, and the production guard."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from ops.aws import EXIT_USAGE, Aws, Client, OpsError
from ops.platform import Platform


@dataclass
class Ctx:
    platform: Platform
    aws: Aws
    out: Console  # results: stdout
    yes: bool = False

    @property
    def dry_run(self) -> bool:
        return self.aws.dry_run

    def client(self, service: str) -> Client:
        return self.aws.client(service)

    def say(self, text: str) -> None:
        self.out.print(text, highlight=False, markup=False, soft_wrap=True)

    def confirm(self, action: str) -> None:
        """A change to production goes ahead only after a typed ``yes``, or with ``--yes``.

        Staging and ``--dry-run`` never ask. Without a terminal to ask on, the command stops (exit 2) rather
        than guess, so a script must say ``--yes``.
        """
        if not self.platform.production or self.yes or self.dry_run:
            return
        if not sys.stdin.isatty():
            raise OpsError(f"{action} changes production; no terminal to confirm on: pass --yes", EXIT_USAGE)
        self.aws.err.print(f"[bold]{action}[/bold] changes [red]production[/red]. Type yes to go ahead: ", end="")
        if input().strip().lower() != "yes":
            raise OpsError(f"{action}: not confirmed; nothing changed", EXIT_USAGE)


def first(items: Any) -> dict[str, Any]:
    """The first element of a list in a response, or {} (dry-run answers are empty)."""
    return items[0] if isinstance(items, list) and items else {}
