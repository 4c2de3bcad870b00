import math

import pandas as pd
import pytest

from geo.analysis.table import district_totals, ranking, unit_profile
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
