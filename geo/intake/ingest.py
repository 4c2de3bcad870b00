"""Spreadsheet intake: read what staff really send, find the table, map columns, match units, validate.

``validate_file`` is a dry run: it never writes and never raises for bad content; every problem goes into
the :class:`IngestReport` with its sheet, Excel row, column letter, the value found and a message in
Vietnamese (English with ``lang="en"``). The report's ``rows`` are what ``geo.store.database`` imports on confirm.

Steps: geo.intake.read (file → sheets), geo.intake.headers (columns by meaning), geo.intake.parents (units
within their province/district and the chosen area); this module finds the table, reads values, checks and
reports.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo.intake import headers, parents
from geo.intake.read import UNCACHED_FORMULA, Sheet, Unreadable, col_letter, read_sheets
from geo.reference.catalog import Catalog, Indicator, load_catalog
from geo.text.i18n import t
from geo.text.legacy import ENCODING_LABELS, detect_and_decode
from geo.text.legacy import candidates as legacy_candidates
from geo.text.names import clean_text, fold, strip_prefix, suggest
from geo.text.periods import PeriodError, normalize_period
from geo.units.index import UnitIndex
from geo.units.resolver import load_units

HEADER_SCAN_ROWS = 40
MAX_LIST = 8


# ---------------------------------------------------------------------------------------------------------
# Report


@dataclass
class Problem:
    sheet: str | None
    row: int | None  # 1-based Excel row
    column: str | None  # Excel letter
    value: Any
    message: str

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
    sheet: str | None = None
    file_sha256: str | None = None
    file_size: int | None = None
    file_name: str | None = None
    file_type: str | None = None
    legacy_encoding: str | None = None
    lang: str = "vi"

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
            "columns": [{k: c[k] for k in ("letter", "header", "group", "indicator", "how", "confidence", "status")}
                        for c in self.columns],
            "unconfirmed": list(self.unconfirmed),
        }


# ---------------------------------------------------------------------------------------------------------
# Header matching (by meaning: geo.intake.headers)

_TOTAL_RE = re.compile(r"^(tong cong|cong|tong|tong so|toan huyen|toan tinh|toan quoc|toan thi xa|total|sum)\b")
_ROMAN_RE = re.compile(r"^(?=[ivxlc]+\b)(i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xv)\s*[.\-):]?(\s|$)", re.IGNORECASE)
_MISSING_MARKS = {"-", "x", "—", "–", "_", "..", "...", "…", "--"}
UNIT_ROLES = ("name", "code", "province", "district")


def match_header(text: str, catalog: Catalog | None = None, group: str | None = None) -> str | None:
    """The base indicator a header surely names, read by meaning with its group header (see geo.intake.headers)."""
    return headers.match_header(text, catalog or load_catalog(), group)


@lru_cache(maxsize=4096)
def is_total_label(text: str) -> bool:
    """'Tổng cộng', 'Cộng', 'Tổng số', ... in Unicode or a legacy font (TCVN3, VNI)."""
    folded = fold(text)
    if _TOTAL_RE.match(folded):
        return True
    if text.isascii() or len(text) > 40 or folded[:1] not in ("t", "c"):
        return False  # legacy fonts write 'Tæng céng' / 'Toång coäng': never plain ASCII
    return any(_TOTAL_RE.match(fold(dec)) for dec, _enc in legacy_candidates(text))


# ---------------------------------------------------------------------------------------------------------
# Finding the table


@dataclass
class _Column:
    index: int
    letter: str
    header: str
    role: str  # indicator | derived | unsure | name | code | province | district | stt | note | ignored | empty
    indicator: str | None = None
    group: str = ""
    child: str = ""
    how: str = ""
    how_args: dict = field(default_factory=dict)
    confidence: float = 0.0
    candidates: tuple[str, ...] = ()


@dataclass
class _Table:
    sheet: Sheet
    header_rows: list[int]
    columns: list[_Column]
    score: int
    legacy: list[tuple[str, str, str]]  # (before, after, encoding)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean_text(v)


def _filled(sheet: Sheet, upto: int) -> list[list]:
    """The first rows with merged ranges filled from their top-left cell (for header reading)."""
    grid = [list(r) for r in sheet.rows[:upto]]
    for r0, c0, r1, c1 in sheet.merges:
        if r0 >= upto:
            continue
        v = sheet.rows[r0][c0] if r0 < len(sheet.rows) and c0 < len(sheet.rows[r0]) else None
        for r in range(r0, min(r1, upto - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = v
    return grid


def _decode_cell(text: str, legacy: list) -> str:
    dec, enc = detect_and_decode(text)
    if enc:
        legacy.append((text, dec, enc))
    return dec


def _resolve_columns(parent: list | None, child: list, catalog: Catalog, mapping: dict[str, str],
                     legacy: list) -> list[_Column]:
    width = max(len(child), len(parent or []))
    cols = []
    for c in range(width):
        ch = _decode_cell(_text(child[c] if c < len(child) else None), legacy)
        pa = _decode_cell(_text(parent[c] if parent and c < len(parent) else None), legacy) if parent else ""
        if pa == ch:
            pa = ""
        header = f"{pa} / {ch}" if pa and ch else (ch or pa)
        col = _Column(c, col_letter(c), header, "empty", group=pa if ch else "", child=ch or pa)
        manual = next((mapping[fold(k)] for k in (col.letter, header, ch, pa) if k and fold(k) in mapping), None)
        if manual is not None:
            col.role, col.indicator = ("indicator", manual) if manual else ("ignored_by_hand", None)
            col.how, col.confidence = "col_how_hand", 1.0
        elif header:
            m = headers.match_column(col.child, col.group, catalog)
            col.role, col.indicator, col.how, col.how_args = m.role, m.indicator, m.how, m.how_args
            col.confidence, col.candidates = m.confidence, m.candidates
            if m.role == "indicator" and m.confidence < headers.SURE:
                col.role = "unsure"
        cols.append(col)
    return cols


def _spread_groups(parent: list, child: list) -> list:
    """Without merge information (CSV, or a merge lost on export) a group header sits over its first
    column only: spread it right over the following columns that have a sub-header and no header above."""
    parent = list(parent) + [None] * max(0, len(child) - len(parent))
    group = None
    for c in range(len(parent)):
        p = _text(parent[c])
        ch = _text(child[c]) if c < len(child) else ""
        if p:
            group = p if ch and ch != p else None
        elif ch and group:
            parent[c] = group
        else:
            group = None
    return parent


_NUMBER_TEXT_RE = re.compile(r"[\d.,\s%()+-]+")


def _mostly_numbers(row: list) -> bool:
    """Two or more number cells: a data row or the column-number row, never a header row."""
    cells = [v for v in row if v is not None and _text(v)]
    nums = sum(1 for v in cells if isinstance(v, (int, float)) or _NUMBER_TEXT_RE.fullmatch(_text(v)))
    return nums >= 2


def _find_table(sheet: Sheet, catalog: Catalog, mapping: dict[str, str]) -> _Table | None:
    upto = min(len(sheet.rows), HEADER_SCAN_ROWS)
    grid = _filled(sheet, upto + 1)
    best: _Table | None = None
    for i in range(upto):
        if _mostly_numbers(grid[i]):
            continue  # a data row (or column numbers) is never a header row
        options = [(None, grid[i], [i])]
        if i > 0:
            options.append((_spread_groups(grid[i - 1], grid[i]), grid[i], [i - 1, i]))
        for parent, child, hrows in options:
            legacy: list = []
            cols = _resolve_columns(parent, child, catalog, mapping, legacy)
            ids = {c.indicator for c in cols if c.role == "indicator"}
            unsure = sum(1 for c in cols if c.role == "unsure")
            units = any(c.role in ("name", "code") for c in cols)
            score = len(ids) * 2 + unsure + (1 if units else 0)
            if (ids or unsure) and (best is None or score > best.score):
                best = _Table(sheet, hrows, cols, score, legacy)
    return best


# ---------------------------------------------------------------------------------------------------------
# Values

_AMOUNT = Indicator("_amount", "", "", "amount", "", "", "neutral", "flow", "", False)
_NUM_RE = re.compile(r"^([+-]?\s*\d[\d.,\s]*)\s*([^\d.,]*)$")


def parse_value(raw, ind: Indicator) -> tuple[int | float | None, str | None]:
    """(value, problem) where problem is None, 'missing_mark', 'uncached_formula', 'not_number', 'negative',
    'not_whole', 'not_flag'.

    Text numbers are read the Vietnamese way: '1.234' is one thousand two hundred and thirty-four, '1,5' is
    one and a half; trailing unit words ('12 tổ') are dropped. Empty means missing, never zero.
    """
    if raw is None:
        return None, None
    if raw is UNCACHED_FORMULA:
        return None, "uncached_formula"
    if isinstance(raw, bool):
        value: float = int(raw)
    elif isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return None, None
        value = raw
    elif isinstance(raw, str):
        s = clean_text(raw)
        if s == "":
            return None, None
        if s.lower() in _MISSING_MARKS:
            return None, "missing_mark"
        if ind.kind == "flag":
            f = fold(s)
            if f in ("co", "yes", "da ky", "roi"):
                return 1, None
            if f in ("khong", "chua", "no", "chua ky"):
                return 0, None
        m = _NUM_RE.match(s)
        if not m or (m.group(2) and not m.group(2).replace(" ", "").isalpha()):
            return None, "not_number"
        num = m.group(1).replace(" ", "")
        neg = num.startswith("-")
        num = num.lstrip("+-")
        if "," in num and "." in num:
            if num.rfind(",") > num.rfind("."):
                num = num.replace(".", "").replace(",", ".")
            else:
                num = num.replace(",", "")
        elif "." in num:
            if re.fullmatch(r"\d{1,3}(\.\d{3})+", num):
                num = num.replace(".", "")
        elif "," in num:
            if ind.whole_number and re.fullmatch(r"\d{1,3}(,\d{3})+", num):
                num = num.replace(",", "")
            else:
                num = num.replace(",", ".")
        try:
            value = float(num)
        except ValueError:
            return None, "not_number"
        if neg:
            value = -value
    else:
        return None, "not_number"
    if value < 0:
        return value, "negative"
    if ind.whole_number:
        if not float(value).is_integer():
            return value, "not_whole"
        value = int(value)
        if ind.kind == "flag" and value not in (0, 1):
            return value, "not_flag"
        return value, None
    return (int(value) if isinstance(value, int) else float(value)), None


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---------------------------------------------------------------------------------------------------------
# Validation


class _Ctx:
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

    def problem(self, level: str, key: str, sheet=None, row=None, column=None, cell_value=None, **kw) -> None:
        where = self._where(sheet, row, column)
        body = t(key, self.lang, **kw)
        msg = where + body if where else body[:1].upper() + body[1:]
        if cell_value is None and "value" in kw:
            cell_value = kw["value"]
        p = Problem(sheet, row, column, cell_value, msg)
        (self.report.errors if level == "error" else self.report.warnings).append(p)


def _read_input(path_or_bytes, file_name: str | None) -> tuple[bytes, str | None]:
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), file_name
    if hasattr(path_or_bytes, "read"):
        data = path_or_bytes.read()
        name = file_name or getattr(path_or_bytes, "name", None)
        return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), (Path(name).name if name else None)
    path = Path(path_or_bytes)
    return path.read_bytes(), file_name or path.name


def _period_from_title(rows: list[list], upto: int) -> tuple[str | None, int | None]:
    """A period written in the title area: a 'Kỳ báo cáo' / 'Năm' cell and the cell right of it, or a title
    such as 'BÁO CÁO ... QUÝ II NĂM 2017'. Returns (text, row) — text is raw, checked by the caller."""
    label_re = re.compile(r"^(ky bao cao|ky|nam|quy|thang|period|reporting period|bao cao ky|thoi gian)$")
    titles = []
    for r in range(min(upto, len(rows))):
        row = rows[r]
        for c, v in enumerate(row):
            s = _text(v)
            if not s:
                continue
            f = fold(s)
            if ":" in s:
                left, _, right = s.partition(":")
                if label_re.match(fold(left)) and right.strip():
                    return right.strip(), r + 1
            if label_re.match(f):
                for w in row[c + 1:]:
                    if _text(w):
                        val = _text(w)
                        if f == "quy" and re.fullmatch(r"[1-4]", val):
                            continue
                        return (val if f not in ("nam",) else val), r + 1
            titles.append((f, r + 1))
    romans = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
    for f, r in titles:
        if re.search(r"\bngay\s+\d", f):
            continue  # a date line: 'ngày 15 tháng 12 năm 2017'
        m = re.search(r"\bthang\s+(\d{1,2})\s*(?:nam\s+|[/\-.]\s*|\s+)(\d{4})\b", f)
        if m:
            return f"{m.group(2)}-{int(m.group(1)):02d}", r
        m = re.search(r"\bquy\s+(i{1,3}|iv|[1-4])\s*(?:nam\s+|[/\-.]\s*|\s+)(\d{4})\b", f)
        if m:
            q = romans.get(m.group(1), None) or int(m.group(1))
            return f"{m.group(2)}-Q{q}", r
        m = re.search(r"\bnam\s+(\d{4})\b", f)
        if m:
            return m.group(1), r
    return None, None


def validate_file(path_or_bytes, *, boundary_set: str, period: str | None = None, file_name: str | None = None,
                  column_mapping: dict[str, str] | None = None, lang: str = "vi", area: tuple = ()) -> IngestReport:
    """Dry run of one file against a boundary set. Never raises for bad content (see the module docstring)."""
    report = IngestReport(boundary_set=boundary_set, lang=lang)
    ctx = _Ctx(report, lang)
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
        report.errors.append(Problem(None, None, None, None, exc.message(lang)))
        return report
    try:
        kind, sheets = read_sheets(data, file_name)
    except Unreadable as exc:
        report.readable = False
        ctx.problem("error", "ingest_unreadable", file=file_name or "", reason=str(exc))
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

    tables = [tb for tb in (_find_table(sh, catalog, mapping) for sh in sheets) if tb]
    if not tables:  # nothing that looks like a table at all: unreadable (exit 2), not a file with errors
        report.readable = False
        ctx.problem("error", "ingest_no_header")
        _finish_period(ctx, period, None, None, None)
        return report
    table = max(tables, key=lambda tb: tb.score)  # the first sheet wins ties
    sheet = table.sheet
    report.sheet = sheet.name
    if len(sheets) > 1 and table.sheet is not sheets[0]:
        report.warnings.append(Problem(sheet.name, None, None, None, t("ingest_sheet_chosen", lang, sheet=sheet.name)))

    header_last = table.header_rows[-1]
    # Period: the argument, else the title area.
    found, found_row = _period_from_title(sheet.rows, table.header_rows[0])
    _finish_period(ctx, period, found, found_row, sheet.name)

    _process_table(ctx, table, units, catalog, header_last, area)
    return report


def _finish_period(ctx: _Ctx, given, found, found_row, sheet_name) -> None:
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


def _process_table(ctx: _Ctx, table: _Table, units: UnitIndex, catalog: Catalog, header_last: int,
                   area: tuple = ()) -> None:
    report, lang = ctx.report, ctx.lang
    allowed = parents.area_codes(units, area)
    allowed_text = parents.describe(area)
    sheet = table.sheet
    sname = sheet.name
    base_ids = [i.id for i in catalog.base()]

    ind_cols, first_for, labels_at, derived_cols = _assign_columns(ctx, table, catalog, header_last)
    name_col, code_col, stt_col = labels_at.get("name"), labels_at.get("code"), labels_at.get("stt")
    parent_cols = {lvl: labels_at[lvl] for lvl in parents.LEVELS if lvl in labels_at}
    start = header_last + 1
    ind_idx = {c.index for c in ind_cols}
    if name_col is None and code_col is None:
        # No labelled unit column: the first non-indicator column left of the indicators with text in it.
        taken = {c.index for c in (stt_col, *parent_cols.values()) if c is not None}
        for c in range(min(ind_idx) if ind_idx else 0):
            if c in taken:
                continue
            texts = [r[c] for r in sheet.rows[start:start + 50] if c < len(r) and isinstance(r[c], str)]
            if texts:
                name_col = _Column(c, col_letter(c), "", "name")
                break
    if name_col is None and code_col is None:
        ctx.problem("error", "ingest_no_unit_column", sname, None, None, None)
        return
    missing_ids = [i for i in base_ids if i not in first_for]
    if missing_ids:
        names = ", ".join(catalog[i].name(lang) for i in missing_ids[:MAX_LIST]) + ("…" if len(missing_ids) > MAX_LIST else "")
        ctx.problem("warning", "ingest_column_missing", sname, header_last + 1, None, None,
                    n=len(missing_ids), names=names)

    legacy = list(table.legacy)
    label_cols = [c.index for c in table.columns if c.index not in ind_idx and c.role not in ("note",)]
    label_cols = sorted(set(label_cols) | {c.index for c in (name_col, code_col, stt_col) if c is not None})
    seen: dict[str, int] = {}
    suggested = [0]  # how many unknown names got suggestions (fuzzy search is costly: the first few only)
    total_vals: dict[str, float] | None = None
    total_row_no = None
    inds = [(c, catalog[c.indicator]) for c in ind_cols]

    for r in range(start, len(sheet.rows)):
        row = sheet.rows[r]
        excel_row = r + 1
        n = len(row)
        if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in row):
            continue
        raw_name = _text(row[name_col.index]) if name_col is not None and name_col.index < n else ""
        raw_code = row[code_col.index] if code_col is not None and code_col.index < n else None
        raw_stt = _text(row[stt_col.index]) if stt_col is not None and stt_col.index < n else ""
        labels = [_text(row[c]) for c in label_cols if c < n and _text(row[c])]
        # A total row: never a unit.
        is_total = any(is_total_label(s) for s in labels if not s.isdigit())
        values: dict[str, Any] = {}
        problems: list[tuple] = []
        numbers = 0
        for col, ind in inds:
            raw = row[col.index] if col.index < n else None
            if raw is None:
                continue
            val, prob = parse_value(raw, ind)
            if prob is None:
                values[ind.id] = val
                if val is not None:
                    numbers += 1
            else:
                problems.append((col, ind, raw, val, prob))
                if prob in ("negative", "not_whole", "not_flag"):
                    numbers += 1
        if is_total:
            if total_vals is None:
                total_vals, total_row_no = values, excel_row
            continue
        roman = bool(raw_stt and _ROMAN_RE.match(raw_stt)) or bool(raw_name and _ROMAN_RE.match(raw_name))
        # Identify the unit.
        code = None
        shown = raw_name or _text(raw_code)
        if raw_code is not None and _text(raw_code):
            code = units.match_code(raw_code)
            if code is not None and allowed is not None and code not in allowed and numbers:
                ctx.problem("error", "ingest_unit_outside", sname, excel_row, code_col.letter, _text(raw_code),
                            value=_text(raw_code), where=allowed_text)
                continue
            if code is None and numbers:
                ctx.problem("error", "ingest_unit_code_unknown", sname, excel_row, code_col.letter, _text(raw_code),
                            value=_text(raw_code), set=units.set_id)
                continue
        written = {lvl: _text(row[c.index]) if c.index < n else "" for lvl, c in parent_cols.items()}
        if code is None and raw_name:
            if raw_name.isdigit():
                code = units.match_code(raw_name)
            if code is None:
                name = raw_name
                dec, enc = detect_and_decode(name)
                if enc:
                    legacy.append((name, dec, enc))
                    name = dec
                found = units.match_name(name)
                hits = parents.narrow(units, found, written, allowed)
                if not hits:
                    for alt, enc in legacy_candidates(raw_name):
                        alt_hits = parents.narrow(units, units.match_name(alt), written, allowed)
                        if len(alt_hits) == 1:
                            legacy.append((raw_name, alt, enc))
                            hits = alt_hits
                            break
                if len(hits) != 1:
                    listed = parents.by_official_list(units, name, written, allowed)
                    hits = {listed} if listed else hits
                if not hits and found and numbers:
                    where = describe_parents(written, allowed_text)
                    ctx.problem("error", "ingest_unit_outside", sname, excel_row, name_col.letter, raw_name,
                                value=raw_name, where=where)
                    continue
                if len(hits) > 1:  # 'Xã Tân Hòa' and 'Phường Tân Hòa' of one province: the name as written decides
                    for key in (_exact_key, fold):  # 'Văn Lang' and 'Văn Lăng': the diacritics decide first
                        same = {h for h in hits if key(units.names[h]) == key(name)}
                        if len(same) == 1:
                            hits = same
                            break
                if len(hits) == 1:
                    code = next(iter(hits))
                    other = parents.district_ignored(units, code, written)
                    if other:
                        ctx.problem("warning", "ingest_unit_other_district", sname, excel_row, name_col.letter,
                                    raw_name, value=raw_name, written=written.get("district"), official=other)
                elif len(hits) > 1:
                    if numbers:
                        names = ", ".join(f"{units.names[h]} ({h})" for h in sorted(hits)[:MAX_LIST])
                        ctx.problem("error", "ingest_unit_ambiguous", sname, excel_row, name_col.letter, raw_name,
                                    value=raw_name, names=names)
                    continue
        elif code is not None and raw_name and name_col is not None and raw_name != units.names[code]:
            hits = units.match_name(detect_and_decode(raw_name)[0])
            if hits and code not in hits and not raw_name.isdigit():
                ctx.problem("warning", "ingest_unit_code_name_differ", sname, excel_row, name_col.letter, raw_name,
                            code=code, official=units.names[code], value=raw_name)
        if code is None:
            if not numbers:
                continue  # group heading, column-number row, signature block, notes
            if roman:
                ctx.problem("warning", "ingest_group_row_skipped", sname, excel_row, None, shown, value=shown)
                continue
            if _is_column_number_row(row, inds, raw_name, raw_stt):
                continue
            if not shown:
                col = (name_col or code_col).letter
                ctx.problem("error", "ingest_unit_no_name", sname, excel_row, col, None)
                continue
            col = name_col.letter if (name_col is not None and raw_name) else code_col.letter
            msg_sugg = ""
            sugg = _suggest_units(units, raw_name, written if name_col is not None else {}, allowed, suggested)
            if sugg:
                msg_sugg = t("ingest_unit_suggest", lang, names=", ".join(sugg))
            ctx.problem("error", "ingest_unit_unknown", sname, excel_row, col, shown, value=shown, set=units.set_id)
            report.errors[-1].message += msg_sugg
            continue
        # Value problems of a unit row.
        for col, ind, raw, val, prob in problems:
            shown_v = raw if not isinstance(raw, float) else _fmt(raw)
            if prob == "missing_mark":
                ctx.problem("warning", "ingest_dash_missing", sname, excel_row, col.letter, shown_v,
                            value=shown_v, indicator=ind.name(lang))
                continue
            if prob == "uncached_formula":
                ctx.problem("warning", "ingest_formula_no_value", sname, excel_row, col.letter, str(raw))
                continue
            expected = t({"flag": "ingest_expected_flag", "amount": "ingest_expected_amount"}.get(
                ind.kind, "ingest_expected_count"), lang)
            key = {"not_number": "ingest_not_number", "negative": "ingest_negative", "not_whole": "ingest_not_whole",
                   "not_flag": "ingest_not_flag"}[prob]
            ctx.problem("error", key, sname, excel_row, col.letter, shown_v, value=_fmt(val) if val is not None else shown_v,
                        expected=expected, indicator=ind.name(lang))
        if code in seen:
            ctx.problem("error", "ingest_unit_duplicate", sname, excel_row, (name_col or code_col).letter, shown,
                        name=units.names[code], first=seen[code], again=excel_row)
            continue
        seen[code] = excel_row
        for num_id, den_id in catalog.numerator_denominator_pairs():
            a, b = values.get(num_id), values.get(den_id)
            if a is not None and b is not None and a > b and num_id in first_for:
                ctx.problem("error", "ingest_numerator_exceeds", sname, excel_row, first_for[num_id].letter, a,
                            num_name=catalog[num_id].name(lang), num=_fmt(a), den_name=catalog[den_id].name(lang),
                            den=_fmt(b), den_col=first_for[den_id].letter)
        _check_derived(ctx, row, excel_row, derived_cols, values, catalog)
        report.rows.append({"unit_code": code, "unit_name": units.names[code],
                            "values": {i: values.get(i) for i in base_ids}})

    report.units_matched = len(report.rows)
    missing = [c for c in units.names if c not in seen and (allowed is None or c in allowed)]
    if missing and report.rows:
        names = ", ".join(units.names[c] for c in missing[:MAX_LIST]) + ("…" if len(missing) > MAX_LIST else "")
        ctx.problem("warning", "ingest_units_missing", sname, None, None, None,
                    n=len(missing), total=len(allowed) if allowed is not None else len(units.names), names=names)
    _check_total(ctx, total_vals, total_row_no, first_for, catalog)
    _legacy_warning(ctx, legacy, sname)


MAX_SUGGESTED_ROWS = 30


def _exact_key(name: str) -> str:
    """A name as written, diacritics kept: prefix removed, NFC, lower case."""
    return clean_text(strip_prefix(clean_text(name))).lower()


def _suggest_units(units: UnitIndex, raw_name: str, written: dict, allowed, suggested: list) -> list[str]:
    """Close official names for an unknown one, among the units of its parents / area when known."""
    if not raw_name or suggested[0] >= MAX_SUGGESTED_ROWS:
        return []
    suggested[0] += 1
    pool = [c for c in units.names if allowed is None or c in allowed]
    narrowed = parents.narrow(units, set(pool), written, None)
    names = [units.names[c] for c in (narrowed or pool)]
    return suggest(detect_and_decode(raw_name)[0], names)


def describe_parents(written: dict[str, str], area_text: str) -> str:
    parts = [v for v in (written.get("district"), written.get("province")) if v]
    return ", ".join(parts) or area_text


def _column_entry(col: _Column, catalog: Catalog, lang: str) -> dict:
    how = t(col.how, lang, **{k: v for k, v in col.how_args.items()}) if col.how else ""
    status = {"indicator": "ok", "unsure": "confirm", "derived": "derived"}.get(col.role, col.role)
    return {"letter": col.letter, "header": col.child, "group": col.group or None, "indicator": col.indicator,
            "role": col.role, "status": status, "how": how, "confidence": round(col.confidence, 2),
            "candidates": list(col.candidates)}


def _derived_from_siblings(col: _Column, columns: list[_Column], catalog: Catalog) -> str | None:
    """'Tỷ lệ (%)' under a group: the share whose numerator is the nearest indicator column left of it in
    the same group (checked against its parts only; never imported)."""
    for other in reversed([c for c in columns if c.index < col.index and c.group == col.group and col.group]):
        if other.role != "indicator":
            continue
        hits = [i.id for i in catalog if i.derived and i.kind == "share" and i.numerator == other.indicator]
        return hits[0] if len(hits) == 1 else None
    return None


def _assign_columns(ctx: _Ctx, table: _Table, catalog: Catalog, header_last: int):
    """Indicator columns (one per indicator: a second is an error naming both), label columns by role,
    derived columns (checked, never imported); unsure matches wait for confirmation (an error until then)."""
    report, lang, sname = ctx.report, ctx.lang, table.sheet.name
    ind_cols: list[_Column] = []
    first_for: dict[str, _Column] = {}
    labels_at: dict[str, _Column] = {}
    derived: list[_Column] = []
    row = header_last + 1
    for col in table.columns:
        if col.role == "empty":
            continue
        if col.header:
            report.headers[col.letter] = col.header
        report.columns.append(_column_entry(col, catalog, lang))
        if col.role == "indicator":
            if col.indicator in first_for:
                other = first_for[col.indicator]
                ctx.problem("error", "ingest_column_duplicate", sname, row, col.letter, col.header,
                            header=col.header, indicator=catalog[col.indicator].name(lang), other=other.letter,
                            other_header=other.header)
                continue
            first_for[col.indicator] = col
            ind_cols.append(col)
            report.column_map[col.letter] = col.indicator
        elif col.role == "unsure":
            report.unconfirmed.append(col.letter)
            names = ", ".join(f"{i} ({catalog[i].name(lang)})" for i in (col.candidates or (col.indicator,)) if i)
            ctx.problem("error", "ingest_column_confirm", sname, row, col.letter, col.header, header=col.header,
                        names=names, letter=col.letter)
        elif col.role == "derived":
            col.indicator = col.indicator or _derived_from_siblings(col, table.columns, catalog)
            derived.append(col)
        elif col.role in ("name", "code", "stt", *parents.LEVELS):
            labels_at.setdefault(col.role, col)
        elif col.role == "ignored":
            report.ignored_columns.append(col.header)
            ctx.problem("warning", "ingest_column_ignored", sname, row, col.letter, col.header,
                        header=col.header)
    return ind_cols, first_for, labels_at, derived


def _check_derived(ctx: _Ctx, row: list, excel_row: int, derived_cols: list, values: dict, catalog: Catalog) -> None:
    """A share or rate written in the file, checked against the one its parts give (a warning naming the cell)."""
    for col in derived_cols:
        ind = catalog[col.indicator] if col.indicator in catalog else None
        raw = row[col.index] if col.index < len(row) else None
        if ind is None or raw is None or not ind.numerator:
            continue
        num, den = values.get(ind.numerator), values.get(ind.denominator)
        text = raw.replace("%", "").strip() if isinstance(raw, str) else raw
        written, prob = parse_value(text, _AMOUNT)
        if prob or written is None or num is None or den is None:
            continue
        computed = ind.compute(num, den)
        if computed is None:
            continue
        if ind.is_percentage and written <= 1 and computed > 1.5:
            written = written * 100  # a fraction formatted as a percentage
        tolerance = 0.5 if ind.is_percentage else max(0.01, abs(computed) * 0.01)
        if abs(float(written) - float(computed)) > tolerance:
            ctx.problem("warning", "ingest_share_differs", ctx.report.sheet, excel_row, col.letter, raw,
                        value=_fmt(raw), computed=f"{computed:.1f}", indicator=ind.name(ctx.lang))


def _is_column_number_row(row, inds, raw_name, raw_stt) -> bool:
    """'(1) (2) (3) ...' or '1 2 3 ...' under the header: column numbers, not data."""
    label_ok = all(re.fullmatch(r"\(?\d{1,2}\)?|[A-Za-z]", s) for s in (raw_name, raw_stt) if s)
    if not label_ok:
        return False
    nums = []
    for col, _ind in inds:
        v = row[col.index] if col.index < len(row) else None
        s = _text(v).strip("()")
        if not s.isdigit():
            return False
        nums.append(int(s))
    return len(nums) >= 3 and all(b == a + 1 for a, b in zip(nums, nums[1:]))


def _check_total(ctx: _Ctx, total_vals, total_row_no, first_for, catalog) -> None:
    report = ctx.report
    if total_vals is None:
        report.total_row = {"found": False, "matches": None}
        return
    mismatches = []
    for iid, total in total_vals.items():
        if total is None:
            continue
        have = [r["values"][iid] for r in report.rows if r["values"].get(iid) is not None]
        s = sum(have) if have else 0
        if abs(float(s) - float(total)) > 1e-6:
            col = first_for[iid].letter
            mismatches.append({"indicator": iid, "column": col, "total": total, "sum": s})
            ctx.problem("warning", "ingest_total_mismatch", report.sheet, total_row_no, col, total,
                        indicator=catalog[iid].name(ctx.lang), total=_fmt(total), sum=_fmt(s))
    report.total_row = {"found": True, "matches": not mismatches, "row": total_row_no, "mismatches": mismatches}


def _legacy_warning(ctx: _Ctx, legacy, sname) -> None:
    if not legacy:
        return
    by_enc: dict[str, list] = {}
    for before, after, enc in legacy:
        by_enc.setdefault(enc, []).append((before, after))
    for enc, items in by_enc.items():
        uniq = list(dict.fromkeys(items))
        ctx.problem("warning", "ingest_legacy_converted", sname, None, None, uniq[0][0], n=len(uniq),
                    encoding=ENCODING_LABELS[enc], before=uniq[0][0], after=uniq[0][1])
    ctx.report.legacy_encoding = max(by_enc, key=lambda e: len(by_enc[e]))


# ---------------------------------------------------------------------------------------------------------
# Human-readable report (CLI) and benchmark


def format_column(c: dict, lang: str = "vi") -> str:
    """One line of the column map: header (with its group) → indicator or what it is, how, how sure."""
    header = f"{c['group']} / {c['header']}" if c.get("group") else c["header"]
    target = c["indicator"] or t(f"col_role_{c['role']}", lang)
    sure = t("col_confirm", lang) if c["status"] == "confirm" else f"{round(100 * c['confidence'])} %"
    return f"'{header}' → {target} ({c['how']}; {sure})"


def column_map_rows(report: IngestReport, lang: str = "vi") -> list[dict]:
    """The column map as table rows for the upload page (column, header with its group, read as, how, sure)."""
    rows = []
    for c in report.columns:
        sure = t("col_confirm", lang) if c["status"] == "confirm" else f"{round(100 * c['confidence'])} %"
        rows.append({t("col_head_letter", lang): c["letter"],
                     t("col_head_header", lang): f"{c['group']} / {c['header']}" if c.get("group") else c["header"],
                     t("col_head_indicator", lang): c["indicator"] or t(f"col_role_{c['role']}", lang),
                     t("col_head_how", lang): c["how"], t("col_head_sure", lang): sure})
    return rows


def format_report(report: IngestReport, lang: str | None = None) -> str:
    lang = lang or report.lang
    lines = [t("ingest_report_title", lang, file=report.file_name or ""),
             t("ingest_report_set", lang, set=report.boundary_set, period=report.period or "—",
               sheet=report.sheet or "—"),
             t("ingest_report_units", lang, matched=report.units_matched, expected=report.units_expected)]
    if report.errors:
        lines.append(t("ingest_report_errors", lang, n=len(report.errors)))
        lines += [f"  - {p.message}" for p in report.errors]
    if report.warnings:
        lines.append(t("ingest_report_warnings", lang, n=len(report.warnings)))
        lines += [f"  - {p.message}" for p in report.warnings]
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
