"""Display geometry encoded once per boundary set: quantized, delta-encoded rings (decoded by the maps'
JavaScript), a content-hashed file name, province outlines with label points."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from geo.carto.assets import script_json


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
    text = script_json(payload)
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


def geometry_file_name(layer: DisplayLayer, area: tuple = (), kind: str = "") -> str:
    """A name carrying the content hash of the encoded geometry: the browser may keep the file for good, and a
    new boundary file (or repair) gives a new name. ``kind`` names another file made from the same layer
    (``outline``: :func:`outline_json`), which must not share the layer's own name (files are written once)."""
    import hashlib
    import re

    digest = hashlib.sha256(layer.geometry_json.encode("utf-8")).hexdigest()[:16]
    stem = re.sub(r"[^a-z0-9-]+", "-", (layer.set_id or "set").lower()).strip("-") or "set"
    prefix = "".join(f"{p}-" for p in (kind, "area" if area else "") if p)
    return f"{stem}-{prefix}{digest}.json"


def outline_json(layer: DisplayLayer, first: tuple[str, ...] = ()) -> str:
    """An outline layer's file: the compact geometry, a label point (lat, lon) per feature and ``rank``, the
    features' positions in the order the map places names: the codes in ``first`` (the centrally-run cities,
    from the set's ``label_first``), then the rest from the largest area to the smallest."""
    import json

    data = json.loads(layer.geometry_json)
    data["p"] = [list(p) for p in layer.label_points]
    areas = feature_areas(layer)
    priority = {code: k for k, code in enumerate(first)}
    codes = list(layer.codes)
    data["rank"] = sorted(range(len(areas)), key=lambda i: (priority.get(codes[i], len(priority)), -areas[i], i))
    return script_json(data)


def feature_areas(layer: DisplayLayer) -> list[float]:
    """Each feature's area in square degrees of longitude scaled by cos(latitude) (enough to rank them)."""
    import shapely

    out = []
    for f in decode_display_layer(layer):
        geom = shapely.geometry.shape(f["geometry"])
        if geom.is_empty:
            out.append(0.0)
            continue
        out.append(float(geom.area) * math.cos(math.radians(geom.centroid.y)))
    return out


def full_stroke_zoom(bounds) -> int:
    """The zoom from which commune outlines are drawn in full: about where a province fills the map."""
    extent = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-6)
    return 10 if extent < 1.5 else 9
