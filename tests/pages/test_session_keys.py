"""Pages never read or write another page's session keys (issue 15), and the shared package never touches a
page's keys (issue 23): what pages share beyond the sidebar goes through pages.shared.state.shared_view(), and
a link reaches a page's widgets only through the keys that page declares itself (pages.shared.links.take_link).

Every file of the app side is checked, none exempt: app.py, pages/*.py and pages/shared/*.py. An owner is a
page file, app.py, or the shared package as a whole. It owns the keys with its prefix (``map_``, ``present_``…,
DESIGN.md) and the widget keys it declares (``key="…"``). The shared package's keys (language, set, period,
area, sign-in, the view) are for everyone; a page's keys are its own.
Checked on the syntax tree: a read, a write, or any mention of another owner's key outside a tr()/t() call
(a tuple of keys to loop over is a write in disguise)."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = ROOT / "pages"
SHARED = "pages/shared"
FILES = [ROOT / "app.py"] + sorted(PAGES.glob("*.py")) + sorted((PAGES / "shared").glob("*.py"))


def owner(rel: str) -> str:
    """'pages/map.py' → 'map.py'; every module of pages/shared → 'pages/shared'."""
    return SHARED if rel.startswith(SHARED + "/") else pathlib.Path(rel).name


def prefix(name: str) -> str | None:
    """map.py → 'map_'; admin.py → 'admin_'; the shared package has no prefix of its own."""
    return None if name == SHARED else pathlib.Path(name).stem.split("_")[0] + "_"


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


def _texts(tree: ast.Module, consts: dict[str, str]) -> set[str]:
    """Every string the code spells (literal or constant plus literal), docstrings and tr()/t() keys aside."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body and \
                isinstance(node.body[0], ast.Expr):
            skip.add(id(node.body[0].value))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("tr", "t") and node.args:
            skip.add(id(node.args[0]))
    out = set()
    for node in ast.walk(tree):  # outer expressions first: the parts of a key spelled K + "slide" are no keys
        if id(node) not in skip and isinstance(node, (ast.Constant, ast.BinOp)) and (k := _key(node, consts)):
            out.add(k)
            skip.update(id(part) for part in ast.walk(node))
    return out


def keys_of(source: str) -> tuple[set[str], set[str], set[str], set[str]]:
    """(widget keys the source declares, session keys it reads, session keys it assigns, strings it spells)."""
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
    return declared, read, written, _texts(tree, consts)


def foreign_reads(files: dict[str, str]) -> list[str]:
    """'file reads/writes/mentions key (owned by other)' for every use of a key a page owns in a file that is
    not that page's. ``files``: path relative to the project (or a bare page name) → source."""
    keys = {name: keys_of(source) for name, source in files.items()}
    owned: dict[str, set[str]] = {}
    for name, (declared, read, written, _) in keys.items():
        mine = prefix(owner(name))
        owned.setdefault(owner(name), set()).update(
            declared | {k for k in read | written if mine and k.startswith(mine)})
    out = []
    for name, (declared, read, written, texts) in keys.items():
        me = owner(name)
        uses = [("reads", k) for k in read] + [("writes", k) for k in written] + \
            [("mentions", k) for k in texts - read - written - declared]
        for verb, key in sorted(uses, key=lambda x: (x[1], x[0])):
            if key in owned.get(me, ()) or (prefix(me) and key.startswith(prefix(me))):
                continue
            for other in sorted(owned):
                if other in (me, SHARED):
                    continue
                by_prefix = verb != "mentions" and key.startswith(prefix(other))
                if key in owned[other] or by_prefix:
                    out.append(f"{name} {verb} {key!r} (owned by {other})")
                    break
    return out


def _app_side() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in FILES}


def test_the_check_covers_the_whole_app_side():
    names = set(_app_side())
    assert {"app.py", "pages/map.py", "pages/shared/links.py", "pages/shared/state.py"} <= names


def test_no_page_reads_another_pages_widget_keys():
    assert foreign_reads(_app_side()) == []


@pytest.mark.parametrize("reader, found", [
    ('x = st.session_state.get("map_method", "quantiles")', ["charts.py reads 'map_method' (owned by map.py)"]),
    ('x = st.session_state["map_k"]', ["charts.py reads 'map_k' (owned by map.py)"]),
    ('if "map_scheme" in st.session_state: pass', ["charts.py reads 'map_scheme' (owned by map.py)"]),
    ('x = st.session_state.get("picked")', ["charts.py reads 'picked' (owned by map.py)"]),  # a declared widget key
    ('K = "map_"\nx = st.session_state[K + "k"]', ["charts.py reads 'map_k' (owned by map.py)"]),
    ('x = st.session_state.get("charts_indicator")', []),  # its own
    ('x = st.session_state.get("lang")', []),  # the shared sidebar's (pages/shared)
    ('x = shared_view().method', []),
    ('st.session_state["map_k"] = 5', ["charts.py writes 'map_k' (owned by map.py)"]),  # a write, too
    ('st.session_state["charts_k"] = 5', []),
])
def test_the_check_finds_a_foreign_read(reader, found):
    pages = {"map.py": 'st.selectbox("m", [1], key="map_method")\nst.selectbox("p", [1], key="picked")',
             "charts.py": reader}
    assert foreign_reads(pages) == found


# What pages/common.py's _apply_view did before issue 23 (planted): the shared code wrote the pages' widget keys
# from a tuple and a table of pairs, which the issue-15 check (reads and writes of literal keys only) missed.
OLD_APPLY_VIEW = '''
INDICATOR_KEYS = ("map_indicator", "charts_indicator")
def _apply_view(state):
    ss = st.session_state
    for key in INDICATOR_KEYS:
        ss[key] = state.indicator
    for field, key in (("method", "map_method"), ("k", "map_k")):
        ss[key] = getattr(state, field)
    ss["present_slide"] = 0
'''
PAGES_OF_A_LINK = {"pages/map.py": 'st.selectbox("m", [1], key="map_method")\nst.slider("k", 1, 9, key="map_k")\n'
                                   'st.selectbox("i", [1], key="map_indicator")\nst.title(tr("map_title"))',
                   "pages/charts.py": 'st.selectbox(tr("map_indicator"), [1], key="charts_indicator")',
                   "pages/present.py": 'K = "present_"\nst.session_state.setdefault(K + "slide", 0)'}


@pytest.mark.parametrize("path, source, found", [
    ("pages/shared/links.py", OLD_APPLY_VIEW, [
        "pages/shared/links.py mentions 'charts_indicator' (owned by charts.py)",
        "pages/shared/links.py mentions 'map_indicator' (owned by map.py)",
        "pages/shared/links.py mentions 'map_k' (owned by map.py)",
        "pages/shared/links.py mentions 'map_method' (owned by map.py)",
        "pages/shared/links.py mentions 'present_slide' (owned by present.py)"]),  # ss = st.session_state
    ("app.py", 'st.session_state["map_k"] = 3', ["app.py writes 'map_k' (owned by map.py)"]),
    ("pages/shared/links.py", 'take_link(indicator=KEY)', []),  # keys handed over by the page itself
    ("pages/shared/state.py", 'x = st.session_state.get("lang")', []),  # its own
    ("pages/upload.py", 'x = tr("map_title")', []),  # a catalogue key, not a session key
])
def test_the_check_covers_the_shared_package_and_the_frame(path, source, found):
    assert foreign_reads({**PAGES_OF_A_LINK, path: source}) == found


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
