"""geo/carto/live: the mounted map fetches its geometry once; a change sends classes and values only."""

import json
import re

import pytest

from geo.analysis.classify import classify
from geo.carto.maps import map_html
from geo.reference.frames import indicator_values
from tests.carto.helpers import CAT, _decoded, _frame


def _live(units, frame, iid, lang="vi"):
    from geo.carto.maps import (
        build_live_choropleth,
        live_data,
        live_update,
        prepare_display_layer,
    )

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




def test_outlines_go_above_the_communes_with_a_label_point_each(units):
    from geo.carto.maps import (
        build_live_choropleth,
        outline_json,
        prepare_display_layer,
    )
    from geo.units.boundaries import dissolve_units

    outline = prepare_display_layer(dissolve_units(units, "parent_1"), "x-provinces")
    data = json.loads(outline_json(outline))
    assert len(data["p"]) == len(data["names"]) == 1
    m = build_live_choropleth(prepare_display_layer(units, "s"), "/a.json", outline_url="/o.json")
    out = map_html(m)
    assert '"outline":"/o.json"' in out and 'createPane("anttOutline")' in out


def test_outline_ranks_provinces_by_area_largest_first(units):
    from geo.carto.maps import outline_json, prepare_display_layer
    from geo.units.boundaries import dissolve_units

    communes = prepare_display_layer(units, "s")  # 14 units of very different sizes stand in for provinces
    data = json.loads(outline_json(communes))
    assert sorted(data["rank"]) == list(range(14))
    areas = units.to_crs(units.estimate_utm_crs()).geometry.area.tolist()  # metres, from the source polygons
    assert data["rank"] == sorted(range(14), key=lambda i: -areas[i])
    assert json.loads(outline_json(prepare_display_layer(dissolve_units(units, "parent_1"), "p")))["rank"] == [0]


def test_the_sets_first_names_are_placed_first_then_by_area(units):
    from geo.carto.maps import outline_json, prepare_display_layer

    communes = prepare_display_layer(units, "s")
    by_area = json.loads(outline_json(communes))["rank"]
    small = [communes.codes[i] for i in by_area[-2:]]  # the two smallest go first when named
    data = json.loads(outline_json(communes, tuple(reversed(small))))
    assert data["rank"] == [by_area[-1], by_area[-2], *by_area[:-2]]
    assert json.loads(outline_json(communes, ("no such province",)))["rank"] == by_area


@pytest.mark.parametrize("set_id", ["vn-2025", "vn-pre2025"])
def test_label_first_names_are_provinces_of_their_set(set_id):
    from geo.units import boundaries as gb

    first = gb.get_boundary_set_info(set_id).label_first
    provinces = set(gb.load_boundary_set(set_id)[gb.province_column(set_id)])
    assert first and set(first) <= provinces, set(first) - provinces


def test_province_names_add_nothing_to_what_a_change_sends(units):
    """Names, label points and ranks travel in the outline file (fetched once): what an indicator change adds
    to the map is the same with or without outlines, and holds no province name."""
    import os

    from geo.carto.maps import build_live_choropleth, live_update, prepare_display_layer

    strip = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # folium's random element ids
    frame = _frame(units)
    layer = prepare_display_layer(units, "dien-bien-dong-pre2025")
    sizes = {}
    for iid in ("teams_per_village", "valuable_tip_rate"):
        values = indicator_values(frame, iid, CAT)
        cls = classify(values, "quantiles", 5)
        for outline in (None, "/o.json"):
            alone = strip(map_html(build_live_choropleth(layer, "/a.json", outline_url=outline)))
            m = build_live_choropleth(layer, "/a.json", outline_url=outline)
            live_update(layer, values, frame, CAT[iid], CAT, cls).add_to(m)  # as feature_group_to_add does
            both = strip(map_html(m))
            sent = both[len(os.path.commonprefix([alone, both])):]
            sizes[iid, outline] = len(both.encode("utf-8")) - len(alone.encode("utf-8"))
            assert "anttPendingData" in sent and "Điện Biên" not in _decoded(sent)
        assert sizes[iid, None] == sizes[iid, "/o.json"]
    assert 0 < max(sizes.values()) < 40 * 14 + 1500, sizes  # tens of bytes per unit plus the texts sent once


@pytest.mark.parametrize("classes, at, cls, text", [
    ({"03205": 2}, "03205", "2", "Gửi muộn"),
    ({"03205": 0, "03203": 4}, "03203", "4", "Đã duyệt"),
    ({"03203": 1}, "03205", "-", None),  # a unit not in the series: no data, the map's grey
])
def test_category_data_shows_the_category_name(units, classes, at, cls, text):
    import pandas as pd

    from geo.carto.maps import category_data, prepare_display_layer

    layer = prepare_display_layer(units, "dien-bien-dong-pre2025")
    names = ["Bản nháp", "Bị trả lại", "Gửi muộn", "Gửi đúng hạn", "Đã duyệt"]
    data = category_data(layer, pd.Series(classes, dtype=float), names, ["#1", "#2", "#3", "#4", "#5"],
                         "Trạng thái", "<Chưa có>")
    i = layer.codes.index(at)
    assert len(data["cls"]) == len(layer.codes) and data["cls"][i] == cls
    assert (data["texts"][data["v"][i]] if data["v"][i] is not None else None) == text
    assert data["missing"] == "&lt;Chưa có&gt;" and data["palette"][0] == "#1"
