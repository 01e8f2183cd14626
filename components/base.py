"""What every BudgetBuddy component shares: context, parenting, logical names, tags, data safety."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.naming import Naming


@dataclass(frozen=True)
class StackContext:
    """Facts every component needs: names/tags, and where it runs (account, region, partition)."""

    naming: Naming
    account_id: pulumi.Input[str]
    region: str
    partition: str = "aws"

    @property
    def production(self) -> bool:
        return self.naming.production

    def arn(
        self, service: str, resource: pulumi.Input[str], region: bool = True, account: bool = True
    ) -> pulumi.Output[str]:
        """An ARN in this stack's account/region, e.g. arn("logs", "log-group:/aws/ecs/x")."""
        reg = self.region if region else ""
        return pulumi.Output.concat(
            "arn:", self.partition, ":", service, ":", reg, ":", self.account_id if account else "", ":", resource
        )


class Component(pulumi.ComponentResource):
    """A component whose children are parented to it and named after it.

    ``stateful_opts`` marks data that must survive a mistaken `pulumi destroy` or replacement in
    production: protect=True and retain_on_delete=True (the GUIDE's data-safety rule).
    """

    def __init__(
        self,
        type_name: str,
        name: str,
        ctx: StackContext,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(type_name, name, None, opts)
        self._name = name
        self.ctx = ctx
        self.naming = ctx.naming

    def child_name(self, suffix: str) -> str:
        return f"{self._name}-{suffix}"

    def opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def stateful_opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        protect = self.ctx.production
        return pulumi.ResourceOptions(parent=self, protect=protect, retain_on_delete=protect, **kwargs)

    @property
    def tags(self) -> dict[str, str]:
        return self.naming.tags

    def tags_with(self, **extra: str) -> dict[str, str]:
        return self.naming.tags_with(**extra)
