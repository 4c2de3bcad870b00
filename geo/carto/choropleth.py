"""Maps with their geometry inline (the HTML and PNG exports, the before/after page): a choropleth styled
from one per-indicator array, proportional symbols when only centroids exist."""

from __future__ import annotations

import html
import math

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.carto.assets import raw_script_element, script_json
from geo.carto.basemap import add_labels, base_map
from geo.carto.geometry import DisplayLayer, prepare_display_layer
from geo.carto.legend import tooltip_texts
from geo.reference.catalog import Indicator
from geo.text.i18n import format_value, t


class _ChoroplethLayer:
    """A Leaflet GeoJSON layer fed by the cached compact geometry plus small per-unit arrays: class index
    per unit (palette below), value texts and details (already escaped). Drawn on the map's canvas."""

    _compiled = None

    _TEMPLATE = """{% macro script(this, kwargs) %}
    (function() {
        var G = {{ this.geometry }};
        var D = {{ this.data }};
        function ring(r) {
            var x = G.o[0], y = G.o[1], out = new Array(r.length / 2);
            for (var i = 0; i < r.length; i += 2) { x += r[i]; y += r[i + 1]; out[i / 2] = [x * G.q, y * G.q]; }
            return out;
        }
        var features = G.f.map(function(polys, i) {
            return {type: "Feature", id: G.codes[i], properties: {code: G.codes[i]},
                    geometry: {type: "MultiPolygon", coordinates: polys.map(function(p) { return p.map(ring); })}};
        });
        var index = {};
        G.codes.forEach(function(c, i) { index[c] = i; });
        var layer = L.geoJSON({type: "FeatureCollection", features: features}, {
            style: function(f) {
                var i = index[f.id], k = D.cls[i];
                var strong = D.highlight !== null && f.id === D.highlight;
                var dim = D.highlight !== null && !strong;
                return {fillColor: k >= 0 ? D.palette[k] : D.nodata, color: strong ? "#d7301f" : "#333333",
                        weight: strong ? 4 : (D.approx[f.id] ? 2 : 1), dashArray: D.approx[f.id] ? "6 4" : null,
                        fillOpacity: dim ? 0.35 : 0.85, opacity: 1};
            },
            onEachFeature: function(f, l) {
                var i = index[f.id];
                var tip = "<b>" + G.names[i] + "</b><br>" + D.label + ": " + (D.approx[f.id] ? "≈ " : "") + D.vals[i];
                if (D.details && D.details[i]) { tip += "<br><small>" + D.details[i] + "</small>"; }
                l.bindTooltip(tip, {sticky: true});
                l.on("mouseover", function() { if (f.id !== D.highlight) { l.setStyle({weight: 3, color: "#000000"}); } });
                l.on("mouseout", function() { layer.resetStyle(l); });
            }
        }).addTo({{ this._parent.get_name() }});
        window.anttLayer = layer;
    })();
    {% endmacro %}"""

    @classmethod
    def element(cls, layer: DisplayLayer, data: dict):
        from jinja2 import Template

        if cls._compiled is None:  # compiling the template costs more than rendering it: do it once
            cls._compiled = Template(cls._TEMPLATE)
        el = raw_script_element()
        el._name = "AnttChoropleth"
        el._template = cls._compiled
        el.geometry = layer.geometry_json
        el.data = script_json(data)
        return el



def layer_data(layer: DisplayLayer, values: pd.Series, frame: pd.DataFrame, ind: Indicator, catalog,
               classification: Classification, lang: str = "vi", highlight: str | None = None) -> dict:
    """The per-indicator part of the map: class per unit, palette, escaped value texts and details."""
    missing = t("map_no_data", lang)
    unit = "" if ind.kind == "share" else " " + ind.unit(lang)
    vals_by = values.to_dict()
    assign = classification.assignment.to_dict()
    cls, vals = [], []
    for code in layer.codes:
        v = vals_by.get(code)
        cls.append(int(assign.get(code, -1)))
        if v is None or v != v:
            vals.append(html.escape(missing))
        else:
            vals.append(html.escape(format_value(v, ind.kind, lang) + unit))
    details = None
    if ind.derived and ind.numerator in frame.columns and ind.denominator in frame.columns:
        num_ind, den_ind = catalog[ind.numerator], catalog[ind.denominator]
        nums, dens = frame[ind.numerator].to_dict(), frame[ind.denominator].to_dict()
        details = [html.escape(f"{num_ind.name(lang)}: {format_value(nums.get(c), num_ind.kind, lang)} / "
                               f"{den_ind.name(lang)}: {format_value(dens.get(c), den_ind.kind, lang)}")
                   for c in layer.codes]
    approx = {str(c): 1 for c in frame.attrs.get("approximate") or [] if c in set(layer.codes)}
    return {"cls": cls, "palette": list(classification.colors), "nodata": NO_DATA_COLOR,
            "label": html.escape(ind.name(lang)), "vals": vals, "details": details, "highlight": highlight,
            "approx": approx}


def build_choropleth(display, frame: pd.DataFrame, values: pd.Series, ind: Indicator, catalog,
                     classification: Classification, *, lang: str = "vi", attribution: str = "",
                     basemap: str = "none", labels: bool = False, highlight: str | None = None,
                     assets: str | None = None):
    """A folium Map colouring each unit by its class; no-data units grey.

    ``display`` is a :class:`DisplayLayer` (prepared once per set) or a display GeoDataFrame. ``frame`` is the
    joined wide table (index = the set's codes), ``values`` the indicator per unit. Only the classes and
    texts are computed here; the geometry string is reused as is.
    """
    if not isinstance(display, DisplayLayer):
        display = prepare_display_layer(display, names=[
            frame.at[c, "unit_name"] if c in frame.index else n for c, n in zip(display["code"], display["name"])])
    m = base_map(display.bounds, basemap, lang, attribution, assets)
    m.add_child(_ChoroplethLayer.element(display, layer_data(display, values, frame, ind, catalog, classification,
                                                              lang, highlight)))
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
