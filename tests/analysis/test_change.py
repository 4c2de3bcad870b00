import math

import pytest

from geo.analysis.change import district_change, period_change, trend
from geo.reference.frames import indicator_values, rows_to_table


def _t(period, values):
    return rows_to_table([{"unit_code": c, "unit_name": c, "values": v} for c, v in values.items()], "s", period)


A = _t("2017", {"A": {"tips_received": 10, "tips_valuable": 5, "teams_security": 3},
                "B": {"tips_received": 20, "tips_valuable": 10, "teams_security": None},
                "C": {"tips_received": 0, "tips_valuable": 0, "teams_security": 4}})
B = _t("2018", {"A": {"tips_received": 15, "tips_valuable": 12, "teams_security": 3},
                "B": {"tips_received": 10, "tips_valuable": 5, "teams_security": 6},
                "C": {"tips_received": 4, "tips_valuable": 1, "teams_security": 4},
                "D": {"tips_received": 1, "tips_valuable": 1, "teams_security": 1}})


@pytest.mark.parametrize("iid, unit, change, pct", [
    ("tips_received", "A", 5, 50.0),
    ("tips_received", "B", -10, -50.0),
    ("tips_received", "C", 4, None),  # from zero: no percentage
    ("tips_received", "D", None, None),  # new unit: no data before, not a change from zero
    ("teams_security", "B", None, None),  # missing before
    ("valuable_tip_rate", "A", 80.0 - 50.0, 60.0),  # a share: recomputed each period, then compared
])
def test_period_change(iid, unit, change, pct):
    out = period_change(A, B, iid)
    got_c, got_p = out.loc[unit, "change"], out.loc[unit, "change_pct"]
    assert (math.isnan(got_c) if change is None else got_c == pytest.approx(change))
    assert (math.isnan(got_p) if pct is None else got_p == pytest.approx(pct))


def test_district_change_from_sums():
    d = district_change(A, B, "valuable_tip_rate")
    assert d["before"] == pytest.approx(100 * 15 / 30) and d["after"] == pytest.approx(100 * 19 / 30)


def test_trend_and_cumulative_only_for_flows():
    units, dist = trend({"2018": B, "2017": A}, "tips_received")
    assert list(dist["period"]) == ["2017", "2018"]
    assert list(dist["value"]) == [30, 30]
    units, dist = trend({"2018": B, "2017": A}, "tips_received", cumulative=True)
    assert list(dist["value"]) == [30, 60]
    assert units[(units.unit_code == "A")]["value"].tolist() == [10, 25]
    with pytest.raises(ValueError):
        trend({"2017": A}, "teams_security", cumulative=True)
    with pytest.raises(ValueError):
        trend({"2017": A}, "valuable_tip_rate", cumulative=True)


def test_common_breaks_pool_all_periods():
    from geo.analysis.change import common_breaks
    from geo.analysis.classify import classify

    breaks = common_breaks({"2017": A, "2018": B}, "tips_received", k=3)
    assert breaks[-1] == 20  # the largest value of any period closes the top class
    c17 = classify(indicator_values(A, "tips_received"), "manual", breaks=breaks)
    assert c17.upper == breaks  # each period is drawn with the same classes


# ------------------------------------------------------------------ trends across a change in the law (issue 13)

LAW = {p: _t(p, {"A": {"teams_street_protection": 4, "teams_security_order": v},
                 "B": {"teams_street_protection": 2, "teams_security_order": v}})
       for p, v in (("2023", None), ("2024-Q2", None), ("2024-Q3", 5), ("2025", 6))}


def test_trend_has_no_value_outside_the_validity():
    from geo.analysis.change import trend

    _, dist = trend(LAW, "teams_street_protection")
    assert list(dist["period"]) == ["2023", "2024-Q2", "2024-Q3", "2025"]
    assert list(dist["value"][:2]) == [6, 6]
    assert dist["value"][2:].isna().all()  # a value typed in 2025 is not shown


@pytest.mark.parametrize("iid, kind, before, after, old, new", [
    ("teams_street_protection", "ends", "2024-Q2", "2024-Q3", ["teams_street_protection"], ["teams_security_order"]),
    ("teams_security_order", "begins", "2024-Q2", "2024-Q3", ["teams_street_protection"], ["teams_security_order"]),
])
def test_series_breaks_where_the_law_changes(iid, kind, before, after, old, new):
    from geo.analysis.change import series_breaks

    (b,) = series_breaks(LAW, iid)
    assert (b["kind"], b["before"], b["after"], b["old"], b["new"]) == (kind, before, after, old, new)
    assert "30/2023" not in b["note_vi"] and "01/7/2024" in b["note_vi"]


@pytest.mark.parametrize("iid, periods, n", [
    ("teams_security", ["2017", "2024", "2025"], 0),           # no change in the law
    ("villages_signed", ["2021", "2022", "2023"], 1),          # ends 9 Feb 2022: 2022 still overlaps
    ("villages_recognized", ["2021", "2022", "2023"], 1),
    ("teams_street_protection", ["2017"], 0),
])
def test_series_breaks_count(iid, periods, n):
    from geo.analysis.change import series_breaks

    assert len(series_breaks(periods, iid)) == n


@pytest.mark.parametrize("periods, expected", [
    ([], {}),
    (["2018", "2017"], {"year": ["2017", "2018"]}),
    (["2025", "2026-Q1", "2026-Q2"], {"quarter": ["2026-Q1", "2026-Q2"], "year": ["2025"]}),
    (["2024", "2025", "2025-DG3110"], {"year": ["2024", "2025"], "dg3110": ["2025-DG3110"]}),  # year ends later
    (["2025-DG3110", "2026-DG3110", "2025"], {"dg3110": ["2025-DG3110", "2026-DG3110"], "year": ["2025"]}),
    (["2025-H1", "2025-03", "2025-Q2"], {"quarter": ["2025-Q2"], "half": ["2025-H1"], "month": ["2025-03"]}),  # same end: later start
    (["2025-DG1411", "2025-DG3110"], {"dg1411": ["2025-DG1411"], "dg3110": ["2025-DG3110"]}),
])
def test_periods_are_compared_only_with_periods_of_their_type(periods, expected):
    """A quarter beside its year (or a calendar year beside an evaluation year) counts the same events twice:
    the change page and its trend take one type at a time; the type holding the newest period first."""
    from geo.analysis.change import periods_by_kind

    got = periods_by_kind(periods)
    assert got == expected and list(got) == list(expected)
