"""Roles in a real browser (headless Chromium against ``streamlit run``):

* an anonymous viewer (open view mode) has no upload page in the menu, and /cap-nhat does not reach it;
* an editor (account made with the CLI before the server starts) signs in, uploads a filled template,
  confirms, and sees the overview total change;
* a ``<script>`` unit name in an uploaded file shows as text in the dry-run report and never runs (no dialog).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest

from tests.e2e.conftest import ROOT, confirm_import, filled_template, nav, sign_in, start_app, stop_app, upload

pytestmark = pytest.mark.e2e

EDITOR, PASSWORD = "bien", "nhap-so-lieu-e2e"


@pytest.fixture(scope="module")
def roles_app(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    env = dict(os.environ, ANTT_DATA_DIR=str(tmp / "data"), ANTT_VIEW_MODE="open")
    env.pop("ANTT_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "geo", "users", "add", EDITOR, "--role", "editor"], cwd=ROOT,
                          env=env, input=PASSWORD + "\n", text=True, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    proc, url = start_app(tmp, {"ANTT_VIEW_MODE": "open"})
    yield url, tmp
    stop_app(proc)


def _page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, dialogs, errors


def _nav_texts(page) -> str:
    # wait for app.py's st.navigation menu
    page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Tổng quan", timeout=60_000)
    return page.inner_text("[data-testid='stSidebarNav']")


def test_anonymous_viewer_cannot_reach_the_upload_page(browser, roles_app):
    url, _ = roles_app
    page, dialogs, _ = _page(browser)
    page.goto(url, wait_until="domcontentloaded")
    menu = _nav_texts(page)
    assert "Bản đồ" in menu and "Đăng nhập" in menu
    assert "Cập nhật dữ liệu" not in menu and "Lịch sử" not in menu and "Quản trị" not in menu
    page.goto(url + "/cap-nhat", wait_until="domcontentloaded")
    _nav_texts(page)
    page.wait_for_timeout(1500)
    body = page.inner_text("body")
    assert "Tải tệp" not in body and "Xác nhận" not in body  # no upload widget, no confirm button
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    page.close()


def _sign_in(page, url):
    sign_in(page, url, EDITOR, PASSWORD)


def test_editor_signs_in_uploads_confirms_and_the_overview_changes(browser, roles_app):
    url, _ = roles_app
    page, dialogs, errors = _page(browser)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("text=233 tổ", timeout=60_000)  # the sample's total before
    _sign_in(page, url)
    data = filled_template()
    upload(page, data, "bao_cao_2018.xlsx")
    confirm_import(page)
    nav(page, "Tổng quan")
    total = sum(1000 + i for i in range(14))  # 14091
    page.wait_for_selector(f"text={total:,} tổ".replace(",", "."), timeout=60_000)
    assert not dialogs and not errors, (dialogs, errors)
    page.close()


def test_script_unit_name_shows_as_text_and_never_runs(browser, roles_app):
    url, _ = roles_app
    page, dialogs, errors = _page(browser)
    _sign_in(page, url)
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    # no code: the unit is looked up by its name, which matches nothing and becomes part of an error message
    data = filled_template({"03205": evil, "03208": "Xã Chiềng Sơ\" onmouseover=\"alert(3)"},
                           codes={"03205": "", "03208": ""})
    upload(page, data, "<script>alert(4)</script>.xlsx")
    page.wait_for_selector("[data-testid='stAlert']", timeout=60_000)
    page.wait_for_timeout(2000)
    body = page.inner_text("body")
    assert evil in body  # the name is shown in the report, literally, as text
    assert "<scrip" in body  # and the file name in the uploader
    assert page.locator("script:has-text('alert(1)')").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert not dialogs, dialogs
    page.close()


def test_a_hand_mapped_column_is_remembered_for_the_next_upload(browser, roles_app):
    """Staff map an unknown header once; the next upload to the same boundary set recognises it."""
    import openpyxl

    url, _ = roles_app
    wb = openpyxl.load_workbook(io.BytesIO(filled_template(teams=50)))
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=10):
            for cell in row:
                if cell.value == "Tổ an ninh nhân dân (tổ)":
                    cell.value = "Số tổ tự quản ANTT"  # a header staff invented
    buf = io.BytesIO()
    wb.save(buf)
    page, dialogs, errors = _page(browser)
    _sign_in(page, url)
    upload(page, buf.getvalue(), "to_tu_quan.xlsx")
    # numbers under a header no rule reads wait for a person (issue 19): the column map asks which indicator
    page.wait_for_selector("text=cần xác nhận: là chỉ số nào?", timeout=60_000)
    alerts = " ".join(w.inner_text() for w in page.locator("[data-testid='stAlert']").all())
    assert "Số tổ tự quản ANTT" in alerts  # first time: the column is reported as not read
    box = page.get_by_label(re.compile("Số tổ tự quản ANTT.*cần xác nhận"))
    assert page.get_by_role("button", name=re.compile("Xác nhận cột")).is_disabled()  # nothing chosen yet
    box.click()
    page.keyboard.type("Tổ an ninh nhân dân")  # the picker's search, then Enter, as staff type
    page.get_by_role("option", name="Tổ an ninh nhân dân").first.wait_for()
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("Xác nhận cột")).click()
    # the rerun with the mapping (saved in the store by the button) is done once its errors are gone
    page.wait_for_selector("text=Đã kiểm tra: 0 lỗi, 0 cảnh báo", timeout=60_000)
    page.close()

    page, dialogs, errors = _page(browser)  # a new session: the choice comes back from the store
    _sign_in(page, url)
    upload(page, buf.getvalue(), "to_tu_quan.xlsx")
    page.wait_for_selector("text=Đã kiểm tra: 0 lỗi, 0 cảnh báo", timeout=60_000)
    page.wait_for_timeout(1500)
    assert "Số tổ tự quản ANTT" not in " ".join(w.inner_text() for w in page.locator("[data-testid='stAlert']").all())
    assert not errors, errors
    page.close()
