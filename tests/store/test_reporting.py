"""geo.store.reporting (issue 20): approve locks a unit's period, return (with a reason) and reopen, each step in
the audit log; a per-unit version check so that of two editors submitting one unit, one lands and the other is
told to reload. On SQLite and PostgreSQL through the ``store`` fixture."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from geo.access import auth, scopes
from geo.access.auth import Actor, authorized_store
from geo.store.database import AccessDenied, StoreError

SET, NATIONAL, P = "dien-bien-dong-2025", "vn-2025", "2026-Q1"
CLI = Actor("ops", "admin", "cli")


def rows(codes, teams):
    return [{"unit_code": c, "unit_name": f"Xã {c}", "values": {"teams_security": teams}} for c in codes]


def n_versions(store):
    with store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT COUNT(*) FROM import_versions")).scalar_one()


def test_approval_locks_until_reopened_and_every_step_is_audited(store):
    store.import_rows(rows(["03203", "03208"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"))
    store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))
    before = n_versions(store)
    for set_id in (SET, NATIONAL):  # locked on every drawing of the unit
        with pytest.raises(StoreError, match=r"03203.*đã được tinh duyệt lúc") as exc:
            store.import_rows(rows(["03203", "03208"], 2), boundary_set=set_id, period=P, user=Actor.cli("xa"))
        assert P in str(exc.value) and "không có gì được lưu" in str(exc.value)
    assert n_versions(store) == before
    store.import_rows(rows(["03208"], 3), boundary_set=SET, period=P, user=Actor.cli("xa"))  # the other unit is open
    store.import_rows(rows(["03203"], 3), boundary_set=SET, period="2026-Q2", user=Actor.cli("xa"))  # and other periods
    store.report_step("reopen", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))
    store.import_rows(rows(["03203"], 4), boundary_set=SET, period=P, user=Actor.cli("xa"))
    assert store.current_table(SET, P).loc["03203", "teams_security"] == 4
    log = [(e["action"], e["detail"]["unit_code"]) for e in store.audit_log(action=["unit_approve", "unit_reopen"])]
    assert log == [("unit_reopen", "03203"), ("unit_approve", "03203")]


def test_return_needs_a_reason_the_commune_sees(store):
    store.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"))
    with pytest.raises(StoreError, match="lý do"):
        store.report_step("return", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"), reason=" ")
    store.report_step("return", boundary_set=SET, period=P, unit="3203", user=Actor.cli("tinh"), reason="Thiếu số tổ")
    info = store.report_states(SET, P)["03203"]
    assert (info["step"], info["step_by"], info["reason"], info["resubmitted"]) == ("return", "tinh", "Thiếu số tổ",
                                                                                   False)
    store.import_rows(rows(["03203"], 2), boundary_set=SET, period=P, user=Actor.cli("xa"))  # a returned unit may resubmit
    assert store.report_states(SET, P)["03203"]["resubmitted"] is True
    assert store.audit_log(action="unit_return")[0]["detail"]["reason"] == "Thiếu số tổ"


@pytest.mark.parametrize("step, setup, message", [
    ("approve", [], "chưa gửi số liệu"),
    ("reopen", ["submit"], "chưa được duyệt"),
    ("approve", ["submit", "approve"], "đã được"),
    ("skip", ["submit"], "Bước không hợp lệ"),
])
def test_steps_out_of_order_are_refused(store, step, setup, message):
    if "submit" in setup:
        store.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"))
    if "approve" in setup:
        store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))
    with pytest.raises(StoreError, match=message):
        store.report_step(step, boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))


def test_rollback_into_a_locked_unit_is_refused(store):
    v = store.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor.cli("xa"))
    store.import_rows(rows(["03203"], 2), boundary_set=SET, period=P, user=Actor.cli("xa"))
    store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))
    with pytest.raises(StoreError, match="khóa"):
        store.rollback(v, user=Actor.cli("tinh"))


def test_a_commune_account_reports_but_does_not_approve(store):
    s = authorized_store(store.url)
    auth.add_user(s, "xa", "editor", "nhap-so-lieu-2", by=CLI)
    auth.add_user(s, "tinh", "editor", "nhap-so-lieu-1", by=CLI)
    scopes.set_scope(s, "xa", ["03203"], by=CLI)
    scopes.set_scope(s, "tinh", ["Điện Biên"], by=CLI)
    s.import_rows(rows(["03203"], 1), boundary_set=SET, period=P, user=Actor("xa", "editor", "local"))
    with pytest.raises(AccessDenied, match="cấp tỉnh"):
        s.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor("xa", "editor", "local"))
    s.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor("tinh", "editor", "local"))
    with pytest.raises(AccessDenied):  # an anonymous session never writes a step
        s.report_step("reopen", boundary_set=SET, period=P, unit="03203", user=Actor.anonymous())
    s.dispose()


def test_two_editors_submit_one_unit_at_once_one_lands_the_other_reloads(store):
    store.import_rows(rows(["03203"], 0), boundary_set=SET, period=P, user=Actor.cli("xa"))
    seen = store.report_states(SET, P)["03203"]["version"]  # both editors opened the form on this version
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def submit(name, teams):
        s = authorized_store(store.url)
        barrier.wait()
        try:
            results[name] = s.import_rows(rows(["03203"], teams), boundary_set=SET, period=P, user=Actor.cli(name),
                                          expected_units={"03203": seen})
        except StoreError as exc:
            results[name] = exc
        finally:
            s.dispose()

    threads = [threading.Thread(target=submit, args=(n, t)) for n, t in (("an", 5), ("binh", 6))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    landed = [n for n, r in results.items() if isinstance(r, int)]
    refused = [r for r in results.values() if isinstance(r, StoreError)]
    assert len(landed) == 1 and len(refused) == 1 and "tải lại" in str(refused[0])
    assert store.current_table(SET, P).loc["03203", "teams_security"] == {"an": 5, "binh": 6}[landed[0]]


@pytest.mark.parametrize("mode, shown", [("marked", True), ("", True), ("nonsense", True), ("APPROVED", False),
                                         ("approved", False)])
def test_numbers_not_yet_approved_follow_the_setting_on_every_drawing(store, monkeypatch, mode, shown):
    """ANTT_UNAPPROVED: marked (default; a bad value too) keeps a unit's unapproved numbers and lists it as
    unapproved; approved leaves them out. The same on the province's and the national drawing; the sample
    units keep their sample numbers and are never 'unapproved' (nobody sends or approves a sample)."""
    monkeypatch.setenv("ANTT_UNAPPROVED", mode)
    sample = store.current_table(SET, "2025")
    store.import_rows(rows(["03203", "03208"], 7), boundary_set=NATIONAL, period="2025", user=Actor.cli("tinh"))
    store.report_step("approve", boundary_set=SET, period="2025", unit="03203", user=Actor.cli("tinh"))
    others = sorted(set(sample.index) - {"03203", "03208"})
    for set_id in (SET, NATIONAL):
        t = store.current_table(set_id, "2025")
        assert t.at["03203", "teams_security"] == 7
        assert ("03208" in t.index) is shown
        if shown:
            assert t.at["03208", "teams_security"] == 7
        assert (t.attrs["unapproved"], t.attrs["withheld"]) == ((["03208"], 0) if shown else ([], 1))
        assert t.loc[others, "teams_security"].tolist() == sample.loc[others, "teams_security"].tolist()
        assert t.attrs["sample"] is False
    store.report_step("reopen", boundary_set=SET, period="2025", unit="03203", user=Actor.cli("tinh"))
    assert ("03203" in store.current_table(SET, "2025").index) is shown  # reopened: not approved any more


def test_the_approval_state_is_in_the_cache_key(store):
    from geo.units.vintage import table_version_key

    store.import_rows(rows(["03203"], 7), boundary_set=SET, period=P, user=Actor.cli("tinh"))
    before = table_version_key(store, SET, P)
    store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor.cli("tinh"))
    assert table_version_key(store, SET, P) != before  # no new version, yet what a view shows changed
