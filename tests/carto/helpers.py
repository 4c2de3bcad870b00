"""Shared by the tests of geo/carto: the district's real display polygons, the sample joined to them."""

import json
import re

from geo.analysis.classify import classify
from geo.analysis.join import joined_table
from geo.carto.maps import build_choropleth
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.reference.sample import sample_table

CAT = load_catalog()


def _frame(units, mutate=None):
    table = sample_table()
    if mutate:
        mutate(table)
    frame, _ = joined_table(units, table)
    return frame


def _decoded(out: str) -> str:
    """Undo folium's JSON escaping so that assertions read what the browser's JavaScript sees."""
    for a, b in (("\\u0026", "&"), ("\\u003c", "<"), ("\\u003e", ">"), ('\\"', '"')):
        out = out.replace(a, b)
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), out)


def _number(v, d: int, sep) -> str:
    """A value as layer.js's ``num`` writes it: ``d`` decimals, thousands and decimal separators ``sep``."""
    whole, _, frac = f"{abs(v):.{d}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("-" if v < 0 else "") + sep[0].join([whole, *groups]) + (sep[1] + frac if frac else "")


def _layer_data(out: str) -> dict:
    """What the map's script hands to Leaflet (layer.js's ``anttMount(map, S, G, D)``), parsed as JSON:
    G (geometry, codes, names), D (per indicator, the live map's shape); tooltips as layer.js writes them."""
    s = json.loads(re.search(r"var S = (.*?);\n", out).group(1))
    g = json.loads(re.search(r"var G = (.*?);\n", out).group(1))
    d = json.loads(re.search(r"var D = (.*?);\n", out).group(1))
    classes = [ord(k) - 48 for k in d["cls"]]
    styles = {c: (d["palette"][k] if 0 <= k < 10 else s["nodata"]) for c, k in zip(g["codes"], classes)}
    tips = {}
    for i, (c, n, v) in enumerate(zip(g["codes"], g["names"], d["v"])):
        text = d["missing"] if v is None else (d["texts"][v] if d.get("texts") else
                                               _number(v, d["d"], d["sep"]) + d["suffix"])
        tips[c] = f"{n} {d['label']}: {'≈ ' if d['approx'] and d['approx'][i] else ''}{text}"
    return {"geometry": g, "styles": styles, "tips": tips, "highlight": d["highlight"], "setup": s}


def _map(units, frame, iid, **kw):
    values = indicator_values(frame, iid, CAT)
    cls = classify(values, "quantiles", 5)
    return build_choropleth(units, frame, values, CAT[iid], CAT, cls, attribution="Ranh giới: thử", **kw), cls
