"""Pages never read or write another page's widget keys (issue 15): what pages share beyond the sidebar goes through
pages.common.shared_view(). A page owns the session keys with its prefix (``map_``, ``present_``…, DESIGN.md)
and the widget keys it declares (``key="…"``); reading one another page owns fails here. Checked on the syntax
tree of every page."""

from __future__ import annotations

import ast
import pathlib

import pytest

PAGES = pathlib.Path(__file__).resolve().parents[2] / "pages"
SHARED = {"common.py", "__init__.py"}
PAGE_FILES = sorted(p for p in PAGES.glob("*.py") if p.name not in SHARED)


def prefix(path: pathlib.Path) -> str:
    """map.py → 'map_'; export_widgets.py → 'export_'."""
    return path.stem.split("_")[0] + "_"


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a string (K = "present_")."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return out


def _key(node, consts: dict[str, str]) -> str | None:
    """The key a expression spells, when it is a literal, a constant, or a constant plus a literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _key(node.left, consts), _key(node.right, consts)
        return left + right if left is not None and right is not None else None
    return None


def _is_session_state(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session_state"


def keys_of(source: str) -> tuple[set[str], set[str], set[str]]:
    """(widget keys the source declares, session keys it reads, session keys it assigns)."""
    tree = ast.parse(source)
    consts = _constants(tree)
    declared, read, written = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "key" and (k := _key(kw.value, consts)):
                    declared.add(k)
            f = node.func  # st.session_state.get("x") / .pop("x") / .setdefault("x")
            if isinstance(f, ast.Attribute) and f.attr in ("get", "pop", "setdefault") and \
                    _is_session_state(f.value) and node.args and (k := _key(node.args[0], consts)):
                read.add(k)
        elif isinstance(node, ast.Subscript) and _is_session_state(node.value):
            if k := _key(node.slice, consts):
                (read if isinstance(node.ctx, ast.Load) else written).add(k)
        elif isinstance(node, ast.Compare) and any(isinstance(o, (ast.In, ast.NotIn)) for o in node.ops) and \
                any(_is_session_state(c) for c in node.comparators) and (k := _key(node.left, consts)):
            read.add(k)
    return declared, read, written


def foreign_reads(pages: dict[str, str]) -> list[str]:
    """'page reads/writes key (owned by other)' for every use of a key another page owns. ``pages``: name →
    source."""
    owned = {}
    for name, source in pages.items():
        owned[name] = keys_of(source)[0]
    out = []
    for name, source in pages.items():
        _, read, written = keys_of(source)
        for verb, key in sorted([("reads", k) for k in read] + [("writes", k) for k in written], key=lambda x: x[1]):
            for other, declared in owned.items():
                if other == name or key in owned[name] or key.startswith(prefix(pathlib.Path(name))):
                    continue
                if key in declared or key.startswith(prefix(pathlib.Path(other))):
                    out.append(f"{name} {verb} {key!r} (owned by {other})")
    return out


def test_no_page_reads_another_pages_widget_keys():
    assert foreign_reads({p.name: p.read_text(encoding="utf-8") for p in PAGE_FILES}) == []


@pytest.mark.parametrize("reader, found", [
    ('x = st.session_state.get("map_method", "quantiles")', ["charts.py reads 'map_method' (owned by map.py)"]),
    ('x = st.session_state["map_k"]', ["charts.py reads 'map_k' (owned by map.py)"]),
    ('if "map_scheme" in st.session_state: pass', ["charts.py reads 'map_scheme' (owned by map.py)"]),
    ('x = st.session_state.get("picked")', ["charts.py reads 'picked' (owned by map.py)"]),  # a declared widget key
    ('K = "map_"\nx = st.session_state[K + "k"]', ["charts.py reads 'map_k' (owned by map.py)"]),
    ('x = st.session_state.get("charts_indicator")', []),  # its own
    ('x = st.session_state.get("lang")', []),  # the shared sidebar's (pages/common.py)
    ('x = shared_view().method', []),
    ('st.session_state["map_k"] = 5', ["charts.py writes 'map_k' (owned by map.py)"]),  # a write, too
    ('st.session_state["charts_k"] = 5', []),
])
def test_the_check_finds_a_foreign_read(reader, found):
    pages = {"map.py": 'st.selectbox("m", [1], key="map_method")\nst.selectbox("p", [1], key="picked")',
             "charts.py": reader}
    assert foreign_reads(pages) == found


def test_the_charts_take_the_maps_indicator_and_classes_through_the_shared_view(app_env):
    """What the reader chose on the map reaches the charts page (and its link) without the charts page reading
    the map's widgets; and the profile's commune reaches the presentation the same way."""
    from tests.pages.apptest import run_page

    at = run_page("map.py")
    at.selectbox(key="map_indicator").set_value("tips_received").run()
    at.selectbox(key="map_method").set_value("equal_interval").run()
    at.slider(key="map_k").set_value(3).run()
    at.selectbox(key="map_scheme").set_value("Greens").run()
    at.switch_page("pages/charts.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="charts_indicator").value == "tips_received"
    assert {k: at.query_params[k] for k in ("indicator", "method", "k", "scheme")} == \
        {"indicator": "tips_received", "method": "equal_interval", "k": "3", "scheme": "Greens"}
    at.switch_page("pages/profile.py")
    at.run()
    at.selectbox(key="profile_unit").set_value("03384").run()
    at.switch_page("pages/present.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["present_unit"] == "03384"
