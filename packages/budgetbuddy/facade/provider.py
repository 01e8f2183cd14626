"""The provider serving budgetbuddy:index:ComputeService, versioned with the outputs contract.

``component_provider_host`` would wrap an ``InputPropertiesError`` raised in a component's ``__init__``
in a ``ComponentInitError`` (pulumi/provider/experimental/component.py), which reaches the engine as a
plain error with a traceback; this provider re-raises it, so the engine reports each refused property.
Otherwise it is what ``component_provider_host`` starts: the SDK's ``ComponentProvider`` under
``pulumi.provider.main``.
"""

from __future__ import annotations

from typing import Any

from pulumi.errors import InputPropertiesError, InputPropertyError
from pulumi.provider import main
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError

from components.outputs import contract_version

from .generated import ComputeService

NAME = "budgetbuddy"


class BudgetBuddyProvider(ComponentProvider):
    def construct(self, name: str, resource_type: str, inputs: Any, options: Any = None) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as exc:
            if isinstance(exc.inner, InputPropertiesError | InputPropertyError):
                raise exc.inner from None
            raise


def provider() -> BudgetBuddyProvider:
    """The package: its version is the outputs contract's (docs/package.md, "Versions")."""
    return BudgetBuddyProvider([ComputeService], name=NAME, namespace=NAME, version=contract_version())


def serve(args: list[str]) -> None:
    main(provider(), args)
