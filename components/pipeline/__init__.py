"""CI/CD: CodePipeline V2 that builds the ARM64 image and rolls it out through the ECS service."""

from typing import TYPE_CHECKING

from components.exports import lazy

if TYPE_CHECKING:  # at run time each name is imported on first use (components/exports.py)
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
__getattr__, __dir__ = lazy(
    __name__,
    build=["BuildspecError"],
    component=["Pipeline"],
    contract=["PipelineInputs", "PipelineOutputs"],
    settings=["PLATFORMS", "PipelineSettings", "Platform"],
)
