"""Views of a Comparison (``python -m preview --compare``): text for a log, Markdown for a pull request, JSON."""

from __future__ import annotations

from typing import Any

from preview.compare import FORMAT_VERSION, IN_PLACE, MANUAL, ROLLED_OUT, Comparison, ResourceChange, ResourceRef
from preview.report.cost import usd
from preview.report.summary import short_type, violation_lines, violation_order, wrap

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


def _counts(h: dict[str, Any]) -> str:
    """ "N replaced", plus rolled-out revisions and manual steps when there are any."""
    extra = [f"{h['rolledOut']} rolled out"] if h["rolledOut"] else []
    extra += [f"{h['manual']} manual step{'s' if h['manual'] != 1 else ''}"] if h["manual"] else []
    return ", ".join([f"{h['replaced']} replaced", *extra])


def on_merge(ch: ResourceChange) -> str:
    """What merging does with one change, with the facts a reviewer needs about a replacement."""
    if ch.outcome == IN_PLACE:
        return IN_PLACE
    if ch.outcome in (ROLLED_OUT, MANUAL):
        return ch.outcome.upper() if ch.outcome == MANUAL else ch.outcome
    state = "stateful" if ch.stateful else "not stateful"
    guard = "protected: `pulumi up` refuses it" if ch.protected else "not protected"
    return f"REPLACED ({state}, {guard})"


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
        "rolledOut": sum(1 for x in c.changed if x.outcome == ROLLED_OUT),
        "manual": sum(1 for x in c.changed if x.outcome == MANUAL),
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
        out += wrap(f"Resources: {len(c.added)} added, {len(c.changed)} changed ({_counts(h)}), "
                     f"{len(c.removed)} removed", width)  # fmt: skip
        out += [x for r in c.added for x in wrap(f"+ {r.name} ({short_type(r.type)}){_flags(r)}", width, "  ")]
        out += [x for r in c.removed for x in wrap(f"- {r.name} ({short_type(r.type)}){_flags(r)}", width, "  ")]
        for ch in c.changed:
            what = ", ".join([*ch.keys, *(f"option {o}" for o in ch.options)])
            out += wrap(f"~ {ch.name} ({short_type(ch.type)}){_flags(ch)}: {what}", width, "  ", "      ")
            out += wrap(f"on merge: {on_merge(ch)}", width, "      ", "        ")
            label = "REPLACES" if ch.replaces else "why"
            out += [x for why in ch.why() for x in wrap(f"{label}: {why}", width, "      ", "        ")]
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
    # Exempted rules are shown as EXEMPT with their justification and expiry, never counted as passing.
    exempt = c.head_policy.get("exemptions") or []
    if exempt:
        lines += ["| | Rule | Resource | Until | Justification |", "|---|---|---|---|---|"]
        for e in exempt:
            status = "**EXPIRED**" if e.get("expired") else "EXEMPT"
            lines.append(f"| {status} | `{e['rule']}` | `{e['resource_name']}` | {e.get('expires') or 'no expiry'} | "
                         f"{_cell(e.get('justification') or '')} |")  # fmt: skip
        lines.append("")
    if c.cleared_violations:
        cleared = ", ".join(f"`{v['rule']}` on {_cell(_where(v))}" for v in c.cleared_violations)
        lines += [f"Cleared since base: {cleared}.", ""]
    if c.base is None:
        lines += [f"**Resources:** {len(c.head['resources'])} (no base to compare).", ""]
        lines += [f"**Monthly cost:** {usd(h['headTotal'])} ({usd(h['headTotalMax'])} at max capacity); "
                  "no base to compare.", ""]  # fmt: skip
        return "\n".join(lines)
    lines += [f"**Resources:** {len(c.added)} added, {len(c.changed)} changed ({_counts(h)}), "
              f"{len(c.removed)} removed.", ""]  # fmt: skip
    rows = [("added", r.name, r.type, "", _flags(r), "created") for r in c.added]
    rows += [("removed", r.name, r.type, "", _flags(r), "deleted" + (" (protected: refused)" if r.protected else ""))
             for r in c.removed]  # fmt: skip
    for ch in c.changed:
        keys = [f"`{k}` (**replaces**)" if k in ch.replace else f"`{k}`" for k in ch.keys]
        keys += [f"option `{o}`" for o in ch.options]
        action = "**replaced**" if ch.replaces else "**manual**" if ch.outcome == MANUAL else "changed"
        rows.append((action, ch.name, ch.type, ", ".join(keys), _flags(ch), _cell(on_merge(ch))))
    if rows:
        table = ["| | Resource | Type | Changed inputs | On merge |", "|---|---|---|---|---|"]
        table += [f"| {a} | `{n}`{f} | `{short_type(t)}` | {k} | {m} |" for a, n, t, k, f, m in rows]
        if len(rows) > 10:
            table = ["<details><summary>Resources added, changed and removed</summary>", "", *table, "", "</details>"]
        lines += [*table, ""]
        verbs = {MANUAL: "needs a manual step", ROLLED_OUT: "is rolled out"}
        lines += [f"- `{ch.name}` {verbs.get(ch.outcome, 'is replaced')}: {_cell(w)}" for ch in c.changed
                  for w in ch.why()]  # fmt: skip
        lines += [""] if any(ch.why() for ch in c.changed) else []
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
                 "replaces": x.replaces, "onMerge": x.outcome}
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
