"""The presentation page at projector sizes (4:3 and 16:9): no element overflows its box or the viewport on any
slide, the slide and its buttons fit the screen, the headline shows the total (233 security teams in the
sample), the slides advance; on a phone the slides scroll but cut nothing; and the exported HTML map opens on
its own, offline. Screenshots go to $ANTT_SCREENSHOT_DIR if set."""

import pytest

from tests.e2e.conftest import layer_count, overflow, screenshot_dir

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width, height", [(1024, 768), (1280, 720), (1920, 1080), (390, 844)])
def test_presentation_fits_the_projector_and_shows_the_total(browser, app_url, tmp_path, width, height):
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    shots = screenshot_dir(tmp_path)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_url + "/trinh-chieu", wait_until="domcontentloaded")
    page.wait_for_selector(".pz-top", timeout=60_000)
    page.wait_for_timeout(1000)
    headline = page.inner_text(".pz-body")
    assert "233" in headline and "Tổ an ninh nhân dân" in headline
    assert "DỮ LIỆU MẪU" in page.inner_text(".pz-top")  # sample labelled, discreetly
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    seen = []
    for i in range(5):
        slide = page.get_attribute(".pz", "data-slide")
        info = overflow(page)
        assert info["scrollWidth"] <= info["width"] and not info["bad"], (slide, info)
        seen.append(slide)
        page.screenshot(path=str(shots / f"present_{width}x{height}_{i}_{slide}.png"))
        if not phone:  # a projector shows the whole slide and its buttons without scrolling
            slide_box = page.locator(".pz").bounding_box()
            next_box = page.get_by_role("button", name="Tiếp ▶").bounding_box()
            assert slide_box["y"] + slide_box["height"] <= height and next_box["y"] + next_box["height"] <= height
        page.get_by_role("button", name="Tiếp ▶").click()
        page.wait_for_function(f"() => document.querySelector('.pz')?.dataset.slide !== '{slide}'", timeout=30_000)
        page.wait_for_timeout(600)
    assert seen == ["headline", "map", "ranking", "spotlight", "forums"]
    body = page.inner_text("body")
    for internal in ("Vũ khí", "Hộ gia đình", "Phiên bản dữ liệu", "Ghép số liệu"):
        assert internal not in body  # nothing internal on screen
    assert not errors, errors
    context.close()


def test_exported_html_map_opens_on_its_own(browser, tmp_path):
    from geo.analysis.join import joined_table
    from geo.outputs.exports import map_html, output_view
    from geo.reference.sample import sample_table
    from geo.units.boundaries import display_geometry, load_boundary_set

    units = display_geometry(load_boundary_set("dien-bien-dong-pre2025"))
    frame, _ = joined_table(units, sample_table())
    out = tmp_path / "map.html"
    map_html(output_view(units, frame, indicator_id="teams_per_1000"), out=out)
    context = browser.new_context(offline=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    count = layer_count(page, page, tries=40, pause_ms=250)
    assert page.evaluate("() => typeof L !== 'undefined'")  # Leaflet is inlined: no CDN needed
    assert count == 14
    assert "DỮ LIỆU MẪU" in page.inner_text("#antt-legend-box")
    context.close()
