import math

import pandas as pd
import pytest

from geo.analysis.table import district_totals, ranking, sum_parts, unit_profile
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values, rows_to_table, table_to_rows
from geo.reference.sample import sample_rows, sample_table

# The 2017 report on Điện Biên Đông district: the sample's district totals must equal it.
REPORT_2017 = {
    "teams_security": 233, "teams_street_protection": 10, "teams_mediation": 243, "teams_civil_defence": 243,
    "villages_total": 243, "villages_signed": 243, "agencies_signed": 53, "schools_signed": 60,
    "commune_signed": 14, "tips_received": 153, "tips_valuable": 115, "forums_held": 17,
    "opinions_force_building": 265, "opinions_crime_fighting": 363, "prestigious_people": 240,
    "households_reminded": 23,
}


def test_sample_has_14_units():
    t = sample_table()
    assert len(t) == 14 and t.attrs["sample"] is True and t.attrs["period"] == "2017"


@pytest.mark.parametrize("iid, total", sorted(REPORT_2017.items()))
def test_sample_district_totals_equal_the_2017_report(iid, total):
    assert district_totals(sample_table())[iid] == total


def test_street_protection_teams_only_in_the_town():
    t = sample_table()
    assert t.loc["03203", "teams_street_protection"] == 10
    assert (t.drop(index="03203")["teams_street_protection"] == 0).all()


def test_population_is_the_2009_census():
    assert district_totals(sample_table())["population"] == 56249


def test_missing_indicators_stay_missing():
    totals = district_totals(sample_table())
    assert totals["weapons_recovered"] is None and totals["explosives_recovered_kg"] is None


def test_shares_come_from_sums_not_averages():
    df = rows_to_table([
        {"unit_code": "00001", "unit_name": "A", "values": {"tips_received": 100, "tips_valuable": 50}},
        {"unit_code": "00002", "unit_name": "B", "values": {"tips_received": 1, "tips_valuable": 1}},
    ], "s", "2017")
    totals = district_totals(df)
    assert totals["valuable_tip_rate"] == pytest.approx(100 * 51 / 101)
    assert indicator_values(df, "valuable_tip_rate").mean() == pytest.approx(75.0)  # what averaging would say


def test_share_total_skips_units_missing_a_part():
    df = rows_to_table([
        {"unit_code": "00001", "unit_name": "A", "values": {"tips_received": 10, "tips_valuable": 5}},
        {"unit_code": "00002", "unit_name": "B", "values": {"tips_received": 10, "tips_valuable": None}},
    ], "s", "2017")
    assert district_totals(df)["valuable_tip_rate"] == 50.0


def test_rows_round_trip():
    rows = sample_rows()
    again = table_to_rows(rows_to_table(rows, "dien-bien-dong-pre2025", "2017"))
    assert again == rows


def test_ranking_best_first_missing_last_vietnamese_ties():
    df = rows_to_table([
        {"unit_code": "1", "unit_name": "Đông", "values": {"teams_security": 5}},
        {"unit_code": "2", "unit_name": "Dung", "values": {"teams_security": 5}},
        {"unit_code": "3", "unit_name": "An", "values": {"teams_security": 9}},
        {"unit_code": "4", "unit_name": "Bắc", "values": {"teams_security": None}},
    ], "s", "2017")
    r = ranking(df, "teams_security")
    assert list(r.index) == ["3", "2", "1", "4"]
    assert r["rank"].tolist()[:3] == [1, 2, 2] and math.isnan(r["rank"].iloc[3])


def test_unit_profile_median_and_rank():
    prof = unit_profile(sample_table(), "03203")
    assert prof.loc["teams_street_protection", "rank"] == 1
    assert prof.loc["population", "median"] == pd.Series(sample_table()["population"]).median()
    assert prof.loc["population", "of"] == 14


def test_compare_rows_counts_changes_and_new_units():
    from geo.analysis.table import compare_rows

    current = sample_table()
    rows = sample_rows()
    rows[0]["values"]["teams_security"] += 1
    rows[1]["values"]["weapons_recovered"] = 2  # missing → a number: a change
    rows[2]["values"]["tips_received"] = None  # a number → missing: a change
    rows.append({"unit_code": "99999", "unit_name": "Mới", "values": {}})
    out = compare_rows(rows, current)
    assert out.loc["03203", "changed"] == 1 and out.loc["03205", "changed"] == 1 and out.loc["03208", "changed"] == 1
    assert out.loc["03211", "status"] == "same" and out.loc["99999", "status"] == "new"


# ---------------------------------------------------------------- one rule for totals (issue 23)

N = float("nan")


@pytest.mark.parametrize("parts, share", [
    # (tips_received, tips_valuable) per commune → the total share every place shows
    ([(10, 5), (10, N)], 50.0),  # a commune without the numerator: left out of both sums (was 50 % vs 100 %)
    ([(10, 5), (N, 5)], 50.0),  # without the denominator
    ([(10, 5), (30, 15)], 50.0),
    ([(100, 50), (1, 1)], 100 * 51 / 101),  # from sums, not the mean of 50 % and 100 %
    ([(N, 5), (10, N)], None),  # no commune has both
    ([(0, 0), (0, 0)], None),  # a zero denominator has no share
])
def test_overview_province_map_and_slides_show_the_same_total(parts, share):
    """The overview's card (district_totals), the by-province map and its exports (aggregate_frame read by
    indicator_values) and the slides (present.show_value) give one share for the same communes."""
    from geo.analysis.view import aggregate_frame
    from geo.outputs.present import show_value, unit_base_values

    df = rows_to_table([
        {"unit_code": f"0000{i}", "unit_name": f"X{i}", "values": {
            "tips_received": None if math.isnan(r) else r, "tips_valuable": None if math.isnan(v) else v}}
        for i, (r, v) in enumerate(parts)], "s", "2017")
    catalog = load_catalog()
    ind = catalog["valuable_tip_rate"]
    card = district_totals(df)["valuable_tip_rate"]
    province = indicator_values(aggregate_frame(df, ["P"] * len(df)), "valuable_tip_rate")["P"]
    slide = show_value(ind, unit_base_values(df, None), threshold=0).value
    shown = [card, None if math.isnan(province) else province, slide]
    assert shown == ([None] * 3 if share is None else [pytest.approx(share)] * 3)


def test_sum_parts_by_group_keeps_no_data_as_no_data():
    df = rows_to_table([
        {"unit_code": "1", "unit_name": "a", "values": {"tips_received": 10, "tips_valuable": 5}},
        {"unit_code": "2", "unit_name": "b", "values": {"tips_received": 10}},
        {"unit_code": "3", "unit_name": "c", "values": {}},
    ], "s", "2017")
    out = sum_parts(df, ["P", "P", "Q"])
    assert out.at["P", "tips_received"] == 20.0 and out.at["P", "valuable_tip_rate"] == 50.0
    assert math.isnan(out.at["Q", "tips_received"]) and math.isnan(out.at["Q", "valuable_tip_rate"])
