"""pages/entry.py (issue 20, Streamlit AppTest): a commune editor fills in the form and sends it; the checks
show as they type and block sending; after approval the form says who approved and the store refuses."""

from __future__ import annotations

import pytest

from geo.access import auth, scopes
from geo.access.auth import Actor, authorized_store
from tests.pages.apptest import run_page, signed_in

CLI = Actor("ops", "admin", "cli")
SET, P = "dien-bien-dong-2025", "2030"  # a year: the recognition fields are offered (not in quarters)


@pytest.fixture
def store(app_env):
    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "tinh", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "xa", "editor", "nhap-so-lieu-2", by=CLI)
    scopes.set_scope(s, "tinh", ["Điện Biên"], by=CLI)
    scopes.set_scope(s, "xa", ["03203"], by=CLI)
    s.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 4}}],
                  boundary_set=SET, period="2029", user=Actor("xa", "editor", "local"))
    yield s
    s.dispose()


def _form(who: str):
    at = run_page("entry.py", session={**signed_in(who, "editor"), "boundary_set": SET, "period": P})
    at.text_input(key="entry_period").input(P).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _field(at, iid: str):
    return next(w for w in at.text_input if w.key.endswith(f"_{iid}"))


def test_commune_editor_fills_in_and_sends(store):
    at = _form("xa")
    assert at.title[0].value == "Nhập số liệu"
    unit = at.selectbox(key=f"entry_unit_{SET}")
    assert unit.options == ["Na Son (03203)"] and unit.disabled  # only their commune
    assert any(c.value == "Kỳ trước (Năm 2029): 4" for c in at.caption)  # last period beside the field
    assert at.button(key="entry_send").disabled  # nothing typed yet
    _field(at, "villages_registered").input("10").run()
    _field(at, "villages_recognized").input("12").run()
    assert any("Na Son (03203), kỳ 2030" in e.value and "lớn hơn" in e.value for e in at.error)
    assert at.button(key="entry_send").disabled
    _field(at, "villages_recognized").input("9").run()
    _field(at, "teams_security").input("1.234").run()  # 4 last year: a jump the upload's checks flag too
    assert not at.error and any("1.234" in w.value or "1234" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert at.button(key="entry_send").disabled  # a flagged value needs the person's word first
    at.checkbox(key="entry_flags_ok").check().run()
    assert not at.button(key="entry_send").disabled
    at.button(key="entry_send").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Đã gửi báo cáo của Na Son, Năm 2030: 3 chỉ số" in at.success[0].value
    row = store.current_table(SET, P).loc["03203"]
    assert (row["teams_security"], row["villages_registered"], row["villages_recognized"]) == (1234, 10, 9)
    assert store.audit_log(action="import")[0]["user"] == "xa"
    from geo.store.flags import open_flags

    # the accepted flag is stored with the value, for the follow-up list
    assert [(f["unit_code"], f["indicator"], f["value"], f["accepted_by"]) for f in open_flags(store, SET, P)] == [
        ("03203", "teams_security", 1234, "xa")]


def test_after_approval_the_form_says_who_and_the_store_refuses(store):
    store.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"teams_security": 5}}],
                      boundary_set=SET, period=P, user=Actor("xa", "editor", "local"))
    store.report_step("approve", boundary_set=SET, period=P, unit="03203", user=Actor("tinh", "editor", "local"))
    at = _form("xa")
    assert any("đã được tinh duyệt" in w.value for w in at.warning), [w.value for w in at.warning]
    assert _field(at, "teams_security").value == "5"
    _field(at, "teams_security").input("6").run()
    at.button(key="entry_send").click().run()
    assert any("tinh duyệt" in e.value for e in at.error), [e.value for e in at.error]
    assert store.current_table(SET, P).loc["03203", "teams_security"] == 5


def test_province_editor_picks_any_commune_in_scope(store):
    at = _form("tinh")
    unit = at.selectbox(key=f"entry_unit_{SET}")
    assert len(unit.options) == 6 and not unit.disabled
    unit.set_value("03208").run()
    _field(at, "teams_security").input("3").run()
    at.button(key="entry_send").click().run()
    assert not at.error, [e.value for e in at.error]
    assert store.current_table(SET, P).loc["03208", "teams_security"] == 3


def test_draft_is_kept_and_shown_until_sent(store):
    at = _form("xa")
    _field(at, "villages_registered").input("10").run()
    _field(at, "villages_recognized").input("12").run()  # still wrong: a draft may keep it
    at.button(key="entry_draft").click().run()
    assert "Đã lưu nháp Na Son, Năm 2030: 2 ô" in at.success[0].value
    assert store.draft(SET, P, "03203")["values"] == {"villages_registered": "10", "villages_recognized": "12"}
    assert store.current_table(SET, P).empty  # a draft is not data
    again = _form("xa")  # a new session: the draft comes back
    assert _field(again, "villages_recognized").value == "12"
    assert any("bản nháp của xa" in c.value for c in again.caption)
    assert "Bản nháp" in again.info[0].value
    _field(again, "villages_recognized").input("9").run()
    again.button(key="entry_send").click().run()
    assert not again.error, [e.value for e in again.error]
    assert store.draft(SET, P, "03203") is None
    assert store.current_table(SET, P).loc["03203", "villages_recognized"] == 9


@pytest.mark.parametrize("period, present, absent", [
    ("Năm đánh giá 2030 (01/11/2029–31/10/2030)", ["villages_recognized", "villages_total"],
     ["teams_security", "tips_received"]),
    ("2030-Q1", ["teams_security", "tips_received"], ["villages_recognized"]),
])
def test_the_form_offers_the_indicators_of_the_periods_type(store, period, present, absent):
    at = run_page("entry.py", session={**signed_in("xa", "editor"), "boundary_set": SET, "period": P})
    at.text_input(key="entry_period").input(period).run()
    assert not at.exception, [e.value for e in at.exception]
    keys = [w.key for w in at.text_input]
    assert all(any(k.endswith(f"_{i}") for k in keys) for i in present), keys
    assert not any(k.endswith(f"_{i}") for k in keys for i in absent), keys


def test_the_form_opens_on_the_period_being_reported_not_the_sidebars(store):
    from geo.analysis.entry import reporting_period

    at = run_page("entry.py", session={**signed_in("xa", "editor"), "boundary_set": "dien-bien-dong-pre2025",
                                       "period": "2017"})
    assert not at.exception, [e.value for e in at.exception]
    opened = at.text_input(key="entry_period").value
    assert opened == reporting_period(store) and opened != "2017"
    assert at.selectbox[0].value == "03203"  # today's Na Son, on the units of the period's vintage
