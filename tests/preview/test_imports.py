"""preview/ has one direction of imports (docs/preview.md): cli -> pipeline -> (recorder, cost, policy) and report;
no module imports one that imports it back, at the top or inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "preview"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every preview module ``path`` imports (``from preview.x import y``: y when it is a module, else x)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & modules
            out |= submodules
            if node.module in modules and len(submodules) < len(node.names):  # a name defined by the module
                out.add(node.module)
    return out


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    # Written imports only: that importing a.b.c runs a/__init__ first is not counted, so a package's
    # __init__ may gather its own modules (preview.cost), while a module importing its package is a cycle.
    return {name: imports_of(path, set(files)) - {name} for name, path in files.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_no_module_of_preview_imports_one_that_imports_it_back() -> None:
    edges = graph()
    assert {"preview.cli", "preview.pipeline", "preview.dump", "preview.report.summary"} <= set(edges)
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_dump_schema_and_the_wire_format_import_no_other_preview_module() -> None:
    edges = graph()
    assert edges["preview.dump"] <= {"preview"}
    assert edges["preview.wire"] <= {"preview"}
