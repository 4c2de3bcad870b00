"""The audit actions' one registry (geo.store.actions): the store writes no other, and every action the code
writes is in it (checked on the syntax tree of geo/, pages/ and app.py)."""

from __future__ import annotations

import ast
import pathlib

import pytest

from geo.store.actions import AUDIT_ACTIONS, check_action

ROOT = pathlib.Path(__file__).resolve().parents[2]
CODE = sorted((ROOT / "geo").rglob("*.py")) + sorted((ROOT / "pages").rglob("*.py")) + [ROOT / "app.py"]
# (function name, position of the action among its arguments)
WRITERS = {"audit": 0, "record": 1, "_write": 2, "_update": 3}


def written_actions(source: str) -> set[str]:
    """Actions given as string constants to the audit writers (or as ``action=``), and ACTION = "…"."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            at = WRITERS.get(name)
            if at is not None and len(node.args) > at and isinstance(node.args[at], ast.Constant) and \
                    isinstance(node.args[at].value, str):
                out.add(node.args[at].value)
            for kw in node.keywords:  # action="import", action="sample" if sample else "import"
                if kw.arg == "action" and (at is not None or name == "_insert_version"):
                    out |= {c.value for c in ast.walk(kw.value) if isinstance(c, ast.Constant) and
                            isinstance(c.value, str)}
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "ACTION" for t in node.targets) and \
                isinstance(node.value, ast.Constant):
            out.add(node.value.value)
    return out


@pytest.fixture
def store(tmp_path):
    from geo.access.auth import authorized_store

    s = authorized_store(f"sqlite:///{tmp_path / 'antt.sqlite'}")
    s.ensure_ready()
    yield s
    s.dispose()


def test_every_action_the_code_writes_is_registered():
    found = set().union(*(written_actions(p.read_text(encoding="utf-8")) for p in CODE))
    assert {"import", "signin", "export", "user_role", "indicator_add", "column_mapping"} <= found  # the scan sees them
    assert found - set(AUDIT_ACTIONS) == set()


@pytest.mark.parametrize("source, found", [
    ('store.audit("login", who)', {"login"}),  # planted: not registered, so the check above would fail
    ('auth.record(store, "exprot", actor)', {"exprot"}),
    ('ACTION = "column_mapping"', {"column_mapping"}),
    ('store.audit(action, who)', set()),
    ('self._insert_version(conn, rows, action="sample" if sample else "imprt")', {"sample", "imprt"}),
])
def test_the_scan_finds_a_planted_action(source, found):
    assert written_actions(source) == found


@pytest.mark.parametrize("action, ok", [("import", True), ("export", True), ("login", False), ("", False)])
def test_the_store_writes_registered_actions_only(store, action, ok):
    if ok:
        store.audit(action, "an")
        assert store.audit_log(limit=1)[0]["action"] == action
    else:
        with pytest.raises(ValueError):
            store.audit(action, "an")
        assert check_action("import") == "import"
