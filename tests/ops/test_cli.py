"""The command line itself: help with examples, bad arguments, an AWS that cannot be reached."""

from __future__ import annotations

from typing import Any

import pytest

from ops.__main__ import main
from tests.ops.helpers import run


def test_help_lists_every_command_with_examples(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    for command in ("status", "rollback", "scale", "backup", "restore", "copy-back", "drill"):
        assert command in out
    assert "python -m ops rollback production --to 41" in out and "exit codes: 0 done" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["restore", "production", "--table", "Users"],
            "one of the arguments --to-time --latest --backup-arn is required",
        ),
        (["scale", "production", "--min", "x", "--max", "2"], "invalid int value: 'x'"),
        (["status", "production", "--poll-seconds", "0"], "expected a number of seconds above 0"),
    ],
)
def test_bad_arguments_are_exit_2(capsys: Any, argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2 and message in capsys.readouterr().err


def test_an_unknown_stack_is_exit_2(capsys: Any) -> None:
    code, _, err = run(capsys, "status", "prod")
    assert code == 2 and "unknown stack 'prod'" in err


def test_an_unreachable_endpoint_is_exit_3(capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code, _, err = run(capsys, "status", "staging")
    assert code == 3 and "ecs.describe_services: Could not connect" in err
