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


# -- period types (issue 20): a column of an indicator that is not reported in the file's period type ------------

SET_2025 = "dien-bien-dong-2025"


@pytest.mark.parametrize("period, refused", [
    ("2025-Q3", ["villages_recognized"]),          # recognized once a year: not in a quarter's file
    ("2025-H2", ["villages_recognized"]),
    ("2025-DG3110", ["tips_received"]),            # a flow in the residential areas' evaluation year
    ("2025", []),
])
def test_a_column_of_another_period_type_waits_for_a_person(period, refused):
    """Named by cell with the indicator, the period and the types it uses; an error until the column is mapped or
    ignored, so its numbers are never dropped silently — and then only the right columns are imported."""
    import io

    from geo.intake.ingest import validate_file
    from geo.intake.template import build_template_rows
    from geo.text.periods import normalize_period

    cat = load_catalog()
    ids = ["villages_total", "villages_recognized", "tips_received"]
    rows = [{"unit_code": "03203", "unit_name": "Na Son", "values": {i: 3 for i in ids}},
            {"unit_code": "03208", "unit_name": "Xa Dung", "values": {i: 2 for i in ids}}]
    buf = io.BytesIO()
    build_template_rows(rows, buf, boundary_set=SET_2025, period="2025", fmt="csv")
    data = buf.getvalue().decode("utf-8-sig").replace("Kỳ báo cáo,2025", f"Kỳ báo cáo,{period}").encode("utf-8")
    r = validate_file(data, boundary_set=SET_2025, file_name="f.csv")
    assert r.period == normalize_period(period)
    wrong = [p for p in r.errors if "không báo cáo theo loại kỳ đó" in p.message]
    assert [p.value for p in wrong] == [f"{cat[i].vi} ({cat[i].unit_vi})" for i in refused]
    for p, iid in zip(wrong, refused):
        assert r.period in p.message and cat[iid].period_types_text() in p.message and f'--map "{p.column}="' \
            in p.message
    if not refused:
        assert r.ok
        return
    assert not r.ok and r.unconfirmed == [p.column for p in wrong]
    r = validate_file(data, boundary_set=SET_2025, file_name="f.csv", column_mapping={p.column: "" for p in wrong})
    assert r.ok and all({k for k, v in row["values"].items() if v is not None} == set(ids) - set(refused)
                        for row in r.rows), [row["values"] for row in r.rows]
