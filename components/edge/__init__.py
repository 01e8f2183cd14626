"""Edge protection: the AWS WAF web ACL in front of the public ALB (docs/decisions.md "Edge protection")."""

from components.edge.component import Edge
from components.edge.contract import EdgeInputs, EdgeOutputs
from components.edge.settings import EdgeSettings

__all__ = ["Edge", "EdgeInputs", "EdgeOutputs", "EdgeSettings"]
