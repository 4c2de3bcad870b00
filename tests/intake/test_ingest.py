"""Intake of messy real-world spreadsheets: exact units and values, or the exact cell of each problem."""

from __future__ import annotations

import copy
import io
import json

import pytest

from geo.intake.ingest import IngestReport, match_header, parse_value, validate_file
from geo.reference.catalog import load_catalog
from geo.text.legacy import encode_tcvn3, encode_vni
from tests.messy import (
    LAYOUTS,
    SET,
    SHEET,
    REMEMBERED,
    UNKNOWN_HEADER,
    Report,
    col_of,
    expected_rows,
    report_grid,
    to_csv,
    to_xls,
    to_xlsx,
)

EXPECTED = expected_rows()
CAT = load_catalog()
NO_COLUMN_IN_2017 = ["self_management_model_types", "self_management_model_sites", "festival_sites",
                     "support_tools_recovered"]


def xlsx(rep: Report, sheet: str = SHEET) -> bytes:
    return to_xlsx([(sheet, rep)])


def run(data, **kw) -> IngestReport:
    kw.setdefault("boundary_set", SET)
    kw.setdefault("column_mapping", REMEMBERED)
    return validate_file(data, **kw)


def locs(problems):
    return [(p.sheet, p.row, p.column) for p in problems]


# ------------------------------------------------------------------------------------------------ file types

@pytest.mark.parametrize("kind", ["xlsx", "xls", "csv-utf8", "csv-utf8-bom-semicolon", "csv-utf16-tab",
                                  "csv-cp1258"])
def test_messy_report_every_file_type(kind):
    rep = report_grid()
    data = {
        "xlsx": lambda: xlsx(rep),
        "xls": lambda: to_xls([(SHEET, rep)]),
        "csv-utf8": lambda: to_csv(rep),
        "csv-utf8-bom-semicolon": lambda: to_csv(rep, "utf-8-sig", ";"),
        "csv-utf16-tab": lambda: to_csv(rep, "utf-16", "\t"),
        "csv-cp1258": lambda: to_csv(rep, "cp1258"),
    }[kind]()
    r = run(data, file_name="bao_cao.bin")  # the extension says nothing: the content decides
    assert r.readable and r.ok, [p.message for p in r.errors]
    assert r.rows == EXPECTED
    assert (r.period, r.units_expected, r.units_matched) == ("2017", 14, 14)
    assert r.ignored_columns == [UNKNOWN_HEADER]  # ignored by a person (remembered); STT and 'Ghi chú' silently
    cols = {c["letter"]: c for c in r.to_json()["columns"]}
    assert (cols["X"]["reading"], cols["X"]["rule"], cols["Y"]["reading"]) == ("certain", "hand_ignored", "text")
    assert r.total_row["found"] and r.total_row["matches"]
    # The indicators of every period that this 2017 report has no column for.
    assert [p.column for p in r.warnings] == [None]
    assert all(CAT[i].name() in r.warnings[0].message for i in NO_COLUMN_IN_2017)
    assert r.file_type == ("xlsx" if kind == "xlsx" else "xls" if kind == "xls" else "csv")
    assert r.column_map[col_of("villages_signed")] == "villages_signed"  # 'Ký cam kết' / 'Bản'
    assert r.column_map[col_of("villages_total")] == "villages_total"  # 'Số bản'


def test_json_shape_and_file_identity():
    data = xlsx(report_grid())
    r = run(data, file_name="bc.xlsx")
    out = r.to_json()
    assert list(out) == ["ok", "boundary_set", "period", "units_expected", "units_matched", "rows", "errors",
                         "warnings", "ignored_columns", "total_row", "columns", "unconfirmed", "header_rows",
                         "missing_marks", "flags", "sheets"]
    assert out["total_row"] == {"found": True, "matches": True}
    assert set(out["warnings"][0]) == {"sheet", "row", "column", "value", "message"}
    json.dumps(out, ensure_ascii=False)
    import hashlib

    assert (r.file_sha256, r.file_size, r.file_name) == (hashlib.sha256(data).hexdigest(), len(data), "bc.xlsx")


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02\x03\xff" * 200, b"PK\x03\x04 broken zip",
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken xls"])
def test_unreadable(data):
    r = run(data)
    assert not r.readable and not r.ok and len(r.errors) == 1


def test_missing_path_is_unreadable(tmp_path):
    r = run(tmp_path / "none.xlsx")
    assert not r.readable


# ------------------------------------------------------------------------------------------------ layout

@pytest.mark.parametrize("opts", LAYOUTS)
def test_layouts(opts):
    rep = report_grid(**opts)
    # one level: the unknown column has no header at all; its numbers wait for a person like any others
    r = run(xlsx(rep), period="2017", column_mapping={**REMEMBERED, "X": ""})
    assert r.ok, [p.message for p in r.errors]
    assert r.rows == EXPECTED
    assert r.total_row["found"] == (opts.get("total", "x") is not None)


def test_data_on_second_sheet():
    cover = Report()
    cover.add(["CÔNG AN TỈNH ĐIỆN BIÊN"])
    cover.add(["Ghi chú: số liệu ở trang sau"])
    r = run(to_xlsx([("Bìa", cover), ("Số liệu 2017", report_grid())]))
    assert r.ok and r.sheet == "Số liệu 2017" and r.rows == EXPECTED


def test_formula_cells_use_cached_values():
    rep = report_grid()
    row = rep.unit_row["03205"]
    rep.formulas[f"{col_of('population')}{row}"] = "3000+514"
    r = run(xlsx(rep))
    assert r.ok and r.rows == EXPECTED  # total row is all SUM formulas too


def test_total_mismatch_reports_both_numbers():
    rep = report_grid()
    rep.set(f"{col_of('tips_received')}{rep.total_row}", 999)
    r = run(xlsx(rep))
    assert r.ok and r.total_row["found"] and r.total_row["matches"] is False
    (w,) = [p for p in r.warnings if p.row == rep.total_row]
    assert (w.sheet, w.column, w.value) == (SHEET, col_of("tips_received"), 999)
    total = sum(x["values"]["tips_received"] for x in EXPECTED)
    assert "999" in w.message and str(total) in w.message
    assert r.to_json()["total_row"] == {"found": True, "matches": False}


# ------------------------------------------------------------------------------------------------ units

DBD_NAMES = {x["unit_code"]: x["unit_name"] for x in EXPECTED}


def _names(fn):
    return {code: fn(code, name) for code, name in DBD_NAMES.items()}


@pytest.mark.parametrize("case,names", [
    ("upper", _names(lambda c, n: n.upper())),
    ("no_prefix", _names(lambda c, n: n.replace("Xã ", "").replace("Thị trấn ", ""))),
    ("nfd_double_space", _names(lambda c, n: __import__("unicodedata").normalize("NFD", n).replace(" ", "  "))),
    ("file_variants", {**DBD_NAMES, "03370": "Xã Pu Nhi", "03379": "Xã Luân Giói"}),
    ("prefix_abbrev", _names(lambda c, n: n.replace("Xã ", "X. ").replace("Thị trấn ", "TT "))),
    ("code_lost_zero", _names(lambda c, n: int(c))),
    ("code_text", _names(lambda c, n: c)),
])
def test_unit_name_variants(case, names):
    r = run(xlsx(report_grid(names=names)))
    assert r.ok, [p.message for p in r.errors]
    assert r.rows == EXPECTED  # unit_name is the boundary set's official name


@pytest.mark.parametrize("encoding,encode", [("TCVN3", encode_tcvn3), ("VNI", encode_vni)])
def test_legacy_font_names_converted_with_warning(encoding, encode):
    r = run(xlsx(report_grid(names={c: encode(n) for c, n in DBD_NAMES.items()})))
    assert r.ok, [p.message for p in r.errors]
    assert r.rows == EXPECTED
    (w,) = [p for p in r.warnings if "Unicode" in p.message]
    assert encoding in w.message


def test_legacy_font_headers():
    rep = report_grid(two_level=False, names={c: encode_tcvn3(n) for c, n in DBD_NAMES.items()})
    hrow = rep.grid.index(next(g for g in rep.grid if g[:2] == ["STT", "Tên đơn vị"]))
    rep.grid[hrow] = [encode_tcvn3(v) if isinstance(v, str) else v for v in rep.grid[hrow]]
    r = run(xlsx(rep), column_mapping={"X": ""})
    assert r.ok and r.rows == EXPECTED


def test_unknown_unit_is_an_error_with_suggestion_never_accepted():
    rep = report_grid(names={"03379": "Xã Luân Giơi Mới"})
    r = run(xlsx(rep))
    assert not r.ok
    (e,) = r.errors
    assert (e.sheet, e.row, e.column, e.value) == (SHEET, rep.unit_row["03379"], "B", "Xã Luân Giơi Mới")
    assert "Có phải: Xã Luân Giới?" in e.message
    assert "03379" not in [x["unit_code"] for x in r.rows]
    assert any("Luân Giới" in w.message for w in r.warnings)  # it is also reported as missing


def test_unknown_code_is_an_error():
    r = run(xlsx(report_grid(names={**DBD_NAMES, "03205": 99999})))
    (e,) = r.errors
    assert (e.column, e.value) == ("B", "99999")


def test_duplicate_unit_names_both_rows():
    rep = report_grid(names={"03208": "Xã Na Son"})
    r = run(xlsx(rep))
    (e,) = r.errors
    assert (e.row, e.column) == (rep.unit_row["03208"], "B")
    assert str(rep.unit_row["03205"]) in e.message and str(rep.unit_row["03208"]) in e.message


def test_missing_units_warning():
    rows = [x for x in EXPECTED if x["unit_code"] not in ("03384", "03385")]
    r = run(xlsx(report_grid(rows, total=None)))
    assert r.ok and r.units_matched == 12
    (w,) = [p for p in r.warnings if "Tìa Dình" in p.message]
    assert "Háng Lìa" in w.message and "2/14" in w.message


# ------------------------------------------------------------------------------------------------ values

def _with(code, iid, written):
    def fn(c, i, v):
        return written if (c, i) == (code, iid) else v
    return fn


@pytest.mark.parametrize("iid,written,expected", [
    ("population", "3.514", 3514),
    ("population", " 3514 ", 3514),
    ("population", "3 514", 3514),
    ("teams_security", "15 tổ", 15),
    ("teams_security", "15.0", 15),
    ("explosives_recovered_kg", "1,5", 1.5),
    ("explosives_recovered_kg", "2.25", 2.25),
    ("population", None, None),
    ("population", "", None),
])
def test_text_numbers(iid, written, expected):
    r = run(xlsx(report_grid(total=None, value_fn=_with("03205", iid, written))))
    assert r.ok, [p.message for p in r.errors]
    got = next(x for x in r.rows if x["unit_code"] == "03205")["values"][iid]
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("written", ["-", "x", "—"])
def test_dash_is_missing_with_warning(written):
    rep = report_grid(total=None, value_fn=_with("03205", "population", written))
    r = run(xlsx(rep))
    assert r.ok
    assert next(x for x in r.rows if x["unit_code"] == "03205")["values"]["population"] is None
    assert (SHEET, rep.unit_row["03205"], col_of("population")) in locs(r.warnings)
    assert r.to_json()["missing_marks"] == {written: 1}  # the dry run lists the marks read as no data


@pytest.mark.parametrize("iid,written,word", [
    ("teams_security", -3, "âm"),
    ("teams_security", "abc", "không phải là số"),
    ("teams_security", 2.5, "không phải số nguyên"),
    ("commune_signed", 2, "1 (có) hoặc 0"),
    ("population", "12%", "không phải là số"),
    ("explosives_recovered_kg", -0.5, "âm"),
    ("tips_valuable", "2,5", "giá trị 2,5 không phải số nguyên"),  # quoted as typed, not as the 2.5 read
    ("teams_security", " -3 ", "giá trị -3 là số âm"),
])
def test_bad_values_point_at_the_cell(iid, written, word):
    rep = report_grid(total=None, value_fn=_with("03208", iid, written))
    r = run(xlsx(rep))
    assert not r.ok
    (e,) = r.errors
    assert (e.sheet, e.row, e.column) == (SHEET, rep.unit_row["03208"], col_of(iid))
    assert word in e.message and CAT[iid].vi in e.message
    assert e.message.startswith(f"Trang '{SHEET}', dòng {rep.unit_row['03208']}, cột {col_of(iid)}")


@pytest.mark.parametrize("num,den", [("villages_signed", "villages_total"), ("agencies_signed", "agencies_total"),
                                     ("schools_signed", "schools_total")])
def test_numerator_above_denominator(num, den):
    rep = report_grid(total=None, value_fn=_with("03211", num, 999))
    r = run(xlsx(rep))
    (e,) = r.errors
    assert (e.row, e.column, e.value) == (rep.unit_row["03211"], col_of(num), 999)
    assert col_of(den) in e.message


def test_english_messages():
    rep = report_grid(total=None, value_fn=_with("03208", "teams_security", "abc"))
    (e,) = run(xlsx(rep), lang="en").errors
    assert e.message.startswith(f"Sheet '{SHEET}', row {rep.unit_row['03208']}, column {col_of('teams_security')}")
    assert "not a number" in e.message


# ------------------------------------------------------------------------------------------------ period

@pytest.mark.parametrize("title,given,expected,error", [
    ("BÁO CÁO KẾT QUẢ NĂM 2017", None, "2017", False),
    ("BÁO CÁO QUÝ II NĂM 2017", None, "2017-Q2", False),
    ("Báo cáo tháng 6/2017", None, "2017-06", False),
    (None, "2017-Q2", "2017-Q2", False),
    (None, None, None, True),  # the date line 'ngày 15 tháng 12 năm 2018' is not a period
    (None, "2017-Q5", None, True),
    ("BÁO CÁO NĂM 2017", "2018", "2018", False),  # argument wins, with a warning
])
def test_period(title, given, expected, error):
    r = run(xlsx(report_grid(period_title=title)), period=given)
    assert r.period == expected
    assert (not r.ok) == error
    if title and given and expected != "2017":
        assert any("2017" in w.message for w in r.warnings)


def test_period_cell_in_title_area():
    rep = report_grid(period_title=None)
    rep.grid[2] = ["Kỳ báo cáo:", "2017-Q3"]  # the empty row under the national motto
    r = run(xlsx(rep))
    assert r.ok and r.period == "2017-Q3"


# ------------------------------------------------------------------------------------------------ headers

@pytest.mark.parametrize("header,iid", [
    ("Tổ ANND", "teams_security"), ("ANND", "teams_security"), ("Tổ an ninh nhân dân (tổ)", "teams_security"),
    ("BVDP", "teams_street_protection"), ("TDP", None), ("Bản, TDP", "villages_total"),
    ("Số bản", "villages_total"), ("Ký cam kết Bản", "villages_signed"), ("Bản ký cam kết an toàn về ANTT", "villages_signed"),
    ("CQ ký CK", "agencies_signed"), ("Vật liệu nổ (kg)", "explosives_recovered_kg"), ("Population", "population"),
    ("People's security teams", "teams_security"), ("DÂN SỐ", "population"), ("Ghi chú", None), ("STT", None),
])
def test_header_matching(header, iid):
    assert match_header(header) == iid


def test_column_mapping_by_hand():
    rep = report_grid(total=None)
    r = run(xlsx(rep), column_mapping={UNKNOWN_HEADER: "households_reminded", "Hộ được nhắc nhở": ""})
    assert r.ok
    assert r.column_map["X"] == "households_reminded"
    values = {x["unit_code"]: x["values"]["households_reminded"] for x in r.rows}
    assert values["03203"] == 10 and values["03205"] == 20  # the 'Điểm thi đua' column (stt × 10)
    assert UNKNOWN_HEADER not in r.ignored_columns


def test_missing_value_is_none_not_zero():
    rows = copy.deepcopy(EXPECTED)
    rows[0]["values"]["tips_received"] = None
    r = run(xlsx(report_grid(rows)))
    assert r.rows[0]["values"]["tips_received"] is None
    assert all(set(x["values"]) == {i.id for i in CAT.valid_in("2017").base()} for x in r.rows)


@pytest.mark.parametrize("raw,kind,expected", [
    ("1.234", "count", (1234, None)), ("1,234", "count", (1234, None)), ("1.234,5", "amount", (1234.5, None)),
    ("0,75", "amount", (0.75, None)), (True, "flag", (1, None)), ("có", "flag", (1, None)),
    ("abc", "count", (None, "not_number")), (3.0, "count", (3, None)),
])
def test_parse_value(raw, kind, expected):
    ind = next(i for i in CAT.base() if i.kind == kind)
    assert parse_value(raw, ind) == expected


def test_national_codes_seven_digits():
    import io

    from geo.intake.template import build_template_rows
    from geo.units.resolver import load_units

    units = load_units("vn-pre2025")
    codes = list(units.names)[:30]
    rows = [{"unit_code": c, "unit_name": units.names[c], "values": {i.id: None for i in CAT.valid_in("2016").base()}}
            for c in codes]
    for k, x in enumerate(rows):
        x["values"]["population"] = 1000 + k
    buf = io.BytesIO()
    build_template_rows(rows, buf, boundary_set="vn-pre2025", period="2016")
    r = validate_file(buf.getvalue(), boundary_set="vn-pre2025")
    assert r.ok and r.rows == rows and r.units_expected == len(units.names)


def test_formula_without_cached_value_is_reported_not_silently_missing():
    """openpyxl (like many programs) writes formulas without the computed value: the cell is missing, and the
    report says so at the exact cell."""
    import openpyxl

    rep = report_grid()
    data = xlsx(rep)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    row = rep.unit_row["03205"]
    ws[f"{col_of('population')}{row}"] = "=3000+514"
    buf = io.BytesIO()
    wb.save(buf)
    r = run(buf.getvalue())
    na_son = next(x for x in r.rows if x["unit_code"] == "03205")
    assert na_son["values"]["population"] is None
    (w,) = [p for p in r.warnings if p.row == row and p.column == col_of("population")]
    assert "công thức" in w.message and w.sheet == SHEET
    assert r.to_json()["warnings"]  # serializable
