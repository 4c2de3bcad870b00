"""Shareable views in a real browser: a reader changes the map's view, copies the link with the page's button,
and a fresh browser (another person) opening that link sees the same view; a hostile link falls back to the
defaults with a notice and runs nothing."""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.e2e


def _context(browser, app_url, **kw):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, **kw)
    page = context.new_page()
    errors, dialogs = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return context, page, errors, dialogs


def _choose(page, label: str, option: str):
    box = page.get_by_label(label, exact=True)  # a selectbox is a combobox input named by its label
    box.click()
    box.fill(option)  # typing filters the list (it shows only its first options otherwise)
    page.get_by_role("option", name=option).first.click()


def _selected(page, label: str) -> str:
    return page.get_by_label(label, exact=True).input_value()


def test_a_copied_link_opens_the_same_view_in_a_new_browser(browser, app_url):
    context, page, errors, dialogs = _context(browser, app_url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page.goto(app_url + "/ban-do", wait_until="domcontentloaded")
    page.wait_for_selector(".antt-legend", timeout=60_000)
    _choose(page, "Chỉ số", "Tin báo trên 1.000 dân")
    page.wait_for_function("() => location.search.includes('indicator=tips_per_1000')", timeout=60_000)
    _choose(page, "Cách phân lớp", "Khoảng đều")
    page.wait_for_function("() => location.search.includes('method=equal_interval')", timeout=60_000)
    page.locator('[data-testid="stRadio"]').get_by_text("English").click()  # the language switch
    page.wait_for_function("() => location.search.includes('lang=en')", timeout=60_000)
    page.wait_for_selector("h1:has-text('Indicator map')", timeout=60_000)
    button = page.get_by_role("button", name="Copy link")
    button.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('button.antt-share-btn')?.dataset.url.includes('lang=en')",
                           timeout=60_000)
    button.click()
    page.wait_for_selector(".antt-share[data-copied='yes']", timeout=10_000)
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert link.startswith(app_url + "/ban-do?")  # the full address, from the browser's own origin
    assert parse_qs(urlsplit(link).query) == parse_qs(urlsplit(page.url).query)
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert query == {"boundaries": "dien-bien-dong-pre2025", "period": "2017", "indicator": "tips_per_1000",
                     "method": "equal_interval", "k": "5", "scheme": "YlGnBu", "lang": "en"}
    assert not errors and not dialogs, (errors, dialogs)
    context.close()

    # another person, another browser: no session, no cookies, only the link
    context, page, errors, dialogs = _context(browser, app_url)
    page.goto(link, wait_until="domcontentloaded")
    page.wait_for_selector("h1:has-text('Indicator map')", timeout=60_000)  # English, from the link
    page.wait_for_selector(".antt-legend", timeout=60_000)
    assert "Tips per 1,000 people" in _selected(page, "Indicator")
    assert "Equal interval" in _selected(page, "Classification")
    assert page.locator("h3:has-text('Tips per 1,000 people')").count() == 1  # the map's own heading
    assert "could not be used" not in page.inner_text("body")
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(link).query)  # the URL keeps the view
    assert not errors and not dialogs, (errors, dialogs)
    context.close()


def test_without_the_clipboard_api_the_link_is_left_selected_to_copy(browser, app_url):
    """Plain http on an office network has no navigator.clipboard: the button falls back to a text field."""
    context, page, errors, _ = _context(browser, app_url)
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(app_url + "/bieu-do", wait_until="domcontentloaded")
    page.get_by_role("button", name="Sao chép liên kết").click()
    page.wait_for_selector(".antt-share[data-copied]", timeout=10_000)
    field = page.locator("input.antt-share-url")
    assert field.is_visible() and field.input_value().startswith(app_url + "/bieu-do?boundaries=")
    assert page.evaluate("() => document.activeElement.classList.contains('antt-share-url')")  # selected
    assert page.inner_text(".antt-share-status")  # says copied, or says to copy by hand
    assert not errors, errors
    context.close()


def test_a_presentation_link_opens_its_slide(browser, app_url):
    context, page, errors, _ = _context(browser, app_url)
    page.goto(app_url + "/trinh-chieu?boundaries=dien-bien-dong-pre2025&slide=spotlight&unit=03384",
              wait_until="domcontentloaded")
    page.wait_for_selector(".pz[data-slide='spotlight']", timeout=60_000)
    assert "Xã Tìa Dình" in page.inner_text(".pz-body")
    page.get_by_role("button", name="Tiếp ▶").click()  # the URL follows the slides
    page.wait_for_function("() => location.search.includes('slide=forums')", timeout=30_000)
    assert not errors, errors
    context.close()


HOSTILE = ("/ban-do?boundaries=dien-bien-dong-pre2025&period=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
           "&indicator=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E&k=1e9&lang=xx&scheme=javascript:alert(3)")


def test_a_hostile_link_falls_back_with_a_notice_and_runs_nothing(browser, app_url):
    context, page, errors, dialogs = _context(browser, app_url)
    page.goto(app_url + HOSTILE, wait_until="domcontentloaded")
    page.wait_for_selector("text=Liên kết có phần không dùng được", timeout=60_000)
    page.wait_for_selector(".antt-legend", timeout=60_000)
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="Liên kết").inner_text()
    for field in ("kỳ báo cáo", "chỉ số", "số lớp", "bảng màu", "ngôn ngữ"):
        assert field in notice
    assert "Tổ ANND bình quân mỗi bản" in _selected(page, "Chỉ số")  # the default view
    assert page.locator("img[src='x']").count() == 0
    query = parse_qs(urlsplit(page.url).query)
    assert query["period"] == ["2017"] and query["lang"] == ["vi"] and query["k"] == ["5"]  # rewritten
    assert not dialogs and not errors, (dialogs, errors)
    context.close()
