"""A set's display units (read, repaired, simplified once: :func:`geo.units.boundaries.display_geometry`), kept
in the prepared-geometry cache (:mod:`geo.units.geocache`) so that a restart, or another process behind the
proxy, reads them back in milliseconds instead of preparing the set again.

The parts are plain data, never pickles: the columns as JSON and the polygons as WKB, one block with offsets.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from geo.units import boundaries as gb
from geo.units import geocache

# Bump when loading, repairing or simplifying changes what a set's display units are: every entry is rebuilt.
UNITS_VERSION = "1"
_MEMO: dict[tuple[str, str], object] = {}
_MEMO_LOCK = threading.Lock()


def units_to_parts(gdf) -> dict[str, bytes]:
    import numpy as np
    import shapely

    columns = [c for c in gdf.columns if c in ("code", "name") or c.startswith("parent_")]
    table = {c: [str(v) for v in gdf[c]] for c in columns}
    wkb = shapely.to_wkb(np.asarray(gdf.geometry.values), include_srid=False)
    sizes = [len(b) for b in wkb]
    grid = float(np.nanmax(shapely.get_precision(np.asarray(gdf.geometry.values)), initial=0.0))
    meta = {"columns": columns, "sizes": sizes, "crs": gb.CRS, "grid": grid,
            "attrs": {k: gdf.attrs[k] for k in ("set_id", "repaired") if k in gdf.attrs}}
    return {"meta": json.dumps(meta).encode("utf-8"), "table": json.dumps(table, ensure_ascii=False).encode("utf-8"),
            "wkb": b"".join(wkb)}


def units_from_parts(parts: dict[str, bytes]):
    import geopandas as gpd
    import numpy as np
    import shapely

    meta = json.loads(parts["meta"])
    table = json.loads(parts["table"])
    blob, pos, chunks = parts["wkb"], 0, []
    for size in meta["sizes"]:
        chunks.append(blob[pos:pos + size])
        pos += size
    geoms = shapely.from_wkb(np.array(chunks, dtype=object))
    if meta.get("grid"):  # WKB does not carry the precision grid; what is computed from the units depends on it
        geoms = shapely.set_precision(geoms, meta["grid"], mode="pointwise")  # rounded already
    out = gpd.GeoDataFrame({c: table[c] for c in meta["columns"]}, geometry=list(geoms), crs=meta["crs"])
    out.attrs.update(meta["attrs"])
    return out


def units_entry(set_id: str, path: Path) -> Path:
    return geocache.entry_path(set_id, "units", geocache.content_hash(path), UNITS_VERSION)


def display_units(set_id: str, folder: Path | None = None):
    """The set's display units (GeoDataFrame: code, name, parent_*, geometry): from this process's memory, else
    from the cache folder, else prepared from the file (and written to the cache). Raises BoundaryError when
    the set's file is not there. Shared between callers: treat as read-only."""
    src = gb.unit_source(set_id, folder)
    path = src.path
    if path is None:
        return gb.load_boundary_set(set_id, folder)  # raises the Vietnamese "file missing" message
    key = (set_id, geocache.content_hash(path))
    units = _MEMO.get(key)
    if units is None:
        def build():
            return units_to_parts(gb.display_geometry(gb.load_boundary_set(set_id, folder)))

        parts, _built = geocache.load_or_build(units_entry(set_id, path), build)
        units = units_from_parts(parts)
        with _MEMO_LOCK:
            units = _MEMO.setdefault(key, units)
            for old in [k for k in _MEMO if k[0] == set_id and k != key]:
                del _MEMO[old]  # the file changed: the old units are no longer drawn
    units.attrs.update(set_id=set_id, fingerprint=src.fingerprint)
    return units
