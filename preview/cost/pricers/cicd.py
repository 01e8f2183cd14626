"""CodePipeline (V1 per pipeline, V2 per action minute) and CodeBuild build minutes."""

from __future__ import annotations

from collections import Counter

from preview.cost.context import Context, Resource
from preview.cost.inputs import UnknownValueError, items, text


def pipeline(ctx: Context, pl: Resource) -> None:
    inp = ctx.inputs(pl)
    if (text(inp, "pipelineType") or "V1") == "V1":
        ctx.add("CI/CD", pl, "pipeline-v1", "CodePipeline V1 active pipeline", 1, "pipeline-month",
                ctx.p.codepipeline_v1_month)  # fmt: skip
        return
    per_action = ctx.a.pipeline_minutes_per_action
    minutes = 0.0
    cats: Counter[str] = Counter()
    for stage in items(inp, "stages"):
        for action in (stage or {}).get("actions") or [] if isinstance(stage, dict) else []:
            cat = str((action or {}).get("category", "Build"))
            cats[cat] += 1
            minutes += per_action.get(cat, 5.0)
    runs = ctx.a.pipeline_runs
    detail = ", ".join(f"{n} {c} x {per_action.get(c, 5.0):g} min" for c, n in cats.items())
    ctx.add("CI/CD", pl, "pipeline-v2-minutes", "CodePipeline V2 action minutes", runs * minutes, "action-minute",
            ctx.p.codepipeline_v2_action_minute, f"{runs:g} runs/month x ({detail or 'no actions'})",
            "codepipeline")  # fmt: skip


def codebuild(ctx: Context, project: Resource) -> None:
    inp = ctx.inputs(project)
    env_type = text(inp, "environment.type") or "LINUX_CONTAINER"
    compute = text(inp, "environment.computeType") or "BUILD_GENERAL1_SMALL"
    rate = ctx.p.codebuild_rate(env_type, compute)
    if rate is None:
        raise UnknownValueError("environment.computeType", f"no price for {env_type}/{compute}")
    builds, minutes = ctx.a.builds_per_month, ctx.a.build_minutes
    label = ("ARM " if env_type == "ARM_CONTAINER" else "Linux ") + compute.rsplit("_", 1)[-1].lower()
    ctx.add("CI/CD", project, "codebuild-minutes", f"CodeBuild {label} build minutes", builds * minutes,
            "build-minute", rate, f"{builds:g} builds/month x {minutes:g} min",
            "codebuild" if compute == "BUILD_GENERAL1_SMALL" else None)  # fmt: skip
