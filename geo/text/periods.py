"""Reporting periods: a year ``2017``, a half-year ``2017-H1``, a quarter ``2017-Q2``, a month ``2017-06``, and
the movement's evaluation years that end on a given day: ``2025-DG3110`` is the evaluation year 2025 that ends on
31/10/2025 (it runs 01/11/2024–31/10/2025; "DG" for *đánh giá*, then the last day as DDMM, the way staff write
dates). Staff may also write the label back ("Năm đánh giá 2025 (01/11/2024–31/10/2025)") or the two days
("01/11/2024 - 31/10/2025", ISO "2024-11-01/2025-10-31"); a range that is a calendar period reads as that period.

Each period has a *type* (:attr:`Period.kind`): ``year``, ``half``, ``quarter``, ``month``, or ``dgDDMM`` for an
evaluation year ending on DD/MM (``dg3110``, ``dg1411``, ``dg1511``). The catalog says in which types an indicator
is reported; the completeness deadline is set per type (``ANTT_REPORT_DEADLINE_DAYS``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from geo.text.errors import AnttError
from geo.text.i18n import t

CALENDAR_KINDS = ("year", "half", "quarter", "month")
_EVAL_KIND = re.compile(r"^dg(\d{2})(\d{2})$")

# The words staff write around periods (vocabulary, not messages: tests/text/test_inline_strings.py)
_W_YEAR = "(?:năm|nam)"
_W_HALF = "(?:tháng|thang|t)"
_W_FIRST, _W_LAST = "(?:đầu|dau)", "(?:cuối|cuoi)"
_W_EVAL = r"(?:đánh\s*giá|danh\s*gia|đg|dg)"
_W_FROM, _W_TO, _W_DAY = "(?:từ|tu)", "(?:đến|den)", "(?:ngày|ngay)"

_YEAR = re.compile(rf"^(?:{_W_YEAR}\s*)?(\d{{4}})$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})\s*-?\s*[Hh]([12])$")
_HALF_VI = re.compile(rf"^(?:h([12])\s*[/\-. ]\s*(\d{{4}})|6\s*{_W_HALF}\s*({_W_FIRST}|{_W_LAST})\s*{_W_YEAR}?\s*(\d{{4}}))$",
                      re.IGNORECASE)
_FIRST_HALF = re.compile(_W_FIRST, re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_VI = re.compile(r"^(?:quý|quy|q)\s*([1-4])\s*[/\-. ]\s*(?:năm\s*)?(\d{4})$", re.IGNORECASE)
_MONTH_VI = re.compile(r"^(?:tháng|thang)?\s*(\d{1,2})\s*[/\-.]\s*(\d{4})$", re.IGNORECASE)
# 2025-DG3110, 2025DG3110, 2025-ĐG-31/10, 2025 dg 31.10
_EVAL = re.compile(rf"^(\d{{4}})\s*-?\s*{_W_EVAL}\s*-?\s*(?:(\d{{2}})(\d{{2}})|(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}}))$",
                   re.IGNORECASE)
# "Năm đánh giá 2025 (01/11/2024–31/10/2025)", "đánh giá 2025 (đến 31/10)", "ĐG 2025 (31/10)"
_EVAL_VI = re.compile(rf"^(?:{_W_YEAR}\s*)?{_W_EVAL}\s*(\d{{4}})\s*\((.+)\)$", re.IGNORECASE)
_DAY = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
_RANGE = re.compile(rf"^{_W_FROM}?\s*{_W_DAY}?\s*{_DAY}\s*(?:-|–|—|{_W_TO}|to)\s*{_W_DAY}?\s*{_DAY}$", re.IGNORECASE)
_ISO_RANGE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\s*(?:/|--|–)\s*(\d{4})-(\d{2})-(\d{2})$")
_END_DAY = re.compile(rf"^(?:{_W_TO}\s*{_W_DAY}?\s*)?(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}})$", re.IGNORECASE)


class PeriodError(AnttError, ValueError):
    """A reporting period that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    """Orders by its first day (year, month, then length, then day: a year sorts after its first quarter and
    month, an evaluation year by the day it starts)."""

    year: int  # the year of the first day (an evaluation year 2025 ending 31/10 starts in 2024)
    start_month: int
    length: int  # months: 12, 6, 3 or 1
    start_day: int = 1  # evaluation years may start on another day (15/11–14/11 starts on the 15th)

    @property
    def evaluation(self) -> bool:
        """An evaluation year: twelve months that are not a calendar year."""
        return self.length == 12 and (self.start_month, self.start_day) != (1, 1)

    @property
    def kind(self) -> str:
        """The period type: year, half, quarter, month, or dgDDMM (an evaluation year ending on DD/MM)."""
        if self.evaluation:
            end = self.end
            return f"dg{end.day:02d}{end.month:02d}"
        return {12: "year", 6: "half", 3: "quarter", 1: "month"}[self.length]

    def __str__(self) -> str:
        if self.evaluation:
            end = self.end
            return f"{end.year}-DG{end.day:02d}{end.month:02d}"
        if self.length == 12:
            return f"{self.year}"
        if self.length == 6:
            return f"{self.year}-H{(self.start_month - 1) // 6 + 1}"
        if self.length == 3:
            return f"{self.year}-Q{(self.start_month - 1) // 3 + 1}"
        return f"{self.year}-{self.start_month:02d}"

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, self.start_month, self.start_day)

    @property
    def end(self) -> date:
        """The last day of the period."""
        years, month = divmod(self.start_month - 1 + self.length, 12)
        return date(self.year + years, month + 1, self.start_day) - timedelta(days=1)

    def previous(self) -> "Period":
        """The period of the same type just before (2025 → 2024, 2025-Q1 → 2024-Q4, 2025-DG3110 → 2024-DG3110)."""
        years, month = divmod(self.start_month - 1 - self.length, 12)
        return Period(self.year + years, month + 1, self.length, self.start_day)

    def label(self, lang: str = "vi") -> str:
        if self.evaluation:
            start, end = self.start, self.end
            return t("period_label_evaluation", lang, year=end.year, start=_day_text(start, lang),
                     end=_day_text(end, lang))
        if self.length == 12:
            return t("period_label_year", lang, year=self.year)
        if self.length == 6:
            return t(f"period_label_half{(self.start_month - 1) // 6 + 1}", lang, year=self.year)
        if self.length == 3:
            return t("period_label_quarter", lang, q=(self.start_month - 1) // 3 + 1, year=self.year)
        return t("period_label_month", lang, month=self.start_month, year=self.year)


def _day_text(d: date, lang: str) -> str:
    return d.isoformat() if lang == "en" else f"{d.day:02d}/{d.month:02d}/{d.year}"


def kind_label(kind: str, lang: str = "vi") -> str:
    """A period type as people say it: 'năm', 'quý', 'năm đánh giá kết thúc 31/10'."""
    m = _EVAL_KIND.match(kind)
    if m:
        return t("period_kind_evaluation", lang, day=int(m.group(1)), month=int(m.group(2)))
    return t(f"period_kind_{kind}", lang)


def check_kind(kind: str) -> str:
    """``kind`` if it names a period type (year, half, quarter, month, dgDDMM with a valid last day), else
    PeriodError ``period_bad_kind``."""
    kind = str(kind).strip().lower()
    if kind in CALENDAR_KINDS:
        return kind
    m = _EVAL_KIND.match(kind)
    if m:
        _evaluation(2001, int(m.group(1)), int(m.group(2)), kind)
        return kind
    raise PeriodError("period_bad_kind", kind=kind, known=", ".join((*CALENDAR_KINDS, "dgDDMM")))


def parse_period(text: object) -> Period:
    """Parse the forms in the module docstring ('2017', '2017-H1', '2017-Q2', 'Quý 2/2017', '2017-06', '6/2017',
    '2025-DG3110', 'Năm đánh giá 2025 (01/11/2024–31/10/2025)', '01/11/2024-31/10/2025'). Raises PeriodError."""
    if text is None:
        raise PeriodError("period_missing")
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = " ".join(str(text).split())
    m = _YEAR.match(s)
    if m:
        return _make(int(m.group(1)), 1, 12, s)
    m = _HALF.match(s)
    if m:
        return _make(int(m.group(1)), (int(m.group(2)) - 1) * 6 + 1, 6, s)
    m = _HALF_VI.match(s)
    if m:
        if m.group(1):
            return _make(int(m.group(2)), (int(m.group(1)) - 1) * 6 + 1, 6, s)
        return _make(int(m.group(4)), 1 if _FIRST_HALF.fullmatch(m.group(3)) else 7, 6, s)
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
    m = _EVAL.match(s)
    if m:
        day, month = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
        return _evaluation(int(m.group(1)), int(day), int(month), s)
    m = _EVAL_VI.match(s)
    if m:
        return _evaluation_named(int(m.group(1)), m.group(2).strip(), s)
    return _range(s)


def _evaluation_named(year: int, inside: str, raw: str) -> Period:
    """'Năm đánh giá 2025 (…)': inside the brackets the two days, or only the last one ('31/10', 'đến 31/10')."""
    m = _END_DAY.match(inside)
    if m:
        p = _evaluation(year, int(m.group(1)), int(m.group(2)), raw)
    else:
        p = _range(inside, raw)
    if p.end.year != year or not p.evaluation:
        raise PeriodError("period_bad_range", raw=raw)
    return p


def _range(s: str, raw: str | None = None) -> Period:
    raw = raw or s
    m = _RANGE.match(s)
    if m:
        g = [int(x) for x in m.groups()]
        first, last = _date(g[2], g[1], g[0], raw), _date(g[5], g[4], g[3], raw)
    else:
        m = _ISO_RANGE.match(s)
        if not m:
            raise PeriodError("period_bad_format", s=raw)
        g = [int(x) for x in m.groups()]
        first, last = _date(*g[:3], raw), _date(*g[3:], raw)
    for length in (12, 6, 3, 1):
        if first.day == 1 and (first.month - 1) % length == 0:
            p = _make(first.year, first.month, length, raw)
            if p.end == last:
                return p
    if first.month != 2 or first.day != 29:
        try:
            p = _evaluation(last.year, last.day, last.month, raw)
        except PeriodError:
            p = None
        if p is not None and p.start == first:
            return p
    raise PeriodError("period_bad_range", raw=raw)


def _date(year: int, month: int, day: int, raw: str) -> date:
    _make(year, 1, 12, raw)
    try:
        return date(year, month, day)
    except ValueError:
        raise PeriodError("period_bad_day", raw=raw, day=f"{day:02d}/{month:02d}/{year}") from None


def _evaluation(year: int, day: int, month: int, raw: str) -> Period:
    """The evaluation year ``year`` that ends on ``day``/``month`` of ``year`` (it starts the day after, a year
    earlier). Ending on 31/12 it is the calendar year. A year cannot end in February (28/2 or 29/2 would move)."""
    _make(year, 1, 12, raw)
    if not 1 <= month <= 12:
        raise PeriodError("period_bad_month", raw=raw, month=month)
    if month == 2:
        raise PeriodError("period_bad_evaluation_end", raw=raw, day=f"{day:02d}/{month:02d}")
    try:
        end = date(year, month, day)
    except ValueError:
        raise PeriodError("period_bad_day", raw=raw, day=f"{day:02d}/{month:02d}/{year}") from None
    if (day, month) == (31, 12):
        return Period(year, 1, 12)
    start = date(year - 1, month, day) + timedelta(days=1)
    return Period(start.year, start.month, 12, start.day)


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
