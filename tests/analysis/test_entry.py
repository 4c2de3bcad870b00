"""geo.analysis.entry: the units an account may enter, one unit's form (values, last period, state) and the
submission through the store — scope, lock and the per-unit version checked there (SQLite)."""

from __future__ import annotations

import pytest

from geo.access import auth, scopes
from geo.access.auth import Actor, authorized_store
from geo.analysis import entry
from geo.store.errors import StoreError

CLI = Actor("ops", "admin", "cli")
SET, P = "dien-bien-dong-2025", "2030-Q1"
XA, TINH = Actor("xa", "editor", "local"), Actor("tinh", "editor", "local")


@pytest.mark.parametrize("period, before", [
    ("2025", "2024"), ("2025-Q1", "2024-Q4"), ("2025-Q3", "2025-Q2"), ("2025-01", "2024-12"),
    ("2025-07", "2025-06"), ("Quý 2/2026", "2026-Q1"),
])
def test_previous_period(period, before):
    assert entry.previous_period(period) == before


@pytest.mark.parametrize("iso, shown", [
    ("2026-12-07T03:32:49.640551+00:00", "10:32 07/12/2026"),
    ("2026-12-31T20:00:00+00:00", "03:00 01/01/2027"),  # the next day in Vietnam
    (None, None),
])
def test_vietnam_time(iso, shown):
    assert entry.vietnam_time(iso) == shown


@pytest.mark.parametrize("shown, period, used", [
    ("dien-bien-dong-2025", "2030-Q1", "dien-bien-dong-2025"),
    ("vn-2025", "2025-Q3", "vn-2025"),
    ("dien-bien-dong-pre2025", "2025-Q3", "dien-bien-dong-2025"),  # the period decides the vintage
    ("dien-bien-dong-2025", "2024", "dien-bien-dong-pre2025"),
])
def test_the_period_decides_the_set(shown, period, used):
    assert entry.vintage_set(shown, period) == used


@pytest.fixture
def store(app_env):
    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "tinh", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "xa", "editor", "nhap-so-lieu-2", by=CLI)
    auth.add_user(s, "ca-nuoc", "editor", "nhap-so-lieu-3", by=CLI)
    scopes.set_scope(s, "tinh", ["Điện Biên"], by=CLI)
    scopes.set_scope(s, "xa", ["03203"], by=CLI)
    yield s
    s.dispose()


@pytest.mark.parametrize("today, have, opens", [
    ("2026-12-07", [], "2025"),                    # a fresh store: the samples are years; 2026 has not ended
    ("2026-12-07", ["2026-Q2"], "2026-Q3"),        # quarters reported: the newest quarter that has ended
    ("2027-01-02", ["2026-Q3"], "2026-Q4"),
    ("2026-01-10", ["2025-11"], "2025-12"),        # months: December of the year before
    ("2026-07-01", ["2026-05"], "2026-06"),
])
def test_the_form_opens_on_the_newest_period_that_has_ended(store, today, have, opens):
    from datetime import date

    for p in have:
        store.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 1}}],
                          boundary_set="dien-bien-dong-2025", period=p, user=Actor.cli("ops"))
    assert entry.reporting_period(store, date.fromisoformat(today)) == opens


@pytest.mark.parametrize("who, role, n, first", [
    ("xa", "editor", 1, True),
    ("tinh", "editor", 6, None),
    ("ca-nuoc", "editor", 6, None),  # no scope rows: the whole country
    ("ops", "admin", 6, None),
])
def test_units_in_scope(store, who, role, n, first):
    units = entry.units_for(store, Actor(who, role, "local"), SET)
    assert len(units) == n and all(len(c) == 5 for c, _ in units)
    if first:
        assert units[0] == ("03203", "Na Son")


def test_form_submit_then_lock(store):
    store.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 4}}],
                      boundary_set=SET, period="2029-Q4", user=XA)
    form = entry.open_form(store, SET, P, "03203")
    assert form["last_period"] == "2029-Q4" and form["last"] == {"teams_security": 4}
    assert (form["values"], form["version"], form["state"]) == ({}, None, "no_data")
    v = entry.submit(store, XA, SET, P, "03203", "Na Son", {"teams_security": 5}, form["version"])
    form = entry.open_form(store, SET, P, "03203")
    assert (form["values"], form["version"], form["state"]) == ({"teams_security": 5}, v, "on_time")
    assert store.version_info(v)["file_name"] == entry.FORM_FILE
    store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=TINH)
    form = entry.open_form(store, SET, P, "03203")
    assert (form["state"], form["step_by"]) == ("approved", "tinh") and len(form["step_at"]) == 16
    with pytest.raises(StoreError, match="tinh duyệt"):
        entry.submit(store, XA, SET, P, "03203", "Na Son", {"teams_security": 6}, form["version"])
    assert entry.open_form(store, SET, P, "03203")["values"] == {"teams_security": 5}
    refused = store.audit_log(action="entry_refused")
    assert [(e["user"], e["detail"]["unit_code"], e["detail"]["reason"]) for e in refused] == \
        [("xa", "03203", "store_unit_locked")]
    assert "tinh duyệt" in refused[0]["detail"]["message"]


@pytest.mark.parametrize("who, code, name, refused", [
    (XA, "03208", "Xa Dung", "ngoài phạm vi"),  # outside the commune editor's scope
    (XA, "03203", "Na Son", None),
    (TINH, "03208", "Xa Dung", None),
])
def test_submit_is_checked_by_the_store(store, who, code, name, refused):
    form = entry.open_form(store, SET, P, code)
    if refused:
        with pytest.raises(StoreError) as exc:
            entry.submit(store, who, SET, P, code, name, {"teams_security": 1}, form["version"])
        assert code in str(exc.value)
        assert entry.open_form(store, SET, P, code)["version"] is None  # nothing stored
    else:
        assert entry.submit(store, who, SET, P, code, name, {"teams_security": 1}, form["version"])


def test_a_second_editor_is_told_to_reload(store):
    stale = entry.open_form(store, SET, P, "03203")["version"]
    entry.submit(store, TINH, SET, P, "03203", "Na Son", {"teams_security": 2}, stale)
    with pytest.raises(StoreError, match="tải lại"):
        entry.submit(store, XA, SET, P, "03203", "Na Son", {"teams_security": 3}, stale)
