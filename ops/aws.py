"""AWS access for the operations tool: one session, thin client wrappers, dry-run recording, waits with progress.

Every AWS call goes through ``Client``: live, it calls boto3 and notes each response's request id (waiter polls
included, through botocore's ``after-call`` event); with ``--dry-run`` it prints the call with its parameters and
makes none, answering with an empty response so the command's own code path runs unchanged. boto3's standard
environment applies (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_MAX_ATTEMPTS); the stack file's
``aws:region`` is the default region, AWS_REGION overrides it.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.exceptions
import botocore.loaders
import botocore.session
from botocore.config import Config
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_AWS = 0, 1, 2, 3


class OpsError(Exception):
    """One clear message and the exit code it ends the command with."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED, aws_code: str = "") -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.aws_code = aws_code  # AWS's error code when AWS refused a call


@dataclass
class Request:
    """One AWS response: what the evidence of a drill keeps."""

    service: str
    operation: str
    request_id: str
    at: str


@dataclass
class Waits:
    """Polling of long waits: ``--poll-seconds`` between checks, ``--timeout`` minutes overall."""

    delay: float = 15.0
    timeout: float = 3600.0


@functools.cache
def _loader() -> Any:
    """botocore's service models, parsed once per process (a session would parse them again)."""
    return botocore.loaders.create_loader()


def _shown(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in params.items())


@dataclass
class Aws:
    """The session every command uses, and what it did."""

    region: str
    dry_run: bool
    err: Console  # progress and dry-run calls
    waits: Waits = field(default_factory=Waits)
    requests: list[Request] = field(default_factory=list)
    _session: Any = None
    _clients: dict[str, Client] = field(default_factory=dict)

    def client(self, service: str) -> Client:
        if service not in self._clients:
            raw = None
            if not self.dry_run:
                if self._session is None:
                    core = botocore.session.get_session()
                    core.register_component("data_loader", _loader())
                    region = os.environ.get("AWS_REGION") or self.region
                    self._session = boto3.Session(botocore_session=core, region_name=region)
                raw = self._session.client(service, config=Config(retries={"mode": "standard"}))
                raw.meta.events.register("after-call", self._note_request)
            self._clients[service] = Client(self, service, raw)
        return self._clients[service]

    def _note_request(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        meta = parsed.get("ResponseMetadata", {})
        self.requests.append(
            Request(
                model.service_model.service_name,
                model.name,
                str(meta.get("RequestId", "")),
                datetime.now(UTC).isoformat(timespec="seconds"),
            )
        )

    def say(self, text: str) -> None:
        self.err.print(text, highlight=False, markup=False)


class Client:
    """``client.describe_services(cluster=...)``: a boto3 call, or under ``--dry-run`` a printed one."""

    def __init__(self, aws: Aws, service: str, raw: Any) -> None:
        self._aws, self._service, self._raw = aws, service, raw

    def __getattr__(self, operation: str) -> Callable[..., dict[str, Any]]:
        if operation.startswith("_"):
            raise AttributeError(operation)

        def call(**params: Any) -> dict[str, Any]:
            if self._raw is None:
                self._aws.say(f"[dry-run] {self._service}.{operation}({_shown(params)})")
                return {}
            try:
                result: dict[str, Any] = getattr(self._raw, operation)(**params)
                return result
            except botocore.exceptions.ClientError as exc:
                raise aws_error(self._service, operation, exc) from None
            except botocore.exceptions.BotoCoreError as exc:
                raise OpsError(f"{self._service}.{operation}: {exc}", EXIT_AWS) from None

        return call

    @property
    def raw(self) -> Any:
        """The boto3 client (None under ``--dry-run``): tests attach botocore's Stubber to it."""
        return self._raw

    def wait(self, waiter: str, describe: Callable[[dict[str, Any]], str], what: str, **params: Any) -> None:
        """Wait with a boto3 waiter's own acceptors, one poll at a time, showing ``describe(last response)``.

        A terminal failure state of the waiter is the operation failing (exit 1); so is the ``--timeout``.
        """
        aws = self._aws
        if self._raw is None:
            aws.say(
                f"[dry-run] wait: {self._service} {waiter}({_shown(params)}) every {aws.waits.delay:g} s, "
                f"at most {aws.waits.timeout:g} s"
            )
            return
        started = time.monotonic()
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=aws.err, transient=True, disable=not aws.err.is_terminal) as progress:
            task = progress.add_task(what)
            while True:
                try:
                    self._raw.get_waiter(waiter).wait(**params, WaiterConfig={"Delay": 1, "MaxAttempts": 1})
                    return
                except botocore.exceptions.WaiterError as exc:
                    last = exc.last_response or {}
                    if "Max attempts exceeded" not in str(exc):
                        if "Error" in last and "Code" in last["Error"]:
                            raise aws_error(self._service, waiter, exc) from None
                        raise OpsError(f"{what}: {describe(last)} ({exc.reason})") from None
                    progress.update(task, description=f"{what}: {describe(last)}")
                except botocore.exceptions.BotoCoreError as exc:
                    raise OpsError(f"{self._service} {waiter}: {exc}", EXIT_AWS) from None
                if time.monotonic() - started >= aws.waits.timeout:
                    raise OpsError(f"{what}: not done after {aws.waits.timeout:g} s; last state: {describe(last)}")
                time.sleep(aws.waits.delay)

    def poll(
        self, operation: str, check: Callable[[dict[str, Any]], tuple[bool | None, str]], what: str, **params: Any
    ) -> str:
        """Where botocore has no waiter: call ``operation`` until ``check`` says done (True) or failed (False).

        Returns the last description; a failure is exit 1, and so is the ``--timeout``.
        """
        aws = self._aws
        if self._raw is None:
            aws.say(
                f"[dry-run] poll: {self._service}.{operation}({_shown(params)}) every {aws.waits.delay:g} s, "
                f"at most {aws.waits.timeout:g} s"
            )
            return "dry run"
        started = time.monotonic()
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=aws.err, transient=True, disable=not aws.err.is_terminal) as progress:
            task = progress.add_task(what)
            while True:
                done, state = check(getattr(self, operation)(**params))
                if done is True:
                    return state
                if done is False:
                    raise OpsError(f"{what}: {state}")
                progress.update(task, description=f"{what}: {state}")
                if time.monotonic() - started >= aws.waits.timeout:
                    raise OpsError(f"{what}: not done after {aws.waits.timeout:g} s; last state: {state}")
                time.sleep(aws.waits.delay)


def aws_error(service: str, operation: str, exc: Exception) -> OpsError:
    """AWS refused a call (after botocore's retries): one line, exit 3."""
    response = getattr(exc, "response", None) or getattr(exc, "last_response", None) or {}
    error = response.get("Error", {})
    code, message = error.get("Code", type(exc).__name__), error.get("Message", str(exc))
    request = response.get("ResponseMetadata", {}).get("RequestId")
    suffix = f" (request id {request})" if request else ""
    return OpsError(f"{service}.{operation}: {code}: {message}{suffix}", EXIT_AWS, code)
