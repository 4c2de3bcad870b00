import html
import json
import re

import pytest

from geo.analysis.classify import NO_DATA_COLOR, classify
from geo.analysis.join import joined_table
from geo.carto.maps import build_choropleth, build_symbol_map, legend_html, legend_items, map_html
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.reference.sample import sample_table
from geo.units.boundaries import display_geometry, fallback_points, load_boundary_set

CAT = load_catalog()


@pytest.fixture(scope="module")
def units():
    return display_geometry(load_boundary_set("dien-bien-dong-pre2025"))


def _frame(units, mutate=None):
    table = sample_table()
    if mutate:
        mutate(table)
    frame, _ = joined_table(units, table)
    return frame


def _decoded(out: str) -> str:
    """Undo folium's JSON escaping so that assertions read what the browser's JavaScript sees."""
    for a, b in (("\\u0026", "&"), ("\\u003c", "<"), ("\\u003e", ">"), ('\\"', '"')):
        out = out.replace(a, b)
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), out)


def _layer_data(out: str) -> dict:
    """What the map's script hands to Leaflet, parsed as JSON: G (geometry, codes, names), D (per indicator)."""
    g = json.loads(re.search(r"var G = (.*?);\n", out).group(1))
    d = json.loads(re.search(r"var D = (.*?);\n", out).group(1))
    styles = {c: (d["palette"][k] if k >= 0 else d["nodata"]) for c, k in zip(g["codes"], d["cls"])}
    tips = {c: f"{n} {d['label']}: {v}" for c, n, v in zip(g["codes"], g["names"], d["vals"])}
    return {"geometry": g, "styles": styles, "tips": tips, "highlight": d["highlight"]}


def _map(units, frame, iid, **kw):
    values = indicator_values(frame, iid, CAT)
    cls = classify(values, "quantiles", 5)
    return build_choropleth(units, frame, values, CAT[iid], CAT, cls, attribution="Ranh giới: thử", **kw), cls


def test_map_has_14_features_and_the_attribution(units):
    m, _ = _map(units, _frame(units), "teams_per_1000")
    out = map_html(m)
    data = _layer_data(out)
    assert len(data["geometry"]["f"]) == 14
    assert set(data["geometry"]["codes"]) == set(units["code"])
    assert set(data["styles"]) == set(units["code"]) and set(data["tips"]) == set(units["code"])
    assert "Ranh giới: thử" in _decoded(out)
    assert "openstreetmap" not in out.lower()  # no basemap by default: works offline


def test_no_data_units_are_grey_not_zero_coloured(units):
    def drop(t):
        t.loc["03205", "teams_security"] = float("nan")
    frame = _frame(units, drop)
    m, cls = _map(units, frame, "teams_security")
    data = _layer_data(map_html(m))
    assert cls.color_of("03205") == NO_DATA_COLOR
    assert data["styles"]["03205"] == NO_DATA_COLOR
    assert list(data["styles"].values()).count(NO_DATA_COLOR) == 1 == cls.no_data_count
    assert "Chưa có số liệu" in data["tips"]["03205"]


@pytest.mark.parametrize("evil", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '" onmouseover="alert(1)',
    "javascript:alert(1)",
])
def test_tooltip_text_is_html_escaped(units, evil):
    def rename(t):
        t.loc["03205", "unit_name"] = evil
    frame = _frame(units, rename)
    # The name shown is the set's name; force the data name into the frame as a file would
    frame.loc["03205", "unit_name"] = evil
    m, _ = _map(units, frame, "teams_security", labels=True)
    raw = map_html(m)
    assert html.escape(evil) in _layer_data(raw)["tips"]["03205"]  # the tooltip HTML Leaflet receives
    out = _decoded(raw)
    assert html.escape(evil) in out  # the label too
    if "<" in evil:
        assert evil not in out
        g_line = re.search(r"var G = (.*?);\n", raw).group(1)
        assert "<" not in g_line and ">" not in g_line  # cannot close the <script> element


def test_highlight_draws_one_thick_border(units):
    m, _ = _map(units, _frame(units), "teams_security", highlight="03203")
    assert _layer_data(map_html(m))["highlight"] == "03203"


def test_legend_lists_classes_then_no_data(units):
    frame = _frame(units)
    values = indicator_values(frame, "weapons_recovered", CAT)
    cls = classify(values, "quantiles", 5)
    items = legend_items(cls, CAT["weapons_recovered"], "vi")
    assert [i.no_data for i in items] == [True]
    assert items[-1].count == 14 and items[-1].color == NO_DATA_COLOR
    values = indicator_values(frame, "teams_per_1000", CAT)
    cls = classify(values, "quantiles", 4)
    items = legend_items(cls, CAT["teams_per_1000"], "vi")
    assert len(items) == 5 and sum(i.count for i in items) == 14
    assert "," in items[0].label  # Vietnamese decimal comma
    block = legend_html(items, "<b>tổ</b>", "vi")
    assert "&lt;b&gt;tổ&lt;/b&gt;" in block and NO_DATA_COLOR in block


def test_symbol_map_when_no_polygons(units):
    pts = fallback_points("dien-bien-dong-pre2025")
    frame = _frame(units)
    values = indicator_values(frame, "teams_security", CAT)
    m = build_symbol_map(pts, frame, values, CAT["teams_security"], CAT, classify(values), attribution="x")
    out = map_html(m)
    assert out.count("L.circleMarker(") == 14


def test_compact_geometry_decodes_to_the_display_polygons(units):
    import shapely
    from shapely.geometry import shape

    from geo.carto.maps import decode_display_layer, prepare_display_layer

    layer = prepare_display_layer(units, "dien-bien-dong-pre2025")
    feats = decode_display_layer(layer)
    assert [f["id"] for f in feats] == list(units["code"])
    for f, original in zip(feats, units.geometry):
        decoded = shape(f["geometry"])
        # within one grid step of the display geometry
        assert shapely.hausdorff_distance(decoded, original) <= 2 * layer.quantum
        assert abs(decoded.area - original.area) / original.area < 0.01
    assert layer.quantum == 1e-5


@pytest.mark.parametrize("bounds, quantum", [
    ((103.0, 21.0, 103.4, 21.4), 1e-5),
    ((102.1, 8.5, 109.5, 23.4), 1e-3),
    ((0, 0, 0, 0), 1e-10),
])
def test_quantum_follows_the_extent(bounds, quantum):
    from geo.carto.maps import quantum_for

    assert quantum_for(bounds) == pytest.approx(quantum)


def test_approximate_units_are_marked(units):
    frame = _frame(units)
    frame.attrs["approximate"] = ["03205", "99999"]
    m, _ = _map(units, frame, "teams_security")
    d = json.loads(re.search(r"var D = (.*?);\n", map_html(m)).group(1))
    assert d["approx"] == {"03205": 1}


def _live(units, frame, iid, lang="vi"):
    from geo.carto.maps import build_live_choropleth, live_data, live_update, prepare_display_layer

    layer = prepare_display_layer(units, "dien-bien-dong-pre2025")
    values = indicator_values(frame, iid, CAT)
    cls = classify(values, "quantiles", 5)
    m = build_live_choropleth(layer, "/app/static/geo/x.json", attribution="Ranh giới: thử")
    return layer, m, live_update(layer, values, frame, CAT[iid], CAT, cls, lang=lang), \
        live_data(layer, values, frame, CAT[iid], CAT, cls, lang=lang), cls


def test_live_map_fetches_the_geometry_and_its_script_does_not_change_with_the_indicator(units):
    frame = _frame(units)
    layer, m1, _, _, _ = _live(units, frame, "teams_per_village")
    _, m2, _, _, _ = _live(units, frame, "valuable_tip_rate")
    out1, out2 = map_html(m1), map_html(m2)
    assert '"url":"/app/static/geo/x.json"' in out1
    assert layer.geometry_json not in out1  # geometry travels in the static file, not in the page
    strip = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # folium's random element ids
    assert strip(out1) == strip(out2)


def test_live_data_is_compact_and_keeps_no_data_apart(units):
    def blank(t):
        t.loc["03205", :] = float("nan")
    frame = _frame(units, blank)
    layer, m, fg, data, cls = _live(units, frame, "teams_per_village")
    i = layer.codes.index("03205")
    assert data["cls"][i] == "-" and data["v"][i] is None
    assert len(data["cls"]) == len(layer.codes) == 14
    assert all(ch == "-" or int(ch) < cls.k for ch in data["cls"])
    assert data["num"]["v"][i] is None and data["sep"] == [".", ","]
    fg.add_to(m)  # as streamlit-folium's feature_group_to_add does
    rendered = fg.get_root().render()
    assert "window.anttApply" in rendered and "03205" not in rendered  # classes by position, no codes


def test_live_data_texts_are_escaped(units):
    from geo.carto.maps import live_data, prepare_display_layer

    frame = _frame(units)
    layer = prepare_display_layer(units, "s", names=["<img src=x onerror=alert(1)>"] * len(units))
    assert "<img" not in layer.geometry_json
    values = indicator_values(frame, "teams_security", CAT)
    data = live_data(layer, values, frame, CAT["teams_security"], CAT, classify(values, "quantiles", 5))
    assert "<" not in data["label"] + data["suffix"] + data["missing"]


def test_geometry_file_name_follows_the_content(units):
    from geo.carto.maps import geometry_file_name, prepare_display_layer

    a = prepare_display_layer(units, "dien-bien-dong-pre2025")
    b = prepare_display_layer(units.iloc[:5], "dien-bien-dong-pre2025")
    assert geometry_file_name(a) == geometry_file_name(prepare_display_layer(units, "dien-bien-dong-pre2025"))
    assert geometry_file_name(a) != geometry_file_name(b)
    assert re.fullmatch(r"dien-bien-dong-pre2025-[0-9a-f]{16}\.json", geometry_file_name(a))


def test_outlines_go_above_the_communes_with_a_label_point_each(units):
    from geo.carto.maps import build_live_choropleth, outline_json, prepare_display_layer
    from geo.units.boundaries import dissolve_units

    outline = prepare_display_layer(dissolve_units(units, "parent_1"), "x-provinces")
    data = json.loads(outline_json(outline))
    assert len(data["p"]) == len(data["names"]) == 1
    m = build_live_choropleth(prepare_display_layer(units, "s"), "/a.json", outline_url="/o.json")
    out = map_html(m)
    assert '"outline":"/o.json"' in out and 'createPane("anttOutline")' in out
