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


@dataclass(frozen=True)
class DisplayLayer:
    """Geometry prepared once per boundary set: a compact GeoJSON string (feature id = unit code, no
    properties) and the bounds. Changing the indicator, classes or period never touches it."""

    set_id: str
    codes: tuple[str, ...]
    geometry_json: str
    bounds: tuple[float, float, float, float]
    label_points: tuple[tuple[float, float], ...] = ()  # (lat, lon) per code, inside each polygon

    @property
    def payload_bytes(self) -> int:
        return len(self.geometry_json.encode("utf-8"))


def prepare_display_layer(display_gdf, set_id: str = "") -> DisplayLayer:
    """Serialize display geometry once (shapely's vectorized GeoJSON writer, ids only)."""
    import json

    import shapely

    geoms = shapely.to_geojson(display_gdf.geometry.values)
    codes = [str(c) for c in display_gdf["code"]]
    parts = [f'{{"type":"Feature","id":{json.dumps(c)},"properties":{{}},"geometry":{g}}}'
             for c, g in zip(codes, geoms)]
    text = '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
    b = display_gdf.total_bounds
    pts = shapely.point_on_surface(display_gdf.geometry.values)
    labels = tuple((round(float(p.y), 5), round(float(p.x), 5)) for p in pts)
    return DisplayLayer(set_id or display_gdf.attrs.get("set_id", ""), tuple(codes), text,
                        (float(b[0]), float(b[1]), float(b[2]), float(b[3])), labels)


class _ChoroplethLayer:
    """A Leaflet GeoJSON layer fed by a pre-serialized geometry string plus small per-unit dicts:
    fill colour, tooltip HTML (already escaped) and the highlighted unit. Drawn on the map's canvas."""

    _TEMPLATE = """{% macro script(this, kwargs) %}
    (function() {
        var styles = {{ this.styles }};
        var tips = {{ this.tips }};
        var highlight = {{ this.highlight }};
        var layer = L.geoJSON({{ this.geometry }}, {
            style: function(f) {
                var strong = highlight !== null && f.id === highlight;
                var dim = highlight !== null && !strong;
                return {fillColor: styles[f.id] || {{ this.nodata }}, color: strong ? "#d7301f" : "#333333",
                        weight: strong ? 4 : 1, fillOpacity: dim ? 0.35 : 0.85, opacity: 1};
            },
            onEachFeature: function(f, l) {
                f.properties = f.properties || {};
                f.properties.code = f.id;
                if (tips[f.id]) { l.bindTooltip(tips[f.id], {sticky: true}); }
                l.on("mouseover", function() { if (f.id !== highlight) { l.setStyle({weight: 3, color: "#000000"}); } });
                l.on("mouseout", function() { layer.resetStyle(l); });
            }
        }).addTo({{ this._parent.get_name() }});
        window.anttLayer = layer;
    })();
    {% endmacro %}"""

    @classmethod
    def element(cls, layer: DisplayLayer, styles: dict, tips: dict, highlight: str | None):
        import json

        from branca.element import MacroElement
        from jinja2 import Template

        el = MacroElement()
        el._name = "AnttChoropleth"
        el._template = Template(cls._TEMPLATE)
        el.geometry = layer.geometry_json
        el.styles = _js(styles)
        el.tips = _js(tips)
        el.highlight = json.dumps(highlight)
        el.nodata = json.dumps(NO_DATA_COLOR)
        return el


def _js(obj) -> str:
    """JSON safe to embed inside a <script> element ('</script>' and friends cannot close it)."""
    import json

    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def tooltip_html(name: str, ind: Indicator, vtext: str, detail: str, lang: str) -> str:
    """Tooltip HTML from already-escaped parts."""
    out = f"<b>{name}</b><br>{html.escape(ind.name(lang))}: {vtext}"
    return out + (f"<br><small>{detail}</small>" if detail else "")


def build_choropleth(display, frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog,
                     classification: Classification, *, lang: str = "vi", attribution: str = "",
                     basemap: str = "none", labels: bool = False, highlight: str | None = None):
    """A folium Map colouring each unit by its class; no-data units grey.

    ``display`` is a :class:`DisplayLayer` (prepared once per set) or a display GeoDataFrame. ``frame`` is the
    joined wide table (index = the set's codes), ``values`` the indicator per unit. Only the colours and
    tooltips are computed here; the geometry string is reused as is.
    """
    if not isinstance(display, DisplayLayer):
        display = prepare_display_layer(display)
    m = _base_map(display.bounds, basemap, lang, attribution)
    colors = classification.colors_by_unit()
    tips = tooltip_texts(frame, values, ind, catalog, lang)
    tip_html = {code: tooltip_html(n, ind, v, d, lang) for code, (n, v, d) in tips.items()}
    styles = {code: colors.get(code, NO_DATA_COLOR) for code in display.codes}
    m.add_child(_ChoroplethLayer.element(display, styles, tip_html, highlight))
    if labels:
        _add_labels(m, display, frame)
    return m


def _add_labels(m, display: DisplayLayer, frame) -> None:
    import folium

    for code, (lat, lon) in zip(display.codes, display.label_points):
        name = frame.at[code, "unit_name"] if code in frame.index else code
        folium.Marker(
            [lat, lon],
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
