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

from pulumi.runtime.rpc import UNKNOWN

from preview import dump
from preview.summary import short_type, usd, violation_lines, violation_order, wrap

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
    from preview.stackfiles import available_stacks

    if spec not in available_stacks(dump.ROOT):
        stacks = ", ".join(available_stacks(dump.ROOT)) or "none"
        raise CompareError(f"HEAD {spec!r}: neither a dump file nor a stack (stacks: {stacks})")
    return dump.build(spec, overrides, assumptions=assumptions)


def _complete(doc: dict[str, Any], which: str, notes: list[str]) -> dict[str, Any]:
    """A dump without cost or policy results (version 0, or --no-policy) gets them computed now."""
    missing = [k for k in ("cost", "policy") if doc.get(k) is None]
    if not missing:
        return doc
    done = dump.judge(dump.normalize(doc)).to_json()
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
    from preview import cost

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


# Output ------------------------------------------------------------------------------------------


def _signed(v: float) -> str:
    return f"+{usd(v)}" if v >= 0.005 else usd(v) if v <= -0.005 else usd(0)


def _where(v: dict[str, Any]) -> str:
    return f"{v['resource_name']} ({short_type(v['resource_type'])})" if v.get("resource_name") else "the stack"


def _flags(ref: ResourceRef | ResourceChange) -> str:
    out = []
    if ref.stateful:
        out.append("stateful")
    if ref.protected:
        out.append("protected")
    return f" [{', '.join(out)}]" if out else ""


def headline(c: Comparison) -> dict[str, Any]:
    """The numbers every view shows."""
    hc = c.head["cost"]
    out: dict[str, Any] = {
        "verdict": "FAIL" if c.failed else "PASS",
        "mandatory": c.head_policy["mandatoryViolations"],
        "advisory": len(c.head_policy["violations"]) - c.head_policy["mandatoryViolations"],
        "headTotal": hc["total"],
        "headTotalMax": hc["totalAtMaxCapacity"],
        "replaced": sum(1 for x in c.changed if x.replaces),
    }
    if c.base is not None:
        bc = c.base["cost"]
        out.update(baseTotal=bc["total"], baseTotalMax=bc["totalAtMaxCapacity"])
        out.update(
            delta=round(hc["total"] - bc["total"], 2),
            deltaMax=round(hc["totalAtMaxCapacity"] - bc["totalAtMaxCapacity"], 2),
        )
    return out


def to_text(c: Comparison, width: int = 80) -> list[str]:
    """Plain lines, each at most ``width`` (80) columns, wrapped at spaces only."""
    width = min(width, 80)
    h = headline(c)
    out = wrap(f"{c.project}/{c.stack}: base -> head (offline previews, Pulumi mocks)", width)
    if c.base is None:
        out += wrap(f"base could not be previewed: {c.base_error}; the head is judged on its own", width)
    for note in c.notes:
        out += wrap(f"note: {note}", width)
    if c.base is None:
        out += wrap(f"Resources: {len(c.head['resources'])} in the head (no base to compare)", width)
        out += wrap(f"Cost: {usd(h['headTotal'])}/month, {usd(h['headTotalMax'])} at max capacity (no base)", width)
    else:
        out += wrap(f"Resources: {len(c.added)} added, {len(c.changed)} changed ({h['replaced']} replaced), "
                     f"{len(c.removed)} removed", width)  # fmt: skip
        out += [x for r in c.added for x in wrap(f"+ {r.name} ({short_type(r.type)}){_flags(r)}", width, "  ")]
        out += [x for r in c.removed for x in wrap(f"- {r.name} ({short_type(r.type)}){_flags(r)}", width, "  ")]
        for ch in c.changed:
            what = ", ".join([*ch.keys, *(f"option {o}" for o in ch.options)])
            out += wrap(f"~ {ch.name} ({short_type(ch.type)}){_flags(ch)}: {what}", width, "  ", "      ")
            out += [x for why in ch.why() for x in wrap(f"REPLACES: {why}", width, "      ", "        ")]
            out += [
                x
                for k in ch.maybe_replace
                for x in wrap(f"may replace: {k} is unknown during preview", width, "      ")
            ]
        out += wrap(
            f"Cost: {usd(h['baseTotal'])} -> {usd(h['headTotal'])}/month ({_signed(h['delta'])}); at max capacity "
            f"{usd(h['baseTotalMax'])} -> {usd(h['headTotalMax'])} ({_signed(h['deltaMax'])})", width
        )  # fmt: skip
        for line in c.cost_lines:
            out += wrap(f"{_signed(line.delta):>10}  {line.item} ({short_type(line.resource_type)}, "
                         f"{line.component})", width, "  ", " " * 14)  # fmt: skip
    out += wrap(
        f"Policy (head): {h['verdict']}, {h['mandatory']} mandatory and {h['advisory']} advisory violations"
        + ("" if c.base is None else f"; {len(c.new_violations)} new, {len(c.cleared_violations)} cleared"),
        width,
    )
    for v in sorted(c.head_policy["violations"], key=violation_order):
        lines = [t.plain for t in violation_lines(v, width - 4 if c.is_new(v) else width, "  ")]
        if c.is_new(v):
            lines[0] = "  NEW " + lines[0].lstrip()
        out += lines
    out += [x for v in c.cleared_violations for x in wrap(f"cleared: {v['rule']} on {_where(v)}", width, "  ")]
    return out


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(c: Comparison) -> str:
    """The pull-request comment section of one stack."""
    h = headline(c)
    icon = ":x:" if c.failed else ":white_check_mark:"
    lines = [f"### {icon} `{c.stack}`: {h['verdict']}", ""]
    if c.base is None:
        lines += [f"> **Base could not be previewed:** {_cell(c.base_error or '')}. The head is judged on its own.", ""]
    lines += [f"- note: {_cell(n)}" for n in c.notes] + ([""] if c.notes else [])
    new = "" if c.base is None else f" ({len(c.new_violations)} new, {len(c.cleared_violations)} cleared)"
    lines += [f"**Policy:** {h['mandatory']} mandatory and {h['advisory']} advisory violations{new}.", ""]
    violations = sorted(c.head_policy["violations"], key=violation_order)
    if violations:
        lines += ["| | Rule | Level | Resource | Remediation |", "|---|---|---|---|---|"]
        for v in violations:
            mark = "**new**" if c.is_new(v) else ""
            level = f"{v['enforcement']}, {v['severity']}" + (", unknown input" if v.get("unknown") else "")
            where = (
                f"`{v['resource_name']}` (`{short_type(v['resource_type'])}`)" if v.get("resource_name") else "stack"
            )
            lines.append(f"| {mark} | `{v['rule']}` | {level} | {where} | {_cell(v.get('remediation') or '')} |")
        lines.append("")
    if c.cleared_violations:
        cleared = ", ".join(f"`{v['rule']}` on {_cell(_where(v))}" for v in c.cleared_violations)
        lines += [f"Cleared since base: {cleared}.", ""]
    if c.base is None:
        lines += [f"**Resources:** {len(c.head['resources'])} (no base to compare).", ""]
        lines += [f"**Monthly cost:** {usd(h['headTotal'])} ({usd(h['headTotalMax'])} at max capacity); "
                  "no base to compare.", ""]  # fmt: skip
        return "\n".join(lines)
    lines += [f"**Resources:** {len(c.added)} added, {len(c.changed)} changed ({h['replaced']} replaced), "
              f"{len(c.removed)} removed.", ""]  # fmt: skip
    rows = [("added", r.name, r.type, "", _flags(r)) for r in c.added]
    rows += [("removed", r.name, r.type, "", _flags(r)) for r in c.removed]
    for ch in c.changed:
        keys = [f"`{k}` (**replaces**)" if k in ch.replace else f"`{k}`" for k in ch.keys]
        keys += [f"option `{o}`" for o in ch.options]
        rows.append(("**replaced**" if ch.replaces else "changed", ch.name, ch.type, ", ".join(keys), _flags(ch)))
    if rows:
        table = ["| | Resource | Type | Changed inputs |", "|---|---|---|---|"]
        table += [f"| {a} | `{n}`{f} | `{short_type(t)}` | {k} |" for a, n, t, k, f in rows]
        if len(rows) > 10:
            table = ["<details><summary>Resources added, changed and removed</summary>", "", *table, "", "</details>"]
        lines += [*table, ""]
        lines += [f"- `{ch.name}` is replaced: {_cell(w)}" for ch in c.changed for w in ch.why()]
        lines += [""] if any(ch.replaces for ch in c.changed) else []
    lines += [
        f"**Monthly cost:** {usd(h['baseTotal'])} → {usd(h['headTotal'])} (**{_signed(h['delta'])}**); "
        f"at max capacity {usd(h['baseTotalMax'])} → {usd(h['headTotalMax'])} ({_signed(h['deltaMax'])}).",
        "",
    ]
    if c.cost_lines:
        lines += ["| Item | Type | Component | Base | Head | Delta |", "|---|---|---|--:|--:|--:|"]
        lines += [
            f"| {_cell(x.item)} | `{short_type(x.resource_type)}` | {_cell(x.component)} | {usd(x.base)} | "
            f"{usd(x.head)} | {_signed(x.delta)} |"
            for x in c.cost_lines
        ]
        lines.append("")
    return "\n".join(lines)


def to_json(c: Comparison) -> dict[str, Any]:
    def ref(r: ResourceRef) -> dict[str, Any]:
        return {"urn": r.urn, "type": r.type, "name": r.name, "protected": r.protected, "stateful": r.stateful}

    h = headline(c)
    return {
        "formatVersion": FORMAT_VERSION,
        "project": c.project,
        "stack": c.stack,
        "base": {"status": "missing", "error": c.base_error} if c.base is None else {"status": "ok", "error": None},
        "verdict": h["verdict"],
        "exitCode": c.exit_code,
        "notes": list(c.notes),
        "resources": None if c.base is None else {
            "added": [ref(r) for r in c.added],
            "removed": [ref(r) for r in c.removed],
            "changed": [
                {**ref(ResourceRef(x.urn, x.type, x.name, x.protected, x.stateful)), "keys": list(x.keys),
                 "options": list(x.options), "replaceKeys": list(x.replace), "maybeReplaceKeys": list(x.maybe_replace),
                 "replaces": x.replaces}
                for x in c.changed
            ],
        },
        "cost": {
            "base": h.get("baseTotal"), "head": h["headTotal"], "delta": h.get("delta"),
            "baseAtMaxCapacity": h.get("baseTotalMax"), "headAtMaxCapacity": h["headTotalMax"],
            "deltaAtMaxCapacity": h.get("deltaMax"),
            "items": [{"category": x.category, "resourceType": x.resource_type, "component": x.component,
                       "item": x.item, "base": x.base, "head": x.head, "delta": round(x.delta, 2)}
                      for x in c.cost_lines],
        },
        "policy": {
            "mandatoryViolations": h["mandatory"],
            "violations": [{**v, "new": c.is_new(v)} for v in sorted(c.head_policy["violations"], key=violation_order)],
            "new": None if c.base is None else c.new_violations,
            "cleared": None if c.base is None else c.cleared_violations,
        },
    }  # fmt: skip
