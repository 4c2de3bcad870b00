"""geo.intake.quality: rules, outliers against history and peers, the same file sent again; the false-positive
rate on the samples and the national synthetic series, and a catch test on changed copies."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.bench.synthetic import FILE_PERIOD, HISTORY_PERIODS, synthetic_rows
from geo.intake.quality import History, Thresholds, check_values
from geo.reference.catalog import load_catalog
from geo.reference.sample import SAMPLES, sample_rows
from geo.units.resolver import load_units

TH = Thresholds(modz=3.5, min_history=3, jump=5.0, min_diff=10.0, peer_z=5.0, peer_min=10, same_share=0.5)


def _history(series: dict[str, dict[str, dict]]) -> History:
    """{period: {unit: {indicator: value}}} → History."""
    periods = list(series)
    return History(periods, {p: pd.DataFrame.from_dict(series[p], orient="index") for p in periods})


def _row(code="01", **values):
    return {"unit_code": code, "unit_name": f"Xã {code}", "values": values}


@pytest.mark.parametrize("values, rule", [
    ({"villages_recognized": 9, "villages_registered": 8}, "recognized_le_registered"),
    ({"villages_registered": 12, "villages_total": 10}, "registered_le_villages"),
    ({"tips_valuable": 5, "tips_received": 4}, "valuable_tips_le_tips"),
    ({"members_security_order": 3, "teams_security_order": 4}, "members_ge_teams"),
    ({"forums_held": 0, "opinions_force_building": 3, "opinions_crime_fighting": 0}, "no_forums_no_opinions"),
])
def test_a_broken_rule_is_flagged_naming_both_cells(values, rule):
    cells = {"sheet": "S", "rows": {"01": 7}, "columns": {k: chr(ord("C") + i) for i, k in enumerate(values)}}
    flags = check_values([_row(**values)], "2024", catalog=load_catalog(), cells=cells, thresholds=TH)
    assert [f.rule for f in flags] == [rule]
    letters = [f"{c}7" for c in cells["columns"].values()]
    assert all(cell in flags[0].message for cell in letters[:2])
    assert flags[0].to_dict()["row"] == 7


@pytest.mark.parametrize("values", [
    {"villages_recognized": 8, "villages_registered": 8, "villages_total": 10},
    {"tips_valuable": 4, "tips_received": None},  # skip_if_any_missing
    {"members_security_order": 20, "teams_security_order": 4},
    {"forums_held": 0, "opinions_force_building": 0, "opinions_crime_fighting": 0},
    {"forums_held": 2, "opinions_force_building": 30},
])
def test_rules_that_hold_or_are_skipped_give_no_flag(values):
    assert check_values([_row(**values)], "2024", catalog=load_catalog(), thresholds=TH) == []


@pytest.mark.parametrize("history, value, method", [
    ([20, 21, 19, 20], 230, "outlier_history"),  # the example: ~20 tips for four years, then 230
    ([20, 21, 19, 20], 2, "outlier_history"),
    ([20, 21, 19, 20], 26, None),  # far in z but within the minimum difference
    ([200, 210, 190, 205], 215, None),
    ([20], 200, "jump"),
    ([20, 22], 3, "jump"),
    ([1], 5, None),  # 1 → 5 is ×5 but only 4 more
    ([2], 10, None),
    ([40], 120, None),  # ×3: under the jump factor
    ([], 500, None),  # no history: nothing to compare with (one unit: no peers)
])
def test_outliers_against_the_units_history(history, value, method):
    periods = [str(2020 + i) for i in range(len(history))]
    hist = _history({p: {"01": {"tips_received": v}} for p, v in zip(periods, history)})
    flags = check_values([_row(tips_received=value)], "2024", hist, catalog=load_catalog(), thresholds=TH)
    assert [f.rule for f in flags] == ([method] if method else [])
    if method:
        assert flags[0].unit_code == "01" and flags[0].indicator == "tips_received" and flags[0].expected


@pytest.mark.parametrize("low, high, value, expected", [
    (5, 40, 41, "5–40"),
    (5, 40, 4, "5–40"),
    (5, 40, 40, None),  # the ends are inside
    (5, 40, 5, None),
    (None, 40, 0, None),  # an open minimum
    (None, 40, 41, "…–40"),
    (5, None, 10_000, None),  # an open maximum
    (5, None, 4.5, "5–…"),
    (5, 40, None, None),  # no value: nothing to compare
])
def test_a_value_outside_the_units_min_max_range_is_flagged_naming_the_range(low, high, value, expected):
    ranges = {("01", "tips_received"): (low, high), ("02", "tips_received"): (0, 1)}  # 02 is not in the file
    flags = check_values([_row(tips_received=value)], "2024", catalog=load_catalog(), thresholds=TH, ranges=ranges)
    assert [(f.rule, f.expected) for f in flags] == ([("min_max", expected)] if expected else [])
    if expected:
        assert expected in flags[0].message and "Xã 01" in flags[0].message


def test_peers_flag_only_the_extreme_commune_of_a_province():
    rows = [_row(f"{i:02d}", tips_received=20 + i % 5, population=5000 + 100 * i, villages_total=10)
            for i in range(12)]
    rows[3]["values"]["tips_received"] = 900
    provinces = {r["unit_code"]: "Điện Biên" for r in rows}
    flags = check_values(rows, "2024", catalog=load_catalog(), provinces=provinces, thresholds=TH)
    assert [(f.rule, f.unit_code) for f in flags] == [("peer", "03")]
    provinces = {r["unit_code"]: f"P{i % 2}" for i, r in enumerate(rows)}  # six per province: too few peers
    assert check_values(rows, "2024", catalog=load_catalog(), provinces=provinces, thresholds=TH) == []


def test_the_same_file_again_is_one_flag_for_the_whole_file():
    cat = load_catalog()
    codes = [f"{i:02d}" for i in range(8)]
    last = synthetic_rows(codes, codes, cat, "2023")
    hist = _history({"2023": {r["unit_code"]: r["values"] for r in last}})
    flags = check_values(last, "2024", hist, catalog=cat, thresholds=TH)
    assert [f.rule for f in flags] == ["same_file"] and flags[0].unit_code is None and "2023" in flags[0].message
    fresh = synthetic_rows(codes, codes, cat, "2024")
    assert not [f for f in check_values(fresh, "2024", hist, catalog=cat, thresholds=TH) if f.rule == "same_file"]


def _cells(rows) -> int:
    return sum(v is not None for r in rows for v in r["values"].values())


@pytest.mark.parametrize("info", SAMPLES, ids=lambda i: i.period)
def test_the_samples_raise_no_flag(info):
    rows = sample_rows(info)
    units = load_units(info.boundary_set)
    provinces = {c: p[-1] for c, p in units.parents.items() if p}
    flags = check_values(rows, info.period, catalog=load_catalog(), provinces=provinces)
    assert len(flags) < 0.01 * _cells(rows), [f.message for f in flags]


@pytest.fixture(scope="module")
def national():
    units = load_units("vn-pre2025")
    codes = list(units.names)[:10000]
    names = [units.names[c] for c in codes]
    cat = load_catalog()
    series = {p: synthetic_rows(codes, names, cat, p) for p in (*HISTORY_PERIODS, FILE_PERIOD)}
    hist = History(list(HISTORY_PERIODS), {p: pd.DataFrame([r["values"] for r in series[p]], index=codes)
                                           for p in HISTORY_PERIODS})
    provinces = {c: p[-1] for c, p in units.parents.items() if p}
    return cat, series, hist, provinces


def test_the_national_synthetic_file_flags_under_one_percent_of_cells(national):
    cat, series, hist, provinces = national
    rows = series[FILE_PERIOD]
    flags = check_values(rows, FILE_PERIOD, hist, catalog=cat, provinces=provinces)
    assert not [f for f in flags if f.severity == "error"]
    assert len(flags) < 0.01 * _cells(rows)


def test_twenty_changed_cells_are_all_flagged(national):
    """9 cells ×10, 8 cells ÷10, two rows swapped, last year's file sent again: 20 changes, 20 caught."""
    cat, series, hist, provinces = national
    rows = [{**r, "values": dict(r["values"])} for r in series[FILE_PERIOD][:2000]]
    counts = [i.id for i in cat.base() if i.kind == "count" and not i.parts]
    changed: list[tuple[str, str]] = []
    picks = iter((k, counts[(k // 37 + j) % len(counts)]) for k in range(0, 2000, 37) for j in range(2))
    while len(changed) < 17:
        k, iid = next(picks)
        v = rows[k]["values"][iid]
        if v is None or v < 20:
            continue
        rows[k]["values"][iid] = v * 10 if len(changed) < 9 else round(v / 10)
        changed.append((rows[k]["unit_code"], iid))
    a, b = 1000, 1500  # two rows swapped: each unit gets the other's values
    rows[a]["values"], rows[b]["values"] = rows[b]["values"], rows[a]["values"]
    flags = check_values(rows, FILE_PERIOD, hist, catalog=cat, provinces=provinces)
    flagged = {(f.unit_code, f.indicator) for f in flags}
    caught = [c for c in changed if c in flagged]
    caught += [r["unit_code"] for r in (rows[a], rows[b]) if any(f.unit_code == r["unit_code"] for f in flags)]
    resent = [{**r, "values": dict(r["values"])} for r in series[HISTORY_PERIODS[-1]][:2000]]
    same = [f for f in check_values(resent, FILE_PERIOD, hist, catalog=cat, provinces=provinces)
            if f.rule == "same_file"]
    assert len(same) == 1
    assert len(caught) + len(same) == 20, set(changed) - flagged
