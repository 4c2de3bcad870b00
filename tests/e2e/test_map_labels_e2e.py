"""Province names on the national map (issue 12): at the default national view, in real Chromium on the real
vn-2025 polygons, enough names show to find one's way and no two of them overlap; zooming in shows more.

The map is the one geo/carto builds for the app (its live layer with province outlines), saved as standalone
HTML with its geometry and outline files beside it and served over HTTP, as the app serves them."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

# Every province name the map holds: its box on screen and whether it is shown.
NAMES_JS = """() => [...document.querySelectorAll('.antt-province')].map(el => {
  const r = el.firstChild.getBoundingClientRect();
  return {name: el.innerText, shown: getComputedStyle(el).visibility !== 'hidden',
          box: [r.left, r.top, r.right, r.bottom], size: getComputedStyle(el.firstChild).fontSize};
})"""


@pytest.fixture(scope="module")
def national_site(tmp_path_factory):
    from geo.carto.maps import build_live_choropleth, outline_json, prepare_display_layer, standalone_html
    from geo.units import boundaries as gb

    folder = tmp_path_factory.mktemp("national")
    units = gb.display_geometry(gb.load_boundary_set("vn-2025"))
    layer = prepare_display_layer(units, "vn-2025")
    provinces = prepare_display_layer(gb.dissolve_units(units, gb.province_column("vn-2025")), "vn-2025-p")
    (folder / "geo.json").write_text(layer.geometry_json, encoding="utf-8")
    first = gb.get_boundary_set_info("vn-2025").label_first  # the cities, as the app writes the file
    (folder / "outline.json").write_text(outline_json(provinces, first), encoding="utf-8")
    m = build_live_choropleth(layer, "geo.json", outline_url="outline.json")
    (folder / "index.html").write_text(standalone_html(m), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html", len(provinces.codes)
    server.shutdown()


def _overlaps(shown):
    out = []
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            if a["box"][0] < b["box"][2] and b["box"][0] < a["box"][2] and a["box"][1] < b["box"][3] \
                    and b["box"][1] < a["box"][3]:
                out.append((a["name"], b["name"]))
    return out


def _names(page):
    page.wait_for_function("() => window.anttReady && window.anttProvinceNames !== undefined", timeout=60_000)
    page.wait_for_timeout(300)
    return page.evaluate(NAMES_JS)


@pytest.mark.parametrize("width, height", [(730, 500), (390, 450), (1024, 600)])  # the app's map: desktop,
def test_national_view_shows_province_names_that_do_not_overlap(browser, national_site, width, height):
    url, n_provinces = national_site  # phone and projector sizes of the map frame
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(url)
        names = _names(page)
        assert len(names) == n_provinces == 34
        shown = [n for n in names if n["shown"]]
        assert page.evaluate("() => window.anttProvinceNames") == len(shown)
        assert len(shown) >= (6 if width < 500 else 10), [n["name"] for n in shown]
        assert _overlaps(shown) == []
        assert {"Hà Nội", "TP. Hồ Chí Minh"} <= {n["name"] for n in shown}  # the capital and the largest city
        assert all(n["size"] == "12px" for n in shown)
        assert all(0 <= n["box"][0] and n["box"][2] <= width for n in shown[:3])  # inside the map
    finally:
        page.close()


def test_zooming_in_shows_more_names_and_still_none_overlap(browser, national_site):
    url, _ = national_site
    page = browser.new_page(viewport={"width": 730, "height": 500})
    try:
        page.goto(url)
        before = [n for n in _names(page) if n["shown"]]
        page.evaluate("() => { window.anttProvinceNames = undefined; }")
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_function("() => window.anttProvinceNames !== undefined", timeout=10_000)
        after = [n for n in page.evaluate(NAMES_JS) if n["shown"]]
        assert len(after) > len(before)
        assert _overlaps(after) == []
    finally:
        page.close()


# Per legend row: the height of one line of its count and of its label, and the boxes' heights.
LEGEND_JS = """() => [...document.querySelectorAll('.antt-legend > div')].slice(1).map(row => {
  const [swatch, label, count] = row.children;
  const line = el => parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.25;
  return {text: row.innerText, count: count.getBoundingClientRect().height, countLine: line(count),
          label: label.getBoundingClientRect().height, labelLine: line(label),
          right: row.getBoundingClientRect().right, width: row.parentElement.getBoundingClientRect().right,
          labelScroll: label.scrollWidth - label.clientWidth};
})"""


@pytest.mark.parametrize("provinces, lang, units", [(False, "vi", 3321), (True, "vi", 34), (False, "en", 11163),
                                                    (True, "en", 63)])
def test_legend_count_never_wraps_and_the_label_gives_way(browser, provinces, lang, units):
    """The legend column beside the map is 12rem (pages/shared/layout.css); the largest counts still keep
    their column on one line ("(145" / "xã)" was seen), long labels wrap between words without spilling."""
    from geo.analysis.classify import NO_DATA_COLOR
    from geo.carto.legend import LegendItem, legend_html

    items = [LegendItem("#ffffcc", "0,00 – 0,39", units), LegendItem("#253494", "> 12.345,67 – 123.456,78", units),
             LegendItem(NO_DATA_COLOR, "Chưa có số liệu" if lang == "vi" else "No data", units, True)]
    block = legend_html(items, "tổ/bản", lang, provinces=provinces)
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.set_content('<body style="font:16px sans-serif;line-height:1.6">'
                         f'<div style="width:12rem">{block}</div></body>')
        rows = page.evaluate(LEGEND_JS)
        assert len(rows) == 3
        for row in rows:
            assert row["count"] < 1.5 * row["countLine"], row  # one line
            assert row["label"] < 2.5 * row["labelLine"] and row["labelScroll"] <= 1, row  # at most two lines
            assert row["right"] <= row["width"] + 1, row
    finally:
        page.close()
