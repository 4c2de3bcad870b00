"""Live maps: the geometry fetched once per set by the browser (HTTP-cached static file), and per change only
the per-unit classes and values, evaluated in the mounted map through streamlit-folium's feature_group_to_add."""

from __future__ import annotations

import html

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.analysis.followup import value_marks
from geo.carto.assets import raw_script_element, script_json
from geo.carto.basemap import add_labels, base_map
from geo.carto.geometry import DisplayLayer, full_stroke_zoom
from geo.reference.catalog import Indicator
from geo.text.i18n import t


class _LiveChoroplethLayer:
    """An empty Leaflet GeoJSON layer, added to the map at once (so streamlit-folium binds its click handler
    to it), filled when the geometry file arrives (``fetch``: the browser's HTTP cache keeps it) and restyled
    in place by ``window.anttApply(D)`` — the only part that changes with the indicator, classes or scheme.

    Strokes follow the zoom: at national zoom the communes are drawn as fills only (province outlines above
    them give the structure), at province zoom their outlines are thin, at district zoom drawn in full.
    Province names (12 px, dark on a white halo) are placed after each zoom, largest province first (the
    outline file's ``rank``); a name whose box would meet one already placed is hidden until there is room.
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
            var v = D.v[i], text = v === null ? D.missing : (D.texts ? D.texts[v] : num(v, D.d) + D.suffix);
            var out = "<b>" + G.names[i] + "</b><br>" + D.label + ": " + (D.approx[i] ? "≈ " : "") + text
                      + (D.flag && D.flag[i] ? ' <span class="antt-flag">' + D.flag[i] + "</span>" : "");
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
            requestAnimationFrame(function() {
                window.anttPaints = (window.anttPaints || 0) + 1;
                window.anttPaintedAt = Date.now();  // wall clock: the load test reads it after the fact
            });
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
                var order = O.rank || O.names.map(function(n, i) { return i; });  // largest province first
                var marks = O.names.map(function(n, i) {
                    return L.marker(O.p[i], {pane: "anttOutline", interactive: false, keyboard: false,
                        icon: L.divIcon({className: "antt-province", iconSize: [0, 0],
                            html: '<div style="display:inline-block;font:600 12px/1.2 sans-serif;color:#111;white-space:nowrap;'
                                  + 'transform:translate(-50%,-50%);text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff,'
                                  + '0 0 1px #fff">' + n + '</div>'})}).addTo(names);
                });
                names.addTo(map);
                var sizes = null;
                // Names that fit: placed largest province first, each hidden when its box (with a small gap)
                // meets one already placed; again after every zoom, so that all show once there is room.
                var placeNames = function() {
                    if (!sizes) {  // measured once laid out (an iframe not yet shown measures 0: try again later)
                        sizes = marks.map(function(mk) {
                            var el = mk.getElement().firstChild;
                            return [el.offsetWidth, el.offsetHeight];
                        });
                    }
                    var unmeasured = sizes.some(function(s) { return !s[0]; });
                    var placed = [], gx = 6, gy = 2;  // a clear gap between names on one line
                    order.forEach(function(i) {
                        var c = map.latLngToContainerPoint(O.p[i]), w = sizes[i][0] / 2 + gx, h = sizes[i][1] / 2 + gy;
                        var box = [c.x - w, c.y - h, c.x + w, c.y + h];
                        var free = w > gx && placed.every(function(b) {
                            return box[2] <= b[0] || box[0] >= b[2] || box[3] <= b[1] || box[1] >= b[3];
                        });
                        if (free) { placed.push(box); }
                        marks[i].getElement().style.visibility = free ? "" : "hidden";
                    });
                    window.anttProvinceNames = placed.length;
                    if (unmeasured) { sizes = null; }
                };
                map.on("zoomend resize", placeNames);
                placeNames();
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
        from jinja2 import Template

        if cls._compiled is None:
            cls._compiled = Template(cls._TEMPLATE)
        el = raw_script_element()
        el._name = "AnttLiveChoropleth"
        el._template = cls._compiled
        el.setup = script_json({"url": url, "nodata": NO_DATA_COLOR, "fullZoom": full_zoom, "outline": outline_url})
        return el


def build_live_choropleth(display: DisplayLayer, geometry_url: str, *, lang: str = "vi", attribution: str = "",
                          basemap: str = "none", labels: bool = False, frame: pd.DataFrame | None = None,
                          assets: str | None = None, outline_url: str | None = None):
    """The part of a choropleth that stays while the user changes indicator, classes or scheme: base map and a
    layer that fetches ``geometry_url`` (the set's :class:`DisplayLayer` JSON, see :func:`geometry_file_name`).
    ``outline_url`` (optional) is an :func:`outline_json` file of provinces, drawn above the communes with
    their names at national zoom. Colour it with :func:`live_update`. Its script is the same for every indicator, so streamlit-folium keeps
    the map mounted and only evaluates the small update."""
    m = base_map(display.bounds, basemap, lang, attribution, assets)
    m.add_child(_LiveChoroplethLayer.element(geometry_url, full_stroke_zoom(display.bounds), outline_url))
    if labels:
        add_labels(m, display, frame if frame is not None else pd.DataFrame(index=[]))
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
    marks = value_marks(frame, ind, lang)  # under follow-up, not yet approved: a small mark, never hidden
    data["flag"] = [html.escape(marks.get(c, "")) for c in layer.codes] if marks else {}
    approx = set(str(c) for c in frame.attrs.get("approximate") or [])
    data["approx"] = [1 if c in approx else 0 for c in layer.codes] if approx else {}
    return data


def category_data(layer: DisplayLayer, classes: pd.Series, names: list[str], colors: list[str], label: str,
                  missing: str) -> dict:
    """:func:`live_data` for categories (the reporting states): ``classes`` maps a unit code to the index of
    its category in ``names``/``colors`` (at most 10); the tooltip shows the category's name."""
    idx = classes[~classes.index.duplicated()].reindex(list(layer.codes))
    cls = "".join("-" if k != k else str(int(k)) for k in idx.tolist())
    return {"cls": cls, "v": [None if k != k else int(k) for k in idx.tolist()], "d": 0, "sep": [".", ","],
            "palette": list(colors), "suffix": "", "label": html.escape(label), "missing": html.escape(missing),
            "highlight": None, "num": None, "den": None, "approx": {}, "texts": [html.escape(n) for n in names]}


def live_update(layer: DisplayLayer, values: pd.Series, frame: pd.DataFrame, ind: Indicator, catalog,
                classification: Classification, *, lang: str = "vi", highlight: str | None = None,
                data: dict | None = None):
    """A folium FeatureGroup whose script hands :func:`live_data` to the live layer (``window.anttApply``);
    for streamlit-folium's ``feature_group_to_add``, which evaluates it in the mounted map."""
    import folium
    from jinja2 import Template

    global _APPLY_TEMPLATE
    if _APPLY_TEMPLATE is None:
        _APPLY_TEMPLATE = Template("{% macro script(this, kwargs) %}"
                                   "window.anttPendingData = {{ this.data }};"
                                   "if (window.anttApply) { window.anttApply(window.anttPendingData); }"
                                   "{% endmacro %}")
    fg = folium.FeatureGroup(name="antt-data", control=False)
    el = raw_script_element()
    el._name = "AnttData"
    el._template = _APPLY_TEMPLATE
    el.data = script_json(data if data is not None else
                          live_data(layer, values, frame, ind, catalog, classification, lang, highlight))
    fg.add_child(el)
    return fg


_APPLY_TEMPLATE = None
