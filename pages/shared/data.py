"""Cached data access, the app side's only st.cache_*: the store, boundary geometry (whole set, an area, the
provinces) and its static files, the one view cache, classifications, and the files built from a view
(downloads, slide maps), keyed on what they are built from (frame_key: the units too, not only their number).

Caches key on hashable ids (set id, file fingerprint, data version), never on GeoDataFrames; every cache has
max_entries.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.config import setting
from geo.reference.catalog import load_catalog
from geo.text.i18n import t
from geo.text.names import vi_sorted
from geo.units import boundaries as gb
from pages.shared.state import AREA_MIN_UNITS, current_area, current_method, current_period, current_set_id


ROOT = Path(__file__).resolve().parents[2]


@st.cache_resource(max_entries=1, show_spinner=False)
def map_assets() -> str:
    """Copy Leaflet from the xstatic-leaflet package into ./static/vendor/leaflet (served by Streamlit's static
    file serving) and return its URL, so maps never need a CDN."""
    from geo.carto.maps import install_leaflet

    install_leaflet(ROOT / "static")  # also done at server start (app.py), before nginx may serve it
    return "/app/static/vendor/leaflet/"


@st.cache_resource(max_entries=1, show_spinner=False)
def layer_js() -> str:
    """The URL of the maps' layer script (geo/carto/layer.js, written once into ./static under a name made of
    its content): the live map loads it once per page instead of carrying it in every rerun."""
    from geo.carto.maps import install_layer_script

    return "/app/static/vendor/antt/" + install_layer_script(ROOT / "static")  # also done at server start


@st.cache_resource(max_entries=2, show_spinner=False)
def _store(url: str | None, data_dir: str | None):
    from geo.access.auth import open_store

    return open_store(url)  # writes need a signed-in editor's Actor (geo.access.auth.authorize_write)


def get_store():
    from geo.access.indicators import install_definitions

    store = _store(setting("ANTT_DATABASE_URL"), str(setting("ANTT_DATA_DIR")))
    install_definitions(store)  # the catalog merges the admins' indicators from this store (issue 13)
    return store


# Shown once per boundary set and server (the national sets take seconds to repair and simplify); fixed when
# the cache is declared, so it says both languages.
PREPARING = t("sidebar_boundaries_preparing")


@st.cache_resource(max_entries=8, show_spinner=PREPARING)
def _units(set_id: str, fingerprint: str):
    from geo.units.display import display_units

    return display_units(set_id)  # prepared once per file and version, on disk (geo.units.geocache)


@st.cache_resource(max_entries=8, show_spinner=PREPARING)
def _layer(set_id: str, fingerprint: str):
    from geo.carto.prepared import prepared_map

    return prepared_map(set_id).layer


@st.cache_resource(max_entries=16, show_spinner=False)
def _area_layer(set_id: str, fingerprint: str, area: tuple):
    from geo.carto.maps import prepare_display_layer

    units = _units(set_id, fingerprint)
    return prepare_display_layer(units[gb.area_mask(units, area)], set_id)


def display_layer(set_id: str, area: tuple | None = None):
    """The set's geometry serialized once for maps (None when only centroids are available); for an area
    (default: the one chosen in the sidebar; ``()`` = the whole set), that area's units only, serialized once
    per area."""
    src = gb.unit_source(set_id)
    if src.fallback:
        return None
    area = current_area(set_id) if area is None else area
    if not area:
        return _layer(set_id, src.fingerprint)
    return _area_layer(set_id, src.fingerprint, area)


GEOMETRY_URL = "/app/static/geo/"


@st.cache_resource(max_entries=32, show_spinner=False)
def geometry_file(set_id: str, fingerprint: str, area: tuple) -> str:
    """Write the area's encoded geometry once to ./static/geo/<set>-<content hash>.json (served by Streamlit's
    static serving, kept by the browser's HTTP cache) and return its URL."""
    from geo.carto.maps import geometry_file_name

    layer = _layer(set_id, fingerprint) if not area else _area_layer(set_id, fingerprint, area)
    return write_static(geometry_file_name(layer, area), layer.geometry_json)


def write_static(name: str, text: str) -> str:
    """``text`` as ./static/geo/<name> (written once, atomically: geo.carto.maps.write_once) and its URL."""
    from geo.carto.maps import write_once

    write_once(ROOT / "static" / "geo", name, text)
    return GEOMETRY_URL + name


@st.cache_resource(max_entries=8, show_spinner=PREPARING)
def _province_layer(set_id: str, fingerprint: str):
    """The provinces of a national set (its communes dissolved by province once per set and file), encoded
    like any display layer; None for sets too small to need them."""
    from geo.carto.prepared import prepared_map

    return prepared_map(set_id).provinces


def province_layer(set_id: str):
    src = gb.unit_source(set_id)
    return None if src.fallback else _province_layer(set_id, src.fingerprint)


@st.cache_resource(max_entries=8, show_spinner=False)
def outline_file(set_id: str, fingerprint: str) -> str | None:
    """Province outlines (with a label point each) as a static file, drawn above the communes."""
    import hashlib

    from geo.carto.maps import geometry_file_name
    from geo.carto.prepared import prepared_map

    prepared = prepared_map(set_id)
    if prepared is None or prepared.provinces is None:
        return None
    first = gb.get_boundary_set_info(set_id).label_first  # part of the file, so part of its name
    kind = "outline-" + hashlib.sha256("|".join(first).encode("utf-8")).hexdigest()[:8]
    return write_static(geometry_file_name(prepared.provinces, kind=kind), prepared.outline)


@st.cache_resource(max_entries=64, show_spinner=False)
def area_options(set_id: str, fingerprint: str, col: str, within: tuple) -> list[str] | None:
    """The picker's choices at one level (``within`` = the levels chosen above it), sorted once per server
    for every session; None for sets too small for the picker."""
    units = gb.unit_list(set_id)
    if len(units) < AREA_MIN_UNITS:
        return None
    units = units[gb.area_mask(units, within)]
    return [""] + vi_sorted(sorted(set(units[col])))


@st.cache_resource(max_entries=8, show_spinner=False)
def _fallback(set_id: str):
    return gb.fallback_points(set_id)


def load_unit_shapes(set_id: str):
    """(display GeoDataFrame, fallback: bool) of the whole set: polygons when the file is there, else centroids.
    (Not geo.units.resolver.load_units, which gives a UnitIndex for matching.)"""
    src = gb.unit_source(set_id)
    if src.polygons:
        return _units(set_id, src.fingerprint), False
    return _fallback(set_id), True


@st.cache_data(max_entries=32, show_spinner=False)
def _table(set_id: str, period: str | None, method: str, version_key: tuple, db_key: tuple):
    from geo.units.vintage import table_on_set

    return table_on_set(get_store(), set_id, period, method)


def _db_key() -> tuple:
    return (setting("ANTT_DATABASE_URL"), str(setting("ANTT_DATA_DIR")))


@st.cache_resource(max_entries=16, show_spinner=False)
def _view(set_id: str, fingerprint: str, version_key: tuple, period: str | None, area: tuple, method: str,
          db_key: tuple):
    """The one view cache (geo.analysis.view.load_view). A new data version is a new key, so an import never
    clears other sets' or periods' views; the oldest entries leave when max_entries is reached. Shared
    between sessions (cache_resource, no copy): callers treat the view as read-only."""
    from geo.analysis.view import load_view

    units, fallback = load_unit_shapes(set_id)
    return load_view(set_id, period, area, method, get_store(), units=units, fallback=fallback,
                     table=_table(set_id, period, method, version_key, db_key))


def load_view(set_id: str | None = None, period: str | None = None, area: tuple | None = None):
    """The view (units, frame, join report, meta) of the set, period, area and crosswalk method in the
    sidebar, cached on (set, file fingerprint, data version, period, area, method)."""
    from geo.analysis.view import resolve_period
    from geo.units.vintage import table_version_key

    set_id = set_id or current_set_id()
    store = get_store()
    period = resolve_period(store, set_id, period if period is not None else current_period())
    src = gb.unit_source(set_id)
    return _view(set_id, src.fingerprint, table_version_key(store, set_id, period), period,
                 (current_area(set_id) if area is None else area) if src.polygons else (), current_method(),
                 _db_key())


def load_joined(set_id: str | None = None, period: str | None = None):
    """(units GeoDataFrame, joined wide table on the set's codes, JoinReport, fallback), from the view."""
    view = load_view(set_id, period)
    return view.units, view.frame, view.join_report, view.meta.fallback


@st.cache_resource(max_entries=256, show_spinner=False)
def _classify(digest: str, method: str, k: int, breaks: tuple | None, scheme: str, reverse: bool, _values):
    from geo.analysis.classify import classify

    return classify(_values, method, k, breaks=list(breaks) if breaks is not None else None, scheme=scheme,
                    reverse=reverse)


def cached_classify(values, method: str, k: int, breaks: tuple | None, scheme: str, reverse: bool):
    """geo.analysis.classify once per server for the same values and choices, shared by every session: callers
    treat the Classification as read-only. Keyed on a digest of the Series' codes and values: Streamlit's own
    hashing of the Series (pandas' per-element hash) was 8 % of a national change under load (py-spy)."""
    return _classify(values_digest(values), method, k, breaks, scheme, reverse, values)


def values_digest(values) -> str:
    """BLAKE2 of a Series' index (as text) and values (as float64 bytes, NaN included)."""
    import hashlib

    import numpy as np

    h = hashlib.blake2b(digest_size=20)
    h.update("\x1f".join(map(str, values.index.to_numpy(dtype=object))).encode("utf-8"))
    h.update(np.ascontiguousarray(values.to_numpy(dtype="float64", na_value=np.nan)).tobytes())
    return h.hexdigest()


def indicator_choices(period: str | None, public_only: bool = False) -> list[str]:
    """The picker's indicator ids for ``period``: only those valid in it (issue 13), rates first."""
    catalog = load_catalog()
    return (catalog.valid_in(period) if period else catalog).map_choices(public_only=public_only)


# ---------------------------------------------------------------- files built from a view


def frame_key(frame, set_id: str) -> tuple:
    """What a file is built from: the set, period, data version… and which units — two districts (or a
    district and the province map) with as many units must not get each other's files."""
    import hashlib

    a = frame.attrs
    codes = map(str, frame.index.tolist())  # tolist: 7× faster than iterating an Arrow-backed index
    units = hashlib.sha256("|".join(codes).encode("utf-8")).hexdigest()
    return (set_id, a.get("period"), a.get("version"), bool(a.get("sample")), len(frame),
            a.get("converted_from"), a.get("method"), units)


def classes_key(classification) -> tuple:
    if classification is None:
        return ()
    return (classification.method, tuple(classification.upper), tuple(classification.colors))


@st.cache_data(max_entries=16, show_spinner=False)
def map_png_file(key: tuple, indicator_id: str, cls_key: tuple, lang: str, _view) -> bytes:
    from geo.outputs import exports

    return exports.map_png(_view)  # _view: the page's geo.outputs.outview.OutputView, keyed by the others


@st.cache_data(max_entries=16, show_spinner=False)
def map_html_file(key: tuple, indicator_id: str, cls_key: tuple, lang: str, _view) -> bytes:
    from geo.outputs import exports

    return exports.map_html(_view)


@st.cache_data(max_entries=16, show_spinner=False)
def data_file(key: tuple, fmt: str, lang: str, public_only: bool, _view) -> bytes:
    from geo.outputs import exports

    return (exports.data_xlsx if fmt == "xlsx" else exports.data_csv)(_view, public_only=public_only)


@st.cache_data(max_entries=8, show_spinner=False)
def gpkg_file(key: tuple, public_only: bool, _units, _frame) -> bytes:
    """The view's units with the period's values as a GeoPackage layer (for QGIS), as the API serves them."""
    from geo.outputs import features

    table = features.feature_table(_frame, key[0], internal=not public_only)
    return features.gpkg_bytes([(key[0], features.features_frame(_units, table))])


@st.cache_data(max_entries=8, show_spinner=False)
def brief_file(key: tuple, indicator_id: str, lang: str, _view) -> bytes:
    from geo.outputs import brief

    return brief.brief_pdf(_view)


@st.cache_data(max_entries=8, show_spinner=False)
def pack_file(key: tuple, indicator_id: str, lang: str, _view) -> bytes:
    from geo.outputs import brief

    return brief.forum_pack_zip(_view)


@st.cache_data(max_entries=64, show_spinner=False)
def slide_map_image(key: tuple, indicator_id: str, highlight, lang: str, threshold: int, size: tuple, _view) -> str:
    """A slide's map as base64 PNG, small counts hidden (geo.outputs.present), keyed like the files above."""
    import base64

    from geo.outputs import present
    from geo.outputs.exports import default_classification, map_png

    values, hidden = present.shown_series(_view.frame, indicator_id, threshold, _view.catalog)
    cls = default_classification(_view.frame, indicator_id, _view.catalog, values)  # of the values shown
    png = map_png(_view.showing(indicator_id, cls, values), suppressed=hidden, highlight=highlight, size=size,
                  dpi=110)
    return base64.b64encode(png).decode("ascii")
