"""Reading files into sheets (geo.intake.read): calamine for .xlsx values and merged ranges, uncached formulas
marked, the type decided by content."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from geo.intake.read import UNCACHED_FORMULA, Unreadable, col_index, col_letter, read_sheets
from tests.messy import report_grid, to_csv, to_xls, to_xlsx


@pytest.mark.parametrize("idx,letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(idx, letters):
    assert col_letter(idx) == letters and col_index(letters) == idx


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_same_cells_from_every_format(fmt):
    rep = report_grid()
    data = {"xlsx": lambda: to_xlsx([("BC", rep)]), "xls": lambda: to_xls([("BC", rep)]),
            "csv": lambda: to_csv(rep)}[fmt]()
    kind, sheets = read_sheets(data, "bc." + fmt)
    assert kind == fmt and len(sheets) == 1
    row = sheets[0].rows[rep.total_row - 1]
    assert row[1] == "Tổng cộng"
    assert [int(v) for v in row[2:5]] == [int(v) for v in rep.grid[rep.total_row - 1][2:5]]
    if fmt != "csv":
        assert (6, 2, 6, 5) in sheets[0].merges  # 'Tổ chức quần chúng' over its four columns (0-based)


def test_uncached_formula_is_marked_cached_one_is_a_value():
    wb = Workbook()
    ws = wb.active
    ws.append(["a", 1, 2])
    ws["D1"] = "=B1+C1"
    buf = io.BytesIO()
    wb.save(buf)
    _kind, sheets = read_sheets(buf.getvalue(), "f.xlsx")
    assert sheets[0].rows[0] == ["a", 1, 2, UNCACHED_FORMULA]
    rep = report_grid()
    _kind, sheets = read_sheets(to_xlsx([("BC", rep)]), "t.xlsx")  # total row: SUM formulas with values
    assert UNCACHED_FORMULA not in sheets[0].rows[rep.total_row - 1]


@pytest.mark.parametrize("order", ["chart first", "chart last"])
def test_a_chart_sheet_and_a_hidden_sheet_keep_uncached_formulas_seen(order):
    """A chart sheet has no worksheet part: it once made the formula search give up (the cell read as empty)."""
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(["a", 1, 2])
    ws["D1"] = "=B1+C1"
    hidden = wb.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "=1+1"
    cs = wb.create_chartsheet("Biểu đồ", 0 if order == "chart first" else None)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1))
    cs.add_chart(chart)
    buf = io.BytesIO()
    wb.save(buf)
    _kind, sheets = read_sheets(buf.getvalue(), "f.xlsx")
    by_name = {s.name: s for s in sheets}
    assert by_name["Số liệu"].rows[0] == ["a", 1, 2, UNCACHED_FORMULA] and not by_name["Số liệu"].hidden
    assert by_name["Ẩn"].rows == [[UNCACHED_FORMULA]] and by_name["Ẩn"].hidden
    assert by_name["Biểu đồ"].rows == []


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 broken", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 broken"])
def test_unreadable(data):
    with pytest.raises(Unreadable):
        read_sheets(data, "x")
