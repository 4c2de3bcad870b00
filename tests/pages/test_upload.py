"""pages/upload.py (Streamlit AppTest): a workbook with one sheet per commune is refused naming every data sheet;
the sheet choice (a multiselect) reads the sheets chosen as one submission, which can then be imported."""

from __future__ import annotations

import pytest

from tests.intake.test_sheets import BY_CODE, NA_SON, PHI_NHU, _commune, _help, book
from tests.messy import SET
from tests.pages.apptest import ready_store, run_page, signed_in

TITLE = "BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ NĂM 2019"


@pytest.fixture
def store(app_env):
    s = ready_store(("bien", "editor", "nhap-so-lieu-1"))
    yield s
    s.dispose()


def _workbook() -> bytes:
    return book([("Hướng dẫn", _help()), ("Xã Na Son", _commune(NA_SON, period_title=TITLE, extra_columns=False)),
                 ("Xã Phì Nhừ", _commune(PHI_NHU, period_title=TITLE, extra_columns=False))])


def _upload(at, data: bytes):
    at.file_uploader(key="upload_file").set_value(("bao_cao_theo_xa.xlsx", data,
                                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _sheets(at):
    return next(w for w in at.multiselect if w.key.startswith("upload_sheets_"))


@pytest.mark.parametrize("chosen,codes", [
    (["Xã Na Son"], [NA_SON]),
    (["Xã Na Son", "Xã Phì Nhừ"], [NA_SON, PHI_NHU]),
])
def test_sheet_choice_on_the_upload_page(store, chosen, codes):
    at = run_page("upload.py", session={**signed_in("bien", "editor"), "boundary_set": SET})
    _upload(at, _workbook())
    assert any("Tệp có 2 trang chứa bảng số liệu: 'Xã Na Son', 'Xã Phì Nhừ'" in e.value for e in at.error)
    pick = _sheets(at)
    assert pick.options == ["Xã Na Son", "Xã Phì Nhừ"] and pick.value == []  # the help sheet is no choice
    assert at.button(key="upload_confirm").disabled
    assert any("'Hướng dẫn': không có bảng số liệu" in c.value for c in at.caption)
    pick.set_value(chosen).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert not at.button(key="upload_confirm").disabled
    assert any("'Xã Na Son': đã đọc 1 đơn vị" in c.value for c in at.caption)
    at.button(key="upload_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    got = store.current_table(SET, "2019")
    assert got["teams_security"].to_dict() == {
        c: BY_CODE[c]["values"]["teams_security"] for c in codes}
