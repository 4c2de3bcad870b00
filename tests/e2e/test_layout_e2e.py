"""Phones and projectors in Chromium: at 390×844 the sidebar starts closed, the map page carries its indicator
picker and a compact legend under the map, and overview cards wrap instead of cutting numbers and labels; the
overview and map show nothing cut at projector sizes either. Screenshots go to $ANTT_SCREENSHOT_DIR if set."""

import pytest

from tests.e2e.conftest import layer_count, map_frame, overflow, screenshot_dir, settled

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SIZES = [(390, 844), (1024, 768), (1280, 720), (1920, 1080)]

CUT_TEXT_JS = """(selector) => [...document.querySelectorAll(selector)].flatMap(el => [el, ...el.querySelectorAll('*')])
  .filter(el => el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
  .map(el => `${el.innerText.slice(0, 40)} ${el.scrollWidth}>${el.clientWidth}`)"""


def _context(browser, width, height):
    mobile = width < 600
    return browser.new_context(viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile)


def _open(page, url):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=60_000)
    return errors


def _scroll_shots(page, folder, name):
    """Screenshots down the page (Streamlit scrolls its main area, not the document), once the app is idle."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.screenshot(path=str(folder / f"{name}_0.png"))
    for i in range(1, 4):
        moved = page.evaluate("""() => { const el = document.querySelector('[data-testid="stMain"]');
            const top = el.scrollTop; el.scrollTop = top + el.clientHeight * 0.85; return el.scrollTop !== top; }""")
        if not moved:
            break
        page.wait_for_timeout(400)
        page.screenshot(path=str(folder / f"{name}_{i}.png"))
    page.evaluate("""() => { document.querySelector('[data-testid="stMain"]').scrollTop = 0; }""")


def _sidebar_closed(page) -> bool:
    box = page.locator('[data-testid="stSidebar"]').bounding_box()
    return box is None or box["x"] + box["width"] <= 0


def test_overview_on_a_phone_wraps_cards_and_cuts_nothing(browser, app_url, tmp_path):
    context = _context(browser, **PHONE)
    page = context.new_page()
    errors = _open(page, app_url)
    page.wait_for_selector("text=233 tổ", timeout=60_000)
    page.wait_for_selector("text=Chưa có số liệu", timeout=60_000)
    assert _sidebar_closed(page)  # initial_sidebar_state="auto": closed on a phone
    cut = page.evaluate(CUT_TEXT_JS, '[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')
    assert not cut, cut
    assert page.locator('[data-testid="stMetric"]').count() >= 19  # the 2017 indicators (and any later law's)
    for label in ("Ý kiến về xây dựng lực lượng", "265 ý kiến", "Chưa có số liệu"):  # the cut texts
        assert page.get_by_text(label, exact=True).first.is_visible()
    # cards share lines (two on a phone), they are not one per line nor all on one
    tops = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetric"]')]
        .map(m => Math.round(m.getBoundingClientRect().top))""")
    assert len(set(tops)) < len(tops)
    report = overflow(page)
    assert report["scrollWidth"] <= report["width"] and not report["bad"], report
    _scroll_shots(page, screenshot_dir(tmp_path), "phone_overview")
    assert not errors, errors
    context.close()


def test_map_on_a_phone_has_its_picker_and_a_compact_legend_under_the_map(browser, app_url, tmp_path):
    context = _context(browser, **PHONE)
    page = context.new_page()
    errors = _open(page, app_url + "/ban-do")
    page.wait_for_selector(".antt-legend", timeout=60_000)
    frame = map_frame(page)
    assert layer_count(frame, page) == 14
    settled(frame, page)  # streamlit-folium refits the map after its first render and reruns the page with it
    assert _sidebar_closed(page)
    picker = page.locator('[data-testid="stMain"]').get_by_label("Chỉ số", exact=True)
    assert picker.is_visible()  # without opening the sidebar
    box = picker.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.get_by_role("button", name="Sao chép liên kết").is_visible()
    map_box = page.locator("iframe").first.bounding_box()
    legend = page.locator(".antt-legend")
    legend_box = legend.bounding_box()
    assert legend_box["y"] >= map_box["y"] + map_box["height"]  # under the map
    swatches = page.evaluate("""() => [...document.querySelectorAll('.antt-legend > div')].slice(1)
        .map(d => Math.round(d.getBoundingClientRect().top))""")
    assert len(set(swatches)) < len(swatches)  # compact: classes share lines
    report = overflow(page)
    assert report["scrollWidth"] <= report["width"] and not report["bad"], report
    _scroll_shots(page, screenshot_dir(tmp_path), "phone_map")
    # the picker works from the page body (back at the top, the app idle: a rerun arriving while the list is
    # open redraws the picker and loses the click; typed into its search, as a reader on a phone does)
    page.evaluate("() => { document.querySelector('[data-testid=\"stMain\"]').scrollTop = 0; }")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    picker.click()
    picker.fill("Tỷ lệ bản ký cam kết")
    page.get_by_role("option", name="Tỷ lệ bản ký cam kết").first.click()
    page.wait_for_function("() => location.search.includes('indicator=village_coverage')", timeout=60_000)
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("width, height", SIZES[1:])
@pytest.mark.parametrize("path, name", [("", "overview"), ("/ban-do", "map")])
def test_overview_and_map_cut_nothing_on_a_projector(browser, app_url, tmp_path, path, name, width, height):
    context = _context(browser, width, height)
    page = context.new_page()
    errors = _open(page, app_url + path)
    if name == "map":
        page.wait_for_selector(".antt-legend", timeout=60_000)
        assert layer_count(map_frame(page), page) == 14  # the map drew at this size
    else:
        page.wait_for_selector("text=233 tổ", timeout=60_000)
    assert not _sidebar_closed(page)  # a projector is a desktop: the sidebar is open
    cut = page.evaluate(CUT_TEXT_JS, '[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')
    assert not cut, cut
    report = overflow(page)
    assert report["scrollWidth"] <= report["width"] and not report["bad"], report
    _scroll_shots(page, screenshot_dir(tmp_path), f"{name}_{width}x{height}")
    assert not errors, errors
    context.close()
