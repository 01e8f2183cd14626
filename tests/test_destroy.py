"""Destroy follows the environment (docs/decisions.md, "Destroy follows the environment").

Production keeps deletion protection, `protect` and `retainOnDelete` on everything that holds data; every other
stack is disposable: `pulumi destroy` alone removes it, so no AWS-side guard may be left on there. Checked on
the recorded stacks for every stateful type they create (with a DR region, so the replicas and DR vault count).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import run_stack

DR = "drRegion=us-west-2"

# type -> (input, value in production, value elsewhere): the AWS-side guard each stateful type has.
GUARDS: dict[str, tuple[str, bool, bool]] = {
    "aws:dynamodb/table:Table": ("deletionProtectionEnabled", True, False),
    "aws:ecr/repository:Repository": ("forceDelete", False, True),
    "aws:s3/bucket:Bucket": ("forceDestroy", False, True),
    "aws:backup/vault:Vault": ("forceDestroy", False, True),
    "aws:lb/loadBalancer:LoadBalancer": ("enableDeletionProtection", True, False),
}
# Stateful types whose delete AWS never refuses: only Pulumi's protect/retainOnDelete guard them in production.
OPTIONS_ONLY = {"aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"}


def _stateful(stack: str) -> list[dict[str, Any]]:
    res = run_stack(stack, DR).resources
    return [r for r in res if r["type"] in GUARDS or (r["type"] in OPTIONS_ONLY and r.get("protect"))]


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_every_stateful_resource_follows_the_environment(stack: str):
    production = stack == "production"
    found = _stateful(stack)
    assert {r["type"] for r in found} >= set(GUARDS), "a stateful type is missing from the recording"
    assert sum(r["type"] == "aws:backup/vault:Vault" for r in found) == 2  # primary and DR vault
    for r in found:
        where = f"{stack}: {r['name']} ({r['type']})"
        if r["type"] in GUARDS:
            key, prod, other = GUARDS[r["type"]]
            assert r["inputs"].get(key) is (prod if production else other), f"{where}: {key}"
        if r["type"] != "aws:lb/loadBalancer:LoadBalancer":  # an ALB holds no data: no protect needed
            assert bool(r.get("protect")) is production and bool(r.get("retainOnDelete")) is production, where


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_table_replicas_follow_the_environment(stack: str):
    tables = run_stack(stack, DR).of_type("aws:dynamodb/table:Table")
    replicas = [rep for t in tables for rep in t["inputs"]["replicas"]]
    assert replicas and all(rep["deletionProtectionEnabled"] is (stack == "production") for rep in replicas)
