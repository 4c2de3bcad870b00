"""A sign-in survives a reload (F5) and a new tab, and sign-out ends it everywhere (issue 23): the signed
HttpOnly cookie set by /auth/session, backed by a web_sessions row re-checked on every run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import ROOT, start_app, stop_app, wait_for_cookie

pytestmark = pytest.mark.e2e

EDITOR, PASSWORD = "bien", "nhap-so-lieu-e2e"
LOCKED = "text=Đăng nhập để mở trang này"
UPLOADER = "[data-testid='stFileUploader']"


@pytest.fixture(scope="module")
def signin_app(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("signin")
    env = dict(os.environ, ANTT_DATA_DIR=str(tmp / "data"), ANTT_VIEW_MODE="open")
    env.pop("ANTT_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "geo", "users", "add", EDITOR, "--role", "editor"], cwd=ROOT,
                          env=env, input=PASSWORD + "\n", text=True, capture_output=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    proc, url = start_app(tmp, {"ANTT_VIEW_MODE": "open"})
    yield url, tmp / "data" / "antt.sqlite"
    stop_app(proc)


def _signed_in_on_upload_page(context, url):
    page = context.new_page()
    page.goto(url + "/cap-nhat", wait_until="domcontentloaded")
    page.wait_for_selector(LOCKED, timeout=60_000)
    page.get_by_label("Tên đăng nhập").fill(EDITOR)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    wait_for_cookie(page)
    page.wait_for_selector(UPLOADER, state="attached", timeout=60_000)
    assert urlparse(page.url).path == "/cap-nhat"
    return page


def _sign_out(page, context):
    """Click "Đăng xuất" and wait until /auth/signout has cleared the cookie."""
    page.get_by_role("button", name="Đăng xuất").click()
    for _ in range(150):
        if not any(c["name"] == "antt_session" for c in context.cookies()):
            break
        page.wait_for_timeout(200)
    else:
        pytest.fail("the sign-out left the cookie")
    page.wait_for_url(lambda u: "/auth/" not in u, timeout=60_000)


def _reload_shows(page, selector):
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector(selector, state="attached", timeout=60_000)


def test_a_reload_and_a_new_tab_stay_signed_in_and_sign_out_ends_it(browser, signin_app):
    url, _db = signin_app
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = _signed_in_on_upload_page(context, url)
    [cookie] = [c for c in context.cookies() if c["name"] == "antt_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # plain http here
    _reload_shows(page, UPLOADER)  # F5 on the upload page: still signed in
    assert page.locator(LOCKED).count() == 0
    tab = context.new_page()
    tab.goto(url + "/cap-nhat", wait_until="domcontentloaded")
    tab.wait_for_selector(UPLOADER, state="attached", timeout=60_000)  # a new tab: signed in
    assert "bien" in tab.inner_text("[data-testid='stSidebar']")
    _sign_out(page, context)
    _reload_shows(page, LOCKED)  # signed out: the page asks to sign in again
    assert page.locator(UPLOADER).count() == 0
    _reload_shows(tab, LOCKED)  # and the other tab too
    context.close()


def test_an_old_cookie_of_a_revoked_session_is_refused(browser, signin_app):
    """The cookie alone is not a sign-in: once its row is revoked, a browser sending it again is signed out."""
    url, _db = signin_app
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = _signed_in_on_upload_page(context, url)
    kept = [c for c in context.cookies() if c["name"] == "antt_session"]
    _sign_out(page, context)
    context.add_cookies(kept)  # someone replays the old cookie
    _reload_shows(page, LOCKED)
    context.close()


def test_an_idle_session_is_refused(browser, signin_app):
    url, db = signin_app
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = _signed_in_on_upload_page(context, url)
    with sqlite3.connect(db) as conn:  # 31 minutes without a page (ANTT_SESSION_IDLE_MINUTES is 30)
        conn.execute("UPDATE web_sessions SET last_seen = datetime(last_seen, '-31 minutes') "
                     "WHERE revoked_at IS NULL")
    _reload_shows(page, LOCKED)
    assert page.locator(UPLOADER).count() == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'signout_idle'").fetchone()[0] == 1
    context.close()
