"""Terminal views of a recording: resource tree, counts by type, stack outputs (rich)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from preview.recorder import SECRET_SIG


def _show(value: Any) -> str:
    if isinstance(value, dict) and SECRET_SIG in value:
        return "\\[secret]"
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


def resource_tree(doc: dict[str, Any]) -> Tree:
    root = Tree(f"[bold]{doc['project']}[/] / [bold cyan]{doc['stack']}[/] (offline preview, mocks: nothing deployed)")
    nodes: dict[str, Tree] = {}
    for res in doc["resources"]:
        parent = nodes.get(res["parent"], root)
        flags = " [red]protected[/]" if res.get("protect") else ""
        label = f"{res['type']} [green]{res['name']}[/]{flags}"
        nodes[res["urn"]] = parent.add(label)
    return root


def type_counts(doc: dict[str, Any]) -> Table:
    table = Table(title="Resources by type")
    table.add_column("type")
    table.add_column("count", justify="right")
    counts = Counter(r["type"] for r in doc["resources"])
    for type_, n in sorted(counts.items()):
        table.add_row(type_, str(n))
    table.add_row("[bold]total[/]", f"[bold]{sum(counts.values())}[/]")
    return table


def outputs_table(doc: dict[str, Any]) -> Table:
    table = Table(title="Stack outputs")
    table.add_column("output")
    table.add_column("value", overflow="fold")
    for key, value in sorted(doc["outputs"].items()):
        table.add_row(key, _show(value))
    return table


def print_recording(doc: dict[str, Any], console: Console, tree: bool = True) -> None:
    if tree:
        console.print(resource_tree(doc))
    console.print(type_counts(doc))
    console.print(outputs_table(doc))
