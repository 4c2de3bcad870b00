"""Folium maps: choropleth of one indicator, proportional symbols when only centroids exist, a highlight map.

Geometry and colours are separate: the caller passes display geometry (prepared once per set) and the
per-unit values; this module only styles. Every text from data is HTML-escaped before it reaches Leaflet.
Maps work without a basemap (the default; tiles cannot load offline).
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass

import pandas as pd

from geo.catalog import Indicator
from geo.classify import NO_DATA_COLOR, Classification
from geo.i18n import format_value, t

BASEMAPS = ("none", "osm", "custom")
ENV_TILE_URL = "ANTT_TILE_URL"
ENV_TILE_ATTRIBUTION = "ANTT_TILE_ATTRIBUTION"


@dataclass
class LegendItem:
    color: str
    label: str
    count: int
    no_data: bool = False


def legend_items(classification: Classification, ind: Indicator, lang: str = "vi") -> list[LegendItem]:
    """Class bounds and counts, then the no-data class (always listed, even when empty)."""
    items = []
    for lo, hi, color, n in zip(classification.lower, classification.upper, classification.colors,
                                classification.counts):
        lo_s, hi_s = format_value(lo, ind.kind, lang), format_value(hi, ind.kind, lang)
        label = lo_s if lo_s == hi_s else f"{lo_s} – {hi_s}"
        items.append(LegendItem(color, label, n))
    items.append(LegendItem(NO_DATA_COLOR, t("map_no_data", lang), classification.no_data_count, True))
    return items


def legend_html(items: list[LegendItem], title: str, lang: str = "vi") -> str:
    """The legend as a small HTML block (drawn by the page beside the map; every text escaped)."""
    rows = []
    for it in items:
        rows.append(
            '<div style="display:flex;align-items:center;gap:.5em;margin:.15em 0">'
            f'<span style="display:inline-block;width:1.6em;height:1em;background:{html.escape(it.color)};'
            'border:1px solid #555"></span>'
            f'<span>{html.escape(it.label)}</span>'
            f'<span style="color:#666;margin-left:auto">({it.count} {html.escape(t("map_units_short", lang))})</span>'
            "</div>"
        )
    return f'<div class="antt-legend"><div style="font-weight:600">{html.escape(title)}</div>{"".join(rows)}</div>'


def tooltip_texts(frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog, lang: str = "vi") -> dict:
    """Per unit: (escaped name, escaped value text, escaped detail) for the tooltip."""
    out = {}
    for code in values.index:
        name = str(frame.at[code, "unit_name"]) if code in frame.index else str(code)
        v = values.get(code)
        vtext = format_value(v, ind.kind, lang, missing=t("map_no_data", lang))
        if not (v is None or (isinstance(v, float) and math.isnan(v))):
            unit = ind.unit(lang)
            vtext = vtext if ind.kind == "share" else f"{vtext} {unit}"
        detail = ""
        if ind.derived and code in frame.index:
            num_ind, den_ind = catalog[ind.numerator], catalog[ind.denominator]
            num = frame.at[code, ind.numerator] if ind.numerator in frame.columns else float("nan")
            den = frame.at[code, ind.denominator] if ind.denominator in frame.columns else float("nan")
            detail = (f"{num_ind.name(lang)}: {format_value(num, num_ind.kind, lang)} / "
                      f"{den_ind.name(lang)}: {format_value(den, den_ind.kind, lang)}")
        out[code] = (html.escape(name), html.escape(vtext), html.escape(detail))
    return out


def _base_map(bounds, basemap: str, lang: str, attribution: str, height: int | None = None):
    import folium

    kwargs = dict(tiles=None, control_scale=True, prefer_canvas=True, zoom_control=True)
    m = folium.Map(location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2], zoom_start=10, **kwargs)
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    elif basemap == "custom":
        url = os.environ.get(ENV_TILE_URL)
        if url:
            folium.TileLayer(url, attr=html.escape(os.environ.get(ENV_TILE_ATTRIBUTION, url)), name="basemap").add_to(m)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    _add_attribution(m, attribution)
    return m


def _add_attribution(m, text: str) -> None:
    from branca.element import MacroElement
    from jinja2 import Template
    import json

    el = MacroElement()
    el._template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution(" + json.dumps(html.escape(text)) + ");"
        "{% endmacro %}"
    )
    m.add_child(el)


def build_choropleth(display_gdf, frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog,
                     classification: Classification, *, lang: str = "vi", attribution: str = "",
                     basemap: str = "none", labels: bool = False, highlight: str | None = None):
    """A folium Map colouring each unit of ``display_gdf`` by its class; no-data units grey.

    ``frame`` is the joined wide table (index = the set's codes), ``values`` the indicator per unit.
    """
    import folium

    bounds = display_gdf.total_bounds
    m = _base_map(bounds, basemap, lang, attribution)
    colors = classification.colors_by_unit()
    tips = tooltip_texts(frame, values, ind, catalog, lang)
    features = []
    for code, geom in zip(display_gdf["code"], display_gdf.geometry):
        name, vtext, detail = tips.get(code, (html.escape(str(code)), "", ""))
        features.append({
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name, "value": vtext, "detail": detail,
                           "fill": colors.get(code, NO_DATA_COLOR)},
            "geometry": geom.__geo_interface__,
        })
    data = {"type": "FeatureCollection", "features": features}

    def style(feature):
        code = feature["properties"]["code"]
        strong = highlight is not None and code == highlight
        dim = highlight is not None and code != highlight
        return {
            "fillColor": feature["properties"]["fill"],
            "color": "#d7301f" if strong else "#333333",
            "weight": 4 if strong else 1,
            "fillOpacity": 0.35 if dim else 0.85,
        }

    fields = ["name", "value"] + (["detail"] if ind.derived else [])
    aliases = [t("map_tip_unit", lang), ind.name(lang)] + ([t("map_tip_detail", lang)] if ind.derived else [])
    folium.GeoJson(
        data,
        name=ind.name(lang),
        style_function=style,
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=[html.escape(a) for a in aliases], sticky=True),
    ).add_to(m)
    if labels:
        _add_labels(m, display_gdf, frame)
    return m


def _add_labels(m, display_gdf, frame) -> None:
    import folium

    points = display_gdf.geometry.representative_point()
    for code, pt in zip(display_gdf["code"], points):
        name = frame.at[code, "unit_name"] if code in frame.index else code
        folium.Marker(
            [pt.y, pt.x],
            icon=folium.DivIcon(
                html=f'<div class="antt-label" style="font-size:11px;font-weight:600;color:#111;'
                     f'text-shadow:0 0 3px #fff,0 0 3px #fff;white-space:nowrap;transform:translate(-50%,-50%)">'
                     f"{html.escape(str(name))}</div>",
                icon_size=(0, 0),
            ),
        ).add_to(m)


def build_symbol_map(points_gdf, frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog,
                     classification: Classification, *, lang: str = "vi", attribution: str = "",
                     basemap: str = "none", max_radius: float = 28.0):
    """Proportional symbols at commune centroids (used when no polygon file is available)."""
    import folium

    minx, miny, maxx, maxy = points_gdf.total_bounds
    pad = 0.05
    m = _base_map((minx - pad, miny - pad, maxx + pad, maxy + pad), basemap, lang, attribution)
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


def map_html(m) -> str:
    """The full standalone HTML of a folium map (what tests and the HTML export read)."""
    return m.get_root().render()
