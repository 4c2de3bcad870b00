"""Hostile uploads: each refused before parsing with a clear Vietnamese message, quickly, memory bounded.

One table: (case → expected kind or refusal code). The builders write the hostile parts by hand into a real
workbook made by openpyxl, streaming big parts so the test itself stays small in memory.
"""

from __future__ import annotations

import io
import os
import random
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from geo.filecheck import FileKind, FileRejected, check_upload, max_upload_bytes
from tests.messy import SHEET, report_grid, to_csv, to_xls, to_xlsx

MB = 1024 * 1024


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append(["Mã xã", "Tên xã", "Số tổ"])
    ws.append(["03205", "Na Son", 12])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rebuild(base: bytes, replace: dict | None = None, add: dict | None = None, drop: tuple = ()) -> bytes:
    """A copy of the zip ``base`` with parts replaced/added; a value may be bytes or a callable writing to a
    file object (for big streamed parts)."""
    replace, add = dict(replace or {}), dict(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            value = replace.pop(info.filename, None)
            if value is None:
                dst.writestr(info.filename, src.read(info.filename))
            else:
                _put(dst, info.filename, value)
        for name, value in {**replace, **add}.items():
            _put(dst, name, value)
    return out.getvalue()


def _put(zf: zipfile.ZipFile, name: str, value) -> None:
    if callable(value):
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            value(fh)
    else:
        zf.writestr(zipfile.ZipInfo(name), value, compress_type=zipfile.ZIP_DEFLATED)


SHEET_PART = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _rows_sheet(n: int, dimension: str | None) -> callable:
    def write(fh):
        fh.write(SHEET_HEAD)
        if dimension:
            fh.write(f'<dimension ref="{dimension}"/>'.encode())
        fh.write(b"<sheetData>")
        batch = []
        for i in range(1, n + 1):
            batch.append(f'<row r="{i}"><c r="A{i}"><v>{i % 97}</v></c></row>')
            if len(batch) == 10000:
                fh.write("".join(batch).encode())
                batch = []
        fh.write("".join(batch).encode())
        fh.write(b"</sheetData></worksheet>")
    return write


def _zeros(n: int) -> callable:
    def write(fh):
        block = b"\x00" * MB
        for _ in range(n // MB):
            fh.write(block)
    return write


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                  + b"".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
                             for i in range(1, 10))
                  + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
                    b'</worksheet>')

XXE = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>')


def _random(n: int) -> bytes:
    return random.Random(4).randbytes(n)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _fake_ole(stream_name: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 1024


CASES = {
    # name: (builder → (bytes, file name), expected kind or refusal code, English words in the message)
    "xlsx": (lambda: (_workbook(), "bao_cao.xlsx"), FileKind.XLSX),
    "xlsx named .csv": (lambda: (_workbook(), "bao_cao.csv"), FileKind.XLSX),
    "messy xlsx": (lambda: (to_xlsx([(SHEET, report_grid())]), "x.bin"), FileKind.XLSX),
    "xls": (lambda: (to_xls([(SHEET, report_grid())]), "bao_cao.xls"), FileKind.XLS),
    "xls named .xlsx": (lambda: (to_xls([(SHEET, report_grid())]), "bao_cao.xlsx"), FileKind.XLS),
    "csv utf-8": (lambda: (to_csv(report_grid()), "bao_cao.csv"), FileKind.CSV),
    "csv utf-16": (lambda: (to_csv(report_grid(), "utf-16", "\t"), "bao_cao.txt"), FileKind.CSV),
    "csv cp1258": (lambda: (to_csv(report_grid(), "cp1258"), "bao_cao.csv"), FileKind.CSV),
    "empty": (lambda: (b"", "rong.xlsx"), "empty"),
    "only blanks": (lambda: (b"\r\n  \r\n", "rong.csv"), "empty"),
    "png named .xlsx": (lambda: (PNG, "bao_cao.xlsx"), "image"),
    "pdf": (lambda: (b"%PDF-1.7\n" + _random(2000), "bao_cao.xlsx"), "other_binary"),
    "random bytes": (lambda: (_random(200_000), "bao_cao.xlsx"), "binary"),
    "random bytes named .csv": (lambda: (_random(3000), "bao_cao.csv"), "binary"),
    "too big": (lambda: (b"a,b\n" * (3 * MB), "lon.csv"), "too_big"),
    "broken zip": (lambda: (b"PK\x03\x04" + _random(5000), "hong.xlsx"), "bad_zip"),
    "zip, not excel": (lambda: (_rebuild(_workbook(), drop=("xl/workbook.xml",)), "x.xlsx"), "not_excel_zip"),
    "xlsm (vbaProject.bin)": (lambda: (_rebuild(_workbook(), add={"xl/vbaProject.bin": b"\xd0\xcf" * 100}),
                                       "macro.xlsx"), "macro"),
    "xlsm content type only": (lambda: (_rebuild(_workbook(), replace={"[Content_Types].xml": _macro_types()}),
                                        "macro.xlsx"), "macro"),
    "xls with VBA": (lambda: (_fake_ole("_VBA_PROJECT_CUR"), "macro.xls"), "macro"),
    "encrypted office file": (lambda: (_fake_ole("EncryptedPackage"), "mat_khau.xlsx"), "encrypted"),
    "zip bomb (ratio)": (lambda: (_rebuild(_workbook(), add={"xl/media/big.bin": _zeros(64 * MB)}), "bom.xlsx"),
                         "zip_bomb"),
    "zip bomb (sheet of zeros)": (lambda: (_rebuild(_workbook(), replace={SHEET_PART: _zeros(300 * MB)}),
                                           "bom.xlsx"), "zip_bomb"),
    "entity bomb in sheet": (lambda: (_rebuild(_workbook(), replace={SHEET_PART: BILLION_LAUGHS}), "lol.xlsx"),
                             "xml_entity"),
    "external entity in shared strings": (lambda: (_rebuild(_workbook(), add={"xl/sharedStrings.xml": XXE}),
                                                   "xxe.xlsx"), "xml_entity"),
    "1,000,000 rows (dimension)": (lambda: (_rebuild(_workbook(), replace={
        SHEET_PART: _rows_sheet(1_000_000, "A1:A1000000")}), "trieu_dong.xlsx"), "too_many_rows"),
    "1,000,000 rows (no dimension)": (lambda: (_rebuild(_workbook(), replace={
        SHEET_PART: _rows_sheet(1_000_000, None)}), "trieu_dong.xlsx"), "too_many_rows"),
    "1,000,000 rows (lying dimension)": (lambda: (_rebuild(_workbook(), replace={
        SHEET_PART: _rows_sheet(1_000_000, "A1:A10")}), "trieu_dong.xlsx"), "too_many_rows"),
    "100,000 rows is fine": (lambda: (_rebuild(_workbook(), replace={
        SHEET_PART: _rows_sheet(100_000, "A1:A100000")}), "lon.xlsx"), FileKind.XLSX),
    "csv 150,000 lines": (lambda: (b"ma,ten,so\n" + b"03205,Na Son,1\n" * 150_000, "dai.csv"), "too_many_rows"),
}


def _macro_types() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_workbook())) as zf:
        xml = zf.read("[Content_Types].xml")
    return xml.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                       b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_upload_table(case, monkeypatch):
    monkeypatch.delenv("ANTT_MAX_UPLOAD_MB", raising=False)
    monkeypatch.delenv("ANTT_MAX_UPLOAD_ROWS", raising=False)
    build, expected = CASES[case]
    data, name = build()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        if isinstance(expected, FileKind):
            assert check_upload(data, name, max_upload_bytes()) == expected
            return
        with pytest.raises(FileRejected) as err:
            check_upload(data, name, max_upload_bytes())
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < 3.0, f"{case}: {elapsed:.2f} s"
        assert peak < 8 * MB, f"{case}: peak {peak / MB:.1f} MB"  # beyond the bytes themselves
    exc = err.value
    assert exc.code == expected, (exc.code, str(exc))
    message = str(exc)
    assert name in message  # says which file
    assert message == exc.message("vi") and exc.message("en") != message
    assert any(ch in message for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), message


def test_size_limit_is_checked_before_anything_else(monkeypatch):
    monkeypatch.setenv("ANTT_MAX_UPLOAD_MB", "1")
    assert max_upload_bytes() == MB
    with pytest.raises(FileRejected) as err:
        check_upload(b"PK\x03\x04" + b"\x00" * (2 * MB), "lon.xlsx")  # would be a broken zip, but too big first
    assert err.value.code == "too_big" and "1,0 MB" in str(err.value)
    monkeypatch.setenv("ANTT_MAX_UPLOAD_MB", "nonsense")
    assert max_upload_bytes() == 10 * MB


def test_row_limit_is_configurable_for_xls_and_csv(monkeypatch):
    monkeypatch.setenv("ANTT_MAX_UPLOAD_ROWS", "10")
    with pytest.raises(FileRejected) as err:
        check_upload(to_xls([(SHEET, report_grid())]), "bc.xls")
    assert err.value.code == "too_many_rows" and SHEET in str(err.value)
    with pytest.raises(FileRejected) as err:
        check_upload(to_csv(report_grid()), "bc.csv")
    assert err.value.code == "too_many_rows"
    with pytest.raises(FileRejected) as err:
        check_upload(to_xlsx([(SHEET, report_grid())]), "bc.xlsx")
    assert err.value.code == "too_many_rows" and SHEET in str(err.value)  # the sheet's title, not its part


def test_the_whole_messy_corpus_passes():
    """No false alarms on the intake corpus (every layout and file type the intake tests use)."""
    from tests import messy

    reps = [report_grid()]
    for maker in ("to_xlsx", "to_xls"):
        for rep in reps:
            check_upload(getattr(messy, maker)([(SHEET, rep)]), "f")
    for enc, delim in (("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1258", ",")):
        assert check_upload(to_csv(report_grid(), enc, delim), "f.csv") == FileKind.CSV


def test_template_passes():
    template = pytest.importorskip("geo.template")
    data = template.template_bytes("dien-bien-dong-pre2025", period="2017", lang="vi")
    assert check_upload(data, "mau.xlsx") == FileKind.XLSX
