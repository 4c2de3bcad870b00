"""Which sheets of a workbook hold the data, and reading several of them as one submission.

A sheet holds data when geo.intake.table finds a table of units × indicators on it. Sheets without one (the
template's help sheet, a cover, an empty or a chart sheet) do not count, but one with numbers that could not
be read as a table is named in an error: nothing a person gives is dropped by the machine. When more than one
sheet holds data the file is refused, naming them all, until the person says which (``--sheet NAME``,
repeatable, or ``--sheet all``; the sheet choice on the upload page). Several sheets chosen are read one by
one and combined: each unit's values from every sheet, a unit × indicator given twice with different values
refused naming both cells, the same value twice accepted; the sheets must be of one period."""

from __future__ import annotations

from geo.intake import parents
from geo.intake.read import UNCACHED_FORMULA, Sheet, col_letter
from geo.intake.report import MAX_LIST, Ctx, IngestReport
from geo.intake.rows import process_table
from geo.intake.table import Table, period_from_title
from geo.reference.catalog import Catalog
from geo.text.names import fold
from geo.text.periods import PeriodError, normalize_period

ALL = "all"  # --sheet all: every sheet that holds a table


def loose_numbers(sheet: Sheet) -> list[tuple[int, int]]:
    """(row, column), 0-based, of the numbers on a sheet without a table. A column of 1, 2, 3 … (the numbering
    of help lines or of a list) is not data."""
    by_col: dict[int, list[tuple[int, object]]] = {}
    for r, row in enumerate(sheet.rows):
        for c, v in enumerate(row):
            if v is UNCACHED_FORMULA or (isinstance(v, (int, float)) and not isinstance(v, bool)):
                by_col.setdefault(c, []).append((r, v))
    cells = []
    for c, found in by_col.items():
        values = [v for _r, v in found]
        if values == list(range(1, len(values) + 1)):
            continue
        cells += [(r, c) for r, _v in found]
    return sorted(cells)


def survey(sheets: list[Sheet], tables: list[Table | None]) -> list[dict]:
    """One entry per sheet of the file, in its order: what is on it (the dry run lists them)."""
    out = []
    for sh, tb in zip(sheets, tables):
        loose = [] if tb else loose_numbers(sh)
        kind = "table" if tb else ("numbers" if loose else "none")
        entry = {"name": sh.name, "hidden": sh.hidden, "content": kind, "chosen": False,
                 "indicators": tb.score[0] if tb else 0, "numbers": len(loose),
                 "first_number": f"{col_letter(loose[0][1])}{loose[0][0] + 1}" if loose else None,
                 "units": 0, "period": None}
        out.append(entry)
    return out


def _quote(names) -> str:
    return ", ".join(f"'{n}'" for n in names)


def choose(ctx: Ctx, sheets: list[Sheet], tables: list[Table | None], choice) -> list[Table]:
    """The tables to read. ``choice``: None (the person said nothing), ALL, or sheet names. Errors name every
    data sheet when the choice is needed, a name that is no sheet, a chosen sheet with no table, and (when no
    names were given) each sheet with numbers that is no table. Fills ``report.sheets``."""
    report = ctx.report
    report.sheets = survey(sheets, tables)
    data = [tb for tb in tables if tb]
    data_names = [tb.sheet.name for tb in data]
    if isinstance(choice, str):
        choice = [choice]
    names = [str(n).strip() for n in (choice or ()) if str(n).strip()]
    if names and all(fold(n) == ALL for n in names) and not any(fold(sh.name) == ALL for sh in sheets):
        names = []
        choice = ALL
    if not names:
        for entry in report.sheets:
            if entry["content"] == "numbers":
                ctx.problem("error", "ingest_sheet_numbers_unread", entry["name"], None, None, None,
                            n=entry["numbers"], cell=entry["first_number"])
        if len(data) > 1 and choice != ALL:
            ctx.problem("error", "ingest_sheets_several", n=len(data), names=_quote(data_names))
            return []
        chosen = data
    else:
        chosen, by_name = [], {sh.name: tb for sh, tb in zip(sheets, tables)}
        for n in dict.fromkeys(names):
            sheet = next((sh for sh in sheets if sh.name == n), None) or next(
                (sh for sh in sheets if fold(sh.name) == fold(n)), None)
            if sheet is None:
                ctx.problem("error", "ingest_sheet_unknown", value=n, name=n, names=_quote(s.name for s in sheets))
            elif by_name[sheet.name] is None:
                ctx.problem("error", "ingest_sheet_not_table", sheet.name, None, None, None,
                            names=_quote(data_names) or "—")
            elif by_name[sheet.name] not in chosen:
                chosen.append(by_name[sheet.name])
        if len(chosen) < len(dict.fromkeys(names)):
            return []
    for entry in report.sheets:
        entry["chosen"] = entry["name"] in {tb.sheet.name for tb in chosen}
    return chosen


def read_several(ctx: Ctx, tables: list[Table], given_period, units, catalog: Catalog, area: tuple,
                 finish_period) -> None:
    """Several chosen tables as one submission of one period (see the module docstring)."""
    report, lang = ctx.report, ctx.lang
    report.sheet = ", ".join(tb.sheet.name for tb in tables)
    found = [(tb, *period_from_title(tb.sheet.rows, tb.header_rows[0])) for tb in tables]
    periods = {}
    for tb, text, _row in found:
        try:
            periods[tb.sheet.name] = normalize_period(text) if text else None
        except PeriodError:
            periods[tb.sheet.name] = text
    written = {p for p in periods.values() if p}
    if len(written) > 1:
        ctx.problem("error", "ingest_sheets_periods_differ", list=", ".join(
            f"'{n}': {p or '—'}" for n, p in periods.items()))
        return
    first = next(((tb, text, row) for tb, text, row in found if text), (tables[0], None, None))
    finish_period(ctx, given_period, first[1], first[2], first[0].sheet.name)
    if ctx.report.period is None:
        return
    subs = []
    for tb in tables:
        sub = IngestReport(boundary_set=report.boundary_set, period=report.period, lang=lang, sheet=tb.sheet.name,
                           units_expected=report.units_expected)
        process_table(Ctx(sub, lang), tb, units, catalog, tb.header_rows[-1], area)
        subs.append(sub)
        entry = next(e for e in report.sheets if e["name"] == tb.sheet.name)
        entry["units"], entry["period"] = len(sub.rows), periods.get(tb.sheet.name) or report.period
    _merge(ctx, subs, units, catalog, area)


_RECOUNTED = ("ingest_units_missing", "ingest_column_missing")  # per sheet they are wrong; counted over all


def _merge(ctx: Ctx, subs: list[IngestReport], units, catalog: Catalog, area: tuple) -> None:
    report, lang = ctx.report, ctx.lang
    rows: dict[str, dict] = {}
    for sub in subs:
        letter_of = {}
        for letter, iid in sub.column_map.items():
            letter_of.setdefault(iid, letter)
        for r in sub.rows:
            code, excel_row = r["unit_code"], sub.unit_rows[r["unit_code"]]
            target = rows.setdefault(code, {"unit_code": code, "unit_name": r["unit_name"], "values": {}})
            report.unit_rows.setdefault(code, excel_row)
            for iid, v in r["values"].items():
                here = (sub.sheet, excel_row, letter_of.get(iid))
                old = target["values"].get(iid)
                if old is None:
                    target["values"][iid] = v
                    if v is not None:
                        report.value_cells[(code, iid)] = here
                elif v is not None and v != old:
                    s1, r1, c1 = report.value_cells[(code, iid)]
                    ctx.problem("error", "ingest_sheets_conflict", sub.sheet, excel_row, here[2], v,
                                unit=f"{r['unit_name']} ({code})", indicator=catalog[iid].name(lang),
                                sheet1=s1, cell1=f"{c1}{r1}", value1=old, sheet2=sub.sheet,
                                cell2=f"{here[2]}{excel_row}", value2=v)
        report.errors += sub.errors
        report.warnings += [w for w in sub.warnings if w.key not in _RECOUNTED]
        shown = {(c["letter"], c["header"], c["group"], c["indicator"], c["reading"]) for c in report.columns}
        report.columns += [{**c, "sheet": sub.sheet} for c in sub.columns  # the same column on each sheet: once
                           if (c["letter"], c["header"], c["group"], c["indicator"], c["reading"]) not in shown]
        report.unconfirmed = list(dict.fromkeys(report.unconfirmed + sub.unconfirmed))
        report.ignored_columns = list(dict.fromkeys(report.ignored_columns + sub.ignored_columns))
        for k, v in sub.column_map.items():
            report.column_map.setdefault(k, v)
        for k, v in sub.headers.items():
            report.headers.setdefault(k, v)
        for k, v in sub.missing_marks.items():
            report.missing_marks[k] = report.missing_marks.get(k, 0) + v
        report.header_rows = report.header_rows or sub.header_rows
        report.legacy_encoding = report.legacy_encoding or sub.legacy_encoding
    totals = [s.total_row for s in subs if s.total_row.get("found")]
    if totals:
        report.total_row = {"found": True, "matches": all(tr.get("matches") for tr in totals)}
    report.rows = list(rows.values())
    report.units_matched = len(report.rows)
    base = [i.id for i in catalog.valid_in(report.period).base()]
    given = {iid for sub in subs for iid in sub.column_map.values()}
    missing = [i for i in base if i not in given]
    if missing and report.rows:
        ctx.problem("warning", "ingest_column_missing", n=len(missing),
                    names=_listed([catalog[i].name(lang) for i in missing]))
    allowed = parents.area_codes(units, area)
    absent = [c for c in units.names if c not in rows and (allowed is None or c in allowed)]
    if absent and report.rows:
        ctx.problem("warning", "ingest_units_missing", n=len(absent),
                    total=len(allowed) if allowed is not None else len(units.names),
                    names=_listed([units.names[c] for c in absent]))


def _listed(names: list[str]) -> str:
    return ", ".join(names[:MAX_LIST]) + ("…" if len(names) > MAX_LIST else "")
