"""An admin edits the cross-indicator rules on the administration page (tab "Quy tắc kiểm tra"): a rule naming
an unknown indicator is refused in Vietnamese naming it and nothing is written; a good one is saved, audited,
then changed and removed."""

from __future__ import annotations

import shutil

import pytest

from geo.access import auth
from geo.access.auth import Actor
from geo.reference.rules import RULES_PATH, load_rules
from tests.pages.apptest import run_page, signed_in

CLI = Actor("ops", "admin", "cli")
K = "admin_rules___new___"


@pytest.fixture
def admin_store(app_env, tmp_path, monkeypatch):
    from geo.access.auth import authorized_store

    rules = tmp_path / "rules.toml"
    shutil.copy(RULES_PATH, rules)
    monkeypatch.setenv("ANTT_RULES_FILE", str(rules))
    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "quan", "admin", "quan-tri-123", by=CLI)
    yield s, rules
    s.dispose()


def _fill(at, right: str):
    at.text_input(key=K + "id").input("forums_le_opinions")
    at.text_input(key=K + "left").input("forums_held")
    at.text_input(key=K + "right").input(right)
    at.text_input(key=K + "message_vi").input("{left_name} lớn hơn {right_name}")
    at.text_input(key=K + "message_en").input("{left_name} above {right_name}")
    next(b for b in at.button if b.label == "Lưu quy tắc").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_admin_adds_a_rule_an_unknown_indicator_is_refused_naming_it(admin_store):
    store, rules = admin_store
    before = rules.read_bytes()
    at = run_page("admin.py", session=signed_in("quan", "admin"))
    assert not at.exception, [e.value for e in at.exception]
    _fill(at, "khong_co_chi_so")
    assert any("khong_co_chi_so" in e.value and "không có trong danh mục" in e.value for e in at.error)
    assert rules.read_bytes() == before and store.audit_log(action="rules_edit") == []
    _fill(at, "opinions_force_building")
    assert not at.error
    assert load_rules()[-1].id == "forums_le_opinions" and load_rules()[-1].right == ("opinions_force_building",)
    assert [e["user"] for e in store.audit_log(action="rules_edit")] == ["quan"]
    # change it, then remove it
    at.selectbox(key="admin_rules_choose").select("forums_le_opinions")
    at.run()
    at.selectbox(key="admin_rules_forums_le_opinions_severity").select("error")
    next(b for b in at.button if b.label == "Lưu quy tắc").click()
    at.run()
    assert [r.severity for r in load_rules() if r.id == "forums_le_opinions"] == ["error"]
    next(b for b in at.button if b.label == "Xoá quy tắc này").click()
    at.run()
    assert "forums_le_opinions" not in {r.id for r in load_rules()}
    assert [e["detail"]["change"] for e in store.audit_log(action="rules_edit")] == ["remove", "edit", "add"]
