"""Security: customer-managed keys, the access-log bucket, CloudTrail, GuardDuty, Security Hub."""

from components.security.component import Security
from components.security.contract import SecurityInputs, SecurityOutputs
from components.security.settings import SecuritySettings

__all__ = ["Security", "SecurityInputs", "SecurityOutputs", "SecuritySettings"]
