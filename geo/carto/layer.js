// The one Leaflet layer of the ANTT maps, for the live map (geo/carto/live.py) and the standalone map
// (geo/carto/choropleth.py: the HTML export, the before/after page).
//
// anttMount(map, S, G, D):
//   S  setup: {url, nodata, fullZoom, outline}. url: the geometry file (fetched once, the browser's HTTP cache
//      keeps it) when G is null; fullZoom: the zoom from which unit outlines are drawn in full (0: always);
//      outline: a file of province outlines with a label point each, drawn above the units (or null).
//   G  the geometry inline (geo.carto.geometry.DisplayLayer.geometry_json: codes, names, quantized rings), or null.
//   D  the per-unit data inline (geo.carto.layer.live_data), or null: it then comes through window.anttApply(D),
//      the only part that changes with the indicator, classes or scheme.
//
// Strokes follow the zoom: at national zoom the units are drawn as fills only (province outlines above them
// give the structure), at province zoom their outlines are thin, at district zoom drawn in full. Province
// names (12 px, dark on a white halo) are placed after each zoom, largest province first (the outline file's
// rank); a name whose box would meet one already placed is hidden until there is room.
function anttMount(map, S, G, D) {
    var index = {};
    D = D || window.anttPendingData || null;
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
        // the unit's mark: one character per unit, or one for nearly all and the units that differ (flagx)
        var x = D.flagx && D.flagx[i] !== undefined ? D.flagx[i] : null;
        var m = D.flag ? (x || (D.flag.length === 1 ? D.flag : D.flag.charAt(i))).charCodeAt(0) - 48 : -1;
        var out = "<b>" + G.names[i] + "</b><br>" + D.label + ": " + (D.approx[i] ? "≈ " : "") + text
                  + (m >= 0 ? ' <span class="antt-flag">' + D.marks[m] + "</span>" : "");
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
    if (S.outline) {  // province outlines and names above the units, never in the way of a click
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
    function load(geo) {
        G = geo;
        G.codes.forEach(function(c, i) { index[c] = i; });
        layer.addData({type: "FeatureCollection", features: G.f.map(function(polys, i) {
            return {type: "Feature", id: G.codes[i], properties: {code: G.codes[i]},
                    geometry: {type: "MultiPolygon", coordinates: polys.map(function(p) { return p.map(ring); })}};
        })});
        window.anttReady = true;
        painted();
    }
    if (G) {
        var inline = G;
        G = null;
        load(inline);
    } else {
        fetch(S.url, {credentials: "same-origin"}).then(function(r) { return r.json(); }).then(load);
    }
    return layer;
}
