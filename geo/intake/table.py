"""Locating the table: the header rows (a tree of any depth, geo.intake.headrows), each column read by a named
rule (geo.intake.headers), the period written in the title area, and the column map with its problems.

Every column that holds numbers is accounted for: it ends as exactly one of ``certain`` (read as an indicator
or a derived share by a named rule, or decided by a person: mapped or ignored), ``confirm`` (candidates a
person chooses from: an error until then), ``unit`` (code, name, province, district, row number) or ``text``
(no numbers under it). The machine never drops a numeric column by itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from geo.intake import headers, headrows, parents
from geo.intake.read import Sheet, cell_text, col_letter
from geo.intake.report import Ctx
from geo.reference.catalog import Catalog, period_type_params
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
    rule: str = ""  # the named rule that decided the reading (headers.RULES)
    candidates: tuple[str, ...] = ()
    numeric: bool = False  # numbers under the header
    reading: str = ""  # certain | confirm | unit | text (set by assign_columns)


@dataclass
class Table:
    sheet: Sheet
    header_rows: list[int]
    columns: list[Column]
    score: tuple[int, bool, int]
    legacy: list[tuple[str, str, str]]  # (before, after, encoding)
    below: list[frozenset[int]] = field(default_factory=list)  # per row: the columns with numbers after it


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


def _resolve_columns(paths: list[list[str]], catalog: Catalog, mapping: dict[str, str], legacy: list,
                     numeric: set[int]) -> list[Column]:
    cols = []
    for c, path in enumerate(paths):
        path = [_decode_cell(p, legacy) for p in path]
        ch = path[-1] if path else ""
        group = headers.GROUP_SEP.join(path[:-1])
        header = " / ".join(path)
        col = Column(c, col_letter(c), header, "empty", group=group, child=ch, numeric=c in numeric)
        manual = next((mapping[fold(k)] for k in (col.letter, header, ch, group) if k and fold(k) in mapping), None)
        if manual is not None:
            col.role, col.indicator = ("indicator", manual) if manual else ("ignored_by_hand", None)
            col.rule = "hand" if manual else "hand_ignored"
            col.how = f"col_how_{col.rule}"
        elif header:
            m = headers.match_column(col.child, group, catalog)
            col.role, col.indicator, col.how, col.how_args = m.role, m.indicator, m.how, dict(m.how_args)
            col.rule, col.candidates = m.rule, m.candidates
        cols.append(col)
    return cols


def find_table(sheet: Sheet, catalog: Catalog, mapping: dict[str, str]) -> Table | None:
    """The best header of a sheet: each row that can be a leaf header (not a title or signature row, not
    numbers), read with 0 to MAX_LEVELS group rows above it; the reading that names the most indicators wins
    (on a tie fewer levels, but a leaf row below that takes the tied one as its group goes deeper). None when
    no row reads as a table over numbers (a letter, prose)."""
    upto = min(len(sheet.rows), HEADER_SCAN_ROWS)
    grid = _filled(sheet, upto + 1)
    best: Table | None = None
    below = headrows.numbers_below(sheet.rows, upto)
    for i in range(upto):
        row = grid[i]
        numeric = below[i]
        if not numeric or len(headrows.texts(row)) < 2 or headrows.is_numbers_row(row) \
                or headrows.is_never_header(row):
            continue  # nothing counted under it (a letter, prose), or a title/signature/number row
        width = max(len(row), 1 + max(numeric))
        above = headrows.levels_above(grid, i)
        for k in range(len(above) + 1):
            hrows = above[len(above) - k:] + [i]
            legacy: list = []
            cols = _resolve_columns(headrows.column_paths(grid, hrows, width), catalog, mapping, legacy, numeric)
            ids = {c.indicator for c in cols if c.role == "indicator"}
            unsure = sum(1 for c in cols if c.role == "unsure")
            units = any(c.role in ("name", "code") for c in cols)
            headed = sum(1 for c in cols if c.numeric and c.header)
            score = (len(ids), units, headed)  # most indicators read, a unit column, most numeric columns headed
            decided = any(c.rule == "hand_ignored" for c in cols)  # every column ignored by a person: still a table
            deeper = best is not None and score == best.score and best.header_rows[-1] in hrows[:-1]
            if (ids or unsure or decided) and (best is None or score > best.score or deeper):
                best = Table(sheet, hrows, cols, score, legacy, below)
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
            "role": col.role, "status": status, "reading": col.reading, "rule": col.rule, "how": how,
            "numeric": col.numeric, "candidates": list(col.candidates)}


def _reading(col: Column) -> str:
    """certain | confirm | unit | text: what became of a column (see the module docstring)."""
    if col.role in ("indicator", "derived", "ignored_by_hand"):
        return "certain"
    if col.role in ("name", "code", "stt", *parents.LEVELS):
        return "unit"
    if col.role == "unsure" or col.numeric:
        return "confirm"  # numbers the rules could not place: a person maps or ignores them
    return "text"


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
    """Indicator columns (one per indicator: a second is an error naming both), unit columns by role, derived
    columns (checked, never imported). A column with numbers that no certain rule reads (unsure, unknown, no
    header, an indicator of another period or period type, a second column of one indicator) waits for a person: an error
    until it is mapped or ignored (``--map "E="``), so a dry run never says ok while numbers are dropped."""
    report, lang, sname = ctx.report, ctx.lang, table.sheet.name
    ind_cols: list[Column] = []
    first_for: dict[str, Column] = {}
    labels_at: dict[str, Column] = {}
    derived: list[Column] = []
    row = header_last + 1
    numeric = headrows.numeric_columns(table.sheet.rows, row, table.below)
    # Only indicators valid in the file's period are taken (issue 13); other matched columns are reported.
    period_valid = catalog.valid_in(report.period) if report.period else catalog
    for col in table.columns:
        col.numeric = col.index in numeric
        if col.role == "empty" and not col.numeric:
            continue
        if col.header:
            report.headers[col.letter] = col.header
        col.reading = _reading(col)
        if col.role == "indicator" and col.indicator in first_for:
            other = first_for[col.indicator]
            col.reading = "confirm"
            ctx.problem("error", "ingest_column_duplicate", sname, row, col.letter, col.header,
                        header=col.header, indicator=catalog[col.indicator].name(lang), other=other.letter,
                        other_header=other.header)
        elif col.role == "indicator" and col.indicator not in period_valid:
            ind = catalog[col.indicator]
            col.reading = "confirm" if col.numeric else "text"
            ctx.problem("error" if col.numeric else "warning", "ingest_column_out_of_period", sname, row,
                        col.letter, col.header, header=col.header, indicator=ind.name(lang),
                        validity=ind.validity_text(lang), period=report.period,
                        suffix=t("ingest_column_decide", lang, letter=col.letter) if col.numeric else "")
        elif col.role == "indicator" and report.period and not catalog[col.indicator].reported_in(report.period):
            # valid in the period but not reported in its type (an evaluation year, a quarter…): as above
            col.reading = "confirm" if col.numeric else "text"
            ctx.problem("error" if col.numeric else "warning", "ingest_column_period_type", sname, row,
                        col.letter, col.header, header=col.header,
                        **period_type_params([catalog[col.indicator]], report.period, lang),
                        suffix=t("ingest_column_decide", lang, letter=col.letter) if col.numeric else "")
        elif col.role == "indicator":
            first_for[col.indicator] = col
            ind_cols.append(col)
            report.column_map[col.letter] = col.indicator
        elif col.role == "unsure":
            names = ", ".join(f"{i} ({catalog[i].name(lang)})" for i in (col.candidates or (col.indicator,)) if i)
            ctx.problem("error", "ingest_column_confirm", sname, row, col.letter, col.header, header=col.header,
                        names=names, letter=col.letter)
        elif col.role == "derived":
            col.indicator = col.indicator or _derived_from_siblings(col, table.columns, catalog)
            derived.append(col)
            if col.indicator is None and col.numeric:  # a share or rate of what? a person says (or ignores it)
                col.reading = "confirm"
                ctx.problem("error", "ingest_column_numbers_unread", sname, row, col.letter, col.header,
                            header=col.header, letter=col.letter)
        elif col.role in ("name", "code", "stt", *parents.LEVELS):
            labels_at.setdefault(col.role, col)
        elif col.role == "ignored_by_hand":
            report.ignored_columns.append(col.header)
        elif col.reading == "confirm":  # numbers under a header no rule reads, or under no header at all
            ctx.problem("error", "ingest_column_numbers_unread", sname, row, col.letter, col.header,
                        header=col.header or t("col_no_header", lang), letter=col.letter)
        elif col.role == "ignored":
            report.ignored_columns.append(col.header)
        if col.reading == "confirm":
            report.unconfirmed.append(col.letter)
        report.columns.append(_column_entry(col, catalog, lang))
    return ind_cols, first_for, labels_at, derived
