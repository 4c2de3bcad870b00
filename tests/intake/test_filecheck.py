"""Hostile uploads: each refused before parsing with a clear Vietnamese message, memory bounded. How quickly is
measured by ``python -m geo bench`` (upload checks), not asserted here: these machines are shared and noisy.

One table: (case → expected kind or refusal code). The builders write the hostile parts by hand into a real
workbook made by openpyxl, streaming big parts so the test itself stays small in memory.
"""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile

import openpyxl
import pytest

from geo.intake.filecheck import FileKind, FileRejected, check_upload, max_upload_bytes
from tests.messy import LAYOUTS, SHEET, report_grid, to_csv, to_xls, to_xlsx

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
    # name: (builder → (bytes, file name), expected kind or refusal code)
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
    try:
        if isinstance(expected, FileKind):
            assert check_upload(data, name, max_upload_bytes()) == expected
            return
        with pytest.raises(FileRejected) as err:
            check_upload(data, name, max_upload_bytes())
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
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
    for opts in LAYOUTS:
        rep = report_grid(**opts)
        assert check_upload(to_xlsx([(SHEET, rep)]), "f") == FileKind.XLSX
        assert check_upload(to_xls([(SHEET, rep)]), "f") == FileKind.XLS
    for enc, delim in (("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1258", ",")):
        assert check_upload(to_csv(report_grid(), enc, delim), "f.csv") == FileKind.CSV


def test_template_passes():
    from geo.intake import template

    data = template.template_bytes("dien-bien-dong-pre2025", period="2017", lang="vi")
    assert check_upload(data, "mau.xlsx") == FileKind.XLSX


# ------------------------------------------------------------------------------------------ boundary files

BSET = "dien-bien-dong-2025"  # 6 units, code column "id", name column "name", parent "provinceName"


def _feature(code, ring, name="Xã A"):
    return {"type": "Feature", "properties": {"id": code, "name": name, "provinceName": "Điện Biên"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def _square(x, y, d=0.05, n=4):
    import math

    if n == 4:
        return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
    pts = [[x + d * math.cos(2 * math.pi * i / n), y + d * math.sin(2 * math.pi * i / n)] for i in range(n)]
    return pts + [pts[0]]


def _geojson(features, crs: str | None = "urn:ogc:def:crs:OGC:1.3:CRS84") -> bytes:
    import json

    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


CODES = ["03203", "03208", "03214", "03370", "03382", "03385"]


def _six() -> list:
    return [_feature(c, _square(103.0 + 0.1 * i, 21.2)) for i, c in enumerate(CODES)]


BOUNDARY_CASES = {
    # name: (bytes, expected: "ok" or refusal code, words in the message)
    "good": (lambda: _geojson(_six()), "ok", ""),
    "bow-tie polygon is repaired": (lambda: _geojson(_six()[:5] + [_feature("03385", [[103.6, 21.2], [103.65, 21.25],
                                                                                      [103.65, 21.2], [103.6, 21.25],
                                                                                      [103.6, 21.2]])]), "ok", ""),
    "duplicate codes": (lambda: _geojson(_six()[:5] + [_feature("03203", _square(104, 21.3))]), "b_read", "bị trùng"),
    "no CRS and projected numbers": (lambda: _geojson([_feature(c, _square(500000 + i * 1000, 2300000, 900))
                                                      for i, c in enumerate(CODES)], crs=None), "b_read", ""),
    "wrong CRS (swapped axes, out of range)": (lambda: _geojson([_feature(c, _square(21.2, 103.0 + 0.1 * i))
                                                                for i, c in enumerate(CODES)]), "b_read", "vĩ độ"),
    "wrong CRS (lon/lat outside Viet Nam)": (lambda: _geojson([_feature(c, _square(21.2, 10.3 + 0.1 * i))
                                                              for i, c in enumerate(CODES)]), "b_outside",
                                             "hệ tọa độ"),
    "projected CRS declared as lon/lat": (lambda: _geojson([_feature(c, _square(500000 + i * 1000, 2300000, 900))
                                                            for i, c in enumerate(CODES)]), "b_read", "kinh độ"),
    "enormous geometry": (lambda: _geojson(_six()[:5] + [_feature("03385", _square(103.6, 21.2, 0.05, 600_000))]),
                          "b_unit_vertices", "đỉnh"),
    "empty geometry": (lambda: _geojson(_six()[:5] + [{"type": "Feature", "geometry": None, "properties": {
        "id": "03385", "name": "X", "provinceName": "Y"}}]), "b_read", "không có hình"),
    "missing code column": (lambda: _geojson([{**f, "properties": {"name": "x", "provinceName": "y"}}
                                              for f in _six()]), "b_read", "thiếu cột"),
    "wrong number of units": (lambda: _geojson(_six()[:4]), "b_count", "cần 6"),
    "png": (lambda: PNG, "b_format", ""),
    "random bytes": (lambda: _random(5000), "b_format", ""),
    "broken json": (lambda: b'{"type": "FeatureCollection", "features": [', "b_read", "Không đọc được"),
    "empty": (lambda: b"", "empty", ""),
}


@pytest.mark.parametrize("case", list(BOUNDARY_CASES))
def test_hostile_boundary_table(case, tmp_path):
    from geo.intake.filecheck import check_boundary_file

    build, expected, words = BOUNDARY_CASES[case]
    if expected == "ok":
        gdf, _ = check_boundary_file(build(), "ranh_gioi.geojson", BSET, workdir=tmp_path)
        assert len(gdf) == 6 and str(gdf.crs).upper().endswith("4326")
        return
    with pytest.raises(FileRejected) as err:
        check_boundary_file(build(), "ranh_gioi.geojson", BSET, workdir=tmp_path)
    assert err.value.code == expected, str(err.value)
    assert words in str(err.value)
    assert "upload." not in str(err.value)  # the user's file name, not the temporary one


def test_install_boundary_file_is_atomic_and_admin_only(tmp_path):
    from geo.access.auth import AccessDenied, Actor, add_user, authorized_store
    from geo.access.installs import install_boundary_file

    s = authorized_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    s.ensure_ready()
    add_user(s, "quan", "admin", "quan-tri-123", by=Actor("ops", "admin", "cli"))
    add_user(s, "bien", "editor", "nhap-so-lieu-1", by=Actor("ops", "admin", "cli"))
    folder = tmp_path / "geodata"
    folder.mkdir()
    target = folder / "dien_bien_dong_area_communes_post2025.geojson"
    target.write_bytes(b"old")
    bad = BOUNDARY_CASES["duplicate codes"][0]()
    with pytest.raises(FileRejected):
        install_boundary_file(s, bad, "x.geojson", BSET, by=Actor("quan", "admin", "local"), folder=folder)
    with pytest.raises(AccessDenied):
        install_boundary_file(s, _geojson(_six()), "x.geojson", BSET, by=Actor("bien", "admin", "local"),
                              folder=folder)
    assert target.read_bytes() == b"old" and sorted(p.name for p in folder.iterdir()) == [target.name]
    summary = install_boundary_file(s, _geojson(_six()), "moi.geojson", BSET, by=Actor("quan", "admin", "local"),
                                    folder=folder)
    assert summary["units"] == 6 and target.read_bytes() == _geojson(_six())
    assert [p.name.endswith(".bak") for p in sorted(folder.iterdir())].count(True) == 1
    entry = s.audit_log(action="boundary_upload")[0]
    assert (entry["user"], entry["detail"]["boundary_set"], entry["detail"]["units"]) == ("quan", BSET, 6)
    s.dispose()


@pytest.mark.parametrize("case", ["png named .xlsx", "xlsm (vbaProject.bin)", "entity bomb in sheet", "empty",
                                  "1,000,000 rows (dimension)"])
def test_validate_file_refuses_hostile_files_before_parsing(case):
    from geo.intake.ingest import validate_file

    data, name = CASES[case][0]()
    report = validate_file(data, boundary_set="dien-bien-dong-pre2025", period="2017", file_name=name)
    assert not report.readable and not report.ok and not report.rows
    assert name in report.errors[0].message


def test_a_refused_boundary_file_leaves_the_configured_folder_untouched(tmp_path, monkeypatch):
    """Through ANTT_BOUNDARY_DIR (the app's folder), not an explicit one: a refused file changes nothing."""
    import shutil

    from geo.access.auth import Actor, add_user, authorized_store
    from geo.access.installs import install_boundary_file
    from geo.units.boundaries import boundary_dir

    folder = tmp_path / "geodata"
    shutil.copytree(boundary_dir(), folder, ignore=shutil.ignore_patterns("vn_*"))
    monkeypatch.setenv("ANTT_BOUNDARY_DIR", str(folder))
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    s = authorized_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    s.ensure_ready()
    add_user(s, "quan", "admin", "quan-tri-123", by=Actor("ops", "admin", "cli"))
    with pytest.raises(FileRejected):
        install_boundary_file(s, b'{"type": "FeatureCollection", "features": []}', "x.geojson",
                              "dien-bien-dong-pre2025", by=Actor("quan", "admin", "local"))
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == before
    s.dispose()
