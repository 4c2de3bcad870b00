"""Which rows of a sheet are the header, and what stands above each column: rows that are never headers (the
national motto and slogan, the agency block, 'Số: …/BC-…', place and date, titles, 'Nơi nhận', signatures,
prose), the header tree over as many rows as the file uses (group › subgroup › leaf; a group written once over
its first column is spread over the columns below it when the merge is lost), and the columns that hold
numbers under the header (each of them must be accounted for: geo.intake.table)."""

from __future__ import annotations

import re

from geo.intake.read import cell_text
from geo.text.names import fold

MAX_LEVELS = 4  # header rows above the leaf row that are read as groups

_NEVER_HEADER = re.compile("|".join((
    r"^cong hoa xa hoi chu nghia", r"^doc lap tu do hanh phuc", r"^socialist republic", r"^independence freedom",
    r"^(cong an|ca|bo cong an|uy ban nhan dan|ubnd|doi|phong|ban chi dao|dang uy|chi bo) (tinh|thanh pho|huyen|"
    r"quan|thi xa|xa|phuong|thi tran|dac khu|tp|xay dung|canh sat|cong tac|an ninh|tham muu)\b",
    r"^so \S*\s*\d*\s*(bc|kh|cv|tb|qd|hd)\b", r"^so \d", r"^(ky bao cao|ky|nam|quy|thang|period|reporting period)$",
    r"^(ky bao cao|nam|quy|thang) \S*\d", r"^\d{4}( q[1-4]| \d{1,2})?$", r"\bngay \S* ?thang \S* ?nam\b", r"\bngay \d",
    r"^(bao cao|bieu|bieu mau|mau so|mau|tong hop|thong ke|danh sach|phu luc|bang|report|annex|appendix)\b",
    r"^(\S+ ){4,}.*\b(nam|quy|thang|year|quarter)( [ivx]+| \d{1,2})? \d{4}\b",  # a title naming its period
    r"^(noi nhan|nguoi lap bieu|nguoi lap|nguoi bao cao|thu truong|truong cong an|truong ca|pho truong|chi huy|"
    r"giam doc|ky ten|ky ghi ro ho ten|kinh gui|can cu|thuc hien|tran trong|luu|nhu tren|t/m|tm|kt)\b",
)))
_NUMBER_TEXT_RE = re.compile(r"[+-]?[\d.,\s]*\d[\d.,\s]*%?")
_NUMBERISH_RE = re.compile(r"[\d.,\s%()+-]*\d[\d.,\s%()+-]*")
_COLUMN_NO_RE = re.compile(r"\(?\d{1,2}\)?|\(?[A-Za-z]\)?|\(\d{1,2}\s*[=+-].*\)")
PROSE_WORDS = 14  # a cell this long, alone on its row, is a sentence, not a header


def texts(row: list) -> list[str]:
    """The distinct non-empty texts of a row, in order (a merged cell counts once)."""
    return list(dict.fromkeys(s for s in (cell_text(v) for v in row) if s))


def is_never_header(row: list) -> bool:
    """A title-block or signature-block row: every text on it is the motto, the agency, the number, a place and
    date, a title or a signature line, or the row is one long sentence."""
    found = texts(row)
    if not found:
        return False
    if len(found) == 1 and len(found[0].split()) >= PROSE_WORDS:
        return True
    return len(found) <= 4 and all(_NEVER_HEADER.search(fold(s)) for s in found)


def is_numbers_row(row: list) -> bool:
    """A number in it: a data row or the column-number row ('(1) (2) …'), never a header row."""
    return any(v is not None and (isinstance(v, (int, float)) or _NUMBERISH_RE.fullmatch(cell_text(v)))
               for v in row)


def levels_above(grid: list[list], leaf: int) -> list[int]:
    """The rows above a leaf header row that may be its groups, nearest last (stops at an empty row, a
    title/signature row or a row of numbers)."""
    out: list[int] = []
    for r in range(leaf - 1, max(-1, leaf - 1 - MAX_LEVELS), -1):
        row = grid[r]
        if not texts(row) or is_never_header(row) or is_numbers_row(row):
            break
        out.insert(0, r)
    return out


def column_paths(grid: list[list], rows: list[int], width: int) -> list[list[str]]:
    """Per column, the header texts top down (a text repeated down a vertical merge counts once). Without
    merges (CSV, or a merge lost on export) a group written over its first column only is spread right over
    the following columns that have a header below it and none at its level."""
    levels = [[cell_text(grid[r][c]) if c < len(grid[r]) else "" for c in range(width)] for r in rows]
    for k in range(len(levels) - 1):
        below = [any(levels[m][c] for m in range(k + 1, len(levels))) for c in range(width)]
        group = ""
        for c in range(width):
            if levels[k][c]:
                group = levels[k][c] if below[c] and not all(levels[m][c] in ("", levels[k][c])
                                                             for m in range(k + 1, len(levels))) else ""
            elif below[c] and group:
                levels[k][c] = group
            else:
                group = ""
    paths = []
    for c in range(width):
        path: list[str] = []
        for lv in levels:
            if lv[c] and (not path or path[-1] != lv[c]):
                path.append(lv[c])
        paths.append(path)
    return paths


def _is_number(v) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return v == v  # not NaN
    return isinstance(v, str) and bool(_NUMBER_TEXT_RE.fullmatch(v.strip()))


def _is_column_numbers(row: list) -> bool:
    """'(1) (2) (3) …' or '1 2 3 …' right under the header: the column numbers, not data."""
    cells = [cell_text(v) for v in row if cell_text(v)]
    if len(cells) < 3 or not all(_COLUMN_NO_RE.fullmatch(s) for s in cells):
        return False
    nums = [int(s.strip("()")) for s in cells if s.strip("()").isdigit()]
    return len(nums) >= 3 and all(b == a + 1 for a, b in zip(nums, nums[1:]))


def numeric_columns(rows: list[list], start: int, below: list[frozenset[int]] | None = None) -> set[int]:
    """Columns with at least one number below the header (the column-number row is not data). ``below`` (from
    :func:`numbers_below`) saves reading the rest of a long sheet again."""
    if below is not None and start + 2 < len(below):
        return set(below[start + 2]) | numeric_columns(rows[: start + 3], start)
    found: set[int] = set()
    for r, row in enumerate(rows[start:]):
        if r < 3 and _is_column_numbers(row):
            continue
        for c, v in enumerate(row):
            if c not in found and v is not None and _is_number(v):
                found.add(c)
    return found


def numbers_below(rows: list[list], upto: int) -> list[frozenset[int]]:
    """For each row index r < upto: the columns with a number in some row after r (one pass over the sheet)."""
    acc = set(numeric_columns(rows, upto))
    out: list[frozenset[int]] = [frozenset()] * upto
    for r in range(min(upto, len(rows)) - 1, -1, -1):
        out[r] = frozenset(acc)
        acc |= {c for c, v in enumerate(rows[r]) if v is not None and _is_number(v)}
    return out
