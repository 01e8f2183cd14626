"""Edge protection: the AWS WAF web ACL in front of the public ALB (docs/decisions.md "Edge protection")."""

from typing import TYPE_CHECKING

from components.exports import lazy

if TYPE_CHECKING:  # at run time each name is imported on first use (components/exports.py)
    from components.edge.component import Edge
    from components.edge.contract import EdgeInputs, EdgeOutputs
    from components.edge.settings import EdgeSettings

__all__ = ["Edge", "EdgeInputs", "EdgeOutputs", "EdgeSettings"]
__getattr__, __dir__ = lazy(
    __name__, component=["Edge"], contract=["EdgeInputs", "EdgeOutputs"], settings=["EdgeSettings"]
)
