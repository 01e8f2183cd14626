"""``python -m preview --compare BASE HEAD``: what a change does to one stack (docs/preview.md, "--compare").

BASE is a dump, or ``none`` when the base could not be previewed (a new stack, a broken base);
HEAD is a dump or a stack name (previewed on the fly). The result: resources added / removed /
changed by URN (which input keys, and whether a change replaces the resource), the monthly cost
delta per line item and in total, and policy violations new in HEAD or cleared. The verdict, and
the exit code, follow HEAD alone: a base that could not be previewed never hides a violation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from preview import cost, dump, pipeline
from preview.report.summary import violation_order
from preview.stackfiles import available_stacks
from preview.wire import UNKNOWN

NO_BASE = ("none", "")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ReplaceKey:
    key: str  # engine (camelCase) input name, as recorded in the dump
    why: str


@dataclass(frozen=True)
class ReplaceRule:
    stateful: bool  # holds data or is referenced by name: a replacement or removal is not just churn
    keys: tuple[ReplaceKey, ...]


# Inputs whose change makes the engine REPLACE the resource (delete + create) instead of updating it.
# pulumi-aws bridges the Terraform AWS provider, and these arguments are ForceNew in that provider's
# schema (its registry docs mark them "Forces new resource"); the AWS APIs have no call that changes
# them in place. Limited to the stateful and named resources of this platform, where a replacement
# loses data, changes a DNS name or breaks a name other teams use (docs/outputs.md).
REPLACE_KEYS: dict[str, ReplaceRule] = {
    "aws:dynamodb/table:Table": ReplaceRule(True, (
        ReplaceKey("name", "a table is renamed by creating a new, empty one"),
        ReplaceKey("hashKey", "the key schema is fixed at CreateTable"),
        ReplaceKey("rangeKey", "the key schema is fixed at CreateTable"),
        ReplaceKey("localSecondaryIndexes", "local secondary indexes exist only from CreateTable"),
    )),
    "aws:s3/bucket:Bucket": ReplaceRule(True, (
        ReplaceKey("bucket", "bucket names are immutable: a new, empty bucket"),
        ReplaceKey("bucketPrefix", "bucket names are immutable: a new, empty bucket"),
        ReplaceKey("objectLockEnabled", "object lock is chosen at CreateBucket"),
    )),
    "aws:kms/key:Key": ReplaceRule(True, (
        ReplaceKey("customerMasterKeySpec", "a key's spec is fixed: a new key, old ciphertext needs the old one"),
        ReplaceKey("keyUsage", "a key's usage is fixed: a new key, old ciphertext needs the old one"),
        ReplaceKey("multiRegion", "multi-Region is chosen at CreateKey: a new key"),
        ReplaceKey("customKeyStoreId", "a key's key store is fixed: a new key"),
        ReplaceKey("xksKeyId", "a key's external key is fixed: a new key"),
    )),
    "aws:kms/alias:Alias": ReplaceRule(False, (
        ReplaceKey("name", "an alias is renamed by creating a new one"),
        ReplaceKey("namePrefix", "an alias is renamed by creating a new one"),
    )),
    "aws:cloudwatch/logGroup:LogGroup": ReplaceRule(True, (
        ReplaceKey("name", "a log group is renamed by creating a new one; old events stay behind"),
        ReplaceKey("namePrefix", "a log group is renamed by creating a new one; old events stay behind"),
    )),
    "aws:lb/loadBalancer:LoadBalancer": ReplaceRule(False, (
        ReplaceKey("name", "a new load balancer, with a new DNS name"),
        ReplaceKey("namePrefix", "a new load balancer, with a new DNS name"),
        ReplaceKey("internal", "the scheme is fixed: a new load balancer, with a new DNS name"),
        ReplaceKey("loadBalancerType", "the type is fixed: a new load balancer, with a new DNS name"),
    )),
    "aws:lb/targetGroup:TargetGroup": ReplaceRule(False, (
        ReplaceKey("name", "a new target group"),
        ReplaceKey("port", "a target group's port is fixed"),
        ReplaceKey("protocol", "a target group's protocol is fixed"),
        ReplaceKey("targetType", "a target group's target type is fixed"),
        ReplaceKey("vpcId", "a target group's VPC is fixed"),
    )),
    "aws:ecs/cluster:Cluster": ReplaceRule(False, (ReplaceKey("name", "a cluster is renamed by creating a new one"),)),
    "aws:sns/topic:Topic": ReplaceRule(False, (
        ReplaceKey("name", "a topic is renamed by creating a new one; subscriptions stay behind"),
        ReplaceKey("fifoTopic", "FIFO is chosen at CreateTopic"),
    )),
    "aws:ecr/repository:Repository": ReplaceRule(True, (
        ReplaceKey("name", "a repository is renamed by creating a new, empty one"),
    )),
    "aws:backup/vault:Vault": ReplaceRule(True, (
        ReplaceKey("name", "a vault is renamed by creating a new, empty one"),
    )),
}  # fmt: skip

OPTION_KEYS = ("protect", "retainOnDelete", "deleteBeforeReplace", "provider", "ignoreChanges", "parent")


class CompareError(dump.DumpError):
    """The two previews cannot be compared (exit 2)."""


@dataclass(frozen=True)
class ResourceRef:
    urn: str
    type: str
    name: str
    protected: bool
    stateful: bool


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    type: str
    name: str
    keys: tuple[str, ...]  # input keys whose value differs (added, removed or changed)
    options: tuple[str, ...]  # resource options that differ
    replace: tuple[str, ...]  # the subset of ``keys`` that forces a replacement
    maybe_replace: tuple[str, ...]  # replace-triggering keys unknown in HEAD's preview
    protected: bool
    stateful: bool

    @property
    def replaces(self) -> bool:
        return bool(self.replace)

    def why(self) -> list[str]:
        rule = REPLACE_KEYS.get(self.type)
        reasons = {k.key: k.why for k in rule.keys} if rule else {}
        # The engine refuses to delete a protected resource, so its replacement fails until protect is lifted.
        guard = " (protected: `pulumi up` refuses the replacement until protect is lifted)" if self.protected else ""
        return [f"{k}: {reasons[k]}{guard}" for k in self.replace]


@dataclass(frozen=True)
class CostLine:
    category: str
    resource_type: str
    component: str
    item: str
    base: float
    head: float

    @property
    def delta(self) -> float:
        return self.head - self.base


@dataclass
class Comparison:
    project: str
    stack: str
    head: dict[str, Any]
    base: dict[str, Any] | None
    base_error: str | None = None
    added: list[ResourceRef] = field(default_factory=list)
    removed: list[ResourceRef] = field(default_factory=list)
    changed: list[ResourceChange] = field(default_factory=list)
    cost_lines: list[CostLine] = field(default_factory=list)
    new_violations: list[dict[str, Any]] = field(default_factory=list)
    cleared_violations: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def head_policy(self) -> dict[str, Any]:
        return self.head["policy"]

    @property
    def failed(self) -> bool:
        return self.head_policy["mandatoryViolations"] > 0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def is_new(self, v: dict[str, Any]) -> bool:
        return self.base is not None and _vkey(v) in {_vkey(n) for n in self.new_violations}


# Loading -----------------------------------------------------------------------------------------


def load_base(spec: str) -> tuple[dict[str, Any] | None, str | None]:
    """(dump, None), or (None, why the base could not be previewed)."""
    if spec.strip().lower() in NO_BASE:
        return None, "no base preview was given (a new stack, or the base branch's preview failed)"
    doc = dump.load(Path(spec), "BASE")
    error = dump.failure(doc)
    return (None, error) if error is not None else (dump.normalize(doc), None)


def load_head(spec: str, overrides: list[str], assumptions: Any = None) -> dict[str, Any]:
    """A dump file, or a stack name to preview now (an existing file wins over a stack name)."""
    path = Path(spec)
    if path.is_file():
        doc = dump.load(path, "HEAD")
        error = dump.failure(doc)
        if error is not None:
            raise CompareError(f"HEAD {path}: records a failed preview ({error}); there is nothing to judge")
        return dump.normalize(doc)
    if spec not in available_stacks(pipeline.ROOT):
        stacks = ", ".join(available_stacks(pipeline.ROOT)) or "none"
        raise CompareError(f"HEAD {spec!r}: neither a dump file nor a stack (stacks: {stacks})")
    return pipeline.build(spec, overrides, assumptions=assumptions)


def _complete(doc: dict[str, Any], which: str, notes: list[str]) -> dict[str, Any]:
    """A dump without cost or policy results (version 0, or --no-policy) gets them computed now."""
    missing = [k for k in ("cost", "policy") if doc.get(k) is None]
    if not missing:
        return doc
    done = pipeline.judge(dump.normalize(doc)).to_json()
    notes.append(f"{which} dump carried no {' or '.join(missing)} results: computed now with the current code")
    return {**doc, **{k: done[k] for k in missing}}


# Diff --------------------------------------------------------------------------------------------


def _ref(res: dict[str, Any]) -> ResourceRef:
    rule = REPLACE_KEYS.get(res["type"])
    return ResourceRef(res["urn"], res["type"], res["name"], bool(res.get("protect")), bool(rule and rule.stateful))


def _change(base: dict[str, Any], head: dict[str, Any]) -> ResourceChange | None:
    b_in, h_in = base.get("inputs") or {}, head.get("inputs") or {}
    keys = tuple(sorted(k for k in set(b_in) | set(h_in) if b_in.get(k) != h_in.get(k)))
    options = tuple(k for k in OPTION_KEYS if base.get(k) != head.get(k))
    if not keys and not options:
        return None
    rule = REPLACE_KEYS.get(head["type"])
    triggers = {k.key for k in rule.keys} if rule else set()
    maybe = tuple(k for k in keys if k in triggers and h_in.get(k) == UNKNOWN)
    replace = tuple(k for k in keys if k in triggers and k not in maybe)
    protected = bool(base.get("protect") or head.get("protect"))
    return ResourceChange(head["urn"], head["type"], head["name"], keys, options, replace, maybe, protected,
                          bool(rule and rule.stateful))  # fmt: skip


def _cost_key(item: dict[str, Any]) -> tuple[str, str, str]:
    # Not the component: the cost model labels an aggregated item (all alarms, all keys) with the component of
    # its first resource, which moves when a resource is added elsewhere; the item text names what it prices.
    return (item["category"], item["resource_type"], item["item"])


def _cost_lines(base: dict[str, Any], head: dict[str, Any]) -> list[CostLine]:
    totals: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    components: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for side, report in enumerate((base, head)):
        for item in report["items"]:
            totals[_cost_key(item)][side] += item["monthlyUsd"]
            components[_cost_key(item)].add(item["component"])
    lines = [
        CostLine(cat, rtype, ", ".join(sorted(components[(cat, rtype, item)])), item, round(b, 2), round(h, 2))
        for (cat, rtype, item), (b, h) in totals.items()
    ]
    return sorted((x for x in lines if abs(x.delta) >= 0.005), key=lambda x: (-abs(x.delta), _line_key(x)))


def _line_key(x: CostLine) -> tuple[str, str, str, str]:
    return (x.category, x.resource_type, x.item, x.component)


def _vkey(v: dict[str, Any]) -> tuple[str, str]:
    return (v["rule"], v["urn"])


def compare(base: dict[str, Any] | None, head: dict[str, Any], base_error: str | None = None) -> Comparison:
    notes: list[str] = []
    if base is not None and (base.get("project", "budgetbuddy"), base["stack"]) != (head["project"], head["stack"]):
        raise CompareError(
            f"BASE is a preview of {base.get('project', 'budgetbuddy')}/{base['stack']} but HEAD of "
            f"{head['project']}/{head['stack']}: compare two previews of one stack"
        )
    head = _complete(head, "HEAD", notes)
    result = Comparison(head["project"], head["stack"], head=head, base=None, base_error=base_error, notes=notes)
    if base is None:
        return result
    base = _complete(base, "BASE", notes)
    result.base = base
    b_res, h_res = {r["urn"]: r for r in base["resources"]}, {r["urn"]: r for r in head["resources"]}
    result.added = [_ref(h_res[u]) for u in sorted(set(h_res) - set(b_res))]
    result.removed = [_ref(b_res[u]) for u in sorted(set(b_res) - set(h_res))]
    result.changed = [c for u in sorted(set(b_res) & set(h_res)) if (c := _change(b_res[u], h_res[u])) is not None]
    result.cost_lines = _cost_lines(base["cost"], head["cost"])
    b_v = {_vkey(v): v for v in base["policy"]["violations"]}
    h_v = {_vkey(v): v for v in head["policy"]["violations"]}
    result.new_violations = sorted((v for k, v in h_v.items() if k not in b_v), key=violation_order)
    result.cleared_violations = sorted((v for k, v in b_v.items() if k not in h_v), key=violation_order)
    return result


def _with_usage(doc: dict[str, Any], assumptions: list[dict[str, Any]]) -> dict[str, Any]:
    """``doc`` with its cost estimated again under the given usage overrides (over its stack's own)."""
    usage = cost.for_stack(doc["stack"], *assumptions)
    return {**doc, "cost": cost.to_json(cost.estimate(doc["resources"], doc["stack"], usage))}


def run(base_spec: str, head_spec: str, overrides: list[str] | None = None, assumptions: Any = None) -> Comparison:
    """Load both sides (BASE first: a malformed base fails in a second, before HEAD's program runs).

    ``assumptions`` (usage overrides from --assume/--assumptions) price BOTH sides again, so the cost delta is
    what the code changed, never the assumption; a dump's stored cost is replaced, and the comparison says so.
    """
    base, base_error = load_base(base_spec)
    head = load_head(head_spec, list(overrides or []), assumptions)
    if not any(assumptions or []):
        return compare(base, head, base_error)
    result = compare(None if base is None else _with_usage(base, assumptions), _with_usage(head, assumptions),
                     base_error)  # fmt: skip
    result.notes.append("usage assumptions from --assume/--assumptions: both sides priced again with them")
    return result
