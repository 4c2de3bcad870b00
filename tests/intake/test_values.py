"""geo.intake.values: grades (xuất sắc, khá, trung bình) checked against their recognized count at import."""

from __future__ import annotations

import copy
import io

import openpyxl
import pytest

from geo.intake.ingest import validate_file
from geo.intake.template import build_template_rows
from geo.reference.sample import SAMPLES, sample_rows

S2025 = SAMPLES[1]
VR, VX, VG, VA = ("villages_recognized", "villages_recognized_excellent", "villages_recognized_good",
                  "villages_recognized_average")
CR, CX, CG, CA = ("commune_recognized", "commune_recognized_excellent", "commune_recognized_good",
                  "commune_recognized_average")


def _file(changes: dict, row: int = 0) -> tuple[bytes, list[dict]]:
    rows = copy.deepcopy(sample_rows(S2025))
    rows[row]["values"].update(changes)
    buf = io.BytesIO()
    build_template_rows(rows, buf, boundary_set=S2025.boundary_set, period=S2025.period, fmt="xlsx")
    return buf.getvalue(), rows


def _cell_of(data: bytes, text: str) -> tuple[str, int, str]:
    """(sheet, row, column letter) of the cell reading ``text`` in the written file."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.strip() == text:
                    return ws.title, c.row, c.column_letter
    raise AssertionError(text)


def _header_col(data: bytes, iid: str) -> str:
    from geo.intake.template import header_text
    from geo.reference.catalog import load_catalog

    return _cell_of(data, header_text(load_catalog()[iid]))[2]


def _validate(data: bytes):
    return validate_file(data, boundary_set=S2025.boundary_set, period=S2025.period, file_name="bc.xlsx")


def test_the_2025_sample_itself_passes():
    data, rows = _file({})
    rep = _validate(data)
    assert rep.ok, [p.message for p in rep.errors]
    assert [r["values"][VR] for r in rep.rows] == [r["values"][VR] for r in rows]


# (changes to Na Son's row, the expected error's words or None when accepted)
CASES = {
    "all grades add up": ({VR: 42, VX: 13, VG: 21, VA: 8}, None),
    "all grades, sum above": ({VR: 42, VX: 13, VG: 21, VA: 9}, ["không bằng", "= 43"]),
    "all grades, sum below": ({VR: 42, VX: 1, VG: 2, VA: 3}, ["không bằng", "= 6"]),
    "one grade missing, below": ({VR: 42, VX: 13, VG: None, VA: 8}, None),
    "one grade missing, above": ({VR: 10, VX: 13, VG: None, VA: 8}, ["lớn hơn", "= 21"]),
    "only grades, no count": ({VR: None, VX: 13, VG: 21, VA: 8}, None),
    "no grades": ({VR: 42, VX: None, VG: None, VA: None}, None),
    "commune: one grade": ({CR: 1, CX: 0, CG: 1, CA: 0}, None),
    "commune: two grades": ({CR: 1, CX: 1, CG: 1, CA: 0}, ["không bằng", "= 2"]),
    "commune: not recognized, graded": ({CR: 0, CX: 0, CG: None, CA: 1}, ["lớn hơn", "= 1"]),
    "commune: recognized, grades all 0": ({CR: 1, CX: 0, CG: 0, CA: 0}, ["không bằng", "= 0"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_grades_against_the_recognized_count(case):
    changes, expected = CASES[case]
    data, _ = _file(changes)
    rep = _validate(data)
    grade_errors = [p for p in rep.errors if "xếp loại" in p.message]
    if expected is None:
        assert rep.ok, [p.message for p in rep.errors]
        return
    assert not rep.ok and len(grade_errors) == 1, [p.message for p in rep.errors]
    p = grade_errors[0]
    sheet, row, _ = _cell_of(data, "Na Son")
    whole = VR if VR in changes else CR
    col = _header_col(data, whole)
    assert (p.sheet, p.row, p.column, p.value) == (sheet, row, col, changes[whole])
    msg = p.message
    assert msg.startswith(f"Trang '{sheet}', dòng {row}, cột {col}: đơn vị Na Son"), msg
    assert all(w in msg for w in expected), msg
    assert f"= {changes[whole]:g} (cột {col})" in msg  # the recognized count with its column
    for iid in (k for k, v in changes.items() if k != whole and v is not None):
        assert f"{changes[iid]:g} (cột {_header_col(data, iid)})" in msg  # each grade given, value and column


def test_grade_error_in_english():
    data, _ = _file({VR: 42, VX: 13, VG: 21, VA: 9})
    rep = validate_file(data, boundary_set=S2025.boundary_set, period=S2025.period, file_name="bc.xlsx", lang="en")
    msg = next(p.message for p in rep.errors if "grades" in p.message)
    assert "is not the sum of its grades" in msg and "(column " in msg


# Flags written as words (issue 19): 1/0 where the indicator is a flag; a blank is no data, never 0; in a count
# column the same words are not numbers ('x' is a missing mark there).
@pytest.mark.parametrize("iid,written,value,problem", [
    (CR, "Đạt", 1, None), (CR, "Chưa đạt", 0, None), (CR, "ĐẠT", 1, None), (CR, "Không đạt", 0, None),
    (CR, "Có", 1, None), (CR, "Không", 0, None), (CR, "x", 1, None), (CR, "X", 1, None), (CR, "✓", 1, None),
    (CR, "✔", 1, None), (CR, "", None, None), (CR, None, None, None), (CR, "-", None, "missing_mark"),
    (CR, 1, 1, None), (CR, 2, 2, "not_flag"), (CR, "Tốt", None, "not_number"),
    ("teams_security", "Đạt", None, "not_number"), ("teams_security", "x", None, "missing_mark"),
    ("teams_security", "—", None, "missing_mark"),
])
def test_flag_words(iid, written, value, problem):
    from geo.intake.values import parse_value
    from geo.reference.catalog import load_catalog

    assert parse_value(written, load_catalog()[iid]) == (value, problem)
