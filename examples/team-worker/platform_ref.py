"""Typed, checked access to the BudgetBuddy platform's stack outputs.

The platform documents its outputs in docs/outputs.md and versions them in docs/outputs.contract.json
(semantic versioning: a major release may remove or retype an output). This module reads the keys a
worker needs through one ``pulumi.StackReference`` and fails with a message naming the missing key
and the platform stack, instead of the SDK's bare ``KeyError`` from ``require_output`` (raised inside
an apply, it names neither the stack nor what to do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

PLATFORM_PROJECT = "budgetbuddy"
# The platform outputs contract major this helper was written against, and the keys it reads with
# the contract type each must have (tests check both against the platform's contract file).
CONTRACT_MAJOR = 1
REQUIRED: dict[str, str] = {
    "contractVersion": "string",  # since 1.1.0: the version of the outputs contract the stack exports
    "environment": "string",
    "region": "string",
    "vpcId": "string",
    "privateSubnetIds": "list<string>",
    "clusterArn": "string",
    "clusterName": "string",
    "kmsKeyArns": "map<string>",
}


class MissingPlatformOutput(pulumi.RunError):
    """A key the worker needs is not exported by the platform stack (a RunError: no traceback)."""


class IncompatiblePlatform(pulumi.RunError):
    """The platform exports a contract major other than the one this helper was written for."""


def checked_contract_version(stack: str, version: str) -> str:
    """``version`` when its major is ``CONTRACT_MAJOR``; otherwise the update stops, naming both."""
    major = str(version).split(".", 1)[0]
    if major != str(CONTRACT_MAJOR):
        raise IncompatiblePlatform(
            f"platform stack {stack} exports outputs contract {version}; this worker was written for major "
            f"{CONTRACT_MAJOR}: read the contract's `removed` entries (docs/outputs.md, Versioning) and update "
            "platform_ref.py before joining it"
        )
    return str(version)


def platform_stack_name(org: str, stack: str) -> str:
    """The fully qualified platform stack, ``<org>/budgetbuddy/<stack>``."""
    return f"{org}/{PLATFORM_PROJECT}/{stack}"


class PlatformReference:
    """One StackReference to the platform; ``require`` per key, each check naming key and stack."""

    def __init__(self, org: str, stack: str, opts: pulumi.ResourceOptions | None = None) -> None:
        self.stack = platform_stack_name(org, stack)
        self._ref = pulumi.StackReference(self.stack, opts=opts)

    def require(self, key: str) -> pulumi.Output[Any]:
        """The output ``key``; the update fails with ``MissingPlatformOutput`` if the stack lacks it.

        Built like the SDK's ``StackReference.require_output`` (same secrecy per key), but the
        lookup raises an error that says which key, which stack and where the contract lives.
        """

        def pick(outputs: dict[str, Any]) -> Any:
            if outputs.get(key) is None:
                exported = ", ".join(sorted(outputs)) or "none"
                raise MissingPlatformOutput(
                    f"platform stack {self.stack} has no output '{key}' (this worker needs it; the platform's "
                    f"outputs contract is docs/outputs.md, major {CONTRACT_MAJOR}; the stack exports: {exported})"
                )
            return outputs[key]

        value = self._ref.outputs.apply(pick)
        secret = self._ref.get_output(key).is_secret()
        return pulumi.Output(value.resources(), value.future(), value.is_known(), secret)

    def require_item(self, key: str, item: str) -> pulumi.Output[Any]:
        """One entry of a map output, e.g. ``require_item("kmsKeyArns", "logs")``."""

        def pick(mapping: dict[str, Any]) -> Any:
            if not isinstance(mapping, dict) or mapping.get(item) is None:
                keys = ", ".join(sorted(mapping)) if isinstance(mapping, dict) else type(mapping).__name__
                raise MissingPlatformOutput(
                    f"platform stack {self.stack}: output '{key}' has no entry '{item}' (it has: {keys})"
                )
            return mapping[item]

        return self.require(key).apply(pick)


@dataclass(frozen=True)
class Platform:
    """What a worker joins: the platform's environment, network, cluster and logs key."""

    stack: str
    contract_version: pulumi.Output[str]
    environment: pulumi.Output[str]
    region: pulumi.Output[str]
    vpc_id: pulumi.Output[str]
    private_subnet_ids: pulumi.Output[list[str]]
    cluster_arn: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    logs_key_arn: pulumi.Output[str]

    @classmethod
    def read(cls, org: str, stack: str) -> Platform:
        ref = PlatformReference(org, stack)
        version = ref.require("contractVersion").apply(lambda v: checked_contract_version(ref.stack, v))

        def after_check(key: str) -> pulumi.Output[Any]:
            # Every value waits for the version check: nothing is built on a platform of another major.
            return pulumi.Output.all(version, ref.require(key)).apply(lambda v: v[1])

        return cls(
            stack=ref.stack,
            contract_version=version,
            environment=after_check("environment"),
            region=after_check("region"),
            vpc_id=after_check("vpcId"),
            private_subnet_ids=after_check("privateSubnetIds"),
            cluster_arn=after_check("clusterArn"),
            cluster_name=after_check("clusterName"),
            # The platform's CloudWatch Logs key: its policy lets CloudWatch Logs use it for any log
            # group of the account and region, so the worker's log group is encrypted with it too.
            logs_key_arn=pulumi.Output.all(version, ref.require_item("kmsKeyArns", "logs")).apply(lambda v: v[1]),
        )
