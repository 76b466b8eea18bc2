"""Imports inside ``mrp/`` go one way: no module imports one that (directly or not) imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import mrp

PACKAGE = Path(mrp.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    """The ``mrp`` modules a file imports, anywhere in it (function bodies too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mrp"):
            found.add(node.module)
            if node.module == "mrp":
                found.update(f"mrp.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("mrp."))
    return found


def test_mrp_modules_import_each_other_without_cycles():
    modules = {f"mrp.{p.stem}" if p.stem != "__init__" else "mrp": p for p in PACKAGE.glob("*.py")}
    graph = {name: _imports(path) & modules.keys() - {name} for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2:
            return
        assert state.get(name) != 1, "import cycle: " + " -> ".join(trail + [name])
        state[name] = 1
        for child in sorted(graph[name]):
            visit(child, trail + [name])
        state[name] = 2

    for name in sorted(graph):
        visit(name, [])


def test_the_tables_do_not_import_the_engine():
    assert "mrp.engine" not in _imports(PACKAGE / "tables.py")
