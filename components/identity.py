"""Who a stack is: its name, environment, region, service and team (tags and physical names)."""

from __future__ import annotations

from pydantic import Field

from components.settings import AwsRegion, Settings, runbook

PRODUCTION = "production"


class IdentitySettings(Settings):
    """The stack's identity. ``environment`` defaults to the stack name (load.py sets it)."""

    stack: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$", description="The Pulumi stack (not a key)")
    environment: str = Field(
        pattern=r"^[a-z][a-z0-9-]{1,20}$",
        alias="environment",
        description="Environment tag value and name infix; production names are the runbook's exact names",
        json_schema_extra=runbook("Cost Allocation Tags: Environment"),
    )
    # Read from `aws:region` (config/engine.py ELSEWHERE), the region the provider deploys to.
    region: AwsRegion = Field(
        default="us-east-1",
        alias="region",
        description="AWS region: where the provider deploys and what key policies, endpoint names, log "
        "configuration and ARNs name (`budgetbuddy:region` is refused)",
        json_schema_extra=runbook("Initial Deployment: us-east-1"),
    )
    service: str = Field(
        default="budgetbuddy",
        pattern=r"^[a-z][a-z0-9-]{1,30}$",
        alias="service",
        description="Service tag value and name prefix",
        json_schema_extra=runbook("Cost Allocation Tags: Service"),
    )
    team: str = Field(
        default="platform",
        pattern=r"^[A-Za-z][A-Za-z0-9 _.-]{1,40}$",
        alias="team",
        description="Team tag value",
        json_schema_extra=runbook("Cost Allocation Tags: Team"),
    )

    @property
    def is_production(self) -> bool:
        """The one place "production" is decided: runbook names, data protection, on-demand only."""
        return self.environment == PRODUCTION
