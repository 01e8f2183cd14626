"""Terminal views of a recording (``--tree``): resource tree, counts by type, stack outputs (rich).

Types are shown as the Pulumi CLI shows them (``aws:s3:Bucket``), so a tree line fits 80 columns
without breaking a type name; children are sorted by name, so two runs print the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from preview.report.summary import short_type
from preview.wire import is_special


def _show(value: Any) -> str:
    if is_special(value):
        return "\\[secret]"
    if isinstance(value, (dict, list)):
        return escape(json.dumps(value, default=str, sort_keys=True))
    return escape(str(value))


def resource_tree(doc: dict[str, Any]) -> Tree:
    root = Tree(f"[bold]{escape(doc['project'])}[/] / [bold cyan]{escape(doc['stack'])}[/] (offline preview, mocks)")
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    urns = {r["urn"] for r in doc["resources"]}
    for res in doc["resources"]:
        children[res.get("parent", "") if res.get("parent", "") in urns else ""].append(res)
    pending: list[tuple[Tree, str]] = [(root, "")]
    placed: set[str] = set()
    while pending:  # each node's children are added at once, in sorted order
        node, urn = pending.pop()
        kids = sorted(children.get(urn, []), key=lambda r: (r["name"], r["type"], r["urn"]))
        for res in kids:
            if res["urn"] in placed:
                continue  # a parent cycle in a hand-edited dump
            placed.add(res["urn"])
            flags = " [red]protected[/]" if res.get("protect") else ""
            label = f"[green]{escape(res['name'])}[/] {escape(short_type(res['type']))}{flags}"
            pending.append((node.add(label), res["urn"]))
    return root


def type_counts(doc: dict[str, Any]) -> Table:
    table = Table(title="Resources by type")
    table.add_column("type")
    table.add_column("count", justify="right")
    counts = Counter(short_type(r["type"]) for r in doc["resources"])
    for type_, n in sorted(counts.items()):
        table.add_row(escape(type_), str(n))
    table.add_row("[bold]total[/]", f"[bold]{sum(counts.values())}[/]")
    return table


def outputs_table(doc: dict[str, Any]) -> Table:
    table = Table(title="Stack outputs")
    table.add_column("output", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in sorted(doc.get("outputs", {}).items()):
        table.add_row(escape(key), _show(value))
    return table


def print_recording(doc: dict[str, Any], console: Console) -> None:
    console.print(resource_tree(doc))
    console.print(type_counts(doc))
    console.print(outputs_table(doc))
