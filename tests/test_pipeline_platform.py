"""Build platform == task definition architecture (runbook "ECS Fargate (ARM64/Graviton2)"; docs/pipeline.md), and the buildspec."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pulumi
import pytest
import yaml

from components.pipeline import PLATFORMS, BuildspecError, PipelineSettings
from components.pipeline.build import load_buildspec
from components.pipeline.settings import BUILDSPEC_PATH
from preview.recorder import ProgramError
from tests.harness import config_for
from tests.test_pipeline_helpers import INPUTS, PROJECT_TYPE, run_pipeline, with_inputs

BUILDSPEC = yaml.safe_load(BUILDSPEC_PATH.read_text())


def _commands(phase: str) -> list[str]:
    return BUILDSPEC["phases"][phase]["commands"]


# --- the architecture chain: ARM64 <-> linux/arm64 <-> ARM_CONTAINER -------------------------


def test_default_build_matches_the_arm64_task_definition():
    a = PipelineSettings(githubRepository="acme/api", githubBranch="main")
    assert PLATFORMS["ARM64"] == (a.build_platform, a.build_environment_type, a.build_image)
    assert (a.build_platform, a.build_environment_type) == ("linux/arm64", "ARM_CONTAINER")
    assert "aarch64" in a.build_image
    r, _ = run_pipeline()
    env = r.inputs(PROJECT_TYPE)["environment"]
    assert env["type"] == "ARM_CONTAINER" and "aarch64" in env["image"]
    assert "--platform linux/arm64" in r.inputs(PROJECT_TYPE)["source"]["buildspec"]


def test_a_task_definition_on_another_architecture_is_refused_before_anything_registers():
    with pytest.raises(ProgramError) as info:
        run_pipeline(inputs=with_inputs(task_cpu_architecture="X86_64"))
    message = str(info.value.cause)
    assert "X86_64" in message and "linux/arm64" in message and "exec format error" in message
    assert info.value.recording is not None and not info.value.recording.resources


def test_an_unknown_architecture_is_refused():
    with pytest.raises(ProgramError, match="task_cpu_architecture='arm64v8'"):
        run_pipeline(inputs=with_inputs(task_cpu_architecture="arm64v8"))


def test_an_architecture_known_only_later_is_still_checked():
    ok, _ = run_pipeline(inputs=with_inputs(task_cpu_architecture=pulumi.Output.from_input("ARM64")))
    assert ok.inputs(PROJECT_TYPE)["environment"]["type"] == "ARM_CONTAINER"
    with pytest.raises(ProgramError, match="exec format error"):
        run_pipeline(inputs=with_inputs(task_cpu_architecture=pulumi.Output.from_input("X86_64")))


def test_an_x86_build_is_refused_while_the_repository_buildspec_builds_arm64():
    x86 = PLATFORMS["X86_64"]
    settings = PipelineSettings(
        githubRepository="acme/api",
        githubBranch="main",
        build_platform=x86.docker,
        build_environment_type=x86.environment_type,
        build_image=x86.image,
    )
    # The repository's buildspec builds linux/arm64: the component refuses to pair it with amd64.
    with pytest.raises(ProgramError, match="--platform linux/amd64"):
        run_pipeline(settings=settings, inputs=with_inputs(task_cpu_architecture="X86_64"))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"build_platform": "linux/amd64"}, "cannot build linux/amd64 natively; use LINUX_CONTAINER"),
        ({"build_environment_type": "LINUX_CONTAINER"}, "cannot build linux/arm64 natively; use ARM_CONTAINER"),
        ({"build_platform": "linux/riscv64"}, "build_platform='linux/riscv64' must be one of"),
        ({"build_compute_type": "BUILD_GENERAL2_HUGE"}, "Input should be 'BUILD_GENERAL1_SMALL'"),
        ({"logRetentionDays": 10}, "logRetentionDays\n.*retention periods"),
        ({"artifactExpirationDays": 0}, "artifactExpirationDays\n.*greater than or equal to 1"),
        ({"githubBranch": " "}, "githubBranch\n.*must be the name of the branch"),
        ({"githubRepository": "no-owner"}, "githubRepository\n.*should match pattern"),
        ({"buildspec_path": Path("/nonexistent/buildspec.yml")}, "does not exist"),
    ],
)
def test_impossible_settings_are_refused_with_the_setting_and_value(changes, match):
    with pytest.raises(ValueError, match=match):
        PipelineSettings(**{"githubRepository": "acme/api", "githubBranch": "main", **changes})


# --- the buildspec ---------------------------------------------------------------------------


def test_buildspec_is_yaml_version_0_2_and_builds_for_linux_arm64():
    assert BUILDSPEC["version"] == 0.2
    build = " ".join(_commands("build"))
    assert "docker build --platform linux/arm64" in build
    every_command = [c for phase in BUILDSPEC["phases"].values() for c in phase["commands"]]
    assert not any("amd64" in c or "x86_64" in c for c in every_command)


def test_buildspec_logs_in_to_ecr_tags_with_the_commit_and_pushes():
    pre = " ".join(_commands("pre_build"))
    assert "aws ecr get-login-password" in pre and "docker login --username AWS --password-stdin" in pre
    assert 'IMAGE_TAG="${COMMIT_ID}"' in pre
    assert '--tag "${REPOSITORY_URI}:${IMAGE_TAG}"' in " ".join(_commands("build"))
    assert 'docker push "${REPOSITORY_URI}:${IMAGE_TAG}"' in " ".join(_commands("post_build"))
    assert BUILDSPEC["artifacts"]["files"] == ["imagedefinitions.json"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_imagedefinitions_json_names_the_backend_container_and_the_commit_image(tmp_path):
    (line,) = [c for c in _commands("post_build") if "imagedefinitions.json" in c and "printf" in c]
    sha = "0123456789abcdef0123456789abcdef01234567"
    env = {
        "PATH": "/usr/bin:/bin",
        "CONTAINER_NAME": "backend",
        "REPOSITORY_URI": str(INPUTS.repository_url),
        "IMAGE_TAG": sha,
    }
    subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, check=True)
    assert json.loads((tmp_path / "imagedefinitions.json").read_text()) == [
        {"name": "backend", "imageUri": f"{INPUTS.repository_url}:{sha}"}
    ]


def test_load_buildspec_refuses_a_buildspec_without_the_platform_or_the_artifact(tmp_path):
    no_platform = tmp_path / "a.yml"
    no_platform.write_text(BUILDSPEC_PATH.read_text().replace("--platform linux/arm64", ""))
    with pytest.raises(BuildspecError, match="--platform linux/arm64"):
        load_buildspec(no_platform, "linux/arm64")
    no_artifact = tmp_path / "b.yml"
    no_artifact.write_text(BUILDSPEC_PATH.read_text().replace("    - imagedefinitions.json\n", "    - other.json\n"))
    with pytest.raises(BuildspecError, match=r"artifacts.files must contain imagedefinitions.json"):
        load_buildspec(no_artifact, "linux/arm64")
    broken = tmp_path / "c.yml"
    broken.write_text("phases: [unclosed\n")
    with pytest.raises(BuildspecError, match="not valid YAML"):
        load_buildspec(broken, "linux/arm64")
    assert load_buildspec(BUILDSPEC_PATH, "linux/arm64") == BUILDSPEC_PATH.read_text()


def test_the_project_embeds_the_buildspec_read_at_program_time(tmp_path):
    custom = tmp_path / "buildspec.yml"
    custom.write_text(BUILDSPEC_PATH.read_text() + "# edited\n")
    settings = PipelineSettings(githubRepository="acme/api", githubBranch="main", buildspec_path=custom)
    r, _ = run_pipeline(config_for("staging"), settings=settings)
    assert r.inputs(PROJECT_TYPE)["source"]["buildspec"].endswith("# edited\n")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    ("commit_id", "ok"),
    [("0123456789abcdef0123456789abcdef01234567", True), ("", False), ("main", False), ("0123abc", False)],
)
def test_buildspec_refuses_a_tag_that_is_not_the_commit_sha(tmp_path, commit_id, ok):
    (check,) = [c for c in _commands("pre_build") if "COMMIT_ID" in c and "=~" in c]
    env = {"PATH": "/usr/bin:/bin", "COMMIT_ID": commit_id}
    done = subprocess.run(["bash", "-c", check], cwd=tmp_path, env=env, capture_output=True)
    assert (done.returncode == 0) is ok
