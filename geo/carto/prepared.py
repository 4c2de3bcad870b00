"""A set's map layers prepared once and kept in the prepared-geometry cache (:mod:`geo.units.geocache`): the
encoded communes (with their label points), the provinces dissolved from them, and the province outline file
with its label ranks. A restart or another process behind the proxy reads them back instead of preparing
them again; :func:`warm_up` does it for every registered set at server start, in the background.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path

from geo.carto.geometry import DisplayLayer, outline_json, prepare_display_layer
from geo.units import boundaries as gb
from geo.units import geocache
from geo.units.display import UNITS_VERSION, display_units

# Bump when the encoding, the dissolve into provinces or the outline file changes: every entry is rebuilt.
MAP_VERSION = "1"
PROVINCE_MIN_UNITS = 200  # sets this large get province outlines (the national sets)
_MEMO: dict[tuple[str, str], "PreparedMap"] = {}
_MEMO_LOCK = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedMap:
    """The set's communes and (for national sets) provinces, encoded, and the provinces' outline file text
    (``None`` both for sets too small to need them)."""

    layer: DisplayLayer
    provinces: DisplayLayer | None
    outline: str | None


def _layer_parts(prefix: str, layer: DisplayLayer) -> dict[str, bytes]:
    meta = {f.name: getattr(layer, f.name) for f in fields(DisplayLayer) if f.name != "geometry_json"}
    return {f"{prefix}.meta": json.dumps(meta).encode("utf-8"), f"{prefix}.json": layer.geometry_json.encode("utf-8")}


def _layer_from(parts: dict[str, bytes], prefix: str) -> DisplayLayer | None:
    if f"{prefix}.meta" not in parts:
        return None
    meta = json.loads(parts[f"{prefix}.meta"])
    return DisplayLayer(meta["set_id"], tuple(meta["codes"]), parts[f"{prefix}.json"].decode("utf-8"),
                        tuple(meta["bounds"]), tuple(tuple(p) for p in meta["label_points"]), meta["quantum"])


def build_map(set_id: str, units) -> PreparedMap:
    """Encode the set's display units; for a national set also dissolve them into provinces and rank the
    provinces' labels (the cities of ``label_first`` first)."""
    layer = prepare_display_layer(units, set_id)
    column = gb.province_column(set_id)
    if column is None or len(units) < PROVINCE_MIN_UNITS:
        return PreparedMap(layer, None, None)
    provinces = prepare_display_layer(gb.dissolve_units(units, column), set_id + "-provinces")
    return PreparedMap(layer, provinces, outline_json(provinces, gb.get_boundary_set_info(set_id).label_first))


def map_to_parts(prepared: PreparedMap) -> dict[str, bytes]:
    parts = _layer_parts("layer", prepared.layer)
    if prepared.provinces is not None:
        parts.update(_layer_parts("provinces", prepared.provinces))
        parts["outline"] = prepared.outline.encode("utf-8")
    return parts


def map_from_parts(parts: dict[str, bytes]) -> PreparedMap:
    outline = parts.get("outline")
    return PreparedMap(_layer_from(parts, "layer"), _layer_from(parts, "provinces"),
                       outline.decode("utf-8") if outline is not None else None)


def map_version(set_id: str) -> str:
    """The preparation version of a set's map entry: the encoding's, the units', and the label order's."""
    first = "|".join(gb.get_boundary_set_info(set_id).label_first)
    return f"{MAP_VERSION}.{UNITS_VERSION}.{hashlib.sha256(first.encode('utf-8')).hexdigest()[:8]}"


def map_entry(set_id: str, path: Path) -> Path:
    return geocache.entry_path(set_id, "map", geocache.content_hash(path), map_version(set_id))


def prepared_map(set_id: str, folder: Path | None = None) -> PreparedMap | None:
    """The set's prepared map layers: from memory, else the cache folder, else prepared and written there.
    None when the set's file is not there (the maps then draw centroids)."""
    path = gb.boundary_file(gb.get_boundary_set_info(set_id), folder)
    if path is None:
        return None
    key = (set_id, geocache.content_hash(path))
    prepared = _MEMO.get(key)
    if prepared is None:
        parts, _built = geocache.load_or_build(
            map_entry(set_id, path), lambda: map_to_parts(build_map(set_id, display_units(set_id, folder))))
        prepared = map_from_parts(parts)
        with _MEMO_LOCK:
            prepared = _MEMO.setdefault(key, prepared)
            for old in [k for k in _MEMO if k[0] == set_id and k != key]:
                del _MEMO[old]
    return prepared


def warm_up(set_ids=None, folder: Path | None = None, store: bool = False) -> dict[str, float]:
    """Prepare (or read back) every registered set whose file is present: its display units and map layers.
    With ``store`` (the server's start) it also opens the app's store (migrated, as the first page does) and
    reads back each national set's newest table if it is kept on disk: the libraries, the catalogue and the
    store code the first map needs are then loaded before a link is opened. It never reads a table from the
    store itself: the national ones are kept on disk by the first view that reads them (geo.store.reads), and
    reading half a million values of a new store at start slowed the first users' changes.
    Returns the seconds each took (``imports``: the libraries the first map run needs). Errors are logged, never
    raised: a bad file must not stop the server, and the page that draws it says what is wrong."""
    done = {}
    t0 = time.perf_counter()
    for module in ("geopandas", "folium"):  # what the first map run imports (seconds, once)
        try:
            __import__(module)
        except ImportError:  # noqa: PERF203 - reported by the page that needs it
            log.warning("warm-up: %s is not installed", module)
    done["imports"] = time.perf_counter() - t0
    opened = None
    if store and folder is None:
        geocache.wait_until_quiet()
        try:
            opened = _open_store()
        except Exception:  # noqa: BLE001 - logged; the pages say what is wrong with the store
            log.exception("warm-up: the store could not be opened")
    for info in gb.list_boundary_sets():
        if set_ids is not None and info.id not in set_ids:
            continue
        if gb.boundary_file(info, folder) is None:
            continue
        steps = [lambda s=info.id: display_units(s, folder), lambda s=info.id: prepared_map(s, folder)]
        if folder is None:
            steps.append(lambda s=info.id: gb.unit_list(s))  # the area pickers' lists
        if opened is not None and _national(info.id):
            steps.append(lambda s=info.id: opened.current_table(s, kept_only=True))
        t0 = time.perf_counter()
        try:
            for step in steps:
                # a user's script run first (the set it asks for it prepares or reads itself): before each
                # step, so a link opened during the warm-up waits at most for the step under way
                geocache.wait_until_quiet()
                step()
        except Exception:  # noqa: BLE001 - logged; the page shows the set's own error message
            log.exception("warm-up of boundary set %s failed", info.id)
            continue
        done[info.id] = time.perf_counter() - t0
    if opened is not None:
        opened.dispose()
    return done


def _open_store():
    from geo.access.auth import open_store
    from geo.config import setting

    return open_store(setting("ANTT_DATABASE_URL"))


def _national(set_id: str) -> bool:
    """Whether the set's current tables are large enough to be kept on disk (geo.store.reads)."""
    from geo.store.reads import SNAPSHOT_MIN_UNITS

    return len(display_units(set_id)) >= SNAPSHOT_MIN_UNITS  # read just before (kept in memory)


def start_warm_up(set_ids=None, folder: Path | None = None, store: bool = True) -> threading.Thread:
    """:func:`warm_up` in a daemon thread (the server's start-up hook): the server answers meanwhile."""
    thread = threading.Thread(target=warm_up, args=(set_ids, folder, store), name="antt-geometry-warm-up",
                              daemon=True)
    thread.start()
    return thread
