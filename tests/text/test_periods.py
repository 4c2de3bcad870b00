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
