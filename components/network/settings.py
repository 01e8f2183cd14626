"""Settings of the Network component (docs/config.md)."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator

from components.settings import AuditLogSettings, Settings, runbook

NatStrategy = Literal["OnePerAz", "Single"]


class NetworkKeys(Settings):
    vpc_cidr: str = Field(
        default="10.0.0.0/16",
        alias="vpcCidr",
        description="VPC IPv4 range, private, /16-/20",
        json_schema_extra=runbook("Multi-AZ VPC with public and private subnets"),
    )
    az_count: int = Field(
        default=3,
        ge=2,
        le=6,
        alias="azCount",
        description="Availability zones for subnets and tasks",
        json_schema_extra=runbook("Services deployed across 3 availability zones"),
    )
    nat_strategy: NatStrategy = Field(
        default="OnePerAz",
        alias="natStrategy",
        description="`OnePerAz` (HA) or `Single` NAT gateway",
        json_schema_extra=runbook("High Availability Design; Cost Optimization"),
    )

    @field_validator("vpc_cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            net = ipaddress.IPv4Network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"must be an IPv4 network in CIDR form such as 10.0.0.0/16 ({exc})") from None
        if not 16 <= net.prefixlen <= 20:
            raise ValueError("prefix length must be /16 to /20 so three AZs get public and private subnets")
        if not net.is_private:
            raise ValueError("must be a private (RFC 1918) range")
        return v


class NetworkSettings(NetworkKeys, AuditLogSettings):
    """The VPC; its flow logs are audit evidence, so they keep ``auditLogRetentionDays``."""
