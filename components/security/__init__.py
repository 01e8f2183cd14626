"""Security: customer-managed keys, the access-log bucket, CloudTrail, GuardDuty, Security Hub."""

from typing import TYPE_CHECKING

from components.exports import lazy

if TYPE_CHECKING:  # at run time each name is imported on first use (components/exports.py)
    from components.security.component import Security
    from components.security.contract import SecurityInputs, SecurityOutputs
    from components.security.settings import SecuritySettings

__all__ = ["Security", "SecurityInputs", "SecurityOutputs", "SecuritySettings"]
__getattr__, __dir__ = lazy(
    __name__, component=["Security"], contract=["SecurityInputs", "SecurityOutputs"], settings=["SecuritySettings"]
)
