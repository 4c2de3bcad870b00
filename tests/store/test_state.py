"""geo.store.state: values belong to units of a vintage; a submission covers the units it names (issue 20).

Runs on SQLite and PostgreSQL through the ``store`` fixture (tests/store/conftest.py)."""

from __future__ import annotations

import math

import pytest

from geo.access.auth import Actor
from geo.reference.sample import SAMPLES, sample_rows
from geo.store.database import StoreError

NATIONAL, PROVINCE = "vn-2025", "dien-bien-dong-2025"   # the same 6 communes, the same codes
OLD_SET, OLD_NATIONAL = "dien-bien-dong-pre2025", "vn-pre2025"
SIX = ["03203", "03208", "03214", "03370", "03382", "03385"]
HANOI = "00004"  # a ward of Hà Nội: drawn by the national set, not by Điện Biên's


def rows(codes, teams, **extra) -> list[dict]:
    return [{"unit_code": c, "unit_name": f"Đơn vị {c}", "values": {"teams_security": teams, **extra}}
            for c in codes]


def cell(store, set_id, period, code, iid="teams_security"):
    t = store.current_table(set_id, period)
    return None if code not in t.index or math.isnan(t.loc[code, iid]) else t.loc[code, iid]


@pytest.mark.parametrize("written_on, read_on", [(NATIONAL, PROVINCE), (PROVINCE, NATIONAL)])
def test_every_set_of_a_vintage_shows_the_same_number(store, written_on, read_on):
    store.import_rows(rows(SIX[:2], 7), boundary_set=written_on, period="2026", user=Actor.cli("an"))
    assert [cell(store, read_on, "2026", c) for c in SIX[:3]] == [7, 7, None]
    assert [cell(store, s, "2026", "03203") for s in (NATIONAL, PROVINCE)] == [7, 7]
    assert "2026" in store.periods(read_on)
    # the newest submission wins, whichever drawing it came from
    store.import_rows(rows(["03203"], 9), boundary_set=read_on, period="2026", user=Actor.cli("binh"))
    assert [cell(store, s, "2026", "03203") for s in (NATIONAL, PROVINCE)] == [9, 9]
    assert cell(store, written_on, "2026", "03208") == 7


def test_a_unit_the_set_does_not_draw_stays_off_it(store):
    store.import_rows(rows([HANOI, "03203"], 4), boundary_set=NATIONAL, period="2026", user=Actor.cli("an"))
    assert list(store.current_table(PROVINCE, "2026").index) == ["03203"]
    assert set(store.current_table(NATIONAL, "2026").index) >= {HANOI, "03203"}
    assert "2026" not in store.periods(OLD_SET) and store.current_table(OLD_SET, "2026").empty  # other vintage


def test_the_2025_sample_shows_on_the_national_set(store):
    info = next(i for i in SAMPLES if i.boundary_set == PROVINCE)
    t = store.current_table(NATIONAL, info.period)
    assert sorted(t.index) == SIX and t.attrs["sample"] is True
    assert store.periods(NATIONAL) == [info.period]


def test_codes_that_are_not_official_stay_the_sets_own(store):
    own = "1234567"  # a 7-digit file id of vn-pre2025 (no official code matched)
    store.import_rows(rows([own, "03205"], 3), boundary_set=OLD_NATIONAL, period="2019", user=Actor.cli("an"))
    assert cell(store, OLD_NATIONAL, "2019", own) == 3
    assert list(store.current_table(OLD_SET, "2019").index) == ["03205"]  # the official one is shared


def test_a_partial_submission_leaves_the_other_units(store):
    sample = sample_rows()
    codes = [r["unit_code"] for r in sample]
    v = store.import_rows(rows(codes[:10], 77), boundary_set=OLD_SET, period="2017", user=Actor.cli("an"))
    t = store.current_table(OLD_SET, "2017")
    assert list(t.index) == codes or sorted(t.index) == sorted(codes)
    assert (t.loc[codes[:10], "teams_security"] == 77).all()
    for r in sample[10:]:  # the 4 units the file did not name keep the sample's values
        assert t.loc[r["unit_code"], "teams_security"] == r["values"]["teams_security"]
    assert t.attrs["version"] == v and t.attrs["sample"] is False
    assert store.history()[0]["n_units"] == 10


def test_rollback_restores_the_units_that_version_covered(store):
    v1 = store.import_rows(rows(SIX[:3], 1), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.import_rows(rows(SIX[:2], 2), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.import_rows(rows(SIX[3:4], 3), boundary_set=NATIONAL, period="2026", user=Actor.cli("binh"))
    store.rollback(v1, user=Actor.cli("chi"))
    assert [cell(store, PROVINCE, "2026", c) for c in SIX[:4]] == [1, 1, 1, 3]  # 03370 is not v1's
    with pytest.raises(StoreError, match="hiện hành"):
        store.rollback(v1 + 3, user=Actor.cli("chi"))


@pytest.mark.parametrize("replace", [False, True])
def test_replacing_a_whole_area_only_when_said(store, replace):
    codes = [r["unit_code"] for r in sample_rows()]
    named = rows(codes[:3], 5)
    would = store.units_replaced(named, boundary_set=OLD_SET, period="2017")
    assert [u["unit_code"] for u in would] == codes[3:] and all(u["unit_name"] for u in would)
    store.import_rows(named, boundary_set=OLD_SET, period="2017", user=Actor.cli("an"), replace_area=replace)
    t = store.current_table(OLD_SET, "2017")
    assert sorted(t.index) == sorted(codes[:3] if replace else codes)


def test_the_optimistic_check_sees_other_sets_of_the_vintage(store):
    store.import_rows(rows(["03208"], 0), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    seen = store.latest_version(PROVINCE, "2026")
    store.import_rows(rows(["03203"], 1), boundary_set=NATIONAL, period="2026", user=Actor.cli("an"))
    with pytest.raises(StoreError, match="tải lại"):
        store.import_rows(rows(["03203"], 2), boundary_set=PROVINCE, period="2026", user=Actor.cli("binh"),
                          expected_version=seen)
    assert cell(store, PROVINCE, "2026", "03203") == 1


@pytest.mark.parametrize("set_id, period, refused", [
    (OLD_SET, "2025", "kết thúc sau 30/6/2025"),          # a 2025 report on the old district's drawing
    (OLD_SET, "2025-Q3", "kết thúc sau 30/6/2025"),
    (OLD_NATIONAL, "2025-07", "kết thúc sau 30/6/2025"),
    (PROVINCE, "2024", "kết thúc trước 01/7/2025"),
    (NATIONAL, "2025-Q2", "kết thúc trước 01/7/2025"),     # Q2 2025 ends on 30/6: the old units
    (OLD_SET, "2025-Q2", None),
    (OLD_SET, "2025-06", None),
    (PROVINCE, "2025-07", None),
    (NATIONAL, "2025", None),
])
def test_the_period_decides_the_vintage(store, set_id, period, refused):
    before = len(store.history())
    if refused is None:
        store.import_rows(rows(["03203"], 1), boundary_set=set_id, period=period, user=Actor.cli("an"))
        assert len(store.history()) == before + 1
        return
    with pytest.raises(StoreError, match=refused) as exc:
        store.import_rows(rows(["03203"], 1), boundary_set=set_id, period=period, user=Actor.cli("an"))
    assert set_id in str(exc.value) and "không có gì được lưu" in str(exc.value)
    assert len(store.history()) == before


def test_the_quality_checks_history_is_each_units_newest_submission(store):
    """value_history (the outlier checks' history) follows the units, not the newest version: a later partial
    submission for one commune leaves the other five their values, and a value sent on the national drawing is
    the same commune's history on the province's drawing."""
    store.import_rows(rows(SIX, 5), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.import_rows(rows(SIX, 6), boundary_set=PROVINCE, period="2027", user=Actor.cli("an"))
    store.import_rows(rows(["03203"], 7), boundary_set=NATIONAL, period="2027", user=Actor.cli("binh"))
    periods, tables = store.value_history(PROVINCE, "2028")
    assert periods == ["2026", "2027"]
    assert sorted(tables["2027"].index) == SIX
    assert tables["2027"]["teams_security"].to_dict() == {**dict.fromkeys(SIX, 6.0), "03203": 7.0}
    assert tables["2026"]["teams_security"].to_dict() == dict.fromkeys(SIX, 5.0)
    one_periods, one = store.value_history(PROVINCE, "2028", units=["03208"])
    assert one_periods == ["2026", "2027"] and list(one["2027"].index) == ["03208"]
