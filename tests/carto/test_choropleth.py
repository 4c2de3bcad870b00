"""geo/carto/choropleth: maps with their geometry inline (exports, the before/after page, symbol maps)."""

import html
import json
import re

import pytest

from geo.analysis.classify import NO_DATA_COLOR, classify
from geo.carto.maps import build_symbol_map, map_html
from geo.reference.frames import indicator_values
from geo.units.boundaries import fallback_points
from tests.carto.helpers import CAT, _decoded, _frame, _layer_data, _map


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




def test_symbol_map_when_no_polygons(units):
    pts = fallback_points("dien-bien-dong-pre2025")
    frame = _frame(units)
    values = indicator_values(frame, "teams_security", CAT)
    m = build_symbol_map(pts, frame, values, CAT["teams_security"], CAT, classify(values), attribution="x")
    out = map_html(m)
    assert out.count("L.circleMarker(") == 14




def test_approximate_units_are_marked(units):
    frame = _frame(units)
    frame.attrs["approximate"] = ["03205", "99999"]
    m, _ = _map(units, frame, "teams_security")
    out = map_html(m)
    d = json.loads(re.search(r"var D = (.*?);\n", out).group(1))
    codes = _layer_data(out)["geometry"]["codes"]
    assert [c for c, a in zip(codes, d["approx"]) if a] == ["03205"]  # the unit not drawn is not marked
    assert _layer_data(out)["tips"]["03205"].split(": ")[1].startswith("≈ ")
