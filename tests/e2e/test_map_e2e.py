"""The map page in a real browser: 14 commune shapes drawn by Leaflet inside the streamlit-folium iframe."""

import pytest

from tests.e2e.conftest import layer_count, map_frame, settled

pytestmark = pytest.mark.e2e


def test_map_page_draws_14_communes(browser, app_url):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_url + "/ban-do", wait_until="domcontentloaded")
    page.wait_for_selector("text=Bản đồ chỉ số", timeout=60_000)
    frame = map_frame(page)
    assert layer_count(frame, page) == 14
    body = page.inner_text("body")
    assert "DỮ LIỆU MẪU" in body  # sample data is labelled
    assert "Chưa có số liệu" in body  # the no-data class is in the legend
    assert not errors, errors
    page.close()


def test_the_map_page_asks_nothing_of_another_host(browser, app_url):
    """Police networks are often offline: the page, its map, Leaflet, the layer script and the favicon all
    come from the app itself (the material-symbol favicon was fetched from fonts.gstatic.com)."""
    from urllib.parse import urlsplit

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(app_url + "/ban-do", wait_until="domcontentloaded")
    page.wait_for_selector("text=Bản đồ chỉ số", timeout=60_000)
    frame = map_frame(page)
    assert layer_count(frame, page) == 14
    page.wait_for_timeout(1500)
    own = urlsplit(app_url).netloc
    elsewhere = [u for u in asked if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != own]
    assert not elsewhere, elsewhere
    assert any("/app/static/vendor/antt/layer-" in u for u in asked)  # the layer script, as a file
    page.close()


def test_clicking_a_commune_opens_its_profile(browser, app_url):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(app_url + "/ban-do", wait_until="domcontentloaded")
    page.wait_for_selector("text=Bản đồ chỉ số", timeout=60_000)
    frame = map_frame(page)
    assert layer_count(frame, page) == 14
    settled(frame, page)
    # a pixel inside Tìa Dình (03384) by Leaflet's own hit test, in the map container's coordinates
    point = frame.evaluate("""() => {
        const l = window.anttLayer.getLayers().find(x => x.feature.id === '03384');
        const b = l._pxBounds, cx = (b.min.x + b.max.x) / 2, cy = (b.min.y + b.max.y) / 2;
        for (let r = 0; r < 60; r += 2) for (let a = 0; a < 360; a += 30) {
            const p = L.point(cx + r * Math.cos(a * Math.PI / 180), cy + r * Math.sin(a * Math.PI / 180));
            if (l._containsPoint(p)) {
                const c = window.map.layerPointToContainerPoint(p);
                return {x: c.x, y: c.y};
            }
        }
        return null;
    }""")
    assert point is not None
    # The click is dispatched on Leaflet's canvas inside the frame: Chromium's own pointer coordinates were
    # found offset inside the streamlit-folium iframe here; the event path after that is the real one
    # (Leaflet's hit test → streamlit-folium → Streamlit rerun → st.switch_page).
    frame.evaluate("""(p) => {
        const c = window.map.getContainer().querySelector('canvas');
        const m = window.map.getContainer().getBoundingClientRect();
        const init = {clientX: m.left + p.x, clientY: m.top + p.y, bubbles: true, cancelable: true, view: window};
        for (const type of ['mousedown', 'mouseup', 'click']) c.dispatchEvent(new MouseEvent(type, init));
    }""", point)
    page.wait_for_selector("h1:has-text('Hồ sơ xã')", timeout=60_000)
    page.wait_for_selector("text=Xã Tìa Dình", timeout=30_000)
    assert "/ho-so-xa" in page.url
    page.close()
