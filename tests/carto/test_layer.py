"""geo/carto/layer: one Leaflet layer script (layer.js) and one data shape for the live map and the standalone map."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from geo.analysis.classify import classify
from geo.carto.maps import build_choropleth, build_live_choropleth, live_data, map_html, prepare_display_layer
from geo.carto.layer import SCRIPT, layer_script
from geo.reference.frames import indicator_values
from tests.carto.helpers import CAT, _frame, _layer_data

SET = "dien-bien-dong-pre2025"


def _maps(units, iid, highlight=None):
    frame = _frame(units)
    layer = prepare_display_layer(units, SET, names=list(frame.loc[list(units["code"]), "unit_name"]))
    values = indicator_values(frame, iid, CAT)
    cls = classify(values, "quantiles", 5)
    live = map_html(build_live_choropleth(layer, "/app/static/geo/x.json"))
    export = map_html(build_choropleth(layer, frame, values, CAT[iid], CAT, cls, highlight=highlight))
    return layer, live, export, live_data(layer, values, frame, CAT[iid], CAT, cls, highlight=highlight)


def _layer_scripts(html_text: str) -> list[str]:
    """Every Leaflet GeoJSON layer a page's scripts create (folium's own GeoJson class is not used)."""
    return re.findall(r"L\.geoJSON\(", html_text)


def test_the_live_map_and_the_export_run_the_same_script(units):
    _, live, export, _ = _maps(units, "teams_per_village")
    script = layer_script()
    assert script.startswith("function anttMount(") and SCRIPT.read_text(encoding="utf-8").endswith(script)
    for out in (live, export):
        assert out.count(script) == 1
        assert len(_layer_scripts(out)) == len(_layer_scripts(script))  # no second copy of a layer elsewhere


def test_the_live_map_can_load_the_script_once_instead_of_carrying_it(units, tmp_path):
    """With ``layer_js`` the live map loads layer.js after Leaflet, as a file (once per page), and its own
    script only calls it: 8 KB less in every rerun's map message. The file is the script, named by content."""
    from geo.carto.maps import install_layer_script

    name = install_layer_script(tmp_path)
    written = tmp_path / "vendor" / "antt" / name
    assert written.read_text(encoding="utf-8") == layer_script() and install_layer_script(tmp_path) == name
    assert re.fullmatch(r"layer-[0-9a-f]{12}\.js", name)
    layer, _, _, _ = _maps(units, "teams_per_village")
    url = "/app/static/vendor/antt/" + name
    m = build_live_choropleth(layer, "/app/static/geo/x.json", assets="/app/static/vendor/leaflet/", layer_js=url)
    assert [src for _, src in m.default_js] == ["/app/static/vendor/leaflet/leaflet.js", url]
    page = map_html(m)
    assert layer_script() not in page and "anttMount(" in page
    assert page.index("leaflet/leaflet.js") < page.index(url)  # Leaflet first: the script extends it


@pytest.mark.parametrize("iid, highlight", [
    ("teams_per_village", None),
    ("valuable_tip_rate", "03203"),  # a rate: numerator and denominator travel too
    ("teams_security", "03205"),
])
def test_the_export_carries_the_live_maps_data_shape(units, iid, highlight):
    layer, live, export, data = _maps(units, iid, highlight)
    d = json.loads(re.search(r"var D = (.*?);\n", export).group(1))
    assert d == json.loads(json.dumps(data))  # exactly what a live change sends (window.anttApply)
    assert re.search(r"var D = (.*?);\n", live).group(1) == "null"  # the live map waits for anttApply


def test_the_export_is_self_contained_and_the_live_map_fetches(units):
    layer, live, export, _ = _maps(units, "teams_per_village")
    exported = _layer_data(export)
    assert exported["setup"]["url"] is None and exported["geometry"] == json.loads(layer.geometry_json)
    assert layer.geometry_json in export and layer.geometry_json not in live
    live_setup = json.loads(re.search(r"var S = (.*?);\n", live).group(1))
    assert live_setup["url"] == "/app/static/geo/x.json"
    assert live_setup["fullZoom"] > 0 and exported["setup"]["fullZoom"] == 0  # the export: outlines at any zoom


def test_layer_js_is_shipped_as_package_data():
    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["geo.carto"]
    assert any(SCRIPT.match(p) for p in patterns)


@pytest.mark.parametrize("unapproved, flagged, expected, form", [
    ((), (), "", "none"),                                   # nothing marked: no per-unit array at all
    (("03203",), (), "0", "compact"),                       # one unit of 14 not yet approved: it alone, by position
    ("all", (), "0", "compact"),                            # a national import not yet approved: one character
    ("all", ("03205",), "01", "compact"),                   # ... and one unit also under follow-up
    (("03203", "03205"), ("03205",), "01", "whole"),        # both marks on one unit: its own text, once
])
def test_marks_travel_as_one_character_per_unit_and_each_text_once(units, unapproved, flagged, expected, form):
    """A change sends a unit's marks (under follow-up, not yet approved) as one character of a string, as its
    class, or — when nearly every unit has the same mark — that character and the units that differ; the texts
    go once. Sent as a text per unit, a national import awaiting approval added some 50 KB to every change of
    the national map."""
    from geo.analysis.followup import value_marks

    frame = _frame(units)
    codes = list(units["code"])
    frame.attrs["unapproved"] = codes if unapproved == "all" else list(unapproved)
    frame.attrs["followup"] = [(c, "teams_security") for c in flagged]
    layer = prepare_display_layer(units, SET, names=list(frame.loc[codes, "unit_name"]))
    values = indicator_values(frame, "teams_security", CAT)
    data = live_data(layer, values, frame, CAT["teams_security"], CAT, classify(values, "quantiles", 5))
    marks = value_marks(frame, CAT["teams_security"])
    n = len(layer.codes)
    flag, flagx = data["flag"], data["flagx"]
    assert isinstance(flag, str) and isinstance(flagx, dict)
    assert {"none": (0, 0), "whole": (n, 0)}.get(form, (1, len(flagx))) == (len(flag), len(flagx))
    per_unit = "".join(flagx.get(str(i)) or (flag if len(flag) == 1 else flag[i] if flag else "-")
                       for i in range(n))  # as layer.js reads it
    assert set(per_unit) - {"-"} == set(expected)
    assert len(data["marks"]) == len(set(marks.values())) == len(expected)
    for code, ch in zip(layer.codes, per_unit, strict=True):
        assert (data["marks"][ord(ch) - 48] if ch != "-" else None) == (marks.get(code) and marks[code])
