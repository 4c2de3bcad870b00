"""What the API serves, read once and kept: the store, and each collection's features ready to send.

The numbers come from the one view loader (geo.analysis.view.load_view) and the features module
(geo.outputs.features); nothing here computes a value. A collection is kept per (set, boundary file, data
version, period, public or internal): a new import is a new key, so a request never sees an old version. Each
feature is serialized to GeoJSON once; a page of items is then a join of ready strings (the national set's
3,321 features in well under a second).
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from geo.access.auth import open_store
from geo.access.indicators import install_definitions
from geo.analysis.view import load_view
from geo.config import setting
from geo.outputs.features import feature_table
from geo.outputs.present import small_count_threshold
from geo.units import boundaries as gb
from geo.units.vintage import periods_on_set, table_version_key

_LOCK = threading.RLock()
_STORES: dict = {}
_COLLECTIONS: OrderedDict = OrderedDict()
MAX_KEPT = 8


def get_store():
    """The app's store (as pages/shared/data.py opens it: writes only by a signed-in editor; the API writes none)."""
    key = (setting("ANTT_DATABASE_URL"), str(setting("ANTT_DATA_DIR")))
    with _LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = open_store(key[0])
        install_definitions(store)
        return store


def set_ids() -> list[str]:
    return [info.id for info in gb.list_boundary_sets()]


def periods(store, set_id: str) -> list[str]:
    return periods_on_set(store, set_id)


@dataclass(frozen=True)
class Collection:
    """One (set, period) as features: codes in the set's order, their bounding boxes, and each feature's
    GeoJSON text; ``table`` holds the properties (for the wide-table endpoint)."""

    set_id: str
    period: str | None
    version: int | None
    sample: bool
    codes: tuple[str, ...]
    bounds: np.ndarray  # n × 4: minx, miny, maxx, maxy
    geometry: tuple  # shapely geometries, for bbox tests
    texts: tuple[str, ...]
    table: object
    index: dict

    def find(self, code: str) -> int | None:
        return self.index.get(code)


def _clean(value):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else round(value, 6)
    return value


def _build(store, set_id: str, period: str | None, internal: bool, area: tuple) -> Collection:
    import shapely

    view = load_view(set_id, period, area, "whole", store)
    table = feature_table(view.frame, set_id, internal=internal)
    units = view.units
    codes = tuple(str(c) for c in units["code"])
    geoms = units.geometry.values
    geo_texts = shapely.to_geojson(np.asarray(geoms), indent=None)
    rows = table.loc[list(codes)]
    columns = list(rows.columns)
    texts = []
    for code, geo_text, values in zip(codes, geo_texts, rows.itertuples(index=False, name=None)):
        props = json.dumps({c: _clean(v) for c, v in zip(columns, values)}, ensure_ascii=False)
        texts.append(f'{{"type":"Feature","id":{json.dumps(code)},"geometry":{geo_text},"properties":{props}}}')
    return Collection(set_id, view.meta.period, view.meta.version, view.meta.sample,
                      codes, shapely.bounds(np.asarray(geoms)), tuple(geoms), tuple(texts), table,
                      {c: i for i, c in enumerate(codes)})


def collection(set_id: str, period: str | None, internal: bool, area: tuple = ()) -> Collection:
    """The features of ``set_id`` for ``period`` (already checked; None = the latest), kept per data version."""
    store = get_store()
    fingerprint = gb.unit_source(set_id).fingerprint
    if period is None:
        known = periods(store, set_id)
        period = known[-1] if known else None
    key = (set_id, fingerprint, table_version_key(store, set_id, period), period, internal, area,
           small_count_threshold(), setting("ANTT_DATABASE_URL"), str(setting("ANTT_DATA_DIR")))
    with _LOCK:
        found = _COLLECTIONS.get(key)
        if found is not None:
            _COLLECTIONS.move_to_end(key)
            return found
        built = _build(store, set_id, period, internal, area)
        _COLLECTIONS[key] = built
        while len(_COLLECTIONS) > MAX_KEPT:
            _COLLECTIONS.popitem(last=False)
        return built


def in_bbox(coll: Collection, bbox: tuple[float, float, float, float]) -> list[int]:
    """Positions of the features whose geometry meets ``bbox`` (minx, miny, maxx, maxy), in order."""
    import shapely

    minx, miny, maxx, maxy = bbox
    b = coll.bounds
    near = np.flatnonzero((b[:, 0] <= maxx) & (b[:, 2] >= minx) & (b[:, 1] <= maxy) & (b[:, 3] >= miny))
    box = shapely.box(minx, miny, maxx, maxy)
    return [int(i) for i in near if shapely.intersects(coll.geometry[i], box)]
