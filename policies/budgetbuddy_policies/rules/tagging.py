"""Cost-allocation and ownership tags (runbook: Environment, Service, Team)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs, Severity

from ..props import UnknownValueError, dig
from ..registry import REGISTRY
from ..taggable import TAGGABLE_TYPES

REQUIRED_TAGS = ["Environment", "Service", "Team"]


def _blank(tags: Mapping[str, Any], key: str) -> bool:
    """An empty value allocates cost to nobody; an unknown value is still a value."""
    try:
        value = tags[key]
    except UnknownValueError:
        return False
    return value is None or (isinstance(value, str) and not value.strip())


@REGISTRY.resource(
    name="aws-tagging-resource-require-tags",
    resource_types=tuple(sorted(TAGGABLE_TYPES)),
    description="Every taggable resource carries the Environment, Service and Team tags in its own inputs.",
    severity=Severity.MEDIUM,
    remediation="Pass the stack's standard tags to the resource (the tagging transform does this for every "
    "resource); provider default tags alone are invisible to previews and policies.",
    controls=("pci-dss-4.0:12.5.1", "soc2:CC6.1", "cost:allocation-tags"),
    config={
        "requiredTags": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "default": REQUIRED_TAGS,
        },
        "environment": {
            "type": "string",
            "default": "",
            "description": "expected Environment tag value; empty accepts any",
        },
    },
)
def required_tags(args: ResourceValidationArgs, cfg: Mapping[str, Any]) -> Iterator[str]:
    tags = dig(args.props, "tags")
    keys = set(tags) if isinstance(tags, Mapping) else set()
    missing = [t for t in cfg["requiredTags"] if t not in keys or _blank(tags, t)]
    if missing:
        yield f"missing tags {missing}."
    expected = cfg["environment"]
    if expected and "Environment" in keys and tags["Environment"] != expected:
        yield f"Environment tag is {tags['Environment']!r}, expected {expected!r}."
