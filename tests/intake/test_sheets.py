"""geo.intake.sheets: a workbook with several data sheets is refused naming them all until a person chooses;
chosen sheets are read as one submission (values combined, conflicts refused naming both cells, one period);
sheets without a table do not count, but numbers that are no table are named. Workbooks built as staff write
them: Vietnamese sheet names with diacritics, a 'Hướng dẫn' sheet, a hidden sheet, a chart sheet, one sheet
per commune named after it, one sheet per quarter."""

from __future__ import annotations

import copy
import io
import json

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from geo.intake.ingest import format_report, validate_file
from geo.intake.read import Sheet
from geo.intake.sheets import loose_numbers
from tests.messy import COLUMNS, REMEMBERED, SET, Report, col_of, expected_rows, report_grid

EXPECTED = expected_rows()
BY_CODE = {r["unit_code"]: r for r in EXPECTED}
CODE = {r["unit_name"]: r["unit_code"] for r in EXPECTED}
NA_SON, PHI_NHU = CODE["Xã Na Son"], CODE["Xã Phì Nhừ"]


def _help() -> Report:
    rep = Report()
    rep.add(["HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO"])
    rep.add([1, "Ghi tên xã, phường đúng như danh mục."])
    rep.add([2, "Mỗi ô ghi một số; không có số liệu thì để trống."])
    rep.add([3, "Gửi tệp cho Đội Xây dựng phong trào trước ngày 15."])
    return rep


def _notes() -> Report:
    rep = Report()
    rep.add(["Ghi chú: số liệu quý này đã được xã ký xác nhận."])
    return rep


def _vertical(code: str) -> Report:
    """One commune written top to bottom (indicator | value): numbers, but no table of units × indicators."""
    rep = Report()
    rep.add([f"SỐ LIỆU {BY_CODE[code]['unit_name'].upper()}"])
    for iid, _group, child in COLUMNS[:3]:
        rep.add([child, BY_CODE[code]["values"][iid] or 0])
    return rep


def _commune(code: str, **kw) -> Report:
    return report_grid([BY_CODE[code]], groups=False, **kw)


def book(sheets: list[tuple], chart: bool = False) -> bytes:
    """(name, Report[, 'hidden']) in order; a chart sheet 'Biểu đồ' at the end when asked."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rep, *state in sheets:
        ws = wb.create_sheet(name)
        for row in rep.grid:
            ws.append(row)
        for m in rep.merges:
            ws.merge_cells(m)
        if state:
            ws.sheet_state = state[0]
    if chart:
        first = wb.worksheets[-1]
        cs = wb.create_chartsheet("Biểu đồ")
        ch = BarChart()
        ch.add_data(Reference(first, min_col=3, min_row=1, max_row=5))
        cs.add_chart(ch)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def per_commune(chart: bool = True) -> bytes:
    return book([("Hướng dẫn", _help()), *[(r["unit_name"], _commune(r["unit_code"])) for r in EXPECTED],
                 ("Ghi chú", _notes(), "hidden")], chart=chart)


def run(data, **kw):
    kw.setdefault("boundary_set", SET)
    kw.setdefault("column_mapping", REMEMBERED)
    return validate_file(data, file_name="bao_cao.xlsx", **kw)


def keys(problems) -> list[str]:
    return [p.key for p in problems]


def test_one_sheet_per_commune_refused_naming_every_data_sheet():
    r = run(per_commune())
    assert r.readable and not r.ok and r.rows == []
    assert keys(r.errors) == ["ingest_sheets_several"]
    msg = r.errors[0].message
    assert msg.startswith("Tệp có 14 trang chứa bảng số liệu") and "--sheet" in msg
    assert all(f"'{x['unit_name']}'" in msg for x in EXPECTED)
    assert "Hướng dẫn" not in msg and "Ghi chú" not in msg and "Biểu đồ" not in msg
    content = {s["name"]: (s["content"], s["hidden"]) for s in r.sheets}
    assert content["Hướng dẫn"] == ("none", False) and content["Ghi chú"] == ("none", True)
    assert content["Biểu đồ"] == ("none", False) and content["Xã Na Son"] == ("table", False)
    assert r.data_sheets == [x["unit_name"] for x in EXPECTED]


def test_all_sheets_one_submission():
    r = run(per_commune(), sheets="all")
    assert r.ok, [p.message for p in r.errors]
    assert r.rows == EXPECTED and r.units_matched == 14 and r.period == "2017"
    assert "ingest_units_missing" not in keys(r.warnings)
    read = [s for s in r.sheets if s["chosen"]]
    assert [s["name"] for s in read] == [x["unit_name"] for x in EXPECTED]
    assert all(s["units"] == 1 and s["period"] == "2017" for s in read)
    text = format_report(r)
    assert "'Xã Na Son': đã đọc 1 đơn vị, 21 cột chỉ số, kỳ 2017" in text
    assert "'Ghi chú' (trang ẩn): không có bảng số liệu" in text
    assert text.count("'Tin báo' → tips_received") == 1  # the same column on every sheet: listed once


@pytest.mark.parametrize("choice,codes,missing", [
    (["Xã Na Son"], [NA_SON], 13),
    (["Xã Na Son", "Xã Phì Nhừ"], [NA_SON, PHI_NHU], 12),
    (["xa na son", "XÃ PHÌ NHỪ"], [NA_SON, PHI_NHU], 12),  # typed without diacritics or in capitals
    (["Xã Na Son", "Xã Na Son"], [NA_SON], 13),  # the same name twice: once
    (["all"], [x["unit_code"] for x in EXPECTED], 0),
])
def test_chosen_sheets(choice, codes, missing):
    r = run(per_commune(), sheets=choice)
    assert r.ok, [p.message for p in r.errors]
    assert r.rows == [BY_CODE[c] for c in codes]
    assert "ingest_sheet_chosen" not in keys(r.warnings)  # the person chose it: nothing to tell them
    units_missing = [w for w in r.warnings if w.key == "ingest_units_missing"]
    assert [w.params["n"] for w in units_missing] == ([missing] if missing else [])


@pytest.mark.parametrize("choice,key,named", [
    (["Xã Không Có"], "ingest_sheet_unknown", "'Xã Không Có'"),
    (["Xã Na Son", "Quý 9"], "ingest_sheet_unknown", "'Quý 9'"),
    (["Hướng dẫn"], "ingest_sheet_not_table", "Trang 'Hướng dẫn'"),
    (["Biểu đồ"], "ingest_sheet_not_table", "Trang 'Biểu đồ'"),
])
def test_a_wrong_choice_is_refused_naming_it(choice, key, named):
    r = run(per_commune(), sheets=choice)
    assert not r.ok and r.rows == [] and keys(r.errors) == [key]
    assert named in r.errors[0].message


def test_numbers_that_are_no_table_are_named_until_a_person_chooses():
    data = book([("Hướng dẫn", _help()), ("Tổng hợp", report_grid()), ("Xã Na Son", _vertical(NA_SON))])
    r = run(data)
    assert not r.ok and keys(r.errors) == ["ingest_sheet_numbers_unread"]
    e = r.errors[0]
    assert e.sheet == "Xã Na Son" and e.message.startswith("Trang 'Xã Na Son': có 3 ô số (ô đầu: B2)")
    assert r.rows == EXPECTED  # the data sheet is still read, so the report shows it
    assert run(data, sheets="all").errors[0].key == "ingest_sheet_numbers_unread"  # 'all' reads only tables
    chosen = run(data, sheets=["Tổng hợp"])
    assert chosen.ok and chosen.rows == EXPECTED


def test_hidden_sheet_with_data_counts():
    old = report_grid(total=None, value_fn=lambda c, i, v: v + 1 if i == "teams_security" else v)
    r = run(book([("Tổng hợp", report_grid()), ("Bản cũ", old, "hidden")]))
    assert keys(r.errors) == ["ingest_sheets_several"] and "'Bản cũ'" in r.errors[0].message
    assert [s["hidden"] for s in r.sheets] == [False, True]
    chosen = run(book([("Tổng hợp", report_grid()), ("Bản cũ", old, "hidden")]), sheets=["Tổng hợp"])
    assert chosen.ok and chosen.rows == EXPECTED


def test_template_help_sheet_and_chart_sheet_do_not_count():
    from geo.intake.template import template_bytes

    tpl = template_bytes(SET, period="2017")
    r = run(tpl)
    assert "ingest_sheets_several" not in keys(r.errors) and len(r.sheets) == 2
    assert [s["content"] for s in r.sheets] == ["table", "none"]
    r = run(book([("Tổng hợp", report_grid())], chart=True))
    assert r.ok and r.rows == EXPECTED and [s["content"] for s in r.sheets] == ["table", "none"]


def _quarter(q: str, bump: int) -> Report:
    return report_grid(period_title=f"BÁO CÁO KẾT QUẢ PHONG TRÀO QUÝ {q} NĂM 2017", total=None,
                       value_fn=lambda c, i, v: v + bump if i == "teams_security" else v)


def test_sheets_of_different_periods_are_refused_naming_each():
    data = book([("Quý I", _quarter("I", 0)), ("Quý II", _quarter("II", 1))])
    r = run(data)
    assert keys(r.errors) == ["ingest_sheets_several"]
    r = run(data, sheets="all")
    assert keys(r.errors) == ["ingest_sheets_periods_differ"] and r.rows == []
    assert "'Quý I': 2017-Q1" in r.errors[0].message and "'Quý II': 2017-Q2" in r.errors[0].message
    r = run(data, sheets="all", period="2017-Q2")  # a period typed does not hide that the sheets differ
    assert keys(r.errors) == ["ingest_sheets_periods_differ"]
    r = run(data, sheets=["Quý II"])
    assert r.ok and r.period == "2017-Q2" and r.rows[0]["values"]["teams_security"] == \
        BY_CODE[r.rows[0]["unit_code"]]["values"]["teams_security"] + 1


def _split(indicators: set[str]) -> list[dict]:
    rows = copy.deepcopy(EXPECTED)
    for row in rows:
        row["values"] = {i: (v if i in indicators else None) for i, v in row["values"].items()}
    return rows


def test_indicators_split_over_two_sheets_are_combined():
    teams = {c[0] for c in COLUMNS[:4]}
    rest = {c[0] for c in COLUMNS[4:]}
    data = book([("Tổ chức quần chúng", report_grid(_split(teams))), ("Phong trào", report_grid(_split(rest)))])
    r = run(data, sheets="all")
    assert r.ok, [p.message for p in r.errors]
    assert r.rows == EXPECTED


@pytest.mark.parametrize("second,conflicts", [
    (lambda c, i, v: v, 0),  # the same values on both sheets: fine
    (lambda c, i, v: 99 if (c, i) == (NA_SON, "tips_received") else v, 1),
    (lambda c, i, v: 99 if i == "tips_received" and c in (NA_SON, PHI_NHU) else v, 2),
])
def test_one_value_given_twice(second, conflicts):
    first, other = report_grid(total=None), report_grid(total=None, value_fn=second)
    r = run(book([("Xã nộp", first), ("Huyện tổng hợp", other)]), sheets="all")
    got = [e for e in r.errors if e.key == "ingest_sheets_conflict"]
    assert len(got) == conflicts and r.ok == (conflicts == 0)
    if conflicts:
        e, col = got[0], col_of("tips_received")
        assert (e.sheet, e.row, e.column, e.value) == ("Huyện tổng hợp", other.unit_row[NA_SON], col, 99)
        assert f"trang 'Xã nộp' ô {col}{first.unit_row[NA_SON]} ghi {BY_CODE[NA_SON]['values']['tips_received']}" \
            in e.message
        assert f"trang 'Huyện tổng hợp' ô {col}{other.unit_row[NA_SON]} ghi 99" in e.message
        assert e.message.startswith("Trang 'Huyện tổng hợp', dòng")


def test_json_lists_the_sheets():
    out = run(per_commune(), sheets=["Xã Na Son"]).to_json()
    json.dumps(out, ensure_ascii=False)
    by_name = {s["name"]: s for s in out["sheets"]}
    assert by_name["Xã Na Son"]["chosen"] and by_name["Xã Na Son"]["units"] == 1
    assert not by_name["Xã Phì Nhừ"]["chosen"] and by_name["Xã Phì Nhừ"]["content"] == "table"
    assert by_name["Hướng dẫn"]["content"] == "none"


@pytest.mark.parametrize("rows,expected", [
    ([["Bước", "Nội dung"], [1, "a"], [2, "b"], [3, "c"]], []),  # numbered help lines
    ([["Tổ ANND", 12], ["Tin báo", 3]], [(0, 1), (1, 1)]),  # label | value
    ([[2, "a"], [3, "b"]], [(0, 0), (1, 0)]),  # not 1, 2, 3 …: numbers
    ([["Năm", 2017]], [(0, 1)]),
    ([[True, "có"]], []),  # a tick box is no number
    ([], []),
])
def test_loose_numbers(rows, expected):
    assert loose_numbers(Sheet("S", rows, [])) == expected


def test_a_flag_names_the_sheet_its_value_came_from():
    """The quality checks run over the combined rows; a flagged value is named on its own sheet and cell."""
    def odd(c, i, v):
        return 5000 if (c, i) == (NA_SON, "tips_received") else v

    reps = [(x["unit_name"], report_grid([x], groups=False, total=None, value_fn=odd)) for x in EXPECTED]
    r = run(book(reps), sheets="all")
    flagged = [f for f in r.flags if (f.unit_code, f.indicator) == (NA_SON, "tips_received")]
    row = dict(reps)["Xã Na Son"].unit_row[NA_SON]
    assert flagged and all(f.message.startswith(f"Trang 'Xã Na Son', dòng {row}, cột {col_of('tips_received')}")
                           for f in flagged)
    assert all(f.row == row for f in flagged)


def test_an_xls_workbook_with_two_data_sheets_is_refused_too():
    from tests.messy import to_xls

    data = to_xls([("Hướng dẫn", _help()), ("Xã Na Son", _commune(NA_SON)), ("Xã Phì Nhừ", _commune(PHI_NHU))])
    r = validate_file(data, boundary_set=SET, column_mapping=REMEMBERED, file_name="bao_cao.xls")
    assert r.file_type == "xls" and keys(r.errors) == ["ingest_sheets_several"]
    r = validate_file(data, boundary_set=SET, column_mapping=REMEMBERED, file_name="bao_cao.xls", sheets="all")
    assert r.ok and r.rows == [BY_CODE[NA_SON], BY_CODE[PHI_NHU]]
