"""geo.store.ranges: per-unit min–max ranges (DHIS2's min-max method), stored per unit of the vintage, set by an
admin or an editor in scope (checked in the write transaction), audited; used by the quality checks on the
upload (validate_file with the store) and the entry form. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from geo.access import auth, scopes
from geo.access.auth import Actor
from geo.store.errors import AccessDenied, StoreError
from geo.store.ranges import list_ranges, ranges_for, remove_range, set_range

PROVINCE, NATIONAL, OLD = "dien-bien-dong-2025", "vn-2025", "dien-bien-dong-pre2025"
CLI = Actor("ops", "admin", "cli")


def test_a_range_is_set_replaced_and_removed_per_unit_of_the_vintage_and_audited(store):
    set_range(store, PROVINCE, "03203", "tips_received", 5, 40, user=Actor.cli("an"), note="xã nhỏ")
    # the unit's range, whichever drawing of the vintage asks
    assert ranges_for(store, NATIONAL) == ranges_for(store, PROVINCE) == {("03203", "tips_received"): (5.0, 40.0)}
    assert ranges_for(store, OLD) == {}
    set_range(store, NATIONAL, "03203", "tips_received", None, 60, user=Actor.cli("binh"))
    [r] = list_ranges(store, PROVINCE)
    assert (r["low"], r["high"], r["set_by"], r["note"]) == (None, 60.0, "binh", None) and r["set_at"]
    remove_range(store, PROVINCE, "03203", "tips_received", user=Actor.cli("an"))
    assert list_ranges(store, NATIONAL) == []
    log = store.audit_log(action=["range_set", "range_removed"])
    assert [(e["action"], e["user"], e["detail"]["high"] if "high" in e["detail"] else None) for e in log] == [
        ("range_removed", "an", None), ("range_set", "binh", 60.0), ("range_set", "an", 40.0)]


@pytest.mark.parametrize("code, iid, low, high, key", [
    ("03203", "no_such_indicator", 1, 2, "không có trong danh mục"),
    ("03203", "teams_per_village", 1, 2, "chỉ số tính toán"),  # derived: recomputed, never entered
    ("99999", "tips_received", 1, 2, "không có đơn vị mã 99999"),
    ("03203", "tips_received", None, None, "cần ít nhất một"),
    ("03203", "tips_received", 50, 5, "tối thiểu 50.0 lớn hơn tối đa 5.0"),
    ("03203", "tips_received", "mười", 5, "không phải là số"),
    ("03203", "tips_received", float("nan"), 5, "không phải là số"),
])
def test_a_bad_range_is_refused_naming_what_is_wrong_and_nothing_is_stored(store, code, iid, low, high, key):
    with pytest.raises(StoreError, match=key):
        set_range(store, PROVINCE, code, iid, low, high, user=Actor.cli("an"))
    assert list_ranges(store, PROVINCE) == [] and store.audit_log(action="range_set") == []


def test_removing_a_range_that_is_not_there_says_so(store):
    with pytest.raises(StoreError, match="chưa có khoảng"):
        remove_range(store, PROVINCE, "03203", "tips_received", user=Actor.cli("an"))


@pytest.mark.parametrize("who, role, unit, refused", [
    ("xa", "editor", "03208", True),  # scoped to commune 03203 only
    ("xa", "editor", "03203", False),
    ("tinh", "editor", "03208", False),  # scoped to the province
    ("xem", "viewer", "03203", True),
])
def test_ranges_keep_to_the_editors_scope(store, who, role, unit, refused):
    auth.add_user(store, who, role, "mat-khau-dai-9", by=CLI)
    if who == "xa":
        scopes.set_scope(store, "xa", ["03203"], by=CLI)
    if who == "tinh":
        scopes.set_scope(store, "tinh", ["Điện Biên"], by=CLI)
    actor = Actor(who, role, "local")
    if refused:
        with pytest.raises(AccessDenied):
            set_range(store, PROVINCE, unit, "tips_received", 1, 9, user=actor)
        assert list_ranges(store, PROVINCE) == []
    else:
        set_range(store, PROVINCE, unit, "tips_received", 1, 9, user=actor)
        assert list_ranges(store, PROVINCE)[0]["set_by"] == who


def test_the_upload_and_the_entry_form_flag_a_value_outside_the_units_range(store, tmp_path):
    from geo.analysis.entry import unit_ranges
    from geo.intake.entry import check_entry
    from geo.intake.ingest import validate_file
    from geo.reference.catalog import load_catalog

    set_range(store, PROVINCE, "03208", "tips_received", 5, 40, user=Actor.cli("an"))
    path = tmp_path / "tinh.csv"
    path.write_text("Mã xã,Tên xã,Tin báo của nhân dân\n03203,Na Son,90\n03208,Phì Nhừ,90\n", encoding="utf-8")
    report = validate_file(path, boundary_set=PROVINCE, period="2026", store=store)
    ranged = [f.to_dict() for f in report.flags if f.rule == "min_max"]
    assert [(f["unit_code"], f["indicator"], f["value"], f["expected"]) for f in ranged] == [
        ("03208", "tips_received", 90, "5–40")]
    assert "khoảng tối thiểu–tối đa" in ranged[0]["message"]
    _, problems = check_entry({"tips_received": "90"}, load_catalog(), unit="Phì Nhừ (03208)", period="2026",
                              code="03208", ranges=unit_ranges(store, NATIONAL, "03208"))
    assert [p.flag["rule"] for p in problems if p.flag] == ["min_max"]
