"""geo.store.drafts (issue 20, "Lưu nháp") on SQLite and PostgreSQL: a draft per unit and period of a vintage,
the newest save wins, a submission after it makes it stale, the scope and the lock hold for drafts, each save
is audited, and the status counts a unit with only a draft as "draft", not as reported."""

from __future__ import annotations

import pytest

from geo.access import auth, scopes
from geo.access.auth import Actor
from geo.analysis.status import completeness
from geo.store.database import StoreError

SET, NATIONAL, P = "dien-bien-dong-2025", "vn-2025", "2026-Q1"
CLI = Actor("ops", "admin", "cli")


def test_newest_save_wins_and_every_drawing_sees_it(store):
    store.save_draft(boundary_set=SET, period=P, unit="03203", unit_name="Na Son", values={"teams_security": "4"},
                     user=Actor.cli("xa"))
    store.save_draft(boundary_set=NATIONAL, period=P, unit="03203", unit_name="Na Son",
                     values={"teams_security": "5", "population": "1.200"}, user=Actor.cli("xb"))
    for set_id in (SET, NATIONAL):
        d = store.draft(set_id, P, "03203")
        assert (d["user"], d["values"]) == ("xb", {"teams_security": "5", "population": "1.200"})
    assert store.draft(SET, "2026-Q2", "03203") is None and store.draft(SET, P, "03208") is None
    log = store.audit_log(action="entry_draft")
    assert [(e["user"], e["detail"]["unit_code"]) for e in log] == [("xb", "03203"), ("xa", "03203")]


def test_a_submission_after_the_draft_makes_it_stale(store):
    store.save_draft(boundary_set=SET, period=P, unit="03203", unit_name="Na Son", values={"teams_security": "4"},
                     user=Actor.cli("xa"))
    out = completeness(store, SET, P)
    states = {u["unit_code"]: u["state"] for u in out["units"]}
    assert states["03203"] == "draft" and out["reported"] == 0 and out["on_time"] == 0
    store.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 4}}],
                      boundary_set=SET, period=P, user=Actor.cli("xa"))
    assert store.draft(SET, P, "03203") is None
    assert {u["unit_code"]: u["state"] for u in completeness(store, SET, P)["units"]}["03203"] != "draft"
    store.save_draft(boundary_set=SET, period=P, unit="03203", unit_name="Na Son", values={"teams_security": "6"},
                     user=Actor.cli("xa"))  # a new draft after the submission shows again
    assert store.draft(SET, P, "03203")["values"] == {"teams_security": "6"}


@pytest.mark.parametrize("who, unit, refused", [
    ("xa", "03208", "ngoài phạm vi"),  # scope: commune 03203 only
    ("xa", "03203", None),
    ("tinh", "03208", None),
])
def test_drafts_keep_to_the_scope(store, who, unit, refused):
    auth.add_user(store, "xa", "editor", "nhap-so-lieu-2", by=CLI)
    auth.add_user(store, "tinh", "editor", "nhap-so-lieu-1", by=CLI)
    scopes.set_scope(store, "xa", ["03203"], by=CLI)
    scopes.set_scope(store, "tinh", ["Điện Biên"], by=CLI)
    actor = Actor(who, "editor", "local")
    save = dict(boundary_set=SET, period=P, unit=unit, unit_name="x", values={"teams_security": "1"}, user=actor)
    if refused:
        with pytest.raises(StoreError, match=refused):
            store.save_draft(**save)
        assert store.draft(SET, P, unit) is None and store.audit_log(action="entry_draft") == []
    else:
        store.save_draft(**save)
        assert store.draft(SET, P, unit)["user"] == who


def test_no_draft_into_an_approved_unit(store):
    store.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 4}}],
                      boundary_set=SET, period=P, user=Actor.cli("xa"))
    store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))
    with pytest.raises(StoreError, match="tinh duyệt"):
        store.save_draft(boundary_set=SET, period=P, unit="03203", unit_name="Na Son",
                         values={"teams_security": "9"}, user=Actor.cli("xa"))
    assert store.draft(SET, P, "03203") is None


def test_the_period_decides_the_vintage_for_drafts_too(store):
    with pytest.raises(StoreError):
        store.save_draft(boundary_set="dien-bien-dong-pre2025", period=P, unit="03203", unit_name="Na Son",
                         values={"teams_security": "1"}, user=Actor.cli("xa"))
