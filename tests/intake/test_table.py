"""Locating the table (geo.intake.table): total labels in any font, header rows never taken from data rows,
group headers spread over their columns."""

from __future__ import annotations

import pytest

from geo.intake.read import Sheet
from geo.intake.table import find_table, is_total_label
from geo.reference.catalog import load_catalog
from geo.text.legacy import encode_tcvn3, encode_vni

CAT = load_catalog()


@pytest.mark.parametrize("text,expected", [
    ("Tổng cộng", True), ("TỔNG CỘNG", True), ("Cộng", True), ("Tổng số", True), ("Toàn huyện", True),
    ("Total", True), (encode_tcvn3("Tổng cộng"), True), (encode_vni("Tổng cộng"), True),
    (encode_tcvn3("Cộng"), True), (encode_vni("Toàn huyện"), True),
    ("TONG CONG", True), ("Cong", True), ("Sum", True),
    ("Xã Phình Giàng", False), ("Thị trấn Điện Biên Đông", False), ("Công an xã", False), ("Chiềng Sơ", False),
    ("Công Bình", False), ("Cong Binh", False), ("Công Liêm", False),
])
def test_total_label(text, expected):
    assert is_total_label(text) is expected


def test_data_row_is_never_the_header():
    rows = [["STT", "Xã, phường", "Tổ ANND", "Tin báo"],
            [1, "Thị trấn Điện Biên Đông", 6, 4],
            [2, "Xã Phì Nhừ", 8, 9]]
    tb = find_table(Sheet("BC", rows, []), CAT, {})
    assert tb.header_rows == [0]
    assert [(c.letter, c.role, c.indicator) for c in tb.columns] == [
        ("A", "stt", None), ("B", "name", None), ("C", "indicator", "teams_security"),
        ("D", "indicator", "tips_received")]


def test_group_header_without_merge_is_spread_right():
    rows = [["Tên đơn vị", "Tổng số bản", "Ký cam kết an toàn về ANTT", None, None],
            [None, None, "Bản, TDP", "Cơ quan, DN", "Trường học"],
            ["Xã Phì Nhừ", 12, 10, 3, 2]]
    tb = find_table(Sheet("BC", rows, []), CAT, {})
    assert [c.indicator for c in tb.columns[1:]] == ["villages_total", "villages_signed", "agencies_signed",
                                                      "schools_signed"]
    assert tb.columns[2].group == "Ký cam kết an toàn về ANTT"
