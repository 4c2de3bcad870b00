"""The core in geo/ never imports streamlit (DESIGN.md): checked on the syntax tree, not by grep."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
GEO = ROOT / "geo"


@pytest.mark.parametrize("path", sorted(GEO.rglob("*.py")), ids=lambda p: str(p.relative_to(GEO)))
def test_geo_module_does_not_import_streamlit(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names = [a.value for a in node.args if isinstance(a, ast.Constant)]
        else:
            continue
        assert not any(n == "streamlit" or n.startswith("streamlit.") or n.startswith("streamlit_") for n in names), \
            f"{path} imports {names}"


def test_the_check_catches_an_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom streamlit import session_state\n")
    with pytest.raises(AssertionError):
        test_geo_module_does_not_import_streamlit(bad)


# ---------------------------------------------------------------- sizes (issue 15)

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
REASON = "long because"  # a module or function over its limit says why in its docstring, with these words
# Alembic migrations are history: written once, never edited (the README layout test skips them too).
SIZED = [p for p in sorted(GEO.rglob("*.py")) if "migrations" not in p.parts]


def size_problems(path: pathlib.Path) -> list[str]:
    """Modules over 500 lines and functions over 80 whose docstring does not say why ("long because …")."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    out = []

    def says_why(node) -> bool:
        return REASON in (ast.get_docstring(node) or "").lower()

    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES and not says_why(tree):
        out.append(f"{path.name}: {lines} lines")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNCTION_LINES and not says_why(node):
                out.append(f"{path.name}: {node.name} is {n} lines")
    return out


@pytest.mark.parametrize("path", SIZED, ids=lambda p: str(p.relative_to(GEO)))
def test_modules_and_functions_stay_small(path):
    assert size_problems(path) == []


def _long_function(name: str, doc: str, body_lines: int) -> str:
    body = "".join(f"    x{i} = {i}\n" for i in range(body_lines))
    return f"def {name}():\n    {doc!r}\n{body}"


@pytest.mark.parametrize("source, problems", [
    (_long_function("short", "doc", 70), []),
    (_long_function("f", "doc", 90), ["m.py: f is 92 lines"]),
    (_long_function("f", "Long because it is one table of cases.", 90), []),
    ('"""m"""\n' + "x = 1\n" * 520, ["m.py: 521 lines"]),
    ('"""m. Long because it is a generated list."""\n' + "x = 1\n" * 520, []),
])
def test_the_size_check(tmp_path, source, problems):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert size_problems(path) == problems


# ---------------------------------------------------------------- sizes on the app side (issue 23)

APP_MAX_MODULE_LINES = 400  # DESIGN.md: no module of app.py or pages/ over 400 lines, none exempt
APP_SIDE = [ROOT / "app.py"] + sorted((ROOT / "pages").rglob("*.py"))


def app_size_problems(path: pathlib.Path) -> list[str]:
    """Modules over 400 lines and functions over 80, whatever their docstrings say."""
    text = path.read_text(encoding="utf-8")
    out = [f"{path.name}: {n} lines"] if (n := len(text.splitlines())) > APP_MAX_MODULE_LINES else []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if (n := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES:
                out.append(f"{path.name}: {node.name} is {n} lines")
    return out


def test_the_app_side_is_checked():
    assert {"app.py", "map.py", "links.py", "state.py"} <= {p.name for p in APP_SIDE}


@pytest.mark.parametrize("path", APP_SIDE, ids=lambda p: str(p.relative_to(ROOT)))
def test_app_modules_and_functions_stay_small(path):
    assert app_size_problems(path) == []


@pytest.mark.parametrize("source, problems", [
    ('"""m"""\n' + "x = 1\n" * 399, []),
    ('"""m"""\n' + "x = 1\n" * 400, ["m.py: 401 lines"]),  # pages/common.py had 863
    ('"""m. Long because it is a generated list."""\n' + "x = 1\n" * 400, ["m.py: 401 lines"]),  # no exemption
    (_long_function("f", "Long because it is one table of cases.", 90), ["m.py: f is 92 lines"]),
])
def test_the_app_size_check(tmp_path, source, problems):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert app_size_problems(path) == problems


# ---------------------------------------------------------------- one place for st.cache_* (issue 23)

CACHE_MODULE = "pages/shared/data.py"  # cached data access: the app side's only st.cache_data / st.cache_resource


def cache_decorators(source: str) -> list[int]:
    """Lines of functions decorated with st.cache_data / st.cache_resource (called or not)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
                    out.append(node.lineno)
    return out


@pytest.mark.parametrize("path", [p for p in APP_SIDE if str(p.relative_to(ROOT)) != CACHE_MODULE],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_caches_live_in_one_module(path):
    assert cache_decorators(path.read_text(encoding="utf-8")) == [], f"move the cache to {CACHE_MODULE}"


@pytest.mark.parametrize("source, lines", [
    # what pages/present.py and pages/export_widgets.py held before issue 23
    ("@st.cache_data(max_entries=64, show_spinner=False)\ndef _map_image(key):\n    pass\n", [2]),
    ("@st.cache_resource\ndef _store():\n    pass\n", [2]),
    ("def f():\n    st.cache_data.clear()\n", []),  # clearing is not caching
])
def test_the_cache_check_finds_a_planted_cache(source, lines):
    assert cache_decorators(source) == lines


# ---------------------------------------------------------------- who acts (issue 23, typed identity)
# Every store opens with the same write check (geo.access.auth.authorize_write): a ``cli`` Actor is the trusted
# operator of the command line. The app and the API build their Actors from a sign-in or a token, never that one.

SERVING = APP_SIDE + sorted((GEO / "api").rglob("*.py"))


def _is_actor(node) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Actor") or \
        (isinstance(node, ast.Attribute) and node.attr == "Actor")


def cli_actors(source: str) -> list[int]:
    """Lines building a command-line Actor: ``Actor.cli(...)`` or ``Actor(name, role, "cli")`` / ``via="cli"``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr == "cli" and _is_actor(f.value):
            out.append(node.lineno)
        elif _is_actor(f) and any(isinstance(a, ast.Constant) and a.value == "cli"
                                  for a in [*node.args[2:], *(k.value for k in node.keywords if k.arg == "via")]):
            out.append(node.lineno)
    return out


@pytest.mark.parametrize("path", SERVING, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_app_and_the_api_never_act_as_the_command_line(path):
    assert cli_actors(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source, lines", [
    ("actor = Actor.cli()\n", [1]),
    ("x = 1\nstore.rollback(v, user=auth.Actor('ops', 'admin', 'cli'))\n", [2]),
    ("actor = Actor(name, via='cli')\n", [1]),
    ("actor = Actor(name, row.role, 'local')\n", []),
    ("mode = args.cli(x)\n", []),
])
def test_the_cli_actor_check_finds_a_planted_one(source, lines):
    assert cli_actors(source) == lines
