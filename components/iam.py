"""IAM policy documents, written once: every role and policy in the platform goes through these."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

Statement = pulumi.Input[Mapping[str, Any]]  # a statement, or an Output of one (json_dumps resolves it)


def policy_document(*statements: Statement) -> pulumi.Output[str]:
    """A policy document (JSON) from statements that may hold Outputs."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust_policy(service: str, condition: Mapping[str, Any] | None = None) -> pulumi.Output[str]:
    """Let one AWS service assume the role, under ``condition`` (the confused-deputy guard)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return policy_document(statement)
