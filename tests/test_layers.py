"""Dependencies point one way (DESIGN.md, "Layers"): each subpackage of geo/ imports only the geo packages of
lower layers and itself, never upward, not even inside a function; and no module is part of an import cycle.
Checked on the syntax tree of every module."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
GEO = ROOT / "geo"

# Lowest first. A package may import geo (its folder constants and geo.config, the settings), itself and every
# package before it.
LAYERS = ["text", "reference", "units", "store", "intake", "access", "analysis", "carto", "outputs",
          "bench", "cli", "api"]
RANK = {name: i for i, name in enumerate(LAYERS)}


def _module_name(path: pathlib.Path, root: pathlib.Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def geo_imports(path: pathlib.Path) -> list[tuple[int, str]]:
    """(line, imported geo module) for every import in the file, those inside functions included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "geo"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                node.module.split(".")[0] == "geo":
            if node.module == "geo":  # from geo import text  → the package geo.text
                found += [(node.lineno, f"geo.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "geo":
        return None
    return parts[1] if parts[1] in RANK else None


def violations(path: pathlib.Path, root: pathlib.Path = ROOT) -> list[str]:
    own = layer_of(_module_name(path, root))
    out = []
    for line, mod in geo_imports(path):
        target = layer_of(mod)
        if target is None:
            if len(mod.split(".")) > 1 and mod.split(".")[1] not in {"PACKAGE_DIR", "PROJECT_DIR", "DATA_DIR", "config"}:
                out.append(f"{path.relative_to(root)}:{line} imports {mod}, which is in no layer")
            continue
        if own is None:
            if path.parent == root / "geo":  # geo/__init__.py, geo/__main__.py: only the command line
                if target != "cli":
                    out.append(f"{path.relative_to(root)}:{line} imports {mod}")
            continue
        if RANK[target] > RANK[own]:
            out.append(f"{path.relative_to(root)}:{line}: {own} imports {mod} ({target} is a higher layer)")
    return out


MODULES = sorted(GEO.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GEO)))
def test_imports_point_down(path):
    assert violations(path) == []


def test_every_geo_module_is_in_a_layer():
    loose = [str(p.relative_to(GEO)) for p in MODULES if p.parent == GEO and p.name not in {"__init__.py", "__main__.py", "config.py"}]
    assert loose == []


def _graph() -> dict[str, set[str]]:
    names = {_module_name(p): p for p in MODULES}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        deps = set()
        for _, mod in geo_imports(path):
            while mod and mod not in names:
                mod = mod.rpartition(".")[0]
            if mod and mod != name and mod != "geo":
                deps.add(mod)
        graph[name] = deps
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None (depth-first search, imports inside functions count)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle():
    assert find_cycle(_graph()) is None


@pytest.mark.parametrize("source, own, expected", [
    ("from geo.analysis.table import ranking\n", "geo/units/x.py", 1),      # upward at top level
    ("def f():\n    from geo.carto import maps\n", "geo/text/x.py", 1),    # upward inside a function
    ("import geo.outputs.charts\n", "geo/store/x.py", 1),                   # plain import
    ("from geo import access\n", "geo/intake/x.py", 1),                     # package through geo
    ("from geo.text.names import fold\n", "geo/analysis/x.py", 0),          # downward is fine
    ("from geo import DATA_DIR\n", "geo/text/x.py", 0),                     # the root's constants
    ("from geo.units import index\n", "geo/units/x.py", 0),                 # own layer
])
def test_the_layer_check_catches_upward_imports(tmp_path, source, own, expected):
    path = tmp_path / own
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert len(violations(path, tmp_path)) == expected


@pytest.mark.parametrize("graph, cyclic", [
    ({"a": {"b"}, "b": {"a"}}, True),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, True),
    ({"a": {"b"}, "b": {"c"}, "c": set()}, False),
    ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, False),
])
def test_the_cycle_check(graph, cyclic):
    assert (find_cycle(graph) is not None) == cyclic


def test_readme_layout_names_every_module():
    """README's Layout section matches the tree: every module of geo/ is named there."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## Layout"):readme.index("## Data sources")]
    missing = [str(p.relative_to(GEO)) for p in MODULES
               if p.name not in ("__init__.py", "__main__.py") and "migrations" not in p.parts
               and not re.search(rf"\b{p.stem}\b", block)]
    assert missing == []
