"""Fixtures for the operations tool: never AWS. Dummy credentials everywhere; moto in-process (``mock_aws``) or
moto's server on 127.0.0.1 (one per test session and worker) for the end-to-end runs of ``python -m ops``."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from tests.ops.emulator import patch_moto, seed

ROOT = Path(__file__).resolve().parents[2]
# moto's EC2 (the VPC the target groups need) would load its catalogue of AMIs on every reset: 0.2 s a test.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
DUMMY = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
FAST = ["--poll-seconds", "0.01", "--timeout", "5"]


@pytest.fixture(autouse=True)
def dummy_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test can reach AWS: fake credentials, no profile, no endpoint unless a test sets one."""
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    for key, value in DUMMY.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def platform_aws() -> Iterator[dict[str, Any]]:
    """moto in-process with the production platform seeded (tests/ops/emulator.py)."""
    patch_moto()
    with mock_aws():
        yield seed("production")


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto server per test session (and xdist worker) on a free port of 127.0.0.1."""
    patch_moto()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def server_platform(moto_endpoint: str) -> dict[str, Any]:
    """A fresh production platform on the server (its state reset first: each test gets its own)."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"), timeout=10)
    return {**seed("production", moto_endpoint), "endpoint": moto_endpoint}


def run_ops(endpoint: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m ops ...`` as an operator types it, pointed at the emulator with AWS_ENDPOINT_URL."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        **DUMMY,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "ops", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
