"""The national map aggregated by province, in a real browser: a click on a province drills into its communes
(real vn-2025 polygons through the configured boundary folder, streamlit-folium's click, Streamlit's rerun)."""

from urllib.parse import quote_plus

import pytest

from geo.units import boundaries as gb
from tests.e2e.conftest import map_frame, settled

pytestmark = pytest.mark.e2e

SET = "vn-2025"
PROVINCE = "Điện Biên"

# A pixel inside the feature ``id`` by Leaflet's own hit test, in the map container's coordinates.
POINT_JS = """(id) => {
    const l = window.anttLayer.getLayers().find(x => x.feature.id === id);
    if (!l) return null;
    const b = l._pxBounds, cx = (b.min.x + b.max.x) / 2, cy = (b.min.y + b.max.y) / 2;
    for (let r = 0; r < 80; r += 2) for (let a = 0; a < 360; a += 20) {
        const p = L.point(cx + r * Math.cos(a * Math.PI / 180), cy + r * Math.sin(a * Math.PI / 180));
        if (l._containsPoint(p)) { const c = window.map.layerPointToContainerPoint(p); return {x: c.x, y: c.y}; }
    }
    return null;
}"""

# The click goes to Leaflet's canvas inside the frame (as in test_map_e2e: Chromium's pointer coordinates are
# offset inside the streamlit-folium iframe); from there on the path is the real one.
CLICK_JS = """(p) => {
    const c = window.map.getContainer().querySelector('canvas');
    const m = window.map.getContainer().getBoundingClientRect();
    const init = {clientX: m.left + p.x, clientY: m.top + p.y, bubbles: true, cancelable: true, view: window};
    for (const type of ['mousedown', 'mouseup', 'click']) c.dispatchEvent(new MouseEvent(type, init));
}"""


def _features(page, want, timeout_s: int = 240):
    """The map frame whose live layer holds features for which ``want(count)`` holds, and that count."""
    count = 0
    for _ in range(timeout_s * 2):
        for frame in page.frames:
            try:
                count = frame.evaluate("() => window.anttReady ? window.anttLayer.getLayers().length : 0")
            except Exception:
                continue
            if count and want(count):
                return frame, count
        page.wait_for_timeout(500)
    raise AssertionError(f"no map with the expected features (last count {count})")


def test_a_click_on_a_province_shows_its_communes(browser, app_url):
    if gb.boundary_file(gb.get_boundary_set_info(SET)) is None:
        pytest.skip(f"no boundary file for {SET}")
    units = gb.unit_list(SET)
    column = gb.province_column(SET)
    provinces = units[column].nunique()
    communes = int((units[column] == PROVINCE).sum())
    assert 0 < communes < len(units)

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(f"{e} {e.stack}"))
    page.goto(app_url + f"/ban-do?boundaries={SET}", wait_until="domcontentloaded")
    map_frame(page)
    _features(page, lambda n: n == len(units))  # the whole country, commune by commune

    page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(
        has_text="Gộp theo tỉnh, thành phố").locator("label").click()
    frame, n = _features(page, lambda n: n == provinces)
    page.wait_for_selector("text=Bấm vào một tỉnh", timeout=60_000)
    legend = page.locator(".antt-legend").inner_text()
    assert "tỉnh/thành phố" in legend and " xã)" not in legend

    settled(frame, page)
    point = frame.evaluate(POINT_JS, PROVINCE)
    assert point is not None, f"{PROVINCE} is not on the aggregated map"
    frame.evaluate(CLICK_JS, point)

    frame, n = _features(page, lambda n: n == communes)  # only the province's communes
    codes = set(frame.evaluate("() => window.anttLayer.getLayers().map(l => l.feature.id)"))
    assert codes == set(units.loc[units[column] == PROVINCE, "code"].astype(str))
    # the sidebar's breadcrumb and the address bar say where the reader is
    page.wait_for_selector(f'[data-testid="stSidebar"] >> text=Toàn quốc › {PROVINCE}', timeout=30_000)
    assert "province=" + quote_plus(PROVINCE) in page.url
    assert not errors, errors
    page.close()
