"""Small helpers shared by stack rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from ..framework import as_advisory, unknown_message, unknowns_are_advisory


def each(
    resources: Iterable[PolicyResource],
    check: Callable[[PolicyResource], Iterable[str]],
) -> Iterator[tuple[str | None, str]]:
    """Run ``check`` per resource, keeping the URN on unknown-input reports too."""
    for res in resources:
        try:
            for message in check(res):
                yield res.urn, message
        except UnknownValueError as err:
            if unknowns_are_advisory():
                raise as_advisory(err, res.urn) from None
            yield res.urn, unknown_message(err)
