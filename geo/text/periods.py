"""Reporting periods: a year ``2017``, a quarter ``2017-Q2`` or a month ``2017-06``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from geo.text.errors import AnttError
from geo.text.i18n import t

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_VI = re.compile(r"^(?:quý|quy|q)\s*([1-4])\s*[/\-. ]\s*(?:năm\s*)?(\d{4})$", re.IGNORECASE)
_MONTH_VI = re.compile(r"^(?:tháng|thang)?\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$", re.IGNORECASE)


class PeriodError(AnttError, ValueError):
    """A reporting period that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    """Orders by start month, then by length (a year sorts before its first quarter and month)."""

    year: int
    start_month: int
    length: int  # months: 12, 3 or 1

    @property
    def kind(self) -> str:
        return {12: "year", 3: "quarter", 1: "month"}[self.length]

    def __str__(self) -> str:
        if self.length == 12:
            return f"{self.year}"
        if self.length == 3:
            return f"{self.year}-Q{(self.start_month - 1) // 3 + 1}"
        return f"{self.year}-{self.start_month:02d}"

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        month = self.start_month + self.length
        year = self.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return date(year, month, 1) - timedelta(days=1)

    def label(self, lang: str = "vi") -> str:
        if self.length == 12:
            return t("period_label_year", lang, year=self.year)
        if self.length == 3:
            return t("period_label_quarter", lang, q=(self.start_month - 1) // 3 + 1, year=self.year)
        return t("period_label_month", lang, month=self.start_month, year=self.year)


def parse_period(text: object) -> Period:
    """Parse '2017', '2017-Q2', '2017Q2', 'Quý 2/2017', '2017-06', '6/2017'. Raises PeriodError."""
    if text is None:
        raise PeriodError("period_missing")
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = str(text).strip()
    m = _YEAR.match(s)
    if m:
        return _make(int(m.group(1)), 1, 12, s)
    m = _QUARTER.match(s)
    if m:
        return _make(int(m.group(1)), (int(m.group(2)) - 1) * 3 + 1, 3, s)
    m = _QUARTER_VI.match(s)
    if m:
        return _make(int(m.group(2)), (int(m.group(1)) - 1) * 3 + 1, 3, s)
    m = _MONTH.match(s) or None
    if m:
        return _make(int(m.group(1)), int(m.group(2)), 1, s)
    m = _MONTH_VI.match(s)
    if m:
        return _make(int(m.group(2)), int(m.group(1)), 1, s)
    raise PeriodError("period_bad_format", s=s)


def _make(year: int, month: int, length: int, raw: str) -> Period:
    if not 1900 <= year <= 2100:
        raise PeriodError("period_bad_year", raw=raw, year=year)
    if not 1 <= month <= 12:
        raise PeriodError("period_bad_month", raw=raw, month=month)
    return Period(year, month, length)


def normalize_period(text: object) -> str:
    return str(parse_period(text))


def sort_periods(periods) -> list[str]:
    return [str(p) for p in sorted(parse_period(p) for p in periods)]
