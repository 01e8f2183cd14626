"""Run the real Pulumi program under Pulumi's mocks and record every RegisterResource request.

The record holds what the engine would hand a policy analyzer: engine (camelCase) property names,
resource options, dependencies. Secrets keep the engine's secret envelope; unknowns the engine's
unknown sentinel.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from preview.mocks import PlatformMocks


def _struct_to_py(struct: Any) -> dict[str, Any]:
    """Protobuf Struct -> Python, keeping secret envelopes and unknowns as the engine sends them."""
    from google.protobuf import json_format

    return json_format.MessageToDict(struct, preserving_proto_field_name=True) if struct is not None else {}


@dataclass
class Recording:
    project: str
    stack: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"project": self.project, "stack": self.stack, "resources": self.resources, "outputs": self.outputs}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks, recording: Recording) -> None:
        super().__init__(mocks)
        self.recording = recording
        self.stack_urn = ""

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = response.urn
            return response
        self.recording.resources.append(
            {
                "urn": response.urn,
                "type": request.type,
                "name": request.name,
                "parent": request.parent,
                "custom": request.custom,
                "remote": request.remote,
                "protect": request.protect if request.HasField("protect") else False,
                "retainOnDelete": request.retainOnDelete if request.HasField("retainOnDelete") else False,
                "deleteBeforeReplace": request.deleteBeforeReplace,
                "dependencies": list(request.dependencies),
                "propertyDependencies": {k: list(v.urns) for k, v in request.propertyDependencies.items()},
                "provider": request.provider,
                "ignoreChanges": list(request.ignoreChanges),
                "aliases": [_struct_to_py(a) for a in request.aliases],
                "additionalSecretOutputs": list(request.additionalSecretOutputs),
                "inputs": _struct_to_py(request.object),
            }
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802
        if request.urn == self.stack_urn:
            self.recording.outputs = _struct_to_py(request.outputs)
        return super().RegisterResourceOutputs(request)


class ProgramError(Exception):
    """The program failed; ``cause`` is the original exception, ``recording`` what it registered."""

    def __init__(self, cause: BaseException, recording: Recording | None = None) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.recording = recording


def run_callable(
    body: Callable[[], object],
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str] | None = None,
    region: str = "us-east-1",
) -> Recording:
    """Run ``body`` as a Pulumi program under mocks (as a preview) and record what it registers."""
    recording = Recording(project=project, stack=stack)
    mocks = PlatformMocks(region=region)
    monitor = RecordingMonitor(mocks, recording)
    pulumi_settings.reset_options(project=project, stack=stack, preview=True)
    pulumi.runtime.set_all_config(dict(config), list(secret_keys or []))
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=True, monitor=monitor)
    pulumi_settings.ROOT.set(None)  # set_mocks made a root stack; run_in_stack makes the real one
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()
    failure: list[BaseException] = []

    def guarded() -> None:
        try:
            body()
        except BaseException as exc:
            failure.append(exc)
            raise

    try:
        _sync_await(run_in_stack(guarded))
    except BaseException as exc:
        raise ProgramError(failure[0] if failure else exc, recording) from exc
    return recording


def run_program(
    program: Path,
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str] | None = None,
    region: str = "us-east-1",
) -> Recording:
    """Run ``program`` (a Pulumi __main__.py) under mocks as a preview and record it."""
    root = str(program.parent.resolve())
    added = root not in sys.path
    if added:
        sys.path.insert(0, root)
    try:
        return run_callable(
            lambda: runpy.run_path(str(program), run_name="__main__"), project, stack, config, secret_keys, region
        )
    finally:
        if added:
            sys.path.remove(root)
