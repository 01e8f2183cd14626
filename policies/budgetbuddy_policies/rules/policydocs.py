"""Resource-based policy documents (topic, key and log resource policies): who may call in.

Security Hub judges these the same way for SNS.4 and KMS.5: an Allow statement whose principal is
everyone (``"*"`` or ``{"AWS": "*"}``) is public unless a condition pins the caller to an account,
organization, source resource or VPC endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..props import as_list

# Condition keys that narrow "everyone" to a known caller (compared case-insensitively, as IAM does).
RESTRICTING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceVpce",
        "aws:SourceVpc",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:ResourceAccount",
        "kms:CallerAccount",
    )
)


def is_everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))


def _restricted(condition: Any) -> bool:
    if not isinstance(condition, Mapping):
        return False
    for operator, pairs in condition.items():
        if not isinstance(pairs, Mapping) or str(operator).lower().startswith("null"):
            continue  # Null only tests presence; it does not name the caller
        if any(str(key).lower() in RESTRICTING_KEYS for key in pairs):
            return True
    return False


def public_statements(doc: Any) -> Iterator[str]:
    """Sid (or index) of every Allow statement that lets anyone in without a restricting condition."""
    statements = doc.get("Statement") if isinstance(doc, Mapping) else None
    for i, st in enumerate(as_list(statements)):
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
            continue
        if "NotPrincipal" in st or (is_everyone(st.get("Principal")) and not _restricted(st.get("Condition"))):
            yield str(st.get("Sid") or f"Statement[{i}]")
