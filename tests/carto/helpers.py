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


def _layer_data(out: str) -> dict:
    """What the map's script hands to Leaflet, parsed as JSON: G (geometry, codes, names), D (per indicator)."""
    g = json.loads(re.search(r"var G = (.*?);\n", out).group(1))
    d = json.loads(re.search(r"var D = (.*?);\n", out).group(1))
    styles = {c: (d["palette"][k] if k >= 0 else d["nodata"]) for c, k in zip(g["codes"], d["cls"])}
    tips = {c: f"{n} {d['label']}: {v}" for c, n, v in zip(g["codes"], g["names"], d["vals"])}
    return {"geometry": g, "styles": styles, "tips": tips, "highlight": d["highlight"]}


def _map(units, frame, iid, **kw):
    values = indicator_values(frame, iid, CAT)
    cls = classify(values, "quantiles", 5)
    return build_choropleth(units, frame, values, CAT[iid], CAT, cls, attribution="Ranh giới: thử", **kw), cls
