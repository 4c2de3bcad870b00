"""The core in geo/ never imports streamlit (DESIGN.md): checked on the syntax tree, not by grep."""

import ast
import pathlib

import pytest

GEO = pathlib.Path(__file__).resolve().parents[1] / "geo"


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
