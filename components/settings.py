"""What every component's settings model shares: the model base, AWS facts more than one
component checks against (CloudWatch Logs retention periods, regions as the installed pulumi-aws
lists them in components/config/engine.py, ARNs), and the two log retention settings several
components read.

A settings model is the one owner of its keys: field, alias (the flat ``budgetbuddy:`` key as a
stack file writes it), default, ``description`` (docs/config.md and Pulumi.yaml are generated from
it; ``json_schema_extra["runbook"]`` is the runbook line it serves), validators. A field is a stack
key exactly when it has an alias; a field without one is a constant of the component that Python
callers (tests, other programs) may change. ``StackConfig`` (components/config/schema.py) is
composed from the models, so a value is refused the same way from a stack file and from Python.
"""

from __future__ import annotations

import re
from importlib.metadata import version as _version
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from components.config.engine import aws_regions
from components.config.problems import Problem, nearest

# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
AUDIT_MIN_RETENTION_DAYS = 365  # PCI-DSS 10.5.1: keep audit logs for a year
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
ARN_RE = r"^arn:aws[a-z-]*:{service}:[a-z0-9-]*:\d{{12}}:.+$"


def arn_pattern(service: str) -> re.Pattern[str]:
    return re.compile(ARN_RE.format(service=service))


def _region(v: str) -> str:
    if v not in aws_regions():
        near = nearest(v, aws_regions())
        hint = f"; did you mean `{near}`?" if near else " (such as us-east-1)"
        raise ValueError(f"must be an AWS region that pulumi-aws {_version('pulumi_aws')} knows{hint}")
    return v


def _retention(v: int) -> int:
    if v not in LOG_RETENTION_DAYS:
        raise ValueError(f"must be one of the CloudWatch Logs retention periods {list(LOG_RETENTION_DAYS)}")
    return v


AwsRegion = Annotated[str, AfterValidator(_region)]
LogRetention = Annotated[int, AfterValidator(_retention)]


class Settings(BaseModel):
    """Base of every settings model: frozen, unknown names refused, fields settable by name or key.

    ``problems()`` returns the combinations of this model's keys that are wrong although each key is
    valid alone. Built from Python, the model refuses them at once (the same text a stack file gets);
    ``StackConfig`` turns the check off here and reports them after the field errors instead, so that
    every problem of a stack file is listed at once and none is judged against a bad key.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    check_combinations: ClassVar[bool] = True

    def problems(self) -> list[Problem]:
        return []

    @model_validator(mode="after")
    def _combinations(self) -> Any:
        if type(self).check_combinations and (found := self.problems()):
            raise ValueError("; ".join(p.render() for p in found))
        return self


def runbook(line: str) -> dict[str, Any]:
    """``json_schema_extra`` of a key: the runbook line or requirement it serves (docs/config.md)."""
    return {"runbook": line}


class AppLogSettings(Settings):
    """Retention of ordinary (application and build) log groups."""

    log_retention_days: LogRetention = Field(
        default=30,
        alias="logRetentionDays",
        description="Retention of application and build log groups (CloudWatch-accepted values only)",
        json_schema_extra=runbook("CloudWatch logging"),
    )


class AuditLogSettings(Settings):
    """Retention of audit evidence: trail, flow log and WAF log groups."""

    audit_log_retention_days: LogRetention = Field(
        default=365,
        alias="auditLogRetentionDays",
        description="Retention of CloudTrail and VPC flow log groups (>= 365 by policy)",
        json_schema_extra=runbook("CloudTrail; VPC Flow Logs; PCI-DSS 10.5.1"),
    )

    def problems(self) -> list[Problem]:
        return [*super().problems(), *self.audit_problems()]

    def audit_problems(self) -> list[Problem]:
        if self.audit_log_retention_days < AUDIT_MIN_RETENTION_DAYS:
            return [
                Problem(
                    ("auditLogRetentionDays",),
                    self.audit_log_retention_days,
                    "must be at least 365 (PCI-DSS 10.5.1: keep audit logs for a year): 365, 400, 545, 731, ...",
                )
            ]
        return []
