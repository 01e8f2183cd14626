"""CI/CD: CodePipeline V2 that builds the ARM64 image and rolls it out through the ECS service."""

from components.pipeline.build import BuildspecError
from components.pipeline.component import Pipeline
from components.pipeline.contract import PipelineInputs, PipelineOutputs
from components.pipeline.settings import PLATFORMS, PipelineSettings, Platform

__all__ = [
    "PLATFORMS",
    "BuildspecError",
    "Pipeline",
    "PipelineInputs",
    "PipelineOutputs",
    "PipelineSettings",
    "Platform",
]
