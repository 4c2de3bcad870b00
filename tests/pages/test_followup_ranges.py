"""The follow-up page's min–max panel: an editor sets a unit's range (scope checked by the store, refusals in
Vietnamese), it is listed, and removed."""

from __future__ import annotations

import pytest

from geo.access import auth, scopes
from geo.access.auth import Actor
from geo.analysis.followup import range_choices
from geo.store.ranges import list_ranges
from geo.units.boundaries import default_set_id
from geo.units.vintage import set_vintage
from tests.pages.apptest import run_page, signed_in

CLI = Actor("ops", "admin", "cli")


@pytest.fixture
def editor_store(app_env):
    from geo.access.auth import authorized_store

    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "xa", "editor", "nhap-so-lieu-2", by=CLI)
    yield s
    s.dispose()


def _submit(at, code, low, high, button="Lưu khoảng"):
    at.selectbox(key="ranges_unit").select(code)
    at.selectbox(key="ranges_indicator").select("tips_received")
    at.number_input(key="ranges_min").set_value(low)
    at.number_input(key="ranges_max").set_value(high)
    next(b for b in at.button if b.label == button).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_an_editor_sets_a_range_within_scope_and_is_refused_outside(editor_store):
    set_id = default_set_id()
    at = run_page("followup.py", session=signed_in("xa", "editor"))
    assert not at.exception, [e.value for e in at.exception]
    mine, other = list(range_choices(set_id)[0])[:2]
    scopes.set_scope(editor_store, "xa", [f"{set_vintage(set_id)}:{mine}"], by=CLI)  # a code scope names its vintage
    _submit(at, other, 1.0, 9.0)
    assert any("ngoài phạm vi" in e.value for e in at.error) and list_ranges(editor_store, set_id) == []
    _submit(at, mine, 5.0, 40.0)
    assert [(r["unit_code"], r["low"], r["high"], r["set_by"]) for r in list_ranges(editor_store, set_id)] == [
        (mine, 5.0, 40.0, "xa")]
    _submit(at, mine, 5.0, 1.0)  # reversed: refused, the stored one stays
    assert any("lớn hơn tối đa" in e.value for e in at.error)
    _submit(at, mine, None, None, button="Xoá khoảng của đơn vị và chỉ số đã chọn")
    assert list_ranges(editor_store, set_id) == []
