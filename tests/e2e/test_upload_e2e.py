"""The upload page in a real browser (issue 23): the check that someone else imported since the dry run fires
from the page (it read the version again in the confirm click's own run, so it never could), and a link to the
page asks a reader who is not signed in to sign in, then opens it (it showed Streamlit's "Page not found")."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import ROOT, filled_template, sign_in, start_app, stop_app, upload

pytestmark = pytest.mark.e2e

EDITOR, PASSWORD = "bien", "nhap-so-lieu-e2e"
SET = "dien-bien-dong-pre2025"


def _geo(env, *args, stdin: str = ""):
    done = subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def upload_app(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("upload")
    env = dict(os.environ, ANTT_DATA_DIR=str(tmp / "data"), ANTT_VIEW_MODE="open")
    env.pop("ANTT_DATABASE_URL", None)
    _geo(env, "users", "add", EDITOR, "--role", "editor", stdin=PASSWORD + "\n")
    proc, url = start_app(tmp, {"ANTT_VIEW_MODE": "open"})
    yield url, tmp, env
    stop_app(proc)


def test_an_import_by_someone_else_after_the_dry_run_is_refused(browser, upload_app):
    url, tmp, env = upload_app
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("text=233 tổ", timeout=60_000)  # the sample is in the store
    sign_in(page, url, EDITOR, PASSWORD)
    upload(page, filled_template(teams=1000), "bao_cao_2017.xlsx")
    page.wait_for_function("() => [...document.querySelectorAll('button')].some(b => "
                           "b.innerText.includes('Xác nhận') && !b.disabled)", timeout=60_000)
    # the dry-run report is on screen; meanwhile another editor imports the same set and period
    other = tmp / "khac.xlsx"
    other.write_bytes(filled_template(teams=2000))
    _geo(env, "import", str(other), "--period", "2017", "--boundaries", SET, "--yes")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_selector("[data-testid='stAlertContentError'] >> text=Dữ liệu đã được cập nhật bởi người khác",
                           timeout=60_000)
    assert page.locator("[data-testid='stAlertContentSuccess']").count() == 0
    page.close()


def test_a_link_to_the_upload_page_asks_to_sign_in_then_opens_it(browser, upload_app):
    """An editor opening a link to the upload page (or pressing F5 there, which starts a new session) gets
    "Đăng nhập để mở trang này" at that address, not Streamlit's "Page not found"; signed in, the page opens."""
    url, _tmp, _env = upload_app
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url + "/cap-nhat", wait_until="domcontentloaded")
    page.wait_for_selector("text=Đăng nhập để mở trang này", timeout=60_000)
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    assert "Cập nhật dữ liệu" not in page.inner_text("[data-testid='stSidebarNav']")  # the menu is unchanged
    page.get_by_label("Tên đăng nhập").fill(EDITOR)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-testid='stFileUploader']", state="attached", timeout=60_000)
    assert urlparse(page.url).path == "/cap-nhat"  # the page the link asked for
    assert page.locator("text=Page not found").count() == 0
    page.close()


def test_a_workbook_per_commune_is_refused_then_the_sheets_chosen_are_imported(browser, upload_app, tmp_path):
    """One sheet per commune and a 'Hướng dẫn' sheet: the page names both data sheets; choosing them in the
    'Trang cần lấy' box reads them as one submission, which is imported."""
    from tests.e2e.conftest import confirm_import, screenshot_dir
    from tests.intake.test_sheets import NA_SON, PHI_NHU, _commune, _help, book

    url, _tmp, env = upload_app
    title = "BÁO CÁO KẾT QUẢ PHONG TRÀO NĂM 2016"  # before every period in the store: no history to flag
    data = book([("Hướng dẫn", _help()), ("Xã Na Son", _commune(NA_SON, period_title=title, extra_columns=False)),
                 ("Xã Phì Nhừ", _commune(PHI_NHU, period_title=title, extra_columns=False))])
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, url, EDITOR, PASSWORD)
    upload(page, data, "bao_cao_theo_xa.xlsx")
    page.wait_for_selector("[data-testid='stAlertContentError'] >> text=Tệp có 2 trang chứa bảng số liệu",
                           timeout=60_000)
    shots = screenshot_dir(tmp_path)
    page.screenshot(path=str(shots / "upload_sheets_refused.png"), full_page=True)
    box = page.locator("[data-testid='stMultiSelect']")
    for name in ("Xã Na Son", "Xã Phì Nhừ"):  # one at a time: each choice reruns the page
        box.click()
        page.get_by_role("option", name=name).click()
        page.keyboard.press("Escape")
        box.get_by_text(name, exact=True).wait_for(timeout=60_000)
        page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=60_000)
    page.wait_for_selector("text=Đơn vị khớp: 2/14", timeout=60_000)
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    page.screenshot(path=str(shots / "upload_sheets_chosen.png"), full_page=True)
    confirm_import(page)
    table = _geo(env, "table", "--boundaries", SET, "--period", "2016", "--json").stdout
    import json

    assert {r["unit_code"] for r in json.loads(table)["rows"]} == {NA_SON, PHI_NHU}
    page.close()
