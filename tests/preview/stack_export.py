"""`pulumi stack export` output built from a preview dump, to Pulumi's apitype definitions (vendor/pulumi:
deployments.json, resources.json and property-values.json of pulumi/pulumi sdk/go/common/apitype, copied with their
commit by tools/vendor_pulumi_schemas.py).

What a deployment of the previewed program would leave in its state: the root stack resource holding the
stack outputs, the default aws provider, every resource in parent-first order with an id, its inputs, outputs
(inputs plus what the provider adds) and a provider reference, secrets encrypted (or in plain text, as
`--show-secrets` writes them). ``validate`` checks a document against Pulumi's own JSON schemas.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY

APITYPE = Path(__file__).resolve().parents[2] / "vendor" / "pulumi"
APITYPE_SCHEMAS = ("deployments", "resources", "property-values")
TIME = "2026-12-07T06:17:03.511Z"
ENGINE = "v3.272.0"
PROVIDER_ID = "0c7e1e0b-6f0e-4a8e-9d6b-1f2a3b4c5d6e"


def _state_value(value: Any, show_secrets: bool) -> Any:
    """A wire value (what a dump records) as the state stores it (pkg/resource/stack SerializePropertyValue)."""
    if isinstance(value, list):
        return [_state_value(v, show_secrets) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get(SPECIAL_SIG_KEY) == SECRET_SIG:
        inner = json.dumps(_state_value(value["value"], show_secrets))
        text = {"plaintext": inner} if show_secrets else {"ciphertext": f"v1:{len(inner):04x}:AAAAencrypted=="}
        return {SPECIAL_SIG_KEY: SECRET_SIG, **text}
    if SPECIAL_SIG_KEY in value:
        return value
    return {k: _state_value(v, show_secrets) for k, v in value.items()}


def secret(value: Any, *, show_secrets: bool = False) -> dict[str, Any]:
    """A secret as an export holds it: encrypted, or with --show-secrets its JSON text."""
    return _state_value({SPECIAL_SIG_KEY: SECRET_SIG, "value": value}, show_secrets)


def _parent_first(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_urn = {r["urn"]: r for r in resources}
    done: set[str] = set()
    out: list[dict[str, Any]] = []

    def visit(r: dict[str, Any]) -> None:
        if r["urn"] in done:
            return
        done.add(r["urn"])
        if r.get("parent") in by_urn:
            visit(by_urn[r["parent"]])
        out.append(r)

    for r in resources:
        visit(r)
    return out


def export_from_dump(doc: dict[str, Any], *, show_secrets: bool = False) -> dict[str, Any]:
    """A version-3 UntypedDeployment of the dump's stack, as `pulumi stack export` writes it."""
    project, stack = doc["project"], doc["stack"]
    root = f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}"
    provider_urn = f"urn:pulumi:{stack}::{project}::pulumi:providers:aws::default_7_51_1"
    provider_ref = f"{provider_urn}::{PROVIDER_ID}"
    stamp = {"created": "2026-11-02T10:00:00.000Z", "modified": TIME}
    resources: list[dict[str, Any]] = [
        {
            "urn": root,
            "custom": False,
            "type": "pulumi:pulumi:Stack",
            "outputs": _state_value(doc.get("outputs", {}), show_secrets),
            **stamp,
        },
        {
            "urn": provider_urn,
            "custom": True,
            "id": PROVIDER_ID,
            "type": "pulumi:providers:aws",
            "inputs": {"region": "us-east-1", "version": "7.51.1"},
            "outputs": {"region": "us-east-1", "version": "7.51.1"},
            **stamp,
        },
    ]
    for r in _parent_first(copy.deepcopy(doc["resources"])):
        state: dict[str, Any] = {
            "urn": r["urn"],
            "custom": r["custom"],
            "type": r["type"],
            "parent": r["parent"] or root,
        }
        inputs = _state_value(r.get("inputs") or {}, show_secrets)
        if inputs:  # a component's too: the engine records what it was registered with (a remote one's args)
            state["inputs"] = inputs
        if r["custom"]:
            rid = f"{r['name']}-0123abcd"
            state.update(id=rid, provider=r.get("provider") or provider_ref)
            state["outputs"] = {**inputs, "id": rid, "tagsAll": inputs.get("tags", {})}
        for flag in ("protect", "retainOnDelete"):
            if r.get(flag):
                state[flag] = True
        if r.get("dependencies"):
            state["dependencies"] = r["dependencies"]
        deps = {k: v for k, v in (r.get("propertyDependencies") or {}).items() if v}
        if deps:
            state["propertyDependencies"] = deps
        for key in ("additionalSecretOutputs", "ignoreChanges"):
            if r.get(key):
                state[key] = r[key]
        resources.append({**state, **stamp})
    return {
        "version": 3,
        "deployment": {
            "manifest": {
                "time": TIME,
                "magic": "6a7cc1d1f4d0e2c1d8b1a3f0e9c8b7a6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0",
                "version": ENGINE,
                "plugins": [{"name": "aws", "path": "", "type": "resource", "version": "7.51.1"}],
            },
            "secrets_providers": {"type": "service", "state": {"owner": "budgetbuddy", "project": project}},
            "resources": resources,
            "metadata": {},
        },
    }


@cache
def _validator() -> Any:
    import jsonschema
    from referencing import Registry, Resource

    schemas = {name: json.loads((APITYPE / f"{name}.json").read_text()) for name in APITYPE_SCHEMAS}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    return jsonschema.Draft202012Validator(schemas["deployments"], registry=registry)


# ResourceV3 fields of core.go that resources.json (additionalProperties: false) does not list: the schema lags
# the Go type, and real exports carry them (the engine writes created/modified on every resource).
CORE_GO_ONLY = ("created", "modified", "retainOnDelete", "ignoreChanges")


def validate(export: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError unless ``export`` is a deployment Pulumi's schema accepts (the fields
    of CORE_GO_ONLY aside)."""
    checked = copy.deepcopy(export)
    for r in checked.get("deployment", {}).get("resources", []):
        for key in CORE_GO_ONLY:
            r.pop(key, None)
    _validator().validate(checked)


def resource(export: dict[str, Any], type_: str, name: str | None = None) -> dict[str, Any]:
    """The one exported resource of a type (and name)."""
    found = [r for r in export["deployment"]["resources"]
             if r["type"] == type_ and (name is None or r["urn"].endswith(f"::{name}"))]  # fmt: skip
    assert len(found) == 1, [r["urn"] for r in found]
    return found[0]
