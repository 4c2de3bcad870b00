"""Spreadsheet intake: read what staff really send, find the table, map columns, match units, validate.

``validate_file`` is a dry run: it never writes and never raises for bad content; every problem goes into
the :class:`IngestReport` with its sheet, Excel row, column letter, the value found and a message in
Vietnamese (English with ``lang="en"``). The report's ``rows`` are what ``geo.store.database`` imports on confirm.

Steps, one module each: geo.intake.read (file → sheets), geo.intake.table (the header and the column map, by
meaning through geo.intake.headers), geo.intake.rows (units within their parents through geo.intake.parents,
values through geo.intake.values), geo.intake.report (the report). This module runs them in order.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from geo.intake import headers, parents
from geo.intake import sheets as sheet_choice
from geo.intake.read import Unreadable, col_letter, read_sheets
from geo.intake.report import Ctx, IngestReport, Problem, column_map_rows, format_column, format_report
from geo.intake.rows import process_table
from geo.intake.table import find_table, is_total_label, period_from_title
from geo.intake.values import UNCACHED_FORMULA, parse_value
from geo.reference.catalog import Catalog, load_catalog
from geo.text.i18n import t
from geo.text.names import fold
from geo.text.periods import PeriodError, normalize_period
from geo.units.resolver import load_units

__all__ = ["IngestReport", "Problem", "column_map_rows", "col_letter", "format_column", "format_report",
           "is_total_label", "match_header", "parse_value", "validate_file", "UNCACHED_FORMULA"]


def match_header(text: str, catalog: Catalog | None = None, group: str | None = None) -> str | None:
    """The base indicator a header surely names, read by meaning with its group header (see geo.intake.headers)."""
    return headers.match_header(text, catalog or load_catalog(), group)


def _read_input(path_or_bytes, file_name: str | None) -> tuple[bytes, str | None]:
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), file_name
    if hasattr(path_or_bytes, "read"):
        data = path_or_bytes.read()
        name = file_name or getattr(path_or_bytes, "name", None)
        return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), (Path(name).name if name else None)
    path = Path(path_or_bytes)
    return path.read_bytes(), file_name or path.name


def validate_file(path_or_bytes, *, boundary_set: str, period: str | None = None, file_name: str | None = None,
                  column_mapping: dict[str, str] | None = None, lang: str = "vi", area: tuple = (),
                  store=None, history=None, sheets=None) -> IngestReport:
    """Dry run of one file against a boundary set. Never raises for bad content (see the module docstring).

    ``sheets``: the sheets to read, by name, or ``"all"``; None reads the one sheet holding a table and refuses
    a workbook with several (geo.intake.sheets).

    The values read are then checked by geo.intake.quality against the rules and, when ``store`` (its earlier
    periods are read) or ``history`` (a :class:`geo.intake.quality.History`) is given, the units' history."""
    report = IngestReport(boundary_set=boundary_set, lang=lang)
    sheet_names = sheets
    ctx = Ctx(report, lang)
    catalog = load_catalog()
    try:
        data, file_name = _read_input(path_or_bytes, file_name)
    except OSError as exc:
        report.readable = False
        report.file_name = file_name or str(path_or_bytes)
        ctx.problem("error", "ingest_unreadable", value=None, file=report.file_name, reason=str(exc))
        return report
    report.file_name = file_name
    report.file_size = len(data)
    report.file_sha256 = hashlib.sha256(data).hexdigest()
    from geo.intake.filecheck import FileRejected, check_upload

    try:  # hostile files (size, type by content, macros, zip/XML bombs, huge sheets) before any parser
        check_upload(data, file_name)
    except FileRejected as exc:
        report.readable = False
        report.errors.append(Problem(None, None, None, None, exc.message(lang), exc.key, exc.params))
        return report
    try:
        kind, sheets = read_sheets(data, file_name)
    except Unreadable as exc:
        report.readable = False
        ctx.problem("error", "ingest_unreadable", file=file_name or "", reason=exc.message(lang))
        return report
    except Exception as exc:  # a damaged file can raise anything from the readers
        report.readable = False
        ctx.problem("error", "ingest_unreadable", file=file_name or "", reason=f"{type(exc).__name__}: {exc}")
        return report
    report.file_type = kind

    units = load_units(boundary_set)
    report.units_expected = len(units.names) if not area else len(parents.area_codes(units, area) or ())

    mapping = {fold(k): (v or "") for k, v in (column_mapping or {}).items()}
    for v in mapping.values():
        if v and v not in catalog:
            mapping = {k: (vv if vv in catalog else "") for k, vv in mapping.items()}
            break

    found = [find_table(sh, catalog, mapping) for sh in sheets]
    if not any(found):  # nothing that looks like a table at all: unreadable (exit 2), not a file with errors
        report.sheets = sheet_choice.survey(sheets, found)
        report.readable = False
        ctx.problem("error", "ingest_no_header")
        _finish_period(ctx, period, None, None, None)
        return report
    tables = sheet_choice.choose(ctx, sheets, found, sheet_names)
    if len(tables) > 1:
        sheet_choice.read_several(ctx, tables, period, units, catalog, area, _finish_period)
    elif tables:
        _read_one(ctx, tables[0], sheets if sheet_names is None else [tables[0].sheet], period, units, catalog, area)
    _check_quality(ctx, catalog, units, store, history)
    return report


def _read_one(ctx: Ctx, table, sheets, period, units, catalog: Catalog, area: tuple) -> None:
    """The one table read (chosen, or the only sheet holding data: then said when it is not the first)."""
    report, lang = ctx.report, ctx.lang
    sheet = table.sheet
    report.sheet = sheet.name
    if len(sheets) > 1 and table.sheet is not sheets[0]:
        report.warnings.append(Problem(sheet.name, None, None, None, t("ingest_sheet_chosen", lang, sheet=sheet.name),
                                       "ingest_sheet_chosen", {"sheet": sheet.name}))
    header_last = table.header_rows[-1]
    report.header_rows = [r + 1 for r in table.header_rows]
    # Period: the argument, else the title area.
    found_period, found_row = period_from_title(sheet.rows, table.header_rows[0])
    _finish_period(ctx, period, found_period, found_row, sheet.name)
    process_table(ctx, table, units, catalog, header_last, area)
    entry = next(e for e in report.sheets if e["name"] == sheet.name)
    entry["units"], entry["period"] = len(report.rows), report.period


def _check_quality(ctx: Ctx, catalog: Catalog, units, store, history) -> None:
    """Rules and outliers over the values read (geo.intake.quality, the checks the entry form runs too): a rule
    of severity error is an error of the file (unless the same cell already has one), the rest are flags."""
    from geo.intake.quality import History, check_values

    report = ctx.report
    if not report.rows:
        return
    if history is None and store is not None and report.period:
        history = History(*store.value_history(report.boundary_set, report.period))
    cells = {"sheet": report.sheet, "rows": report.unit_rows, "at": report.value_cells,
             "columns": {c["indicator"]: c["letter"] for c in reversed(report.columns) if c.get("indicator")}}
    provinces = {c: p[-1] for c, p in units.parents.items() if p}
    flags = check_values(report.rows, report.period, history if isinstance(history, History) else None,
                         catalog=catalog, provinces=provinces, cells=cells, lang=ctx.lang)
    taken = {(p.sheet, p.row, p.column) for p in report.errors}
    for f in flags:
        sheet = report.value_cells.get((f.unit_code, f.indicator), (report.sheet,))[0]
        if f.severity != "error":
            report.flags.append(f)
        elif (sheet, f.row, f.column) not in taken:
            report.errors.append(Problem(sheet, f.row, f.column, f.value, f.message, f.rule, f.params))


def _finish_period(ctx: Ctx, given, found, found_row, sheet_name) -> None:
    report = ctx.report
    if given not in (None, ""):
        try:
            report.period = normalize_period(given)
        except PeriodError:
            ctx.problem("error", "ingest_period_invalid", value=str(given))
            return
        if found:
            try:
                if normalize_period(found) != report.period:
                    ctx.problem("warning", "ingest_period_differs", sheet_name, found_row, None, found,
                                found=found, given=report.period)
            except PeriodError:
                pass
        return
    if not found:
        ctx.problem("error", "ingest_period_missing")
        return
    try:
        report.period = normalize_period(found)
    except PeriodError:
        ctx.problem("error", "ingest_period_invalid", sheet_name, found_row, None, found, value=found)
