"""Network: the awsx VPC, flow logs, gateway endpoints, a closed default security group."""

from typing import TYPE_CHECKING

from components.exports import lazy

if TYPE_CHECKING:  # at run time each name is imported on first use (components/exports.py)
    from components.network.component import Network
    from components.network.contract import NetworkInputs, NetworkOutputs
    from components.network.settings import NetworkSettings

__all__ = ["Network", "NetworkInputs", "NetworkOutputs", "NetworkSettings"]
__getattr__, __dir__ = lazy(
    __name__, component=["Network"], contract=["NetworkInputs", "NetworkOutputs"], settings=["NetworkSettings"]
)
