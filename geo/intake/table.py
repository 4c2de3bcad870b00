"""Locating the table: the header row (one or two levels, merged group headers spread over their columns), each
column read by meaning (geo.intake.headers), the period written in the title area, and the column map with
its problems (two columns on one indicator, unsure matches waiting for confirmation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from geo.intake import headers, parents
from geo.intake.read import Sheet, cell_text, col_letter
from geo.intake.report import Ctx
from geo.reference.catalog import Catalog
from geo.text.i18n import t
from geo.text.legacy import candidates as legacy_candidates
from geo.text.legacy import detect_and_decode
from geo.text.names import clean_text, fold


HEADER_SCAN_ROWS = 40


_TOTAL_WORDS = ("tổng cộng", "cộng", "tổng", "tổng số", "toàn huyện", "toàn tỉnh", "toàn quốc", "toàn thị xã",
                "total", "sum")
# With diacritics 'Cộng' is not 'Công' (communes are called Công Bình, Công Liêm): the words as written first.
_TOTAL_RE = re.compile(r"^(" + "|".join(sorted(_TOTAL_WORDS, key=len, reverse=True)) + r")(?!\w)")
_TOTAL_ASCII = {"tong cong", "cong", "tong", "tong so", "toan huyen", "toan tinh", "toan quoc", "toan thi xa",
                "total", "sum", "grand total"}


ROMAN_RE = re.compile(r"^(?=[ivxlc]+\b)(i{1,3}|iv|vi{0,3}|ix|xi{0,3}|xiv|xv)\s*[.\-):]?(\s|$)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def is_total_label(text: str) -> bool:
    """'Tổng cộng', 'Cộng', 'Tổng số', ... in Unicode or a legacy font (TCVN3, VNI); without diacritics only as
    the whole label ('TONG CONG'), since 'Cong Binh' is a commune."""
    lower = clean_text(text).lower()
    if _TOTAL_RE.match(lower):
        return True
    if text.isascii():
        return fold(text) in _TOTAL_ASCII
    if len(text) > 40 or fold(text)[:1] not in ("t", "c"):
        return False  # legacy fonts write 'Tæng céng' / 'Toång coäng'
    return any(_TOTAL_RE.match(clean_text(dec).lower()) for dec, _enc in legacy_candidates(text))


@dataclass
class Column:
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
class Table:
    sheet: Sheet
    header_rows: list[int]
    columns: list[Column]
    score: int
    legacy: list[tuple[str, str, str]]  # (before, after, encoding)


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
                     legacy: list) -> list[Column]:
    width = max(len(child), len(parent or []))
    cols = []
    for c in range(width):
        ch = _decode_cell(cell_text(child[c] if c < len(child) else None), legacy)
        pa = _decode_cell(cell_text(parent[c] if parent and c < len(parent) else None), legacy) if parent else ""
        if pa == ch:
            pa = ""
        header = f"{pa} / {ch}" if pa and ch else (ch or pa)
        col = Column(c, col_letter(c), header, "empty", group=pa if ch else "", child=ch or pa)
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
        p = cell_text(parent[c])
        ch = cell_text(child[c]) if c < len(child) else ""
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
    cells = [v for v in row if v is not None and cell_text(v)]
    nums = sum(1 for v in cells if isinstance(v, (int, float)) or _NUMBER_TEXT_RE.fullmatch(cell_text(v)))
    return nums >= 2


def find_table(sheet: Sheet, catalog: Catalog, mapping: dict[str, str]) -> Table | None:
    upto = min(len(sheet.rows), HEADER_SCAN_ROWS)
    grid = _filled(sheet, upto + 1)
    best: Table | None = None
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
                best = Table(sheet, hrows, cols, score, legacy)
    return best


def period_from_title(rows: list[list], upto: int) -> tuple[str | None, int | None]:
    """A period written in the title area: a 'Kỳ báo cáo' / 'Năm' cell and the cell right of it, or a title
    such as 'BÁO CÁO ... QUÝ II NĂM 2017'. Returns (text, row) — text is raw, checked by the caller."""
    label_re = re.compile(r"^(ky bao cao|ky|nam|quy|thang|period|reporting period|bao cao ky|thoi gian)$")
    titles = []
    for r in range(min(upto, len(rows))):
        row = rows[r]
        for c, v in enumerate(row):
            s = cell_text(v)
            if not s:
                continue
            f = fold(s)
            if ":" in s:
                left, _, right = s.partition(":")
                if label_re.match(fold(left)) and right.strip():
                    return right.strip(), r + 1
            if label_re.match(f):
                for w in row[c + 1:]:
                    if cell_text(w):
                        val = cell_text(w)
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


def _column_entry(col: Column, catalog: Catalog, lang: str) -> dict:
    how = t(col.how, lang, **{k: v for k, v in col.how_args.items()}) if col.how else ""
    status = {"indicator": "ok", "unsure": "confirm", "derived": "derived"}.get(col.role, col.role)
    return {"letter": col.letter, "header": col.child, "group": col.group or None, "indicator": col.indicator,
            "role": col.role, "status": status, "how": how, "confidence": round(col.confidence, 2),
            "candidates": list(col.candidates)}


def _derived_from_siblings(col: Column, columns: list[Column], catalog: Catalog) -> str | None:
    """'Tỷ lệ (%)' under a group: the share whose numerator is the nearest indicator column left of it in
    the same group (checked against its parts only; never imported)."""
    for other in reversed([c for c in columns if c.index < col.index and c.group == col.group and col.group]):
        if other.role != "indicator":
            continue
        hits = [i.id for i in catalog if i.derived and i.kind == "share" and i.numerator == other.indicator]
        return hits[0] if len(hits) == 1 else None
    return None


def assign_columns(ctx: Ctx, table: Table, catalog: Catalog, header_last: int):
    """Indicator columns (one per indicator: a second is an error naming both), label columns by role,
    derived columns (checked, never imported); unsure matches wait for confirmation (an error until then)."""
    report, lang, sname = ctx.report, ctx.lang, table.sheet.name
    ind_cols: list[Column] = []
    first_for: dict[str, Column] = {}
    labels_at: dict[str, Column] = {}
    derived: list[Column] = []
    row = header_last + 1
    # Only indicators valid in the file's period are taken (issue 13); other matched columns are reported.
    period_valid = catalog.valid_in(report.period) if report.period else catalog
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
            if col.indicator not in period_valid:
                ind = catalog[col.indicator]
                ctx.problem("warning", "ingest_column_out_of_period", sname, row, col.letter, col.header,
                            header=col.header, indicator=ind.name(lang), validity=ind.validity_text(lang),
                            period=report.period)
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
