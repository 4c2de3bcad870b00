"""A page shows an error in the reader's language: ``geo.text.errors.message_of(exc, lang())`` (the catalogue
message of an AnttError), never ``str(exc)``, which is always the Vietnamese one (issue 23: pages/history.py
showed an English reader a Vietnamese message). Checked on the syntax tree of every file of the app side."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = [ROOT / "app.py"] + sorted((ROOT / "pages").rglob("*.py"))


def raw_exception_texts(source: str) -> list[int]:
    """Lines where the exception caught by an ``except … as name`` is turned into text with str(name)."""
    out = []
    for handler in ast.walk(ast.parse(source)):
        if not (isinstance(handler, ast.ExceptHandler) and handler.name):
            continue
        for node in ast.walk(handler):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "str" and node.args and \
                    isinstance(node.args[0], ast.Name) and node.args[0].id == handler.name:
                out.append(node.lineno)
            elif isinstance(node, ast.FormattedValue) and isinstance(node.value, ast.Name) and \
                    node.value.id == handler.name:
                out.append(node.lineno)
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_show_errors_in_the_readers_language(path):
    assert raw_exception_texts(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source, lines", [
    # pages/history.py before issue 23
    ("try:\n    f()\nexcept StoreError as exc:\n    st.error(tr('store_error', error=str(exc)))\n", [4]),
    ("try:\n    f()\nexcept Exception as e:\n    st.error(f'{e}')\n", [4]),
    ("try:\n    f()\nexcept StoreError as exc:\n    st.error(message_of(exc, lang()))\n", []),
    ("try:\n    f()\nexcept ValueError:\n    x = str(1)\n", []),
])
def test_the_check_finds_a_planted_str_of_an_exception(source, lines):
    assert raw_exception_texts(source) == lines
