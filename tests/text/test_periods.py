"""Periods have a first and a last day, so an indicator's validity can be compared with them (issue 13)."""

from datetime import date

import pytest

from geo.text.periods import parse_period


@pytest.mark.parametrize("text, start, end", [
    ("2017", date(2017, 1, 1), date(2017, 12, 31)),
    ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
    ("Quý 4/2025", date(2025, 10, 1), date(2025, 12, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
    ("12/2023", date(2023, 12, 1), date(2023, 12, 31)),
])
def test_first_and_last_day(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


# --- issue 20: half-years and the movement's evaluation years -------------------------------------------------

from geo.text.periods import PeriodError, check_kind, kind_label, normalize_period, sort_periods  # noqa: E402


@pytest.mark.parametrize("text, canonical, kind, start, end", [
    # the existing forms keep their strings
    ("2017", "2017", "year", date(2017, 1, 1), date(2017, 12, 31)),
    (2017.0, "2017", "year", date(2017, 1, 1), date(2017, 12, 31)),          # a number cell
    ("năm 2017", "2017", "year", date(2017, 1, 1), date(2017, 12, 31)),
    ("2017Q2", "2017-Q2", "quarter", date(2017, 4, 1), date(2017, 6, 30)),
    ("6/2017", "2017-06", "month", date(2017, 6, 1), date(2017, 6, 30)),
    # half-years
    ("2025-H1", "2025-H1", "half", date(2025, 1, 1), date(2025, 6, 30)),
    ("2025h2", "2025-H2", "half", date(2025, 7, 1), date(2025, 12, 31)),
    ("H2/2025", "2025-H2", "half", date(2025, 7, 1), date(2025, 12, 31)),
    ("6 tháng đầu năm 2025", "2025-H1", "half", date(2025, 1, 1), date(2025, 6, 30)),
    ("6 tháng cuối 2024", "2024-H2", "half", date(2024, 7, 1), date(2024, 12, 31)),
    ("6T đầu năm 2023", "2023-H1", "half", date(2023, 1, 1), date(2023, 6, 30)),
    # evaluation years, named by the year they end in
    ("2025-DG3110", "2025-DG3110", "dg3110", date(2024, 11, 1), date(2025, 10, 31)),
    ("2025dg3110", "2025-DG3110", "dg3110", date(2024, 11, 1), date(2025, 10, 31)),
    ("2025-ĐG-31/10", "2025-DG3110", "dg3110", date(2024, 11, 1), date(2025, 10, 31)),
    ("2025 DG 14.11", "2025-DG1411", "dg1411", date(2024, 11, 15), date(2025, 11, 14)),
    ("2026-DG1511", "2026-DG1511", "dg1511", date(2025, 11, 16), date(2026, 11, 15)),
    ("Năm đánh giá 2025 (01/11/2024–31/10/2025)", "2025-DG3110", "dg3110", date(2024, 11, 1), date(2025, 10, 31)),
    ("năm đánh giá 2025 (đến 31/10)", "2025-DG3110", "dg3110", date(2024, 11, 1), date(2025, 10, 31)),
    ("ĐG 2025 (15/11)", "2025-DG1511", "dg1511", date(2024, 11, 16), date(2025, 11, 15)),
    ("01/11/2024 - 31/10/2025", "2025-DG3110", "dg3110", date(2024, 11, 1), date(2025, 10, 31)),
    ("từ ngày 15/11/2024 đến ngày 14/11/2025", "2025-DG1411", "dg1411", date(2024, 11, 15), date(2025, 11, 14)),
    ("2024-11-01/2025-10-31", "2025-DG3110", "dg3110", date(2024, 11, 1), date(2025, 10, 31)),  # ISO 8601 interval
    ("1/5/2024 - 30/4/2025", "2025-DG3004", "dg3004", date(2024, 5, 1), date(2025, 4, 30)),  # any last day
    # a range that is a calendar period is that period; an evaluation year ending 31/12 is the year
    ("01/01/2025-31/12/2025", "2025", "year", date(2025, 1, 1), date(2025, 12, 31)),
    ("1/4/2025-30/6/2025", "2025-Q2", "quarter", date(2025, 4, 1), date(2025, 6, 30)),
    ("01/07/2025 - 31/12/2025", "2025-H2", "half", date(2025, 7, 1), date(2025, 12, 31)),
    ("01/02/2024 - 29/02/2024", "2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
    ("2025-DG3112", "2025", "year", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_forms_staff_write(text, canonical, kind, start, end):
    p = parse_period(text)
    assert (str(p), p.kind, p.start, p.end) == (canonical, kind, start, end)
    assert parse_period(str(p)) == p  # the written form reads back (URLs, the store)
    assert parse_period(p.label("vi")) == p  # and so does the Vietnamese label, as a person would copy it


@pytest.mark.parametrize("text, key", [
    ("2025-DG2802", "period_bad_evaluation_end"),      # February moves with leap years
    ("2025-DG3111", "period_bad_day"),                 # 31/11 does not exist
    ("01/11/2024-30/10/2025", "period_bad_range"),     # a day short of a year
    ("15/11/2024-14/11/2026", "period_bad_range"),     # two years
    ("Năm đánh giá 2026 (01/11/2024–31/10/2025)", "period_bad_range"),  # the year named is not the one it ends in
    ("32/10/2024-31/10/2025", "period_bad_day"),
    ("2025-H3", "period_bad_format"),
    ("2025-Q5", "period_bad_format"),
    ("1800-DG3110", "period_bad_year"),
    ("2025-DG3113", "period_bad_month"),
])
def test_bad_forms_say_why(text, key):
    with pytest.raises(PeriodError) as exc:
        parse_period(text)
    assert exc.value.key == key and text in exc.value.message("vi")


@pytest.mark.parametrize("period, vi, en", [
    ("2025-DG3110", "Năm đánh giá 2025 (01/11/2024–31/10/2025)", "Evaluation year 2025 (2024-11-01 – 2025-10-31)"),
    ("2026-DG1411", "Năm đánh giá 2026 (15/11/2025–14/11/2026)", "Evaluation year 2026 (2025-11-15 – 2026-11-14)"),
    ("2025-H1", "6 tháng đầu năm 2025", "H1 2025"),
    ("2025-H2", "6 tháng cuối năm 2025", "H2 2025"),
    ("2025", "Năm 2025", "2025"),
    ("2025-Q3", "Quý 3/2025", "Q3 2025"),
])
def test_labels(period, vi, en):
    p = parse_period(period)
    assert (p.label("vi"), p.label("en")) == (vi, en)


@pytest.mark.parametrize("period, before", [
    ("2025-DG3110", "2024-DG3110"),
    ("2026-DG1411", "2025-DG1411"),
    ("2025-H1", "2024-H2"),
    ("2025-H2", "2025-H1"),
    ("2025-Q1", "2024-Q4"),
    ("2025-01", "2024-12"),
    ("2025", "2024"),
])
def test_previous_period_of_the_same_type(period, before):
    assert str(parse_period(period).previous()) == before


@pytest.mark.parametrize("period, vintage", [
    ("2025-DG3110", "2025"),   # ends 31/10/2025: after 30/6/2025, so the 2025 units
    ("2024-DG3110", "pre2025"),
    ("2025-DG1411", "2025"),
    ("2025-H1", "pre2025"),    # ends 30/6/2025
    ("2025-H2", "2025"),
    ("01/07/2024-30/06/2025", "pre2025"),
])
def test_the_period_decides_the_vintage(period, vintage):
    from geo.units.vintage import period_vintage

    assert period_vintage(period) == vintage


def test_sorting_puts_evaluation_years_by_their_first_day():
    assert sort_periods(["2025", "2025-DG3110", "2024-Q4", "2024-DG1411", "2025-H1", "2024"]) == [
        "2024-DG1411", "2024", "2024-Q4", "2025-DG3110", "2025-H1", "2025"]  # 15/11/2023, 1/1/2024, 1/10, 1/11…


@pytest.mark.parametrize("kind, ok", [
    ("year", True), ("half", True), ("quarter", True), ("month", True), ("DG3110", True), ("dg1411", True),
    ("dg2902", False), ("dg3111", False), ("week", False), ("dg31", False),
])
def test_period_types(kind, ok):
    if ok:
        assert check_kind(kind) == kind.lower()
    else:
        with pytest.raises(PeriodError):
            check_kind(kind)


def test_period_type_labels():
    assert kind_label("dg3110") == "năm đánh giá kết thúc ngày 31/10"
    assert kind_label("quarter") == "quý" and kind_label("half", "en") == "half-year"
    assert normalize_period(" Năm đánh giá  2025 (01/11/2024 – 31/10/2025) ") == "2025-DG3110"
