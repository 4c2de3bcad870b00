"""The presentation page at projector sizes: nothing overflows the viewport, the headline shows the total (233
security teams in the sample), the slides advance; and the exported HTML map opens on its own, offline."""

import pytest

from tests.e2e.conftest import layer_count

pytestmark = pytest.mark.e2e

OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth, bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (r.width === 0 || s.display === 'none' || s.visibility === 'hidden') continue;
    if (r.right > W + 1 || r.left < -1) bad.push(`${el.tagName}.${el.className} ${Math.round(r.left)}–${Math.round(r.right)}`);
  }
  return {width: W, scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 10)};
}"""


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_presentation_fits_the_projector_and_shows_the_total(browser, app_url, tmp_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
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
    for _ in range(5):
        info = page.evaluate(OVERFLOW_JS)
        assert info["scrollWidth"] <= info["width"] and not info["bad"], info
        slide = page.get_attribute(".pz", "data-slide")
        seen.append(slide)
        page.screenshot(path=str(tmp_path / f"present_{width}_{slide}.png"))
        assert page.locator(".pz").bounding_box()["y"] + page.locator(".pz").bounding_box()["height"] <= height
        page.get_by_role("button", name="Tiếp ▶").click()
        page.wait_for_function(f"() => document.querySelector('.pz')?.dataset.slide !== '{slide}'", timeout=30_000)
        page.wait_for_timeout(600)
    assert seen == ["headline", "map", "ranking", "spotlight", "forums"]
    body = page.inner_text("body")
    for internal in ("Vũ khí", "Hộ gia đình", "Phiên bản dữ liệu", "Ghép số liệu"):
        assert internal not in body  # nothing internal on screen
    assert not errors, errors
    page.close()


def test_exported_html_map_opens_on_its_own(browser, tmp_path):
    from geo.analysis.join import joined_table
    from geo.outputs.exports import map_html
    from geo.reference.sample import sample_table
    from geo.units.boundaries import display_geometry, load_boundary_set

    units = display_geometry(load_boundary_set("dien-bien-dong-pre2025"))
    frame, _ = joined_table(units, sample_table())
    out = tmp_path / "map.html"
    map_html(units, frame, "teams_per_1000", out=out)
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
