"""Public views: only public indicators, small counts of tips and people shown as '< N'."""

import math

import pytest

from geo.analysis.join import joined_table
from geo.outputs import present
from geo.reference.catalog import load_catalog
from geo.reference.sample import sample_table
from geo.units.boundaries import display_geometry, load_boundary_set

CAT = load_catalog()


@pytest.fixture(scope="module")
def frame():
    units = display_geometry(load_boundary_set("dien-bien-dong-pre2025"))
    f, _ = joined_table(units, sample_table())
    return f


def test_only_public_indicators():
    ids = {i.id for i in present.public_indicators(CAT)}
    assert "households_reminded" not in ids and "weapons_recovered" not in ids
    assert "explosives_recovered_kg" not in ids
    assert "teams_security" in ids and "tips_received" in ids
    choices = present.public_map_choices(CAT)
    assert all(CAT[i].public for i in choices) and "weapons_recovered" not in choices


def test_internal_indicator_refused(frame):
    with pytest.raises(ValueError):
        present.show_value(CAT["weapons_recovered"], {"weapons_recovered": 3.0}, 5)
    with pytest.raises(ValueError):
        present.shown_series(frame, "households_reminded", 5)


@pytest.mark.parametrize("iid, sensitive", [
    ("tips_received", True), ("tips_valuable", True), ("prestigious_people", True),
    ("households_reminded", True), ("weapons_recovered", True), ("explosives_recovered_kg", True),
    ("teams_security", False), ("villages_signed", False), ("forums_held", False),
    ("opinions_crime_fighting", False), ("population", False), ("valuable_tip_rate", False),
])
def test_sensitive_groups(iid, sensitive):
    assert present.is_sensitive(CAT[iid]) is sensitive


@pytest.mark.parametrize("iid, values, threshold, text, suppressed", [
    ("tips_received", {"tips_received": 4.0}, 5, "< 5", True),
    ("tips_received", {"tips_received": 1.0}, 5, "< 5", True),
    ("tips_received", {"tips_received": 5.0}, 5, "5", False),
    ("tips_received", {"tips_received": 0.0}, 5, "0", False),  # zero identifies nobody
    ("tips_received", {"tips_received": None}, 5, "Chưa có số liệu", False),
    ("tips_received", {"tips_received": float("nan")}, 5, "Chưa có số liệu", False),
    ("tips_received", {"tips_received": 9.0}, 10, "< 10", True),
    ("tips_received", {"tips_received": 4.0}, 0, "4", False),  # 0 turns suppression off
    ("tips_valuable", {"tips_valuable": 3.0}, 5, "< 5", True),
    ("prestigious_people", {"prestigious_people": 2.0}, 5, "< 5", True),
    ("teams_security", {"teams_security": 2.0}, 5, "2", False),  # teams are not people
    ("forums_held", {"forums_held": 1.0}, 5, "1", False),
    ("opinions_force_building", {"opinions_force_building": 3.0}, 5, "3", False),
    ("valuable_tip_rate", {"tips_valuable": 4.0, "tips_received": 6.0}, 5, "ẩn (số nhỏ)", True),  # 66,7 % gives 4 back
    ("valuable_tip_rate", {"tips_valuable": 8.0, "tips_received": 10.0}, 5, "80,0 %", False),
    ("valuable_tip_rate", {"tips_valuable": 0.0, "tips_received": 3.0}, 5, "ẩn (số nhỏ)", True),
    ("tips_per_1000", {"tips_received": 3.0, "population": 2000.0}, 5, "ẩn (số nhỏ)", True),
    ("teams_per_1000", {"teams_security": 3.0, "population": 2000.0}, 5, "1,50", False),
])
def test_small_count_suppression(iid, values, threshold, text, suppressed):
    shown = present.show_value(CAT[iid], values, threshold, "vi", CAT)
    assert shown.text == text and shown.suppressed is suppressed
    if suppressed:
        assert shown.value is None  # the hidden number is not carried along


@pytest.mark.parametrize("env, expected", [
    ({}, 5), ({"ANTT_SMALL_COUNT_THRESHOLD": "10"}, 10), ({"ANTT_SMALL_COUNT_THRESHOLD": " 3 "}, 3),
    ({"ANTT_SMALL_COUNT_THRESHOLD": "abc"}, 5), ({"ANTT_SMALL_COUNT_THRESHOLD": "-2"}, 0),
])
def test_threshold_from_env(env, expected):
    assert present.small_count_threshold(env) == expected


def test_headline_is_the_district_total(frame):
    shown = dict((i.id, s) for i, s in present.show_many(frame, present.HEADLINE_IDS, None, 5, "vi", CAT))
    assert shown["teams_security"].text == "233"
    assert shown["tips_received"].text == "153"  # district totals are large: nothing hidden
    assert not any(s.suppressed for s in shown.values())


def test_commune_headline_hides_its_small_tip_count(frame):
    shown = dict((i.id, s) for i, s in present.show_many(frame, present.HEADLINE_IDS, "03203", 5, "vi", CAT))
    assert shown["tips_valuable"].text == "< 5"  # 4 valuable tips in the town
    assert shown["tips_received"].text == "6"


def test_public_ranking_puts_suppressed_units_after_ranked_ones_without_rank(frame):
    rows = present.public_ranking(frame, "tips_valuable", 5, "vi", CAT)
    assert len(rows) == 14
    hidden = [r for r in rows if r.suppressed]
    assert {r.unit_code for r in hidden} == {"03203", "03385"}  # 4 and 4
    assert all(r.rank is None and r.value is None and r.text == "< 5" for r in hidden)
    assert rows[-2:] == hidden  # listed last, by name, not by hidden value
    ranked = [r for r in rows if r.rank is not None]
    assert ranked[0].value == 12 and [r.rank for r in ranked][:3] == [1, 1, 3]


def test_shown_series_blanks_suppressed_units(frame):
    values, hidden = present.shown_series(frame, "valuable_tip_rate", 5, CAT)
    assert hidden == {"03203", "03385"}
    assert math.isnan(values["03203"]) and not math.isnan(values["03205"])


def test_forum_summary(frame):
    s = present.forum_summary(frame, None, 5, "vi", CAT)
    assert s.forums.text == "17" and s.opinions.text == "628" and s.tips.text == "153"
    assert s.valuable.text == "115" and s.rate.text == "75,2 %"
    town = present.forum_summary(frame, "03203", 5, "vi", CAT)
    assert town.valuable.text == "< 5" and town.rate.suppressed


@pytest.mark.parametrize("now, before, kind, expected", [
    (233, 219, "count", "+14"), (10, 12, "count", "−2"), (5, 5, "count", "±0"),
    (100.0, 95.5, "share", "+4,5 điểm %"), (None, 3, "count", None), (3, float("nan"), "count", None),
])
def test_change_text(now, before, kind, expected):
    assert present.change_text(now, before, kind, "vi") == expected


@pytest.mark.parametrize("period, present_ids, absent_ids", [
    ("2017", ["teams_security", "village_coverage"], ["teams_security_order", "village_registration_coverage"]),
    ("2025", ["teams_security", "teams_security_order", "village_registration_coverage"], ["village_coverage"]),
])
def test_slides_show_the_indicators_of_the_period(period, present_ids, absent_ids):
    from geo.outputs.present import HEADLINE_IDS, period_ids

    ids = period_ids(HEADLINE_IDS, period)
    assert all(i in ids for i in present_ids) and not any(i in ids for i in absent_ids)
    assert len(ids) == len(set(ids))
