"""geo.store.flags: accepted flags are stored with their version (who, when, note), listed until checked,
superseded by a corrected submission; geo.analysis.followup orders them by province and commune."""

from __future__ import annotations

import pytest

from geo.access.auth import Actor, open_store
from geo.analysis.followup import followup_rows, marked_cells
from geo.reference.sample import SAMPLES, sample_rows
from geo.store.errors import StoreError
from geo.store.flags import mark_checked, open_flags

SET = SAMPLES[0].boundary_set


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    s = open_store()
    yield s
    s.dispose()


def _flag(code, iid="tips_received", value=230, note=None):
    return {"row": 5, "column": "M", "unit_code": code, "indicator": iid, "value": value, "rule": "outlier_history",
            "expected": "10–30", "message": f"{code}: {iid} = {value}", "note": note}


def test_accepted_flags_are_kept_with_who_when_and_the_note_until_checked(store):
    rows = sample_rows(SAMPLES[0])
    code = rows[1]["unit_code"]
    v = store.import_rows(rows, boundary_set=SET, period="2018", user=Actor.cli("bien_tap"),
                          flags=[_flag(code, note="đã gọi xã xác nhận"), {**_flag(None), "indicator": None,
                                                                         "rule": "same_file", "value": None}])
    open_ = open_flags(store, SET, "2018")
    assert [(f["unit_code"], f["rule"], f["accepted_by"], f["version"]) for f in open_] == [
        (code, "outlier_history", "bien_tap", v), (None, "same_file", "bien_tap", v)]
    assert open_[0]["note"] == "đã gọi xã xác nhận" and open_[0]["accepted_at"]
    assert marked_cells(store, SET, "2018") == {(code, "tips_received")}
    listed = followup_rows(store, SET, "2018")
    assert (listed[0]["unit_code"], listed[0]["province"]) == (None, "")  # the whole-file flag sorts first (no province)
    assert {r["unit_code"] for r in listed} == {code, None}
    mark_checked(store, open_[0]["id"], Actor.cli("truong_phong"), "đúng, có vụ việc lớn")
    assert [f["rule"] for f in open_flags(store, SET, "2018")] == ["same_file"]
    assert marked_cells(store, SET, "2018") == set()
    done = [f for f in open_flags(store, SET, "2018", include_checked=True) if f["checked_by"]]
    assert done[0]["check_note"] == "đúng, có vụ việc lớn"
    assert store.audit_log(action="flag_checked")[0]["user"] == "truong_phong"
    with pytest.raises(StoreError):
        mark_checked(store, open_[0]["id"], Actor.cli("truong_phong"))
    with pytest.raises(StoreError):
        mark_checked(store, 999, Actor.cli("truong_phong"))


def test_a_corrected_submission_takes_its_values_off_the_list(store):
    rows = sample_rows(SAMPLES[0])
    store.import_rows(rows, boundary_set=SET, period="2018", user=Actor.cli("a"), flags=[_flag(rows[0]["unit_code"])])
    assert open_flags(store, SET, "2018")
    store.import_rows(rows, boundary_set=SET, period="2018", user=Actor.cli("a"))
    assert open_flags(store, SET, "2018") == []


def test_another_communes_later_report_leaves_the_flag(store):
    """A submission covers the units it names (issue 20): a later report of another commune is no correction of
    the flagged one, so its flag stays on the list and its mark on the map."""
    rows = sample_rows(SAMPLES[0])
    flagged, other = rows[0]["unit_code"], rows[1]
    store.import_rows(rows, boundary_set=SET, period="2018", user=Actor.cli("a"),
                      flags=[_flag(flagged), {**_flag(None), "indicator": None, "rule": "same_file", "value": None}])
    store.import_rows([other], boundary_set=SET, period="2018", user=Actor.cli("b"))
    assert [(f["unit_code"], f["rule"]) for f in open_flags(store, SET, "2018")] == [
        (flagged, "outlier_history"), (None, "same_file")]
    assert marked_cells(store, SET, "2018") == {(flagged, "tips_received")}
    store.import_rows([r for r in rows if r["unit_code"] == flagged], boundary_set=SET, period="2018", user=Actor.cli("a"))
    assert [f["rule"] for f in open_flags(store, SET, "2018")] == ["same_file"]  # the file's other units remain


def test_a_refused_import_stores_no_flag(store):
    rows = sample_rows(SAMPLES[0])
    with pytest.raises(StoreError):
        store.import_rows(rows, boundary_set=SET, period="2018", user=Actor.cli("a"), flags=[{"rule": None, "value": 1}],
                          expected_version=12345)
    assert open_flags(store, SET, include_checked=True) == []
