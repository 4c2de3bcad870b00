"""The first request after the server starts, as a link opens it — no warm-up before it.

Streamlit takes a ``pages/`` folder beside the entry script for its legacy page list until ``st.navigation``
has run once in the process (streamlit issue #9624). app.py's ``st.App`` start-up switches that off before
the first session. Without it, /ban-do as the first request shows a "Page not found" dialog over the map
(the page stays inert until it is closed), and /upload runs pages/upload.py on its own, without the frame's
sign-in gate. Each test here starts its own server, so its first ``goto`` is that server's first request.
"""

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import layer_count, map_frame, start_app, stop_app

pytestmark = pytest.mark.e2e


@pytest.fixture
def fresh_server(tmp_path):
    proc, url = start_app(tmp_path)
    yield url
    stop_app(proc)


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    return page, errors


def _settled(page):
    """Wait until the script run has finished (Streamlit's running indicator is gone)."""
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=60_000)


def test_a_link_to_the_map_opens_the_map_as_the_first_request(browser, fresh_server):
    page, errors = _open(browser, fresh_server + "/ban-do")
    page.wait_for_selector("h1:has-text('Bản đồ chỉ số')", timeout=60_000)
    assert layer_count(map_frame(page), page) == 14  # the 14 commune polygons are in Leaflet's layer
    _settled(page)
    assert page.locator("[role='dialog']").count() == 0, page.locator("[role='dialog']").all_inner_texts()
    assert "Page not found" not in page.inner_text("body")
    assert urlsplit(page.url).path == "/ban-do"  # the page; its query string is the view on screen
    # not inert: the menu answers a click at once (a modal dialog would intercept it)
    page.locator("[data-testid='stSidebarNav'] >> text=Tổng quan").click(timeout=10_000)
    page.wait_for_selector("h1:has-text('Tổng quan')", timeout=60_000)
    assert not errors, errors
    page.close()


def test_a_page_file_name_as_the_first_request_does_not_bypass_the_frame(browser, fresh_server):
    """/upload is pages/upload.py's legacy URL, not a page of app.py's navigation: an anonymous visitor gets
    the overview (and Streamlit's notice of an unknown page), never the upload form."""
    page, _ = _open(browser, fresh_server + "/upload")
    page.wait_for_selector("h1", timeout=60_000)
    _settled(page)
    assert page.locator("[data-testid='stFileUploader']").count() == 0, "the upload form ran without the frame"
    assert "Tổng quan" in page.inner_text("h1")
    assert "Cập nhật dữ liệu" not in page.inner_text("[data-testid='stSidebarNav']")
    page.close()


def test_viewers_get_no_deploy_button_and_no_developer_menu(browser, fresh_server):
    """.streamlit/config.toml: client.toolbarMode = "viewer" (the default shows both on localhost)."""
    page, _ = _open(browser, fresh_server + "/")
    page.wait_for_selector("h1:has-text('Tổng quan')", timeout=60_000)
    _settled(page)
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    page.locator("[data-testid='stMainMenu']").click()
    menu = page.locator("[data-testid='stMainMenuPopover']")
    menu.wait_for(timeout=10_000)
    items = menu.inner_text()
    assert "Print" in items  # viewer options stay
    for developer_item in ("Rerun", "Clear cache", "Deploy", "Developer"):
        assert developer_item not in items, items
    page.close()
