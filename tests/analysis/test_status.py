"""geo.analysis.status (issue 20): each expected unit's state, the reporting and on-time counts, the deadline per
period type, and the counts per province on a national set."""

from __future__ import annotations

from datetime import date

import pytest

from geo.access.auth import Actor, authorized_store
from geo.analysis.status import completeness, deadline, for_area, unit_state

SET, NATIONAL, P = "dien-bien-dong-2025", "vn-2025", "2030-Q1"  # ends after today: submitted on time
SIX = ["03203", "03208", "03214", "03370", "03382", "03385"]


@pytest.fixture
def store(tmp_path):
    s = authorized_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    s.ensure_ready()
    yield s
    s.dispose()


def rows(codes):
    return [{"unit_code": c, "unit_name": f"Xã {c}", "values": {"teams_security": 1}} for c in codes]


@pytest.mark.parametrize("period, env, due", [
    ("2026-Q1", "", date(2026, 4, 15)),
    ("2026-02", "", date(2026, 3, 15)),
    ("2026", "", date(2027, 1, 15)),
    ("2026-02", "month=5,year=30", date(2026, 3, 5)),
    ("2026", "month=5,year=30", date(2027, 1, 30)),
    ("2026-Q1", "month=5,year=30", date(2026, 4, 15)),  # a type not named keeps 15
    # the movement's evaluation years: N days after their own last day, set per type like the others
    ("2025-DG3110", "", date(2025, 11, 15)),            # residential areas: 01/11/2024–31/10/2025
    ("Năm đánh giá 2026 (15/11/2025–14/11/2026)", "", date(2026, 11, 29)),
    ("2025-DG3110", "dg3110=19,year=30", date(2025, 11, 19)),
    ("2025-DG1511", "dg3110=19,year=30", date(2025, 11, 30)),  # another window keeps 15
    ("2025-H1", "half=20", date(2025, 7, 20)),
])
def test_deadline_per_period_type(monkeypatch, period, env, due):
    monkeypatch.setenv("ANTT_REPORT_DEADLINE_DAYS", env)
    assert deadline(period) == due


DUE = date(2026, 4, 15)
SUBMITTED = {"version": 3, "submitted_by": "xa", "step": None, "step_by": None, "reason": None,
             "resubmitted": False}


@pytest.mark.parametrize("info, state", [
    (None, "no_data"),
    ({**SUBMITTED, "version": None, "submitted_at": None}, "no_data"),
    ({**SUBMITTED, "submitted_at": "2026-04-15T16:59:00+00:00"}, "on_time"),   # 23:59 in Vietnam on the day
    ({**SUBMITTED, "submitted_at": "2026-04-15T17:00:00+00:00"}, "late"),      # 00:00 the day after
    ({**SUBMITTED, "submitted_at": "2026-05-01T00:00:00+00:00", "step": "approve"}, "approved"),
    ({**SUBMITTED, "submitted_at": "2026-04-01T00:00:00+00:00", "step": "return"}, "returned"),
    ({**SUBMITTED, "submitted_at": "2026-04-01T00:00:00+00:00", "step": "return", "resubmitted": True}, "on_time"),
    ({**SUBMITTED, "submitted_at": "2026-04-01T00:00:00+00:00", "step": "reopen"}, "on_time"),
    ({**SUBMITTED, "submitted_at": "2026-04-01T00:00:00+00:00", "sample": True}, "sample"),  # never a report
    ({**SUBMITTED, "submitted_at": "2027-04-01T00:00:00+00:00", "sample": True}, "sample"),  # nor a late one
])
def test_unit_state(info, state):
    assert unit_state(info, DUE) == state


def test_completeness_of_a_province_and_of_the_nation(store):
    store.import_rows(rows(SIX[:3]), boundary_set=SET, period=P, user=Actor.cli("xa"))
    store.report_step("approve", boundary_set=SET, period=P, unit=SIX[0], user=Actor.cli("tinh"))
    store.report_step("return", boundary_set=SET, period=P, unit=SIX[1], user=Actor.cli("tinh"), reason="Sai số")
    out = completeness(store, SET, P)
    assert (out["expected"], out["reported"], out["on_time"], out["approved"]) == (6, 3, 3, 1)
    state = {u["unit_code"]: u["state"] for u in out["units"]}
    assert state == {SIX[0]: "approved", SIX[1]: "returned", SIX[2]: "on_time",
                     **dict.fromkeys(SIX[3:], "no_data")}
    first = next(u for u in out["units"] if u["unit_code"] == SIX[2])
    assert first["submitted_by"] == "xa" and first["province"] == "Điện Biên" and first["submitted_at"]
    assert next(u for u in out["units"] if u["unit_code"] == SIX[1])["reason"] == "Sai số"
    national = completeness(store, NATIONAL, P)
    assert national["expected"] == 3321 and national["reported"] == 3
    assert national["by_province"]["Điện Biên"]["reported"] == 3 and len(national["by_province"]) == 34
    assert completeness(store, NATIONAL, P, area="tỉnh điện biên")["expected"] == \
        national["by_province"]["Điện Biên"]["expected"]


def test_the_sample_is_labelled_and_not_counted_as_reported(store):
    store.import_rows(rows(SIX[:2]), boundary_set=SET, period=P, user=Actor.cli("ops"), sample=True)
    store.import_rows(rows(SIX[2:3]), boundary_set=SET, period=P, user=Actor.cli("xa"))
    out = completeness(store, SET, P)
    assert (out["expected"], out["reported"], out["on_time"], out["sample"]) == (6, 1, 1, 2)
    sample = [u for u in out["units"] if u["sample"]]
    assert [(u["unit_code"], u["state"], u["submitted_via"]) for u in sample] == [
        (SIX[0], "sample", "sample"), (SIX[1], "sample", "sample")]


def test_a_province_sheet_is_a_submission_of_each_unit_sent_by_the_province(store):
    from geo.access import auth, scopes

    cli = Actor("ops", "admin", "cli")
    auth.add_user(store, "tinh", "editor", "nhap-so-lieu-1", by=cli)
    auth.add_user(store, "xa", "editor", "nhap-so-lieu-2", by=cli)
    scopes.set_scope(store, "tinh", ["Điện Biên"], by=cli)
    scopes.set_scope(store, "xa", ["03203"], by=cli)
    store.import_rows(rows(SIX[1:4]), boundary_set=NATIONAL, period=P, user=Actor("tinh", "editor", "local"),
                      file_name="dien-bien.xlsx")
    store.import_rows(rows(SIX[:1]), boundary_set=SET, period=P, user=Actor("xa", "editor", "local"),
                      file_name="nhap-so-lieu")
    out = completeness(store, SET, P)
    sent = {u["unit_code"]: (u["state"], u["submitted_by"], u["submitted_level"], u["submitted_via"])
            for u in out["units"]}
    assert sent == {SIX[0]: ("on_time", "xa", "commune", "form"),
                    **{c: ("on_time", "tinh", "province", "upload") for c in SIX[1:4]},
                    **{c: ("no_data", None, None, None) for c in SIX[4:]}}
    assert out["reported"] == 4


@pytest.mark.parametrize("area", ["Điện Biên", "tỉnh điện biên", "Hà Nội", None])
def test_an_area_is_a_filter_of_the_whole_sets_status(store, area):
    store.import_rows(rows(SIX[:3]), boundary_set=SET, period=P, user=Actor.cli("xa"))
    whole = completeness(store, NATIONAL, P)
    assert for_area(whole, area) == completeness(store, NATIONAL, P, area=area)


def test_state_classes_follow_the_map_states():
    from geo.analysis.status import MAP_STATES, state_classes

    out = {"units": [{"unit_code": c, "state": s} for c, s in
                     (("1", "no_data"), ("2", "draft"), ("3", "approved"), ("4", "late"), ("5", "returned"))]}
    classes = state_classes(out)
    order = [s for s, _, _ in MAP_STATES]
    assert "1" not in classes.index  # no data: the map's grey
    assert {c: order[int(k)] for c, k in classes.items()} == {"2": "draft", "3": "approved", "4": "late",
                                                            "5": "returned"}


def test_completeness_of_an_evaluation_year(store):
    """The residential areas' evaluation year 2030 (01/11/2029–31/10/2030): its deadline is 15 days after 31/10,
    and the recognition sent for it counts as reported; a quarter's report does not stand in for it."""
    period = "Năm đánh giá 2030 (01/11/2029–31/10/2030)"
    store.import_rows([{"unit_code": c, "unit_name": c, "values": {"villages_recognized": 2, "villages_total": 3}}
                       for c in SIX[:2]], boundary_set=SET, period=period, user=Actor.cli("xa"))
    store.import_rows(rows(SIX[2:4]), boundary_set=SET, period="2030-Q3", user=Actor.cli("xa"))
    out = completeness(store, SET, period)
    assert (out["period"], out["deadline"]) == ("2030-DG3110", "2030-11-15")
    assert (out["expected"], out["reported"], out["on_time"]) == (6, 2, 2)
    assert {u["unit_code"] for u in out["units"] if u["state"] == "on_time"} == set(SIX[:2])


@pytest.mark.parametrize("set_id, pick", [
    (NATIONAL, "first"),   # a province of the nation: the map draws its communes, as the table lists them
    (NATIONAL, "last"),
    (NATIONAL, ""),        # no province picked: the whole set
    (SET, ""),             # a set of one province has no picker
])
def test_the_status_map_draws_the_units_the_page_lists(store, set_id, pick):
    from geo.analysis.status import map_area
    from geo.units.boundaries import area_mask, unit_list

    whole = completeness(store, set_id, P)
    provinces = list(whole["by_province"])
    area = {"first": provinces[:1], "last": provinces[-1:]}.get(pick, [""])[0] if pick else ""
    units = unit_list(set_id)
    drawn = set(units["code"][area_mask(units, map_area(set_id, area))])
    listed = {u["unit_code"] for u in for_area(whole, area)["units"]}
    assert drawn == listed and len(listed) == (len(units) if not area else whole["by_province"][area]["expected"])
    assert (map_area(set_id, area) == ()) == (not area)
