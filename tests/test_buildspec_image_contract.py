"""The build spec's image-contract check (docs/pipeline.md, "The image contract"): its build-phase commands run
against a stub `docker` on PATH, which plays an image whose /tmp is or is not writable and whose health
endpoint does or does not answer."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
STUB_DOCKER = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >>"$STUB_LOG"
case "$1" in
  run) echo cid-1 ;;
  exec) if [[ "$*" == *"touch /tmp"* ]]; then exit "$STUB_TMP_RC"; fi; exit "$STUB_HEALTH_RC" ;;
esac
exit 0
"""


def run_build_phase(tmp_path: Path, tmp_rc: int, health_rc: int) -> tuple[subprocess.CompletedProcess[str], str]:
    spec = yaml.safe_load((ROOT / "pipeline" / "buildspec.yml").read_text())
    script = "set -e\n" + "\n".join(spec["phases"]["build"]["commands"])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(STUB_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    log = tmp_path / "docker.log"
    env = {**os.environ, **spec["env"]["variables"], "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "STUB_LOG": str(log), "STUB_TMP_RC": str(tmp_rc), "STUB_HEALTH_RC": str(health_rc),
           "IMAGE_EXISTS": "0", "IMAGE_TAG": "a" * 40, "REPOSITORY_URI": "123.dkr.ecr.us-east-1.amazonaws.com/b",
           "SMOKE_ATTEMPTS": "3", "SMOKE_INTERVAL": "0"}  # fmt: skip
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    return proc, log.read_text() if log.exists() else ""


def test_a_conforming_image_passes_and_runs_as_the_task_runs_it(tmp_path: Path):
    proc, log = run_build_phase(tmp_path, 0, 0)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (run,) = [line for line in log.splitlines() if line.startswith("run ")]
    assert "--read-only --user 1000:1000 --volume /tmp " in run and "--tmpfs" not in run
    assert "--platform linux/arm64" in run and "SERVER_PORT=8080" in run
    assert "curl -fsS http://localhost:8080/actuator/health" in log and log.splitlines()[-1].startswith("rm ")


@pytest.mark.parametrize(
    ("tmp_rc", "health_rc", "message"),
    [(1, 0, "/tmp is not writable by 1000:1000"), (0, 7, "no answer from http://localhost:8080/actuator/health")],
)
def test_a_broken_image_fails_the_build_before_any_push(tmp_path: Path, tmp_rc: int, health_rc: int, message: str):
    proc, log = run_build_phase(tmp_path, tmp_rc, health_rc)
    assert proc.returncode == 1 and message in proc.stdout
    assert "push" not in log and "logs cid-1" in log  # the container's log is shown, nothing pushed
