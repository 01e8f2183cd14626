"""CI/CD: CodePipeline V2 that builds the ARM64 image and rolls it out through the ECS service."""

from components.pipeline.args import PLATFORMS, PipelineArgs, PipelineInputs, Platform
from components.pipeline.build import BuildspecError
from components.pipeline.component import Pipeline

__all__ = ["PLATFORMS", "BuildspecError", "Pipeline", "PipelineArgs", "PipelineInputs", "Platform"]
