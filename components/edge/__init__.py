"""Edge protection: the AWS WAF web ACL in front of the public ALB (docs/decisions.md "Edge protection")."""

from components.edge.args import EdgeArgs, EdgeInputs
from components.edge.component import Edge

__all__ = ["Edge", "EdgeArgs", "EdgeInputs"]
