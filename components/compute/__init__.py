"""Compute layer: ECR, ECS Fargate (ARM64) behind an ALB, native blue/green/canary, autoscaling.

Design notes: docs/decisions.md "Compute".
"""

from typing import TYPE_CHECKING

from components.exports import lazy

if TYPE_CHECKING:  # at run time each name is imported on first use (components/exports.py)
    from components.compute.component import ComputeService
    from components.compute.contract import ComputeInputs, ComputeOutputs
    from components.compute.settings import ComputeSettings

__all__ = ["ComputeInputs", "ComputeOutputs", "ComputeService", "ComputeSettings"]
__getattr__, __dir__ = lazy(
    __name__, component=["ComputeService"], contract=["ComputeInputs", "ComputeOutputs"], settings=["ComputeSettings"]
)
