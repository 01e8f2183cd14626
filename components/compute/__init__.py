"""Compute layer: ECR, ECS Fargate (ARM64) behind an ALB, native blue/green/canary, autoscaling.

Design notes: docs/decisions.md "Compute".
"""

from components.compute.args import ComputeArgs, ComputeInputs
from components.compute.component import ComputeService

__all__ = ["ComputeArgs", "ComputeInputs", "ComputeService"]
