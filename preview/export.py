"""Judge what is deployed: `pulumi stack export` output as the offline preview's input (docs/preview.md,
"Exported state").

`python -m preview --resources FILE` reads either its own dump or an export (deployment version 3, or 4 with
features this reader knows), turned here into the dump the judge takes. The format is Pulumi's `apitype`
(sdk/go/common/apitype/core.go: UntypedDeployment, DeploymentV3, ManifestV1, ResourceV3, SecretV1) and its
property encoding (pkg/resource/stack/deployment.go). Each resource is judged on its inputs, or on its outputs
where the engine stored no inputs. A secret the export holds encrypted (an export without --show-secrets)
is an unknown value, which the pack judges as it judges any unknown input (docs/policies.md, "Unknown
values"); with --show-secrets its plaintext is judged, still marked secret. The stack resource, providers,
resources pending deletion and external (read-only) resources are not judged: a preview dump holds none of them.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from preview import dump
from preview.wire import SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN

KIND = "pulumi stack export"
EXPECTED = "expected the output of `pulumi stack export`: a JSON object with version 3 and deployment"
EITHER = "expected a preview dump (`python -m preview STACK --json FILE`) or the output of `pulumi stack export`"
VERSIONS = (3, 4)  # 4 is 3's shape plus `features` (apitype.DeploymentSchemaVersionLatest)
# The features a version-4 deployment may name (pkg/resource/stack/deployment.go, supportedFeatures): none
# changes the fields read here.
FEATURES = frozenset(
    {"refreshBeforeUpdate", "views", "hooks", "taint", "replaceWith", "snippets-prototype",
     "extensionParameterization", "byteString"}
)  # fmt: skip
ROOT_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"
# Signatures of the state's special values (sdk/go/common/resource/sig/sig.go; the float one is the state's own).
RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
BYTE_STRING_SIG = "803fd3297a5875dc03ca845dda5d2a98"
FLOAT_SIG = "8ad145fe-0d11-4827-bfd7-1abcbf086f5c"  # NaN or infinity, which a policy input cannot carry
PASS_THROUGH = {RESOURCE_REFERENCE_SIG, ASSET_SIG, ARCHIVE_SIG}  # the engine's wire format is the same
# urn:pulumi:STACK::PROJECT::QUALIFIED-TYPE::NAME, the qualified type being the parents' types and its own, `$`-joined.
URN_RE = re.compile(r"^urn:pulumi:(?P<stack>[^:]+)::(?P<project>[^:]+)::(?:[^$]*\$)?(?P<type>[^$]+?)::(?P<name>.+)$")


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class ManifestModel(_Model):  # apitype.ManifestV1
    time: str
    magic: str
    version: str


class ResourceModel(_Model):  # apitype.ResourceV3: the fields the judge reads
    urn: str
    custom: bool
    type: str
    id: str = ""
    delete: bool = False
    external: bool = False
    inputs: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = None
    parent: str = ""
    provider: str = ""
    protect: bool = False
    retainOnDelete: bool = False  # noqa: N815 (engine names)
    dependencies: list[str] = []
    propertyDependencies: dict[str, list[str]] = {}  # noqa: N815
    additionalSecretOutputs: list[str] = []  # noqa: N815
    aliases: list[str] = []
    ignoreChanges: list[str] = []  # noqa: N815


class DeploymentModel(_Model):  # apitype.DeploymentV3
    manifest: ManifestModel
    resources: list[ResourceModel] = []
    pending_operations: list[dict[str, Any]] = []


class ExportModel(_Model):  # apitype.UntypedDeployment
    version: int
    features: list[str] = []
    deployment: DeploymentModel


def is_export(data: Any) -> bool:
    """An UntypedDeployment (`version` and `deployment`), not a preview dump."""
    return isinstance(data, dict) and "deployment" in data and "resources" not in data


def load(path: str | Path, what: str = "--resources") -> dict[str, Any]:
    """Read a dump or an export; either way a validated dump (``dump.DumpError`` naming the file and place)."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise dump.DumpError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    source = f"{what} {path}"
    data = dump.decode(text, source, EITHER)
    if is_export(data):
        return dump.validate(to_dump(data, source), source)
    return dump.validate(data, source)


def _check(data: Mapping[str, Any], source: str) -> ExportModel:
    version = data.get("version")
    if version is None:
        raise dump.DumpError(f"{source}: no `version`; {EXPECTED}")
    if isinstance(version, bool) or not isinstance(version, int) or version not in VERSIONS:
        raise dump.DumpError(
            f"{source}: deployment version {version!r} is not supported; this tool reads versions "
            f"{' and '.join(map(str, VERSIONS))} (`pulumi stack export` of a Pulumi CLI 3.x)"
        )
    try:
        model = ExportModel.model_validate(data)
    except ValidationError as exc:
        raise dump.first_problem(exc, source, EXPECTED) from None
    unknown = sorted(set(model.features) - FEATURES)
    if unknown:
        raise dump.DumpError(
            f"{source}: the deployment needs features this tool does not know: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(FEATURES))})"
        )
    return model


class _Converter:
    """State property values -> the engine's wire values (what a preview dump records)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.unreadable_secrets = 0
        self.non_finite = 0

    def value(self, v: Any, where: str) -> Any:
        if isinstance(v, list):
            return [self.value(x, f"{where}[{i}]") for i, x in enumerate(v)]
        if not isinstance(v, dict):
            return v
        if SPECIAL_SIG_KEY not in v:
            return {k: self.value(x, f"{where}.{k}") for k, x in v.items()}
        sig = v[SPECIAL_SIG_KEY]
        if sig == SECRET_SIG:
            return self._secret(v, where)
        if sig in PASS_THROUGH:
            return v
        if sig == BYTE_STRING_SIG and isinstance(v.get("value"), str):
            try:
                return base64.b64decode(v["value"], validate=True).decode("utf-8", "replace")
            except ValueError:
                pass
        elif sig == FLOAT_SIG and isinstance(v.get("value"), str):
            self.non_finite += 1
            return UNKNOWN
        raise dump.DumpError(f"{self.source}: {where}: malformed or unknown special value (signature {sig!r})")

    def _secret(self, v: Mapping[str, Any], where: str) -> Any:
        plaintext, ciphertext = v.get("plaintext"), v.get("ciphertext")
        if isinstance(plaintext, str) and plaintext and not ciphertext:  # `pulumi stack export --show-secrets`
            try:
                inner = dump.decode(plaintext.encode(), f"{self.source}: {where}: secret plaintext")
            except dump.DumpError as exc:
                raise dump.DumpError(str(exc).split("; expected")[0]) from None
            return {SPECIAL_SIG_KEY: SECRET_SIG, "value": self.value(inner, where)}
        if isinstance(ciphertext, str) and ciphertext and not plaintext:
            self.unreadable_secrets += 1
            return UNKNOWN  # encrypted: the value cannot be known here
        raise dump.DumpError(
            f"{self.source}: {where}: a secret needs either ciphertext or plaintext (apitype.SecretV1)"
        )


def to_dump(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The dump of an export: the resources the program manages, judged on what the state records."""
    model = _check(data, source)
    deployment = model.deployment
    if not deployment.resources:
        raise dump.DumpError(
            f"{source}: the deployment records no resources (a stack never deployed): nothing to judge"
        )
    convert = _Converter(source)
    resources: list[dict[str, Any]] = []
    outputs: dict[str, Any] = {}
    stacks: set[tuple[str, str]] = set()
    skipped = {"pending deletion": 0, "external": 0}
    from_outputs: list[str] = []
    try:
        for i, res in enumerate(deployment.resources):
            where = f"deployment.resources[{i}]"
            m = URN_RE.match(res.urn)
            if not m or m["type"] != res.type:
                raise dump.DumpError(
                    f"{source}: {where}.urn: {res.urn!r} is not urn:pulumi:STACK::PROJECT::...$TYPE::NAME of type "
                    f"{res.type!r}; {EXPECTED}"
                )
            stacks.add((m["project"], m["stack"]))
            if res.type == ROOT_TYPE:
                outputs = convert.value(res.outputs or {}, f"{where}.outputs")
                continue
            if res.type.startswith(PROVIDER_PREFIX):
                continue
            if res.delete or res.external:
                skipped["pending deletion" if res.delete else "external"] += 1
                continue
            props, field = res.inputs, "inputs"
            if not props and res.outputs:  # an engine version that stored no inputs
                props, field = {k: v for k, v in res.outputs.items() if not k.startswith("__")}, "outputs"
                from_outputs.append(res.urn)
            resources.append({
                "urn": res.urn, "type": res.type, "name": m["name"], "custom": res.custom, "parent": res.parent,
                "provider": res.provider, "protect": res.protect, "retainOnDelete": res.retainOnDelete,
                "dependencies": res.dependencies, "propertyDependencies": res.propertyDependencies,
                "additionalSecretOutputs": res.additionalSecretOutputs, "aliases": res.aliases,
                "ignoreChanges": res.ignoreChanges, "inputs": convert.value(props or {}, f"{where}.{field}"),
            })  # fmt: skip
    except RecursionError:
        raise dump.DumpError(f"{source}: nested too deeply; {EXPECTED}") from None
    if len(stacks) != 1:
        names = ", ".join(sorted(f"{p}/{s}" for p, s in stacks))
        raise dump.DumpError(
            f"{source}: the resources belong to {len(stacks)} stacks ({names}); an export is one stack"
        )
    ((project, stack),) = stacks
    return {
        "formatVersion": dump.FORMAT_VERSION,
        "project": project,
        "stack": stack,
        "resources": resources,
        "outputs": outputs,
        "source": {
            "kind": KIND,
            "deploymentVersion": model.version,
            "time": deployment.manifest.time,
            "engine": deployment.manifest.version,
            "judgedFromOutputs": len(from_outputs),
            "unreadableSecrets": convert.unreadable_secrets,
            "nonFiniteNumbers": convert.non_finite,
            "skipped": skipped,
            "pendingOperations": len(deployment.pending_operations),
        },
    }


def is_exported(doc: Mapping[str, Any]) -> bool:
    source = doc.get("source")
    return isinstance(source, Mapping) and source.get("kind") == KIND


def headline(doc: Mapping[str, Any]) -> str:
    """What was judged, for every view's title line."""
    project, stack = doc.get("project", "budgetbuddy"), doc["stack"]
    if not is_exported(doc):
        return f"{project}/{stack}: offline preview (Pulumi mocks, nothing deployed)"
    s = doc["source"]
    return f"{project}/{stack}: deployed state exported {s['time']} (`{KIND}`, engine {s['engine']})"


def evidence(doc: Mapping[str, Any]) -> str:
    """The compliance report's statement of what its evidence is."""
    if not is_exported(doc):
        return "offline preview: configuration evidence, not a deployed-state audit"
    s = doc["source"]
    return (
        f"deployed state: the resources of stack {doc.get('project', 'budgetbuddy')}/{doc['stack']} as recorded "
        f"in its state at {s['time']} (`{KIND}`), not a live scan of the account"
    )


def notes(doc: Mapping[str, Any]) -> list[str]:
    """What the judge could not see in an export, one note each."""
    if not is_exported(doc):
        return []
    s, out = doc["source"], []
    if s["unreadableSecrets"]:
        out.append(
            f"{s['unreadableSecrets']} secret values are encrypted in the export and judged as unknown "
            "(export with --show-secrets to judge them)"
        )
    if s["judgedFromOutputs"]:
        out.append(f"{s['judgedFromOutputs']} resources have no stored inputs and are judged on their outputs")
    if s["nonFiniteNumbers"]:
        out.append(f"{s['nonFiniteNumbers']} numbers are NaN or infinite and judged as unknown")
    for what, n in s["skipped"].items():
        if n:
            out.append(f"{n} {what} resources are not judged")
    if s["pendingOperations"]:
        out.append(
            f"{s['pendingOperations']} operations were pending when the state was written (an interrupted update): "
            "the state may not match the account"
        )
    return out
