"""Folium maps: choropleth of one indicator, proportional symbols when only centroids exist, a highlight map.

Geometry and colours are separate: the caller passes display geometry (prepared once per set) and the
per-unit values; this module only styles. Every text from data is HTML-escaped before it reaches Leaflet.
Maps work without a basemap (the default; tiles cannot load offline).
"""

from __future__ import annotations

import html
import shutil
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.config import setting
from geo.reference.catalog import Indicator
from geo.text.i18n import format_value, t

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
    for i, (lo, hi, color, n) in enumerate(zip(classification.lower, classification.upper, classification.colors,
                                               classification.counts)):
        lo_s, hi_s = format_value(lo, ind.kind, lang), format_value(hi, ind.kind, lang)
        # classes after the first exclude their lower bound (it belongs to the class below)
        label = lo_s if lo_s == hi_s else (f"{lo_s} – {hi_s}" if i == 0 else f"> {lo_s} – {hi_s}")
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


def install_leaflet(static_dir: Path) -> Path:
    """Copy Leaflet from the xstatic-leaflet package into ``static_dir/vendor/leaflet`` (served by Streamlit's
    static file serving, or by nginx in a deployment), so maps never need a CDN. Idempotent; the copy is
    replaced when the package's file differs in size. Returns the folder."""
    src = leaflet_dir()
    dst = Path(static_dir) / "vendor" / "leaflet"
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        if not (dst / name).is_file() or (dst / name).stat().st_size != (src / name).stat().st_size:
            shutil.copyfile(src / name, dst / name)
    if (src / "images").is_dir():
        shutil.copytree(src / "images", dst / "images", dirs_exist_ok=True)
    return dst


def leaflet_dir() -> Path:
    """Leaflet's own files, shipped by the ``xstatic-leaflet`` package (no CDN needed: works offline)."""
    import xstatic.pkg.leaflet as xl

    return Path(xl.BASE_DIR)


def use_local_assets(m, base_url: str) -> None:
    """Load Leaflet from ``base_url`` (where the app serves leaflet.js and leaflet.css) instead of CDNs.

    folium's other default assets (jQuery, Bootstrap, awesome-markers) are not used by these maps."""
    base = base_url.rstrip("/") + "/"
    m.default_js = [("leaflet", base + "leaflet.js")]
    m.default_css = [("leaflet_css", base + "leaflet.css")]


def standalone_html(m) -> str:
    """The map as one HTML file that opens anywhere, offline included: Leaflet inlined, no CDN links."""
    m.default_js, m.default_css = [], []
    text = m.get_root().render()
    folder = leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    inline = f"<style>{css}</style>\n<script>{js}</script>\n"
    return text.replace("<head>", "<head>\n" + inline, 1)


def _base_map(bounds, basemap: str, lang: str, attribution: str, assets: str | None = None):
    import folium

    kwargs = dict(tiles=None, control_scale=True, prefer_canvas=True, zoom_control=True)
    m = folium.Map(location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2], zoom_start=10, **kwargs)
    if assets:
        use_local_assets(m, assets)
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    elif basemap == "custom":
        url = setting(ENV_TILE_URL)
        if url:
            folium.TileLayer(url, attr=html.escape(setting(ENV_TILE_ATTRIBUTION) or url), name="basemap").add_to(m)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    _add_attribution(m, attribution)
    return m


def _add_attribution(m, text: str) -> None:
    import json

    from branca.element import MacroElement

    el = MacroElement()
    el._template = _attribution_template()
    el.text = json.dumps(html.escape(text))
    m.add_child(el)


@lru_cache(maxsize=1)
def _attribution_template():
    from jinja2 import Template

    return Template("{% macro script(this, kwargs) %}"
                    "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});"
                    "{% endmacro %}")


@dataclass(frozen=True)
class DisplayLayer:
    """Geometry prepared once per boundary set and sent as is on every rerun.

    ``geometry_json`` is a compact encoding: coordinates quantized to a grid suited to the set's extent and
    delta-encoded per ring (decoded by a few lines of JavaScript in the page). Unit names travel with it,
    HTML-escaped. Changing the indicator, classes or period never touches it.
    """

    set_id: str
    codes: tuple[str, ...]
    geometry_json: str
    bounds: tuple[float, float, float, float]
    label_points: tuple[tuple[float, float], ...] = ()  # (lat, lon) per code, inside each polygon
    quantum: float = 1e-5

    @property
    def payload_bytes(self) -> int:
        return len(self.geometry_json.encode("utf-8"))


def quantum_for(bounds) -> float:
    """Grid step: about 1/10,000 of the set's extent, as a power of ten (1e-5° for a district, 1e-3° for
    the country), finer than the simplification tolerance."""
    extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-6)
    return 10.0 ** math.floor(math.log10(extent / 10000.0))


def prepare_display_layer(display_gdf, set_id: str = "", names=None) -> DisplayLayer:
    """Encode display geometry once: per feature a list of polygons, each a list of rings, each ring a flat
    list of integer deltas on the grid (the first pair relative to the set's lower-left corner)."""
    import numpy as np
    import shapely

    b = display_gdf.total_bounds
    q = quantum_for(b)
    ox, oy = math.floor(b[0] / q), math.floor(b[1] / q)
    features = []
    for geom in display_gdf.geometry.values:
        polys = []
        for poly in shapely.get_parts(geom):
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            rings = []
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.round(shapely.get_coordinates(ring) / q).astype(np.int64)
                xy[:, 0] -= ox
                xy[:, 1] -= oy
                keep = np.ones(len(xy), dtype=bool)
                keep[1:] = np.any(xy[1:] != xy[:-1], axis=1)
                xy = xy[keep]
                if len(xy) < 4:
                    continue
                d = np.diff(xy, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
                rings.append(d.ravel().tolist())
            if rings:
                polys.append(rings)
        features.append(polys)
    codes = [str(c) for c in display_gdf["code"]]
    names = list(names) if names is not None else [str(n) for n in display_gdf["name"]]
    payload = {"q": q, "o": [ox, oy], "codes": codes, "names": [html.escape(n) for n in names], "f": features}
    text = _js(payload)
    pts = shapely.point_on_surface(display_gdf.geometry.values)
    labels = tuple((round(float(p.y), 5), round(float(p.x), 5)) for p in pts)
    return DisplayLayer(set_id or display_gdf.attrs.get("set_id", ""), tuple(codes), text,
                        (float(b[0]), float(b[1]), float(b[2]), float(b[3])), labels, q)


def decode_display_layer(layer: DisplayLayer) -> list[dict]:
    """The GeoJSON features the page's JavaScript rebuilds from the compact encoding (for tests/exports)."""
    import json

    data = json.loads(layer.geometry_json)
    q, (ox, oy) = data["q"], data["o"]
    out = []
    for code, polys in zip(data["codes"], data["f"]):
        coords = []
        for rings in polys:
            rr = []
            for ring in rings:
                x, y, pts = ox, oy, []
                for i in range(0, len(ring), 2):
                    x += ring[i]
                    y += ring[i + 1]
                    pts.append([x * q, y * q])
                rr.append(pts)
            coords.append(rr)
        out.append({"type": "Feature", "id": code, "properties": {},
                    "geometry": {"type": "MultiPolygon", "coordinates": coords}})
    return out


def _raw_script_element_class():
    from branca.element import Element, MacroElement

    class _Raw(Element):
        """Text placed in the page as is (branca would compile it as a Jinja template: slow for megabytes)."""

        def __init__(self, text: str):
            super().__init__("")
            self.text = text

        def render(self, **kwargs):
            return self.text

    class RawScriptElement(MacroElement):
        def render(self, **kwargs):
            script = self._template.module.__dict__["script"](self, kwargs)
            self.get_root().script.add_child(_Raw(script), name=self.get_name())

    return RawScriptElement


def _RawScriptElement():
    global _RAW_CLASS
    if _RAW_CLASS is None:
        _RAW_CLASS = _raw_script_element_class()
    return _RAW_CLASS()


_RAW_CLASS = None


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
        el = _RawScriptElement()
        el._name = "AnttChoropleth"
        el._template = cls._compiled
        el.geometry = layer.geometry_json
        el.data = _js(data)
        return el


def _js(obj) -> str:
    """JSON safe to embed inside a <script> element ('</script>' and friends cannot close it)."""
    import json

    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


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
    m = _base_map(display.bounds, basemap, lang, attribution, assets)
    m.add_child(_ChoroplethLayer.element(display, layer_data(display, values, frame, ind, catalog, classification,
                                                              lang, highlight)))
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
                     basemap: str = "none", max_radius: float = 28.0, assets: str | None = None):
    """Proportional symbols at commune centroids (used when no polygon file is available)."""
    import folium

    minx, miny, maxx, maxy = points_gdf.total_bounds
    pad = 0.05
    m = _base_map((minx - pad, miny - pad, maxx + pad, maxy + pad), basemap, lang, attribution, assets)
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


# -- Live maps: geometry fetched once per set by the browser, only per-unit classes and values per change ----

def geometry_file_name(layer: DisplayLayer, area: tuple = ()) -> str:
    """A name carrying the content hash of the encoded geometry: the browser may keep the file for good, and a
    new boundary file (or repair) gives a new name."""
    import hashlib
    import re

    digest = hashlib.sha256(layer.geometry_json.encode("utf-8")).hexdigest()[:16]
    stem = re.sub(r"[^a-z0-9-]+", "-", (layer.set_id or "set").lower()).strip("-") or "set"
    return f"{stem}-{'area-' if area else ''}{digest}.json"


class _LiveChoroplethLayer:
    """An empty Leaflet GeoJSON layer, added to the map at once (so streamlit-folium binds its click handler
    to it), filled when the geometry file arrives (``fetch``: the browser's HTTP cache keeps it) and restyled
    in place by ``window.anttApply(D)`` — the only part that changes with the indicator, classes or scheme.

    Strokes follow the zoom: at national zoom the communes are drawn as fills only (province outlines above
    them give the structure), at province zoom their outlines are thin, at district zoom drawn in full.
    """

    _compiled = None

    _TEMPLATE = """{% macro script(this, kwargs) %}
    (function() {
        var map = {{ this._parent.get_name() }};
        var S = {{ this.setup }};
        var G = null, D = window.anttPendingData || null, index = {};
        function decode(Q, r) {
            var x = Q.o[0], y = Q.o[1], out = new Array(r.length / 2);
            for (var i = 0; i < r.length; i += 2) { x += r[i]; y += r[i + 1]; out[i / 2] = [x * Q.q, y * Q.q]; }
            return out;
        }
        function ring(r) { return decode(G, r); }
        function num(v, d) {
            if (v === null || v === undefined) { return D.missing; }
            var parts = Math.abs(v).toFixed(d).split("."), int = parts[0], out = "";
            while (int.length > 3) { out = D.sep[0] + int.slice(-3) + out; int = int.slice(0, -3); }
            return (v < 0 ? "-" : "") + int + out + (parts[1] ? D.sep[1] + parts[1] : "");
        }
        function stroke() {
            var z = map.getZoom();
            return z >= S.fullZoom ? 1 : (z >= S.fullZoom - 2 ? 0.4 : 0);  // national zoom: fills only
        }
        function style(f) {
            var i = index[f.id], k = D ? D.cls.charCodeAt(i) - 48 : -1;
            var strong = D && D.highlight !== null && f.id === D.highlight;
            var dim = D && D.highlight !== null && !strong;
            var approx = D && D.approx[i];
            var w = stroke();
            return {fillColor: k >= 0 && k < 10 ? D.palette[k] : S.nodata, color: strong ? "#d7301f" : "#333333",
                    weight: strong ? 4 : (approx ? 2 * Math.max(w, 0.5) : w), dashArray: approx ? "6 4" : null,
                    stroke: strong || approx || w > 0, fillOpacity: dim ? 0.35 : 0.85, opacity: w < 1 ? 0.6 : 1};
        }
        function tip(f) {
            var i = index[f.id];
            if (!D) { return "<b>" + G.names[i] + "</b>"; }
            var v = D.v[i], text = v === null ? D.missing : num(v, D.d) + D.suffix;
            var out = "<b>" + G.names[i] + "</b><br>" + D.label + ": " + (D.approx[i] ? "≈ " : "") + text;
            if (D.num) {
                out += "<br><small>" + D.num.name + ": " + num(D.num.v[i], D.num.d) + " / " + D.den.name + ": "
                       + num(D.den.v[i], D.den.d) + "</small>";
            }
            return out;
        }
        var layer = L.geoJSON(null, {
            style: style,
            onEachFeature: function(f, l) {
                l.bindTooltip(function() { return tip(f); }, {sticky: true});
                l.on("mouseover", function() { if (!D || f.id !== D.highlight) { l.setStyle({weight: 3, color: "#000000", stroke: true}); } });
                l.on("mouseout", function() { layer.resetStyle(l); });
            }
        }).addTo(map);
        window.anttLayer = layer;
        function painted() {  // after Leaflet's own canvas redraw of this frame (the benchmark waits for it)
            requestAnimationFrame(function() { window.anttPaints = (window.anttPaints || 0) + 1; });
        }
        window.anttApply = function(data) {
            D = data;
            if (G) {
                var t0 = performance.now();
                layer.setStyle(style);
                window.anttRestyleMs = performance.now() - t0;  // reported by the benchmark
                painted();
            }
        };
        map.on("zoomend", function() { if (G) { layer.setStyle(style); } });
        if (S.outline) {  // province outlines and names above the communes, never in the way of a click
            var pane = map.createPane("anttOutline");
            pane.style.zIndex = 450;
            pane.style.pointerEvents = "none";
            var names = L.layerGroup();
            fetch(S.outline, {credentials: "same-origin"}).then(function(r) { return r.json(); }).then(function(O) {
                var rings = function(r) { return decode(O, r); };
                var outlines = L.geoJSON({type: "FeatureCollection", features: O.f.map(function(polys) {
                    return {type: "Feature", properties: {},
                            geometry: {type: "MultiPolygon", coordinates: polys.map(function(p) { return p.map(rings); })}};
                })}, {pane: "anttOutline", interactive: false, renderer: L.svg({pane: "anttOutline"}),
                      style: function() { return {color: "#1a1a1a", weight: map.getZoom() < 6 ? 0.7 : 1.4,
                                                  opacity: 0.9, fill: false}; }}).addTo(map);
                map.on("zoomend", function() { outlines.setStyle(outlines.options.style); });
                O.names.forEach(function(n, i) {
                    L.marker(O.p[i], {pane: "anttOutline", interactive: false, keyboard: false,
                        icon: L.divIcon({className: "antt-province", iconSize: [0, 0],
                            html: '<div style="font:600 11px sans-serif;color:#111;white-space:nowrap;'
                                  + 'transform:translate(-50%,-50%);text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff">'
                                  + n + '</div>'})}).addTo(names);
                });
                var showNames = function() {
                    if (map.getZoom() >= 6) { names.addTo(map); } else { names.remove(); }  // too dense below
                };
                map.on("zoomend", showNames);
                showNames();
            });
        }
        fetch(S.url, {credentials: "same-origin"}).then(function(r) { return r.json(); }).then(function(geo) {
            G = geo;
            G.codes.forEach(function(c, i) { index[c] = i; });
            layer.addData({type: "FeatureCollection", features: G.f.map(function(polys, i) {
                return {type: "Feature", id: G.codes[i], properties: {code: G.codes[i]},
                        geometry: {type: "MultiPolygon", coordinates: polys.map(function(p) { return p.map(ring); })}};
            })});
            window.anttReady = true;
            painted();
        });
    })();
    {% endmacro %}"""

    @classmethod
    def element(cls, url: str, full_zoom: int, outline_url: str | None = None):
        from branca.element import MacroElement
        from jinja2 import Template

        if cls._compiled is None:
            cls._compiled = Template(cls._TEMPLATE)
        el = MacroElement()
        el._name = "AnttLiveChoropleth"
        el._template = cls._compiled
        el.setup = _js({"url": url, "nodata": NO_DATA_COLOR, "fullZoom": full_zoom, "outline": outline_url})
        return el


def outline_json(layer: DisplayLayer) -> str:
    """An outline layer's file: the compact geometry plus a label point (lat, lon) per feature."""
    import json

    data = json.loads(layer.geometry_json)
    data["p"] = [list(p) for p in layer.label_points]
    return _js(data)


def full_stroke_zoom(bounds) -> int:
    """The zoom from which commune outlines are drawn in full: about where a province fills the map."""
    extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-6)
    return 10 if extent < 1.5 else 9


def build_live_choropleth(display: DisplayLayer, geometry_url: str, *, lang: str = "vi", attribution: str = "",
                          basemap: str = "none", labels: bool = False, frame: pd.DataFrame | None = None,
                          assets: str | None = None, outline_url: str | None = None):
    """The part of a choropleth that stays while the user changes indicator, classes or scheme: base map and a
    layer that fetches ``geometry_url`` (the set's :class:`DisplayLayer` JSON, see :func:`geometry_file_name`).
    ``outline_url`` (optional) is an :func:`outline_json` file of provinces, drawn above the communes with
    their names at national zoom. Colour it with :func:`live_update`. Its script is the same for every indicator, so streamlit-folium keeps
    the map mounted and only evaluates the small update."""
    m = _base_map(display.bounds, basemap, lang, attribution, assets)
    m.add_child(_LiveChoroplethLayer.element(geometry_url, full_stroke_zoom(display.bounds), outline_url))
    if labels:
        _add_labels(m, display, frame if frame is not None else pd.DataFrame(index=[]))
    return m


_DECIMALS = {"share": 1, "ratio": 2, "rate_population": 2, "amount": 1}


def live_data(layer: DisplayLayer, values: pd.Series, frame: pd.DataFrame, ind: Indicator, catalog,
              classification: Classification, lang: str = "vi", highlight: str | None = None) -> dict:
    """Per unit (in the layer's order): class as one digit of a string ('-' = no data), the value rounded as it
    is shown, numerator and denominator for rates; texts once. About 10–15 bytes per unit."""
    codes = list(layer.codes)
    assign = pd.to_numeric(classification.assignment, errors="coerce")
    assign = assign[~assign.index.duplicated()].reindex(codes).fillna(-1).astype(int).tolist()
    cls = "".join(str(k) if 0 <= k <= 9 else "-" for k in assign)

    def col(series: pd.Series, kind: str):  # vectorized: 11,163 units in a few milliseconds
        d = _DECIMALS.get(kind, 0)
        series = pd.to_numeric(series, errors="coerce")
        arr = series[~series.index.duplicated()].reindex(codes).astype(float).round(d).tolist()
        return [None if v != v else (int(v) if d == 0 or v == int(v) else v) for v in arr], d

    vals, dec = col(values, ind.kind)
    sep = [".", ","] if lang == "vi" else [",", "."]
    data = {"cls": cls, "v": vals, "d": dec, "sep": sep, "palette": list(classification.colors),
            "suffix": " %" if ind.kind == "share" else " " + html.escape(ind.unit(lang)),
            "label": html.escape(ind.name(lang)), "missing": html.escape(t("map_no_data", lang)),
            "highlight": highlight, "num": None, "den": None}
    if ind.derived and ind.numerator in frame.columns and ind.denominator in frame.columns:
        for part, iid in (("num", ind.numerator), ("den", ind.denominator)):
            v, d = col(frame[iid], catalog[iid].kind)
            data[part] = {"name": html.escape(catalog[iid].name(lang)), "v": v, "d": d}
    approx = set(str(c) for c in frame.attrs.get("approximate") or [])
    data["approx"] = [1 if c in approx else 0 for c in layer.codes] if approx else {}
    return data


def live_update(layer: DisplayLayer, values: pd.Series, frame: pd.DataFrame, ind: Indicator, catalog,
                classification: Classification, *, lang: str = "vi", highlight: str | None = None):
    """A folium FeatureGroup whose script hands :func:`live_data` to the live layer (``window.anttApply``);
    for streamlit-folium's ``feature_group_to_add``, which evaluates it in the mounted map."""
    import folium
    from branca.element import MacroElement
    from jinja2 import Template

    global _APPLY_TEMPLATE
    if _APPLY_TEMPLATE is None:
        _APPLY_TEMPLATE = Template("{% macro script(this, kwargs) %}"
                                   "window.anttPendingData = {{ this.data }};"
                                   "if (window.anttApply) { window.anttApply(window.anttPendingData); }"
                                   "{% endmacro %}")
    fg = folium.FeatureGroup(name="antt-data", control=False)
    el = MacroElement()
    el._name = "AnttData"
    el._template = _APPLY_TEMPLATE
    el.data = _js(live_data(layer, values, frame, ind, catalog, classification, lang, highlight))
    fg.add_child(el)
    return fg


_APPLY_TEMPLATE = None
