"""Running the tool in-process (moto's ``mock_aws`` active) and building a context for Stubber tests."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from ops import platform
from ops.__main__ import main
from ops.aws import Aws, Waits
from ops.context import Ctx

FAST = ["--poll-seconds", "0.01", "--timeout", "5"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``python -m ops ARGS`` in this process: (exit code, stdout, stderr)."""
    code = main([*args, *FAST])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def context(stack: str = "production", *, yes: bool = True, dry_run: bool = False) -> tuple[Ctx, io.StringIO]:
    """A Ctx whose output is collected in the returned buffer (stdout and stderr together)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, highlight=False)
    aws = Aws("us-east-1", dry_run, console, Waits(delay=0.01, timeout=5))
    return Ctx(platform.load(stack), aws, console, yes), buffer


def stub(ctx: Ctx, service: str) -> Any:
    """botocore's Stubber on the context's client: requests and responses are checked against the model."""
    from botocore.stub import Stubber

    stubber = Stubber(ctx.client(service).raw)
    stubber.activate()
    return stubber
