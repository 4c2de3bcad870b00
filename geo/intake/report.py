"""The dry-run report of the intake: problems naming sheet, row and column, the report object the page and the
CLI show, and its human-readable form (the last step; the steps before only add problems to it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geo.text.i18n import t


MAX_LIST = 8


@dataclass
class Problem:
    sheet: str | None
    row: int | None  # 1-based Excel row
    column: str | None  # Excel letter
    value: Any
    message: str  # in the report's language, where-prefix included
    key: str | None = None  # its string-catalogue key and parameters (not in the JSON: the message is)
    params: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        value = self.value
        if value is not None and not isinstance(value, (int, float, str, bool)):
            value = str(value)
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": value,
                "message": self.message}


@dataclass
class IngestReport:
    boundary_set: str
    period: str | None = None
    readable: bool = True
    units_expected: int = 0
    units_matched: int = 0
    rows: list[dict] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: list[dict] = field(default_factory=list)  # the column map: letter, header, group, indicator, how, ...
    unconfirmed: list[str] = field(default_factory=list)  # letters of unsure matches waiting for a person
    total_row: dict = field(default_factory=lambda: {"found": False, "matches": None})
    column_map: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # Excel letter → header text as found
    header_rows: list[int] = field(default_factory=list)  # Excel rows of the header, top level first
    missing_marks: dict[str, int] = field(default_factory=dict)  # '-', '—', … read as no data: how many cells
    sheet: str | None = None
    file_sha256: str | None = None
    file_size: int | None = None
    file_name: str | None = None
    file_type: str | None = None
    legacy_encoding: str | None = None
    lang: str = "vi"
    flags: list = field(default_factory=list)  # geo.intake.quality.Flag: values that need a person's word
    unit_rows: dict[str, int] = field(default_factory=dict)  # unit code → its Excel row
    sheets: list[dict] = field(default_factory=list)  # every sheet of the file: what is on it, what was read
    value_cells: dict = field(default_factory=dict)  # (unit, indicator) → (sheet, row, letter), several sheets read

    @property
    def data_sheets(self) -> list[str]:
        """The sheets holding a table of units × indicators (a person chooses among them)."""
        return [s["name"] for s in self.sheets if s["content"] == "table"]

    @property
    def ok(self) -> bool:
        return self.readable and not self.errors

    def to_json(self) -> dict:
        """The CLI's JSON object (``python -m geo validate --json``)."""
        return {
            "ok": self.ok,
            "boundary_set": self.boundary_set,
            "period": self.period,
            "units_expected": self.units_expected,
            "units_matched": self.units_matched,
            "rows": self.rows,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
            "ignored_columns": list(self.ignored_columns),
            "total_row": {"found": bool(self.total_row.get("found")), "matches": self.total_row.get("matches")},
            "columns": [{k: c[k] for k in ("letter", "header", "group", "indicator", "reading", "rule", "how",
                                           "numeric", "candidates", "status")} for c in self.columns],
            "unconfirmed": list(self.unconfirmed),
            "header_rows": list(self.header_rows),
            "missing_marks": dict(self.missing_marks),
            "flags": [f.to_dict() for f in self.flags],
            "sheets": [dict(s) for s in self.sheets],
        }


class Ctx:
    def __init__(self, report: IngestReport, lang: str):
        self.report, self.lang = report, lang

    def _where(self, sheet, row, column) -> str:
        if sheet is None:
            return ""
        if row is None:
            return t("ingest_at_sheet", self.lang, sheet=sheet)
        if column is None:
            return t("ingest_at_row", self.lang, sheet=sheet, row=row)
        return t("ingest_at_cell", self.lang, sheet=sheet, row=row, column=column)

    def problem(self, level: str, key: str, sheet=None, row=None, column=None, cell_value=None, *,
                suffix: str = "", **kw) -> None:
        where = self._where(sheet, row, column)
        body = t(key, self.lang, **kw) + suffix
        msg = where + body if where else body[:1].upper() + body[1:]
        if cell_value is None and "value" in kw:
            cell_value = kw["value"]
        p = Problem(sheet, row, column, cell_value, msg, key, kw)
        (self.report.errors if level == "error" else self.report.warnings).append(p)


def format_column(c: dict, lang: str = "vi") -> str:
    """One line of the column map: header (with its group) → indicator or what it is, by which rule, and what
    became of it (certain, to confirm, unit column, text)."""
    header = f"{c['group']} / {c['header']}" if c.get("group") else c["header"]
    target = c["indicator"] or t(f"col_role_{c['role']}", lang)
    return f"'{header}' → {target} ({c['how']}; {t('col_reading_' + c['reading'], lang)})"


def column_map_rows(report: IngestReport, lang: str = "vi") -> list[dict]:
    """The column map as table rows for the upload page (column, header with its group, read as, how, sure)."""
    rows = []
    for c in report.columns:
        sure = t(f"col_reading_{c['reading']}", lang)
        rows.append({t("col_head_letter", lang): c["letter"],
                     t("col_head_header", lang): f"{c['group']} / {c['header']}" if c.get("group") else c["header"],
                     t("col_head_indicator", lang): c["indicator"] or t(f"col_role_{c['role']}", lang),
                     t("col_head_how", lang): c["how"], t("col_head_sure", lang): sure})
    return rows


def sheet_line(s: dict, lang: str = "vi") -> str:
    """One sheet of the file in the dry run: its name, hidden or not, what is on it and what was read."""
    if s["content"] == "table" and s["chosen"]:
        what = t("ingest_sheet_read", lang, units=s["units"], indicators=s["indicators"], period=s["period"] or "—")
    elif s["content"] == "table":
        what = t("ingest_sheet_table_unread", lang, indicators=s["indicators"])
    elif s["content"] == "numbers":
        what = t("ingest_sheet_numbers", lang, n=s["numbers"], cell=s["first_number"])
    else:
        what = t("ingest_sheet_empty", lang)
    hidden = t("ingest_sheet_hidden", lang) if s["hidden"] else ""
    return f"'{s['name']}'{hidden}: {what}"


def format_report(report: IngestReport, lang: str | None = None) -> str:
    lang = lang or report.lang
    lines = [t("ingest_report_title", lang, file=report.file_name or ""),
             t("ingest_report_set", lang, set=report.boundary_set, period=report.period or "—",
               sheet=report.sheet or "—"),
             t("ingest_report_units", lang, matched=report.units_matched, expected=report.units_expected)]
    if len(report.sheets) > 1:
        lines.append(t("ingest_report_sheets", lang))
        lines += [f"  - {sheet_line(s, lang)}" for s in report.sheets]
    if report.errors:
        lines.append(t("ingest_report_errors", lang, n=len(report.errors)))
        lines += [f"  - {p.message}" for p in report.errors]
    if report.warnings:
        lines.append(t("ingest_report_warnings", lang, n=len(report.warnings)))
        lines += [f"  - {p.message}" for p in report.warnings]
    if report.flags:
        lines.append(t("ingest_report_flags", lang, n=len(report.flags)))
        lines += [f"  - {f.message}" for f in report.flags]
    if report.columns:
        lines.append(t("ingest_report_columns", lang))
        lines += [f"  {c['letter']}: {format_column(c, lang)}" for c in report.columns]
    if report.ignored_columns:
        lines.append(t("ingest_report_ignored", lang, names=", ".join(report.ignored_columns)))
    tr = report.total_row
    state = t("ingest_total_none", lang) if not tr.get("found") else (
        t("ingest_total_ok", lang) if tr.get("matches") else t("ingest_total_bad", lang))
    lines.append(t("ingest_report_total", lang, state=state))
    lines.append(t("ingest_ok", lang, matched=report.units_matched, expected=report.units_expected,
                   period=report.period) if report.ok else t("ingest_has_errors", lang, n=len(report.errors)))
    return "\n".join(lines)
