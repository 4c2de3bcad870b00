"""geo.access.rules: admins add, change and remove cross-indicator rules like indicators; save_rules refuses a
rule naming an unknown indicator (naming it, nothing written); only admins, checked where written; audited."""

from __future__ import annotations

import shutil

import pytest

from geo.access import auth
from geo.access.auth import Actor, authorized_store
from geo.access.rules import remove_rule, rule_entries, save_rule
from geo.intake.quality import check_values
from geo.reference.catalog import load_catalog
from geo.reference.rules import RULES_PATH, RuleError, load_rules
from geo.store.errors import AccessDenied

CLI = Actor("ops", "admin", "cli")
NEW = {"id": "forums_le_opinions", "left": "forums_held", "operator": "<=", "right": "opinions_force_building",
       "severity": "warning", "missing": "skip_if_any_missing",
       "message_vi": "{left_name} ({left_cell} = {left}) lớn hơn {right_name} ({right_cell} = {right})",
       "message_en": "{left_name} ({left_cell} = {left}) is above {right_name} ({right_cell} = {right})"}


@pytest.fixture
def rules_file(tmp_path, monkeypatch):
    path = tmp_path / "rules.toml"
    shutil.copy(RULES_PATH, path)
    monkeypatch.setenv("ANTT_RULES_FILE", str(path))
    return path


@pytest.fixture
def store(tmp_path):
    s = authorized_store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    s.ensure_ready()
    auth.add_user(s, "bien", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "quan", "admin", "quan-tri-123", by=CLI)
    yield s
    s.dispose()


def _row(**values):
    return [{"unit_code": "01", "unit_name": "Xã 01", "values": values}]


def test_an_admin_adds_edits_and_removes_a_rule_the_checks_use_at_once(store, rules_file):
    shipped = rule_entries()
    save_rule(store, NEW, by=Actor("quan", "admin", "local"))
    assert [e["id"] for e in rule_entries()] == [*(e["id"] for e in shipped), NEW["id"]]
    flags = check_values(_row(forums_held=5, opinions_force_building=2), "2024", catalog=load_catalog())
    assert [f.rule for f in flags] == [NEW["id"]]
    save_rule(store, {**NEW, "id": "forums_le_opinions_2", "severity": "error"}, by=CLI, replaces=NEW["id"])
    assert [(r.id, r.severity) for r in load_rules()][-1] == ("forums_le_opinions_2", "error")
    remove_rule(store, "forums_le_opinions_2", by=CLI)
    assert rule_entries() == shipped
    assert rules_file.read_text(encoding="utf-8").startswith("# Validation rules between indicators")  # the doc kept
    log = store.audit_log(action="rules_edit")
    assert [(e["user"], e["detail"]["change"], e["detail"]["rule"]) for e in log] == [
        ("ops", "remove", "forums_le_opinions_2"), ("ops", "edit", "forums_le_opinions_2"),
        ("quan", "add", NEW["id"])]
    assert log[1]["detail"]["before"]["severity"] == "warning" and log[1]["detail"]["after"]["severity"] == "error"


@pytest.mark.parametrize("change, key, named", [
    ({"left": "forums_held + no_such_count"}, "không có trong danh mục", "no_such_count"),
    ({"operator": "≤"}, "phép so sánh", "≤"),
    ({"severity": "fatal"}, "mức độ", "fatal"),
    ({"message_en": ""}, "message_en", NEW["id"]),
    ({"id": "members_ge_teams"}, "bị trùng", "members_ge_teams"),  # a shipped rule's id
    ({"colour": "red"}, "trường không hợp lệ", "colour"),
])
def test_a_bad_rule_is_refused_in_vietnamese_naming_it_and_nothing_is_written(store, rules_file, change, key, named):
    before = rules_file.read_bytes()
    with pytest.raises(RuleError) as exc:
        save_rule(store, {**NEW, **change}, by=CLI)
    message = exc.value.message("vi")
    assert key in message and named in message
    assert rules_file.read_bytes() == before and store.audit_log(action="rules_edit") == []


@pytest.mark.parametrize("actor", [Actor("bien", "editor", "local"), Actor("nobody", "admin", "local"),
                                   Actor.anonymous(), "ops"])
def test_only_admins_edit_rules(store, rules_file, actor):
    before = rules_file.read_bytes()
    for write in (lambda: save_rule(store, NEW, by=actor), lambda: remove_rule(store, "members_ge_teams", by=actor)):
        with pytest.raises(AccessDenied):
            write()
    assert rules_file.read_bytes() == before


def test_changing_or_removing_a_rule_that_is_not_there_says_so(store, rules_file):
    for write in (lambda: save_rule(store, NEW, by=CLI, replaces="nope"), lambda: remove_rule(store, "nope", by=CLI)):
        with pytest.raises(RuleError, match="Không có quy tắc kiểm tra mã 'nope'"):
            write()


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    """No ANTT_RULES_FILE: the default of a deployment."""
    monkeypatch.delenv("ANTT_RULES_FILE", raising=False)
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_an_admins_edit_is_kept_in_the_data_folder_and_the_shipped_file_is_left(store, data_folder):
    """An edit went into the checkout's data/rules.toml: the next deploy of the checkout took it back."""
    from geo.reference.rules import rules_path

    shipped = RULES_PATH.read_bytes()
    assert rules_path() == RULES_PATH  # no edit yet: the shipped rules
    before = [e["id"] for e in rule_entries()]
    save_rule(store, NEW, by=CLI)
    assert RULES_PATH.read_bytes() == shipped
    assert rules_path() == data_folder / "rules.toml"
    assert [e["id"] for e in rule_entries()] == [*before, NEW["id"]]  # the shipped ones kept, the new one added
    assert (data_folder / "rules.toml").read_text(encoding="utf-8").startswith("# Validation rules between")
    remove_rule(store, NEW["id"], by=CLI)
    assert [e["id"] for e in rule_entries()] == before and RULES_PATH.read_bytes() == shipped
    assert {e["detail"]["file"] for e in store.audit_log(action="rules_edit")} == {str(data_folder / "rules.toml")}


def test_two_admins_saving_at_once_both_keep_their_rule(store, data_folder):
    """An edit reads, changes and writes the file holding its lock: one waits for the other, none is lost."""
    import threading
    import time

    from geo.reference.rules import edited_rules_path
    from geo.units.geocache import exclusive

    done = []
    with exclusive(edited_rules_path()):  # an edit in progress (this process or another)
        workers = [threading.Thread(target=lambda r=r: done.append(save_rule(store, r, by=CLI)["id"]))
                   for r in (NEW, {**NEW, "id": "forums_le_opinions_b"})]
        for w in workers:
            w.start()
        time.sleep(0.5)
        assert not done and all(w.is_alive() for w in workers)  # they wait for the lock
    for w in workers:
        w.join(30)
    assert sorted(done) == ["forums_le_opinions", "forums_le_opinions_b"]
    assert {"forums_le_opinions", "forums_le_opinions_b"} <= {e["id"] for e in rule_entries()}
