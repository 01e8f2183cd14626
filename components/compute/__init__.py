"""Compute layer: ECR, ECS Fargate (ARM64) behind an ALB, native blue/green/canary, autoscaling.

Design notes: docs/decisions.md "Compute".
"""

from components.compute.component import ComputeService
from components.compute.contract import ComputeInputs, ComputeOutputs
from components.compute.settings import ComputeSettings

__all__ = ["ComputeInputs", "ComputeOutputs", "ComputeService", "ComputeSettings"]
