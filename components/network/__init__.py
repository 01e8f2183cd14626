"""Network: the awsx VPC, flow logs, gateway endpoints, a closed default security group."""

from components.network.component import Network
from components.network.contract import NetworkInputs, NetworkOutputs
from components.network.settings import NetworkSettings

__all__ = ["Network", "NetworkInputs", "NetworkOutputs", "NetworkSettings"]
