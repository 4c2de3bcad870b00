"""Maps with their geometry inline (the HTML export, the before/after page): the maps' one layer
(:mod:`geo.carto.layer`) given the geometry and the live map's per-unit data in the page, outlines drawn at every
zoom; proportional symbols when only centroids exist."""

from __future__ import annotations

import html
import math

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.carto.basemap import add_labels, base_map
from geo.carto.geometry import DisplayLayer, prepare_display_layer
from geo.carto.layer import layer_element, live_data
from geo.carto.legend import tooltip_texts
from geo.reference.catalog import Indicator


def build_choropleth(display, frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog,
                     classification: Classification, *, lang: str = "vi", attribution: str = "",
                     basemap: str = "none", labels: bool = False, highlight: str | None = None,
                     assets: str | None = None):
    """A folium Map colouring each unit by its class; no-data units grey.

    ``display`` is a :class:`DisplayLayer` (prepared once per set) or a display GeoDataFrame. ``frame`` is the
    joined wide table (index = the set's codes), ``values`` the indicator per unit. Only the classes and
    texts are computed here (the data shape of the live map, :func:`geo.carto.layer.live_data`); the geometry
    string is reused as is.
    """
    if not isinstance(display, DisplayLayer):
        display = prepare_display_layer(display, names=[
            frame.at[c, "unit_name"] if c in frame.index else n for c, n in zip(display["code"], display["name"])])
    m = base_map(display.bounds, basemap, lang, attribution, assets)
    data = live_data(display, values, frame, ind, catalog, classification, lang, highlight)
    m.add_child(layer_element(url=None, full_zoom=0, geometry_json=display.geometry_json, data=data))
    if labels:
        add_labels(m, display, frame)
    return m


def build_symbol_map(points_gdf, frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog,
                     classification: Classification, *, lang: str = "vi", attribution: str = "",
                     basemap: str = "none", max_radius: float = 28.0, assets: str | None = None):
    """Proportional symbols at commune centroids (used when no polygon file is available)."""
    import folium

    minx, miny, maxx, maxy = points_gdf.total_bounds
    pad = 0.05
    m = base_map((minx - pad, miny - pad, maxx + pad, maxy + pad), basemap, lang, attribution, assets)
    colors = classification.colors_by_unit()
    tips = tooltip_texts(frame, values, ind, catalog, lang)
    vmax = float(values.abs().max()) if values.notna().any() else 0.0
    for code, pt in zip(points_gdf["code"], points_gdf.geometry):
        v = values.get(code, float("nan"))
        missing = v is None or math.isnan(v)
        radius = 6.0 if missing or vmax == 0 else max(4.0, max_radius * math.sqrt(abs(v) / vmax))
        name, vtext, detail = tips.get(code, (html.escape(str(code)), "", ""))
        folium.CircleMarker(
            [pt.y, pt.x], radius=radius, color="#333333", weight=1,
            fill=True, fill_color=colors.get(code, NO_DATA_COLOR), fill_opacity=0.85,
            tooltip=folium.Tooltip(f"<b>{name}</b><br>{html.escape(ind.name(lang))}: {vtext}"
                                   + (f"<br>{detail}" if detail else "")),
        ).add_to(m)
    return m
