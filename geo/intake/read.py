"""Reading a spreadsheet into sheets of cell values (the first step of the intake; the hostile-file checks of
geo.intake.filecheck have already run).

The type is decided by content: ``PK`` zip → .xlsx (python-calamine: cell values, cached formula results and
merged ranges), ``D0 CF 11 E0`` → .xls (xlrd), else text CSV in UTF-8 with or without BOM, UTF-16 with tabs,
or Windows-1258. Empty cells are ``None``; whole numbers are ``int``. A formula whose result was never
computed (a file written by a program, not saved by Excel) is :data:`UNCACHED_FORMULA`, never silently empty.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from geo.text.errors import AnttError
from geo.text.names import clean_text


class Unreadable(AnttError):
    """No sheet can be read from the file; the message says why (shown inside ``ingest_unreadable``)."""


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merges: list[tuple[int, int, int, int]]  # 0-based inclusive (r0, c0, r1, c1)
    hidden: bool = False  # hidden (or very hidden) in the workbook: still read, and said so


class _UncachedFormula:
    """A formula cell whose result was never computed."""

    def __str__(self) -> str:
        return "=…"

    __repr__ = __str__


UNCACHED_FORMULA = _UncachedFormula()


def col_letter(idx: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    s = ""
    idx += 1
    while idx:
        idx, rem = divmod(idx - 1, 26)
        s = chr(65 + rem) + s
    return s


def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean_text(v)


def col_index(letters: str) -> int:
    """A → 0, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_sheets(data: bytes, file_name: str | None) -> tuple[str, list[Sheet]]:
    """(file type, sheets). Raises :class:`Unreadable`."""
    if not data:
        raise Unreadable("ingest_empty_file")
    if data[:4] == b"PK\x03\x04":
        return "xlsx", read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls", read_xls(data)
    stem = Path(file_name).stem if file_name else "CSV"
    return "csv", read_csv(data, stem or "CSV")


# ---------------------------------------------------------------------------------------------------------
# .xlsx


def _cell(v):
    if v == "" or v is None:
        return None
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def read_xlsx(data: bytes) -> list[Sheet]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's own errors: damaged zip, bad XML, password
        raise Unreadable("read_damaged", reason=f"{type(exc).__name__}: {exc}") from None
    meta = list(book.sheets_metadata)
    worksheets = [m.name for m in meta if m.typ != python_calamine.SheetTypeEnum.ChartSheet]
    uncached = _uncached_formulas(data, worksheets)  # chart sheets have no cells (and no worksheet part)
    sheets = []
    for i, name in enumerate(book.sheet_names):
        hidden = i < len(meta) and meta[i].visible != python_calamine.SheetVisibleEnum.Visible
        if i < len(meta) and meta[i].typ == python_calamine.SheetTypeEnum.ChartSheet:
            sheets.append(Sheet(name, [], [], hidden))
            continue
        try:
            sh = book.get_sheet_by_index(i)
            raw = sh.to_python(skip_empty_area=False)
            merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sh.merged_cell_ranges or [])]
        except Exception as exc:
            raise Unreadable("read_damaged", reason=f"{type(exc).__name__}: {exc}") from None
        rows = [_trim([_cell(v) for v in row]) for row in raw]
        for r, c in uncached.get(worksheets.index(name) if name in worksheets else -1, ()):
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            if len(row) <= c:
                row.extend([None] * (c + 1 - len(row)))
            if row[c] is None:
                row[c] = UNCACHED_FORMULA
        sheets.append(Sheet(name, rows, merges, hidden))
    return sheets


def _trim(row: list) -> list:
    while row and row[-1] is None:
        row.pop()
    return row


# A formula cell with no cached value: <c r="D12" ...><f>SUM(D9:D11)</f></c> (or <f .../> shared).
_UNCACHED_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*(?:<v\s*/>)?\s*</c>')


def _uncached_formulas(data: bytes, names: list[str]) -> dict[int, list[tuple[int, int]]]:
    """Cells whose formula has no stored result, per sheet index (calamine reads them as empty). Only sheets
    that contain formulas at all are searched."""
    out: dict[int, list[tuple[int, int]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = sorted((n for n in zf.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                       key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1)))
        if len(parts) != len(names):
            return out  # an unusual layout: no guessing which part is which sheet
        for i, part in enumerate(parts):
            xml = zf.read(part)
            if b"<f" not in xml:
                continue
            cells = [(int(m.group(2)) - 1, col_index(m.group(1).decode())) for m in _UNCACHED_RE.finditer(xml)]
            if cells:
                out[i] = cells
    return out


# ---------------------------------------------------------------------------------------------------------
# .xls and text


def read_xls(data: bytes) -> list[Sheet]:
    import xlrd

    try:
        try:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True)
        except Exception:
            book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:
        raise Unreadable("read_damaged", reason=f"{type(exc).__name__}: {exc}") from None
    sheets = []
    for sh in book.sheets():
        rows = []
        for r in range(sh.nrows):
            out = []
            for cell in sh.row(r):
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    out.append(None)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    v = cell.value
                    out.append(int(v) if float(v).is_integer() else v)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    out.append(int(cell.value))
                else:
                    out.append(cell.value)
            rows.append(out)
        merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in getattr(sh, "merged_cells", [])]
        sheets.append(Sheet(sh.name, rows, merges, bool(getattr(sh, "visibility", 0))))
    return sheets


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:  # UTF-16 without BOM
        return data.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def read_csv(data: bytes, name: str) -> list[Sheet]:
    if b"\x00" in data[:4000] and not (data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff")) \
            and data[:4000].count(b"\x00") <= len(data[:4000]) // 4:
        raise Unreadable("read_binary")
    text = decode_text(data)
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        raise Unreadable("ingest_empty_file")
    counts = {d: sum(ln.count(d) for ln in lines) for d in ("\t", ";", ",")}
    delim = "\t" if counts["\t"] else max((";", ","), key=lambda d: counts[d])
    rows = []
    for rec in csv.reader(io.StringIO(text), delimiter=delim):
        rows.append([v if v.strip() != "" else None for v in rec])
    return [Sheet(name, rows, [])]
