"""Hostile-file checks, run on the raw bytes of an upload *before* any parser sees them.

``check_upload(data, file_name, max_bytes)`` returns the :class:`FileKind` decided by the content (magic
bytes), never by the extension, or raises :class:`FileRejected` (an AnttError: ``str()`` is the Vietnamese
message, ``exc.message("en")`` the English one, both in data/strings/errors.toml). Every check is quick and memory-bounded:

* size: ``max_bytes`` (default ``ANTT_MAX_UPLOAD_MB``, 10 MB) before anything else; empty files refused;
* type by content: Excel 2007+ (zip with ``xl/workbook.xml``), Excel 97–2003 (OLE2), or text (CSV/TXT);
  images, PDF, archives, executables and random bytes are refused by name;
* macros: a ``vbaProject.bin`` part or a macro-enabled content type (.xlsm/.xltm/.xlam) in an xlsx, a VBA
  storage in an .xls;
* zip bombs: read from the zip *directory* only — number of parts, sum of declared uncompressed sizes and the
  compression ratio (Python's zipfile never inflates a member past its declared size, so the declared sum
  bounds what any later reader can inflate);
* XML entity bombs: every XML part is streamed in 64 KiB chunks and refused on any ``<!DOCTYPE`` or
  ``<!ENTITY`` (SpreadsheetML never needs one), so no XML parser ever expands an entity;
* huge sheets: the ``<dimension ref>`` of each worksheet, then the ``<row>`` elements counted while
  streaming, stopped as soon as the limit (``ANTT_MAX_UPLOAD_ROWS``, 100,000) is passed; for .xls the row
  counts xlrd reports (sheets loaded on demand), for text the line count.

This module never imports streamlit and never stores anything.
"""

from __future__ import annotations

import enum
import html
import io
import os
import re
import zipfile

from geo.config import setting
from geo.text.errors import AnttError
from geo.text.i18n import format_number, t

ENV_MAX_UPLOAD_MB = "ANTT_MAX_UPLOAD_MB"
ENV_MAX_ROWS = "ANTT_MAX_UPLOAD_ROWS"
MAX_ZIP_MEMBERS = 2_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # sum of declared sizes of all parts
MAX_RATIO = 100  # uncompressed / compressed, for parts over RATIO_MIN_SIZE
RATIO_MIN_SIZE = 1024 * 1024
CHUNK = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


class FileKind(str, enum.Enum):
    XLSX = "xlsx"
    XLS = "xls"
    CSV = "csv"


KEY_PREFIX = "filecheck_"


class FileRejected(AnttError, ValueError):
    """An upload refused before parsing: ``FileRejected("filecheck_<code>", file=..., ...)``, its messages in
    data/strings/errors.toml. ``str(exc)`` is the Vietnamese message; ``exc.code`` is the refusal without the
    prefix ("too_big", "macro", "b_read", ...), what tests and the benchmark compare."""

    @property
    def code(self) -> str:
        return self.key.removeprefix(KEY_PREFIX)


def max_upload_bytes() -> int:
    """``ANTT_MAX_UPLOAD_MB`` (default 10) in bytes."""
    return int(setting(ENV_MAX_UPLOAD_MB) * 1024 * 1024)


def max_rows() -> int:
    return int(setting(ENV_MAX_ROWS))


def _mb(n: int) -> str:
    return format_number(n / 1024 / 1024, "vi", 1)


# Known non-spreadsheet signatures: (magic, offset, "image" or "other_binary", what)
_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", 0, "image", "PNG"),
    (b"\xff\xd8\xff", 0, "image", "JPEG"),
    (b"GIF87a", 0, "image", "GIF"),
    (b"GIF89a", 0, "image", "GIF"),
    (b"BM", 0, None, None),  # too short to trust alone; see _sniff_binary
    (b"RIFF", 0, "image", "WEBP/RIFF"),
    (b"II*\x00", 0, "image", "TIFF"),
    (b"MM\x00*", 0, "image", "TIFF"),
    (b"%PDF", 0, "other_binary", "PDF"),
    (b"\x1f\x8b", 0, "other_binary", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", 0, "other_binary", "7z"),
    (b"Rar!", 0, "other_binary", "RAR"),
    (b"\x7fELF", 0, "other_binary", "ELF"),
    (b"MZ", 0, "other_binary", "Windows EXE"),
    (b"{\\rtf", 0, "other_binary", "RTF"),
]


def check_upload(data: bytes, file_name: str | None = None, max_bytes: int | None = None) -> FileKind:
    """The kind of an uploaded spreadsheet, decided by content; raises FileRejected (see the module doc)."""
    name = os.path.basename(str(file_name or "")) or t("file_no_name")
    limit = max_upload_bytes() if max_bytes is None else int(max_bytes)
    size = len(data)
    if size > limit:
        raise FileRejected("filecheck_too_big", file=name, size=_mb(size), limit=_mb(limit))
    if size == 0 or (size <= CHUNK and not bytes(data).strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe,;")):
        raise FileRejected("filecheck_empty", file=name)
    head = bytes(data[:16])
    if head.startswith(ZIP_MAGIC):
        _check_xlsx(data, name)
        return FileKind.XLSX
    if head.startswith(OLE_MAGIC):
        _check_xls(data, name)
        return FileKind.XLS
    for magic, offset, kind, what in _SIGNATURES:
        if kind and head[offset:offset + len(magic)] == magic:
            if kind == "image":
                raise FileRejected("filecheck_image", file=name, what=what)
            raise FileRejected("filecheck_other_binary", file=name, what=what)
    _check_text(data, name)
    return FileKind.CSV


# ---------------------------------------------------------------------------------------------------------
# xlsx


_DOCTYPE_RE = re.compile(rb"<!\s*(doctype|entity)", re.I)
_ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_DIM_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?(\d+))?"')
_MACRO_TYPES = (b"macroenabled", b"vbaproject", b"ms-office.vbaproject")


def _check_xlsx(data: bytes, name: str) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRejected("filecheck_bad_zip", file=name) from None
    with zf:
        _check_zip_directory(infos, name)
        names = {i.filename.lower(): i for i in infos}
        if any(n.endswith(("vbaproject.bin", "vbaprojectsignature.bin")) for n in names):
            raise FileRejected("filecheck_macro", file=name)
        if "xl/workbook.bin" in names:
            raise FileRejected("filecheck_xlsb", file=name)
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise FileRejected("filecheck_not_excel_zip", file=name)
        if any(i.flag_bits & 0x1 for i in infos):  # zip-level encryption
            raise FileRejected("filecheck_encrypted", file=name)
        limit = max_rows()
        sheet_names = _sheet_titles(zf, names)
        for info in infos:
            lower = info.filename.lower()
            if not (lower.endswith(".xml") or lower.endswith(".rels") or lower.endswith(".vml")):
                continue
            is_sheet = lower.startswith("xl/worksheets/") and lower.endswith(".xml")
            _scan_xml(zf, info, name, limit if is_sheet else None, sheet_names.get(lower, info.filename))
            if lower == "[content_types].xml":
                with zf.open(info) as fh:
                    types = fh.read(1024 * 1024).lower()
                if any(t in types for t in _MACRO_TYPES):
                    raise FileRejected("filecheck_macro", file=name)


def _check_zip_directory(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Zip bombs, from the directory only: too many parts, too much declared content, too high a ratio."""
    if len(infos) > MAX_ZIP_MEMBERS:
        raise FileRejected("filecheck_zip_members", file=name, n=len(infos), limit=MAX_ZIP_MEMBERS)
    total = sum(max(0, i.file_size) for i in infos)
    packed = sum(max(0, i.compress_size) for i in infos)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > RATIO_MIN_SIZE), default=0)
    if total > MAX_UNCOMPRESSED or worst > MAX_RATIO:
        raise FileRejected("filecheck_zip_bomb", file=name, size=_mb(total),
                           ratio=int(max(total / max(packed, 1), worst)))


def _sheet_titles(zf: zipfile.ZipFile, names: dict) -> dict[str, str]:
    """worksheet part (lower-case) → sheet title, best effort, from a bounded read of workbook.xml and its rels.
    (The entity check of those parts runs too, afterwards; this only reads attribute text with regexes.)"""
    try:
        with zf.open(names["xl/workbook.xml"]) as fh:
            wb = fh.read(1024 * 1024)
        rels_info = names.get("xl/_rels/workbook.xml.rels")
        rels = b""
        if rels_info is not None:
            with zf.open(rels_info) as fh:
                rels = fh.read(1024 * 1024)
    except Exception:
        return {}
    targets = {}
    for m in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid = re.search(rb'\bId="([^"]+)"', tag)
        tgt = re.search(rb'\bTarget="([^"]+)"', tag)
        if rid and tgt:
            t = tgt.group(1).decode("utf-8", "replace").lstrip("/")
            targets[rid.group(1)] = (t if t.startswith("xl/") else "xl/" + t).lower()
    out = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b[^>]*>", wb):
        tag = m.group(0)
        title = re.search(rb'\bname="([^"]*)"', tag)
        rid = re.search(rb'\br:id="([^"]+)"', tag) or re.search(rb'\b\w+:id="([^"]+)"', tag)
        if title and rid and rid.group(1) in targets:
            out[targets[rid.group(1)]] = html.unescape(title.group(1).decode("utf-8", "replace"))
    return out


def _scan_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, row_limit: int | None, sheet: str) -> None:
    """Stream one XML part: refuse DOCTYPE/ENTITY anywhere; for worksheets, refuse over ``row_limit`` rows."""
    tail = b""
    rows = 0
    first = True
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                buf = tail + chunk
                if _DOCTYPE_RE.search(buf):
                    raise FileRejected("filecheck_xml_entity", file=name, part=info.filename)
                if row_limit is not None:
                    if first:
                        m = _DIM_RE.search(buf)
                        if m and m.group(1) and int(m.group(1)) > row_limit:
                            raise FileRejected("filecheck_too_many_rows", file=name, sheet=sheet,
                                               limit=_count(row_limit), rows=_count(int(m.group(1))))
                    # count rows that start in this chunk (those in the carried tail were counted before)
                    rows += sum(1 for m in _ROW_RE.finditer(buf) if m.end() > len(tail))
                    if rows > row_limit:
                        raise FileRejected("filecheck_too_many_rows", file=name, sheet=sheet, limit=_count(row_limit),
                                           rows=_count(rows) + "+")
                first = False
                tail = buf[-16:]
    except FileRejected:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        # CRC/size mismatch (declared size lies), unsupported compression, encrypted member
        raise FileRejected("filecheck_bad_zip", file=name) from None


def _count(n: int) -> str:
    return format_number(n, "vi")


# ---------------------------------------------------------------------------------------------------------
# xls (OLE2)


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


def _check_xls(data: bytes, name: str) -> None:
    # OLE directory entries hold stream names in UTF-16: VBA storages and encrypted OOXML packages show there.
    if _utf16("_VBA_PROJECT_CUR") in data or _utf16("_VBA_PROJECT") in data:
        raise FileRejected("filecheck_macro", file=name)
    if _utf16("EncryptedPackage") in data or _utf16("EncryptionInfo") in data:
        raise FileRejected("filecheck_encrypted", file=name)
    import xlrd

    limit = max_rows()
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd raises many kinds for damaged files
        reason = str(exc)
        if "encrypt" in reason.lower() or "password" in reason.lower():
            raise FileRejected("filecheck_encrypted", file=name) from None
        raise FileRejected("filecheck_xls_unreadable", file=name,
                           reason=f"{type(exc).__name__}: {reason[:200]}") from None
    try:
        for i in range(book.nsheets):
            try:
                sh = book.sheet_by_index(i)
            except Exception as exc:
                raise FileRejected("filecheck_xls_unreadable", file=name,
                                   reason=f"{type(exc).__name__}: {str(exc)[:200]}") from None
            if sh.nrows > limit:
                raise FileRejected("filecheck_too_many_rows", file=name, sheet=sh.name, limit=_count(limit),
                                   rows=_count(sh.nrows))
            book.unload_sheet(i)
    finally:
        book.release_resources()


# ---------------------------------------------------------------------------------------------------------
# text


def _check_text(data: bytes, name: str) -> None:
    head = bytes(data[:CHUNK])
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text_head = head.decode("utf-16")[: CHUNK // 2]
        except UnicodeDecodeError:
            text_head = head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", errors="replace")
        control = sum(1 for ch in text_head if ord(ch) < 32 and ch not in "\t\r\n\x0c")
        newline = "\n".encode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be")
        lines = data.count(newline)
    else:
        zeros = head.count(b"\x00")
        if zeros and zeros > len(head) // 4:  # UTF-16 without BOM: the zero bytes sit in one lane
            even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
            if max(even, odd) < len(head) // 2 * 0.9 or min(even, odd) > len(head) // 40:
                raise FileRejected("filecheck_binary", file=name)
            control = 0
        elif zeros:
            raise FileRejected("filecheck_binary", file=name)
        else:
            control = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12, 26)) + head.count(b"\x7f")
            if _bad_utf8_and_cp1258(head):
                raise FileRejected("filecheck_binary", file=name)
        lines = data.count(b"\n")
    if control > max(2, len(head) // 200):
        raise FileRejected("filecheck_binary", file=name)
    limit = max_rows()
    if lines > limit:
        raise FileRejected("filecheck_too_many_rows", file=name, sheet="CSV", limit=_count(limit), rows=_count(lines))


def _bad_utf8_and_cp1258(head: bytes) -> bool:
    """True when the bytes are neither UTF-8 nor plausible single-byte Vietnamese text (cp1258 decodes almost
    anything, so look at undefined code points)."""
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the chunk boundary
            return False
    undefined = sum(1 for b in head if b in (0x81, 0x8A, 0x8D, 0x8E, 0x8F, 0x90, 0x9A, 0x9D, 0x9E))
    return undefined > max(2, len(head) // 100)


# ---------------------------------------------------------------------------------------------------------
# Boundary files (admin upload): checked completely in a temporary folder, installed atomically


ENV_MAX_BOUNDARY_MB = "ANTT_MAX_BOUNDARY_MB"
MAX_VERTICES = 5_000_000
MAX_VERTICES_PER_UNIT = 500_000
# Viet Nam with its islands, generously: coordinates outside mean a wrong or missing CRS (or swapped axes).
VN_BOUNDS = (101.0, 5.0, 119.0, 24.5)
_SHAPE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

def max_boundary_bytes() -> int:
    return int(setting(ENV_MAX_BOUNDARY_MB) * 1024 * 1024)


def _boundary_suffix(data: bytes, name: str) -> str:
    head = bytes(data[:64])
    if head.startswith(b"SQLite format 3\x00"):
        return ".gpkg"
    if head.startswith(ZIP_MAGIC):
        return ".zip"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return ".geojson"
    raise FileRejected("filecheck_b_format", file=name)


def check_boundary_file(data: bytes, file_name: str, set_id: str, *, max_bytes: int | None = None,
                        max_vertices: int = MAX_VERTICES, workdir=None):
    """Check an uploaded boundary file for the registered set ``set_id`` without touching the current one.
    Returns (GeoDataFrame as read_boundary_file gives it, path of the checked file inside ``workdir``)."""
    import tempfile
    from pathlib import Path

    import shapely

    from geo.units.boundaries import BoundaryError, get_boundary_set_info, read_boundary_file

    name = os.path.basename(str(file_name or "")) or t("file_no_name")
    limit = max_boundary_bytes() if max_bytes is None else int(max_bytes)
    if len(data) > limit:
        raise FileRejected("filecheck_b_too_big", file=name, size=_mb(len(data)), limit=_mb(limit))
    if not data:
        raise FileRejected("filecheck_empty", file=name)
    info = get_boundary_set_info(set_id)
    suffix = _boundary_suffix(data, name)
    work = Path(workdir or tempfile.mkdtemp(prefix="antt-boundary-"))
    if suffix == ".zip":
        path = _unpack_shapefile(data, name, work)
    else:
        path = work / ("upload" + suffix)
        path.write_bytes(data)
    try:
        gdf = read_boundary_file(path, info.code_column, info.name_column, tuple(info.parent_columns),
                                 info.code_width)
    except BoundaryError as exc:  # the same message, naming the uploaded file rather than the staged copy
        named = BoundaryError(exc.key, **{k: (name if k == "label" else v) for k, v in exc.params.items()})
        raise FileRejected("filecheck_b_read", file=name, reason=named) from None
    counts = shapely.get_num_coordinates(gdf.geometry.values)
    total = int(counts.sum())
    if total > max_vertices:
        raise FileRejected("filecheck_b_vertices", file=name, n=_count(total), limit=_count(max_vertices))
    worst = int(counts.argmax())
    if int(counts[worst]) > MAX_VERTICES_PER_UNIT:
        raise FileRejected("filecheck_b_unit_vertices", file=name, unit=gdf["code"].iloc[worst],
                           n=_count(int(counts[worst])), limit=_count(MAX_VERTICES_PER_UNIT))
    x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
    if x0 < VN_BOUNDS[0] or y0 < VN_BOUNDS[1] or x1 > VN_BOUNDS[2] or y1 > VN_BOUNDS[3]:
        raise FileRejected("filecheck_b_outside", file=name, bounds=f"{x0:.2f}, {y0:.2f} – {x1:.2f}, {y1:.2f}")
    if info.expected_units and len(gdf) != info.expected_units:
        raise FileRejected("filecheck_b_count", file=name, n=len(gdf), set=set_id, expected=info.expected_units)
    gdf.attrs["vertices"] = total
    return gdf, path


def _unpack_shapefile(data: bytes, name: str, work):
    """The .shp/.shx/.dbf/.prj/.cpg members of a zip, by base name only (no path traversal), size-bounded."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRejected("filecheck_bad_zip", file=name) from None
    with zf:
        _check_zip_directory(infos, name)
        shp = [i for i in infos if i.filename.lower().endswith(".shp") and not i.is_dir()]
        if not shp:
            raise FileRejected("filecheck_b_no_shp", file=name)
        stem = shp[0].filename[:-4]
        for info in infos:
            if info.filename[: len(stem)] == stem and info.filename[len(stem):].lower() in _SHAPE_PARTS:
                target = work / ("upload" + info.filename[len(stem):].lower())
                with zf.open(info) as src, open(target, "wb") as dst:
                    while True:
                        chunk = src.read(CHUNK)
                        if not chunk:
                            break
                        dst.write(chunk)
    return work / "upload.shp"
