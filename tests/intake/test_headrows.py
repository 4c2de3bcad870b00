"""geo.intake.headrows: rows that are never headers, the header tree over several rows, numeric columns, and
a file with no table (a letter, prose) is unreadable (exit 2), never a file with errors."""

from __future__ import annotations

import pytest

from geo.intake.headrows import column_paths, is_never_header, levels_above, numeric_columns
from geo.intake.ingest import validate_file
from tests.messy import Report, to_csv, to_xlsx

SET = "dien-bien-dong-2025"


@pytest.mark.parametrize("row", [
    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["Độc lập - Tự do - Hạnh phúc"], ["Độc lập – Tự do – Hạnh phúc"],
    ["CÔNG AN TỈNH ĐIỆN BIÊN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["CÔNG AN XÃ NA SON", None, None, "Độc lập - Tự do - Hạnh phúc"], ["CÔNG AN PHƯỜNG HIM LAM"],
    ["UBND XÃ MƯỜNG LUÂN"], ["ĐỘI XÂY DỰNG PHONG TRÀO"], ["Số: 125/BC-CAX"], ["Số 12/BC-CAT"],
    [None, "Na Son, ngày 20 tháng 12 năm 2025"], ["Điện Biên, ngày … tháng … năm 2026"],
    ["BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC NĂM 2025"], ["Biểu số 01"],
    ["TỔNG HỢP SỐ LIỆU TỔ BẢO VỆ AN NINH, TRẬT TỰ Ở CƠ SỞ"], ["BẢNG TỔNG HỢP KẾT QUẢ XÂY DỰNG PHONG TRÀO Ở CÁC XÃ"],
    ["KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ CỦA CÁC XÃ NĂM 2025"], ["Xếp loại tổ bảo vệ ANTT quý II/2026 của các xã"], ["Nơi nhận:", None, "TRƯỞNG CÔNG AN XÃ"],
    ["Người lập biểu", None, "Thủ trưởng đơn vị"], ["Kính gửi: Công an tỉnh Điện Biên"], ["Kỳ báo cáo", "2025"],
    ["Thực hiện Kế hoạch số 15/KH-CAT của Công an tỉnh về phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2025, "
     "Công an xã báo cáo kết quả như sau"],
])
def test_never_a_header(row):
    assert is_never_header(row)


@pytest.mark.parametrize("row", [
    ["STT", "Tên xã, phường", "Tổ ANND"], ["Đơn vị", "Thôn, bản, TDP được công nhận"], ["Commune", "Tips received"],
    ["TT", "Xã, phường, đặc khu", "Kết quả đánh giá, xếp loại tổ bảo vệ ANTT"], ["Mã xã", "Tên xã", "Số tổ"],
])
def test_headers_are_headers(row):
    assert not is_never_header(row)


def test_three_levels_spread_without_merges():
    grid = [["STT", "Xã", "Thôn, bản được công nhận", None, None, None],
            [None, None, "Tổng số", "Trong đó xếp loại", None, None],
            [None, None, None, "Xuất sắc", "Khá", "Trung bình"],
            [1, "Na Son", 42, 13, 21, 8]]
    assert levels_above(grid, 2) == [0, 1]
    paths = column_paths(grid, [0, 1, 2], 6)
    assert paths[4] == ["Thôn, bản được công nhận", "Trong đó xếp loại", "Khá"]
    assert paths[2] == ["Thôn, bản được công nhận", "Tổng số"] and paths[0] == ["STT"]
    assert numeric_columns(grid, 3) == {0, 2, 3, 4, 5}


def test_column_number_row_is_not_data():
    assert numeric_columns([[1, 2, 3, 4], [None, "x", None, None]], 0) == set()
    assert numeric_columns([["(1)", "(2)", "(3)"], [None, "Na Son", 5]], 0) == {2}


def _letter_file(fmt: str) -> bytes:
    rep = Report()
    for line in (["CÔNG AN XÃ NA SON", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                 ["Số: 125/BC-CAX", None, None, "Độc lập - Tự do - Hạnh phúc"],
                 [None, None, None, "Na Son, ngày 20 tháng 12 năm 2025"],
                 ["BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ NĂM 2025"],
                 ["Kính gửi: Công an huyện Điện Biên Đông"],
                 ["Trong năm, toàn xã có 12 tổ ANND, 15 thôn bản được công nhận An toàn về ANTT, tiếp nhận 32 tin báo "
                  "của nhân dân, trong đó 24 tin có giá trị."],
                 ["Tổ bảo vệ ANTT: 50 tổ, 262 thành viên; xếp loại hoàn thành xuất sắc nhiệm vụ 13 tổ."],
                 ["Nơi nhận:", None, None, "TRƯỞNG CÔNG AN XÃ"], ["- Như trên;"], [None, None, None, "Lò Văn C"]):
        rep.add(line)
    return to_xlsx([("Thư", rep)]) if fmt == "xlsx" else to_csv(rep)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_letter_has_no_table(fmt):
    r = validate_file(_letter_file(fmt), boundary_set=SET, period="2025", file_name=f"thu.{fmt}")
    assert not r.readable and [p.key for p in r.errors][:1] == ["ingest_no_header"]
