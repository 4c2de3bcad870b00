"""Shared page plumbing: language, boundary set and period in the sidebar, cached data access.

Pages stay thin: they read widgets, call geo, render. Caches key on hashable ids (set id, file fingerprint,
version), never on GeoDataFrames.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import streamlit as st

from geo.config import setting
from geo.reference.catalog import load_catalog
from geo.text.i18n import LANGS, t
from geo.text.names import vi_sorted
from geo.text.periods import parse_period
from geo.units import boundaries as gb

ROOT = Path(__file__).resolve().parents[1]
SESSION_LANG = "lang"
SESSION_SET = "boundary_set"
SESSION_PERIOD = "period"


@st.cache_resource(max_entries=1, show_spinner=False)
def map_assets() -> str:
    """Copy Leaflet from the xstatic-leaflet package into ./static/vendor/leaflet (served by Streamlit's static
    file serving) and return its URL, so maps never need a CDN."""
    from geo.carto.maps import install_leaflet

    install_leaflet(ROOT / "static")  # also done at server start (app.py), before nginx may serve it
    return "/app/static/vendor/leaflet/"


def lang() -> str:
    value = st.session_state.get(SESSION_LANG, "vi")
    return value if value in LANGS else "vi"


def tr(key: str, **kwargs) -> str:
    return t(key, lang(), **kwargs)


def current_set_id() -> str:
    return st.session_state.get(SESSION_SET) or gb.default_set_id()


def current_period() -> str | None:
    return st.session_state.get(SESSION_PERIOD)


SESSION_ACTOR = "auth_actor"  # a geo.access.auth.Actor, set only by the sign-in (pages/login.py, app.py for OIDC)
SESSION_LAST_SEEN = "auth_last_seen"


def current_user():
    """The signed-in geo.access.auth.Actor (a str: its name), else an anonymous viewer. Pass it as ``user=`` to the
    store: the app's store accepts only signed-in editors (see geo.access.auth)."""
    from geo.access.auth import Actor

    actor = st.session_state.get(SESSION_ACTOR)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


@st.cache_resource(max_entries=2, show_spinner=False)
def _store(url: str | None, data_dir: str | None):
    from geo.access.auth import open_store

    return open_store(url, strict=True)  # writes need a signed-in editor (geo.access.auth.authorize_write)


def get_store():
    from geo.access.indicators import install_definitions

    store = _store(setting("ANTT_DATABASE_URL"), str(setting("ANTT_DATA_DIR")))
    install_definitions(store)  # the catalog merges the admins' indicators from this store (issue 13)
    return store


# Shown once per boundary set and server (the national sets take seconds to repair and simplify).
PREPARING = "Đang chuẩn bị ranh giới (chỉ lần đầu)… / Preparing the boundaries (first time only)…"


@st.cache_resource(max_entries=8, show_spinner=PREPARING)
def _units(set_id: str, fingerprint: str):
    gdf = gb.load_boundary_set(set_id)
    return gb.display_geometry(gdf)


@st.cache_resource(max_entries=8, show_spinner=PREPARING)
def _layer(set_id: str, fingerprint: str):
    from geo.carto.maps import prepare_display_layer

    return prepare_display_layer(_units(set_id, fingerprint), set_id)


@st.cache_resource(max_entries=16, show_spinner=False)
def _area_layer(set_id: str, fingerprint: str, area: tuple):
    from geo.carto.maps import prepare_display_layer

    units = _units(set_id, fingerprint)
    return prepare_display_layer(units[gb.area_mask(units, area)], set_id)


def display_layer(set_id: str):
    """The set's geometry serialized once for maps (None when only centroids are available); for a chosen
    province or district, that area's units only, serialized once per area."""
    path = gb.boundary_file(gb.get_boundary_set_info(set_id))
    if path is None:
        return None
    area = current_area(set_id)
    if not area:
        return _layer(set_id, gb.file_fingerprint(path))
    return _area_layer(set_id, gb.file_fingerprint(path), area)


GEOMETRY_URL = "/app/static/geo/"


@st.cache_resource(max_entries=32, show_spinner=False)
def _geometry_file(set_id: str, fingerprint: str, area: tuple) -> str:
    """Write the area's encoded geometry once to ./static/geo/<set>-<content hash>.json (served by Streamlit's
    static serving, kept by the browser's HTTP cache) and return its URL."""
    from geo.carto.maps import geometry_file_name

    layer = _layer(set_id, fingerprint) if not area else _area_layer(set_id, fingerprint, area)
    return _write_static(geometry_file_name(layer, area), layer.geometry_json)


def _write_static(name: str, text: str) -> str:
    folder = ROOT / "static" / "geo"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.is_file():
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)  # atomic: another process serving the same file never sees half of it
    return GEOMETRY_URL + name


@st.cache_resource(max_entries=8, show_spinner=PREPARING)
def _province_layer(set_id: str, fingerprint: str):
    """The provinces of a national set (its communes dissolved by province once per set and file), encoded
    like any display layer; None for sets too small to need them."""
    from geo.carto.maps import prepare_display_layer

    column = gb.province_column(set_id)
    units = _units(set_id, fingerprint)
    if column is None or len(units) < AREA_MIN_UNITS:
        return None
    return prepare_display_layer(gb.dissolve_units(units, column), set_id + "-provinces")


def province_layer(set_id: str):
    path = gb.boundary_file(gb.get_boundary_set_info(set_id))
    return None if path is None else _province_layer(set_id, gb.file_fingerprint(path))


@st.cache_resource(max_entries=8, show_spinner=False)
def _outline_file(set_id: str, fingerprint: str) -> str | None:
    """Province outlines (with a label point each) as a static file, drawn above the communes."""
    from geo.carto.maps import geometry_file_name, outline_json

    layer = _province_layer(set_id, fingerprint)
    if layer is None:
        return None
    import hashlib

    first = gb.get_boundary_set_info(set_id).label_first  # part of the file, so part of its name
    kind = "outline-" + hashlib.sha256("|".join(first).encode("utf-8")).hexdigest()[:8]
    return _write_static(geometry_file_name(layer, kind=kind), outline_json(layer, first))


def live_map(set_id: str, frame, values, ind, classification, *, key: str, height: int, highlight=None,
             returned_objects=(), basemap: str = "none", labels: bool = False, layer=None, on_change=None,
             data=None):
    """A choropleth whose geometry the browser fetches once per set (a static file named by its content hash)
    and whose colours change in place: a rerun sends only the per-unit classes and values."""
    from streamlit_folium import st_folium

    from geo.carto.maps import build_live_choropleth, live_update

    info = gb.get_boundary_set_info(set_id)
    path = gb.boundary_file(info)
    fingerprint = gb.file_fingerprint(path)
    if layer is None:  # the set's (or chosen area's) units
        layer = display_layer(set_id)
        url = _geometry_file(set_id, fingerprint, current_area(set_id))
    else:  # another layer of the set (its provinces): written once under its content hash
        from geo.carto.maps import geometry_file_name

        url = _write_static(geometry_file_name(layer), layer.geometry_json)
    m = build_live_choropleth(layer, url, lang=lang(), attribution=info.attribution, basemap=basemap,
                              labels=labels, frame=frame, assets=map_assets(),
                              outline_url=_outline_file(set_id, fingerprint))
    update = live_update(layer, values, frame, ind, load_catalog(), classification, lang=lang(),
                         highlight=highlight, data=data)  # data: categories (geo.carto.live.category_data)
    return st_folium(m, key=key, height=height, use_container_width=True, returned_objects=list(returned_objects),
                     feature_group_to_add=update, on_change=on_change)


def drill_into_province(set_id: str, province: str) -> None:
    """Choose ``province`` as the area (as the sidebar picker would). For widget callbacks: they run before
    the sidebar's pickers are drawn, so their keys may still be set."""
    column = gb.province_column(set_id)
    if not column or not province:
        return
    st.session_state.setdefault(SESSION_AREA, {})[set_id] = {column: province}
    st.session_state[f"area_{set_id}_{column}"] = province
    for key in list(st.session_state.keys()):
        if str(key).startswith(f"area_{set_id}_parent_") and key != f"area_{set_id}_{column}":
            st.session_state[key] = ""


SESSION_AREA = "area"
AREA_MIN_UNITS = 200  # sets this large get the province → district breadcrumb


def current_area(set_id: str) -> tuple:
    """The chosen area as ((parent column, value), ...) from the widest level down; () = the whole set."""
    info = gb.get_boundary_set_info(set_id)
    chosen = st.session_state.get(SESSION_AREA, {}).get(set_id, {})
    out = []
    for i in reversed(range(len(info.parent_columns))):
        value = chosen.get(f"parent_{i}")
        if not value:
            break
        out.append((f"parent_{i}", value))
    return tuple(out)


@st.cache_resource(max_entries=64, show_spinner=False)
def _area_options(set_id: str, fingerprint: str, col: str, within: tuple) -> list[str] | None:
    """The picker's choices at one level (``within`` = the levels chosen above it), sorted once per server
    for every session; None for sets too small for the picker."""
    units = gb.unit_list(set_id)
    if len(units) < AREA_MIN_UNITS:
        return None
    units = units[gb.area_mask(units, within)]
    return [""] + vi_sorted(sorted(set(units[col])))


def area_picker(set_id: str) -> None:
    """Province → district pickers for national sets; the map zooms to the choice."""
    info = gb.get_boundary_set_info(set_id)
    if not info.parent_columns:
        return
    path = gb.boundary_file(info)
    fingerprint = gb.file_fingerprint(path) if path is not None else "fallback"
    if _area_options(set_id, fingerprint, f"parent_{len(info.parent_columns) - 1}", ()) is None:
        return
    chosen = st.session_state.setdefault(SESSION_AREA, {}).setdefault(set_id, {})
    within: tuple = ()
    for i in reversed(range(len(info.parent_columns))):
        col = f"parent_{i}"
        options = _area_options(set_id, fingerprint, col, within)
        level = tr("area_province") if i == len(info.parent_columns) - 1 else tr("area_district")
        current = chosen.get(col, "")
        value = st.selectbox(level, options, index=options.index(current) if current in options else 0,
                             key=f"area_{set_id}_{col}", format_func=lambda v: v or tr("area_all"))
        if value != current:
            chosen[col] = value
            for j in range(i):  # a new province resets the district
                chosen.pop(f"parent_{j}", None)
        if not value:
            break
        within += ((col, value),)
    crumbs = [tr("area_country")] + [v for _, v in current_area(set_id)]
    st.caption(" › ".join(crumbs))


@st.cache_resource(max_entries=8, show_spinner=False)
def _fallback(set_id: str):
    return gb.fallback_points(set_id)


def load_unit_shapes(set_id: str):
    """(display GeoDataFrame, fallback: bool) of the whole set: polygons when the file is there, else centroids.
    (Not geo.units.resolver.load_units, which gives a UnitIndex for matching.)"""
    info = gb.get_boundary_set_info(set_id)
    path = gb.boundary_file(info)
    if path is not None:
        return _units(set_id, gb.file_fingerprint(path)), False
    return _fallback(set_id), True


SESSION_METHOD = "crosswalk_method"


def current_method() -> str:
    return st.session_state.get(SESSION_METHOD, "whole")


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
    path = gb.boundary_file(gb.get_boundary_set_info(set_id))
    fingerprint = gb.file_fingerprint(path) if path is not None else "fallback"
    return _view(set_id, fingerprint, table_version_key(store, set_id, period), period,
                 (current_area(set_id) if area is None else area) if path is not None else (), current_method(),
                 _db_key())


def load_joined(set_id: str | None = None, period: str | None = None):
    """(units GeoDataFrame, joined wide table on the set's codes, JoinReport, fallback), from the view."""
    view = load_view(set_id, period)
    return view.units, view.frame, view.join_report, view.meta.fallback


def language_picker() -> None:
    st.radio("Ngôn ngữ / Language", options=list(LANGS), key=SESSION_LANG, horizontal=True,
             format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code])


def oidc_enabled() -> bool:
    """Whether Streamlit's st.login is configured (an [auth] section in secrets)."""
    from geo.access.auth import oidc_configured

    try:
        return oidc_configured(st.secrets)
    except Exception:  # no secrets file at all
        return False


def client_address() -> str:
    """The browser's address, for the sign-in throttle and the audit log ("-" unknown).

    Streamlit reports None for a loopback peer. Behind the shipped nginx (deploy/nginx/antt.conf) every peer
    is loopback — the app listens on 127.0.0.1 only — and nginx passes the reader's own address in X-Real-IP,
    overwriting whatever the browser sent; only then is that header believed, and only if it is an address."""
    import ipaddress

    try:
        ip = st.context.ip_address
        if ip:
            return ip
        real = (st.context.headers.get("X-Real-Ip") or "").strip()
        return str(ipaddress.ip_address(real)) if real else "-"
    except Exception:
        return "-"


def sidebar() -> None:
    """Language, boundary set and period pickers shared by every page."""
    with st.sidebar:
        language_picker()
        sets = gb.list_boundary_sets()
        ids = [s.id for s in sets]
        if st.session_state.get(SESSION_SET) not in ids:
            st.session_state[SESSION_SET] = gb.default_set_id()
        st.selectbox(
            tr("sidebar_boundary_set"), options=ids, key=SESSION_SET,
            format_func={i: gb.get_boundary_set_info(i).title(lang()) for i in ids}.__getitem__,
        )
        from geo.units.vintage import periods_on_set

        try:
            periods = periods_on_set(get_store(), current_set_id())
        except Exception as exc:  # the store is unreachable: say so, do not hide it
            st.error(tr("app_store_unreachable", error=str(exc)))
            periods = []
        if periods:
            if st.session_state.get(SESSION_PERIOD) not in periods:
                st.session_state[SESSION_PERIOD] = periods[-1]
            st.selectbox(
                tr("sidebar_period"), options=periods, key=SESSION_PERIOD,
                format_func={p: parse_period(p).label(lang()) for p in periods}.__getitem__,
            )
        else:
            st.session_state[SESSION_PERIOD] = None
            st.caption(tr("sidebar_no_periods"))
        area_picker(current_set_id())
        from geo.units.vintage import sources_for

        if sources_for(current_set_id()):
            crosswalk_method_picker()


def sample_banner(table) -> None:
    """The sample label, and a note when the numbers were carried from another boundary vintage."""
    if table.attrs.get("sample"):
        from geo.reference.sample import sample_banner_key

        st.warning(tr(sample_banner_key(table.attrs.get("boundary_set"), table.attrs.get("period"))), icon="⚠️")
    src = table.attrs.get("converted_from")
    if src:
        method = table.attrs.get("method", "whole")
        approx = table.attrs.get("approximate") or []
        st.info(tr("converted_banner", source=gb.get_boundary_set_info(src).title(lang()),
                   method=tr(f"crosswalk_method_{method}"),
                   approx=(tr("converted_approx", n=len(approx)) if approx else tr("converted_exact"))), icon="🔁")


def crosswalk_method_picker() -> None:
    """Apportioning method for converted data (only meaningful where old units were split)."""
    methods = ["whole", "area"]
    st.radio(tr("crosswalk_method"), methods, key=SESSION_METHOD, horizontal=True,
             format_func=labels(methods, lambda m: tr(f"crosswalk_method_{m}")))


def source_caption(set_id: str | None = None, table=None) -> None:
    """Boundary set (vintage, source, licence), period and data version, under every map and chart."""
    info = gb.get_boundary_set_info(set_id or current_set_id())
    period = table.attrs.get("period") if table is not None else current_period()
    version = table.attrs.get("version") if table is not None else None
    st.caption(tr(
        "source_caption", title=info.title(lang()), vintage=info.vintage_text(lang()),
        attribution=info.attribution, licence=info.licence,
        period=parse_period(period).label(lang()) if period else "—",
        version=version if version is not None else "—",
    ))


def labels(keys, fn) -> "callable":
    """A format_func computed now, in this run's language (widgets may call it after the run)."""
    return {k: fn(k) for k in keys}.__getitem__


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_classify(values, method: str, k: int, breaks: tuple | None, scheme: str, reverse: bool):
    """geo.analysis.classify once per server for the same values and choices (Streamlit hashes the Series'
    content), shared by every session: callers treat the Classification as read-only."""
    from geo.analysis.classify import classify

    return classify(values, method, k, breaks=list(breaks) if breaks is not None else None, scheme=scheme,
                    reverse=reverse)


def indicator_choices(period: str | None, public_only: bool = False) -> list[str]:
    """The picker's indicator ids for ``period``: only those valid in it (issue 13), rates first."""
    catalog = load_catalog()
    return (catalog.valid_in(period) if period else catalog).map_choices(public_only=public_only)


def indicator_labels(ids) -> "callable":
    catalog, current = load_catalog(), lang()
    return labels(ids, lambda i: f"{catalog[i].name(current)} ({catalog[i].unit(current)})")


def fallback_notice(set_id: str) -> None:
    """No polygon file: say which file is missing, where it is looked for and how to point elsewhere."""
    info = gb.get_boundary_set_info(set_id)
    st.info(tr("map_fallback_notice", file=info.file, folder=str(gb.boundary_dir()), env=gb.ENV_BOUNDARY_DIR))


def map_and_legend(set_id: str, frame, values, ind, classification, *, key: str, height: int = 420,
                   legend_title: str | None = None, note: str | None = None, ratio=(3, 1), **map_kw) -> None:
    """A choropleth of the set with its legend beside it (pan and zoom never rerun the script)."""
    from geo.carto.maps import legend_html, legend_items

    left, right = st.columns(list(ratio))
    with left:
        live_map(set_id, frame, values, ind, classification, key=key, height=height, **map_kw)
    with right:
        st.markdown(legend_html(legend_items(classification, ind, lang()), legend_title or ind.unit(lang()), lang()),
                    unsafe_allow_html=True)
        if note:
            st.caption(note)


# ---------------------------------------------------------------- the view in the URL (geo.analysis.viewstate)
#
# app.py calls open_link() before the sidebar exists (a link's language, set, period and area become the
# widgets' values), the page calls view_link() once its widgets are read (the URL follows what is on screen,
# and the copy-link button copies it), and app.py calls finish_view() after the page (pages that carry no view
# of their own still write the shared part; notices about a link go at the top of the page).

VIEW_SEEN = "view_seen"          # query parameters this session last applied or wrote
VIEW_WRITTEN = "view_written"    # whether the page wrote its view during this run
VIEW_NOTICES = "view_notices"    # {"params": what they belong to (None: the next write), "problems": [...]}
VIEW_WITHHELD = "view_withheld"  # an internal indicator from a link, opened once an editor signs in
# session keys a link's indicator, classes, unit and slide are given to
INDICATOR_KEYS = ("map_indicator", "charts_indicator", "present_map_indicator")
UNIT_KEYS = ("profile_unit", "present_unit")
# What pages share beyond the sidebar (indicator, classes, commune) is one geo.analysis.viewstate.ViewState under
# this key: each page's view_link() records its fields here, a link's view is recorded here too, and pages read
# it with shared_view() — never another page's widget keys (tests/pages/test_session_keys.py checks that).
SESSION_SHARED = "shared_view"
SHARED_FIELDS = ("indicator", "method", "k", "scheme", "breaks", "unit")


def shared_view():
    """The indicator, classes and commune the reader last chose on any page (or opened from a link); fields
    nobody chose yet are None."""
    from geo.analysis.viewstate import ViewState

    return st.session_state.get(SESSION_SHARED) or ViewState()


def share_view(**fields) -> None:
    """Record the page's view for the other pages; fields that are None keep what was shared before, except
    that new classes replace the old ones whole (a method without k keeps no stale k)."""
    from dataclasses import replace

    chosen = {f: v for f, v in fields.items() if f in SHARED_FIELDS and v is not None}
    if not chosen:
        return
    if "method" in chosen:
        chosen = {"k": None, "breaks": None, **chosen}
    st.session_state[SESSION_SHARED] = replace(shared_view(), **chosen)


def can_see_internal(actor=None) -> bool:
    """Internal indicators leave the app (exports, links) only with a signed-in editor."""
    from geo.access import auth

    actor = actor if actor is not None else current_user()
    return bool(actor.signed_in and auth.has_role(actor, "editor"))


def _area_levels(set_id: str) -> int:
    info = gb.get_boundary_set_info(set_id)
    if not info.parent_columns or len(gb.unit_list(set_id)) < AREA_MIN_UNITS:
        return 0
    return len(info.parent_columns)


def _unit_parents(set_id: str) -> dict:
    """Unit code → its parent areas, widest first (what area_picker offers)."""
    units = gb.unit_list(set_id)
    cols = [f"parent_{i}" for i in reversed(range(len(gb.get_boundary_set_info(set_id).parent_columns)))]
    return dict(zip(units["code"], zip(*(units[c] for c in cols)) if cols else ((),) * len(units)))


def _periods(set_id: str) -> list[str]:
    from geo.units.vintage import periods_on_set

    try:
        return periods_on_set(get_store(), set_id)
    except Exception:  # the store is unreachable: the sidebar says so; no period from a link can be checked
        return []


def _indicators_in(set_id: str, period: str | None) -> list[str]:
    """The map picker's indicators in the link's period, or in the one the page will show (the latest)."""
    if period is None:
        periods = _periods(set_id)
        period = periods[-1] if periods else None
    return indicator_choices(period)


def view_choices(actor=None):
    """What a link may choose from, for this reader (geo.analysis.viewstate.Choices)."""
    from geo.analysis.classify import MAX_K, METHODS, MIN_K, SEQUENTIAL_SCHEMES
    from geo.outputs.present import SLIDES
    from geo.analysis.viewstate import Choices

    catalog = load_catalog()
    return Choices(
        sets=[s.id for s in gb.list_boundary_sets()], current_set=current_set_id(), periods=_periods,
        units=_unit_parents, area_levels=_area_levels, indicators=_indicators_in,
        internal={i.id for i in catalog if not i.public}, allow_internal=can_see_internal(actor),
        methods=METHODS, k_range=(MIN_K, MAX_K), schemes=SEQUENTIAL_SCHEMES, slides=SLIDES, langs=LANGS)


def _apply_view(state) -> None:
    """Give a link's view to the session keys the widgets read (before they are drawn in this run)."""
    from geo.outputs.present import SLIDES

    ss = st.session_state
    if state.lang:
        ss[SESSION_LANG] = state.lang
    if state.boundaries:
        ss[SESSION_SET] = state.boundaries
    set_id = state.boundaries or current_set_id()
    if state.period:
        ss[SESSION_PERIOD] = state.period
    levels = len(gb.get_boundary_set_info(set_id).parent_columns)
    chosen = {f"parent_{levels - 1 - depth}": value for depth, value in enumerate(state.area)}
    ss.setdefault(SESSION_AREA, {})[set_id] = chosen
    for i in range(levels):  # the pickers' own keys too, or a picker drawn earlier would win
        ss[f"area_{set_id}_parent_{i}"] = chosen.get(f"parent_{i}", "")
    if state.indicator:
        for key in INDICATOR_KEYS:
            ss[key] = state.indicator
    for field, key in (("method", "map_method"), ("k", "map_k"), ("scheme", "map_scheme")):
        if getattr(state, field) is not None:
            ss[key] = getattr(state, field)
    if state.method == "manual" and state.breaks:
        from geo.analysis.viewstate import format_breaks

        ss["map_breaks"] = format_breaks(state.breaks).replace(";", "; ")
    if state.unit:
        for key in UNIT_KEYS:
            ss[key] = state.unit
    if state.slide:
        ss["present_slide"] = SLIDES.index(state.slide)
    share_view(**{f: getattr(state, f) for f in SHARED_FIELDS})


def open_link(actor) -> None:
    """Apply the view in the URL when it is one this session has not applied or written itself (a link just
    opened, or the browser's back button); an empty query string changes nothing."""
    from geo.analysis.viewstate import parse_view

    ss = st.session_state
    ss[VIEW_WRITTEN] = False
    try:
        params = st.query_params.to_dict()
    except Exception:  # no query string at all (e.g. a bare script run)
        params = {}
    if params and params != ss.get(VIEW_SEEN):
        parsed = parse_view(params, view_choices(actor))
        _apply_view(parsed.state)
        ss[VIEW_SEEN] = params
        ss[VIEW_WITHHELD] = parsed.withheld
        if parsed.problems:
            ss[VIEW_NOTICES] = {"params": None, "problems": [(p.param, p.reason) for p in parsed.problems],
                                "withheld": parsed.withheld}
        else:
            ss.pop(VIEW_NOTICES, None)
    withheld = ss.get(VIEW_WITHHELD)
    if withheld and can_see_internal(actor):  # the editor signed in after opening the link: now it opens
        for key in INDICATOR_KEYS:
            ss[key] = withheld
        share_view(indicator=withheld)
        ss.pop(VIEW_WITHHELD, None)


def current_view(**page):
    """The view on screen: the shared part (set, period, area, language) and the page's own fields."""
    from geo.analysis.viewstate import ViewState

    set_id = current_set_id()
    return ViewState(boundaries=set_id, period=current_period(), area=tuple(v for _, v in current_area(set_id)),
                     lang=lang(), **page)


def _write_view(state) -> dict:
    from geo.analysis.viewstate import to_params

    params = to_params(state)
    try:
        if st.query_params.to_dict() != params:
            st.query_params.from_dict(params)
    except Exception:  # no browser session (bare script run): nothing to update
        pass
    st.session_state[VIEW_SEEN] = params
    st.session_state[VIEW_WRITTEN] = True
    return params


def page_url(params: dict) -> str:
    """The full address of this page with ``params``: the browser's own origin and path when Streamlit knows
    it (st.context.url; right behind a proxy too), else the Host header, else a path only."""
    from urllib.parse import quote, urlencode

    base = None
    try:
        base = st.context.url
        if not base:
            host = st.context.headers.get("Host")
            base = f"http://{host}/" if host else None
    except Exception:
        base = None
    query = urlencode(params, quote_via=quote)
    return f"{base or '/'}{'?' + query if query else ''}"


# One listener for every copy-link button (installed once per browser page; buttons carry their URL). The
# clipboard API needs a secure origin (https or localhost): over plain http on an office network it falls back
# to a selected text field and execCommand("copy"), and, failing that, leaves the link selected to copy by hand.
COPY_SCRIPT = """<script>
(() => {
  if (window.__anttShare) return;
  window.__anttShare = true;
  function fallback(box, url) {
    const input = box.querySelector("input.antt-share-url");
    input.value = url; input.hidden = false; input.focus(); input.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.addEventListener("click", async (ev) => {
    const btn = ev.target.closest && ev.target.closest("button.antt-share-btn");
    if (!btn) return;
    const box = btn.closest(".antt-share"), status = box.querySelector(".antt-share-status"), url = btn.dataset.url;
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(url); ok = true; } catch (e) { ok = false; }
    }
    if (!ok) ok = fallback(box, url);
    status.textContent = ok ? btn.dataset.done : btn.dataset.manual;
    box.dataset.copied = ok ? "yes" : "no";
  });
})();
</script>"""


def copy_link_button(params: dict) -> None:
    """A "Sao chép liên kết" button copying the full link of this view (see COPY_SCRIPT)."""
    import html

    url = page_url(params)
    e = html.escape
    st.html(f'<div class="antt-share" data-testid="antt-share">'
            f'<button type="button" class="antt-share-btn" data-url="{e(url)}" data-done="{e(tr("link_copied"))}" '
            f'data-manual="{e(tr("link_copy_manual"))}" title="{e(tr("link_copy_help"))}">'
            f'<span>{e(tr("link_copy"))}</span></button>'
            f'<span class="antt-share-status" role="status" aria-live="polite"></span>'
            f'<input class="antt-share-url" type="text" readonly hidden aria-label="{e(tr("link_copy"))}"></div>'
            + COPY_SCRIPT, width="content", unsafe_allow_javascript=True)


def view_link(copy: bool = True, **page) -> None:
    """Write the page's view into the URL (as the user changes it) and, with ``copy``, draw the copy-link
    button. ``page``: the page's own fields of geo.analysis.viewstate.ViewState (indicator, method, k, scheme, breaks,
    unit, slide). An internal indicator is left out of the link unless an editor is signed in."""
    share_view(**page)
    catalog = load_catalog()
    withheld = None
    iid = page.get("indicator")
    if iid and iid in catalog and not catalog[iid].public and not can_see_internal():
        withheld, page = iid, {**page, "indicator": None}
    params = _write_view(current_view(**page))
    if copy:
        copy_link_button(params)
        if withheld:
            st.caption(tr("link_internal_left_out", indicator=catalog[withheld].name(lang())))


def classes_in_link(method: str | None, k: int | None, scheme: str | None, breaks=None) -> dict:
    """The classes part of a view: manual classes only with usable bounds (else the link keeps the default
    method), a number of classes only for the computed methods."""
    from geo.analysis.viewstate import format_breaks, parse_breaks

    if method == "manual":
        try:
            bounds = parse_breaks(format_breaks(breaks or []))
        except ValueError:
            return {"scheme": scheme}
        return {"method": method, "breaks": bounds, "scheme": scheme}
    return {"method": method, "k": k, "scheme": scheme}


_RUN = threading.local()  # per script run (Streamlit runs each in its own thread): where notices go


def notice_slot() -> None:
    """app.py, before the page: the place at the top of the page for a link's notices."""
    _RUN.slot = st.container()


def notices_as_toasts() -> None:
    """For a page that fills the screen (the presentation): a link's notices as toasts, shown once, instead of
    boxes above the slide."""
    _RUN.toasts = True


def stop_page() -> None:
    """st.stop() for a view page that ends early (no data, no bounds): the view is still written into the URL
    and a link's notices still shown."""
    finish_view()
    st.stop()


def finish_view() -> None:
    """After the page: pages with no view of their own write the shared part; a link's notices go at the top
    of the page (notice_slot) for as long as the view is the one the link opened."""
    slot, toasts = getattr(_RUN, "slot", None), getattr(_RUN, "toasts", False)
    _RUN.slot = _RUN.toasts = None  # once per run
    ss = st.session_state
    if not ss.get(VIEW_WRITTEN):
        _write_view(current_view())
    notices = ss.get(VIEW_NOTICES)
    if not notices:
        return
    if notices["params"] is None:
        notices["params"] = ss.get(VIEW_SEEN)
    if notices["params"] != ss.get(VIEW_SEEN):  # the reader has changed the view since: the notice is done
        ss.pop(VIEW_NOTICES, None)
        return
    texts = []
    refused = [p for p, reason in notices["problems"] if reason != "internal"]
    if refused:
        fields = ", ".join(dict.fromkeys(tr(f"link_field_{p}") for p in refused))
        texts.append((st.warning, tr("link_fallback", fields=fields), ":material/link_off:"))
    if notices.get("withheld") and notices["withheld"] in load_catalog():
        texts.append((st.info, tr("link_internal", indicator=load_catalog()[notices["withheld"]].name(lang())),
                      ":material/lock:"))
    if toasts:
        for _, text, icon in texts:
            st.toast(text, icon=icon)
        ss.pop(VIEW_NOTICES, None)
        return
    with slot if slot is not None else st.container():
        for box, text, icon in texts:
            box(text, icon=icon)


# ---------------------------------------------------------------- layout on phones and projectors

LAYOUT_CSS = """<style>
/* KPI cards: numbers and labels wrap onto a second line instead of being cut with an ellipsis */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricLabel"],
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: break-word; }
[data-testid="stMetricValue"] { line-height: 1.15; }
/* overview cards: at least 10rem wide, growing to share the line (the row wraps) */
[class*="st-key-kpi_row_"] > * { flex: 1 1 10rem !important; }
/* button labels wrap in narrow columns (the download buttons side by side) instead of being cut */
button [data-testid="stMarkdownContainer"], button [data-testid="stMarkdownContainer"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word; }
/* a page's main picker and its copy-link button share a line while the picker keeps 18rem; else the button
   goes under it (a phone) */
.st-key-pick_row > :first-child { flex: 1 1 18rem !important; min-width: min(18rem, 100%) !important; }
.antt-share { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .75rem; }
.antt-share-btn { display: inline-flex; align-items: center; gap: .4rem; min-height: 2.5rem; padding: .25rem .75rem;
  border: 1px solid rgba(49, 51, 63, .2); border-radius: .5rem; background: #fff; color: inherit; font: inherit;
  cursor: pointer; }
.antt-share-btn:hover, .antt-share-btn:focus-visible { border-color: #0b3d91; color: #0b3d91; }
.antt-share-status { font-size: .875rem; color: #31333f; }
.antt-share-url { flex: 1 1 100%; min-width: 0; font: inherit; font-size: .875rem; padding: .25rem .5rem; }
/* the legend beside the map keeps 12rem, room for a class on one line; the map takes the rest (on a 1024 px
   screen with the sidebar open, a quarter of the width cut "0,60 – 0,95" in two) */
@media (min-width: 641px) {
  .st-key-map_body [data-testid="stHorizontalBlock"] { flex-wrap: nowrap; }
  .st-key-map_body [data-testid="stColumn"]:first-child { flex: 1 1 0 !important; min-width: 0 !important; }
  .st-key-map_body [data-testid="stColumn"]:last-child { flex: 0 0 12rem !important; min-width: 12rem !important; }
}
/* phones: the legend under the map is a compact wrapping row of swatches */
@media (max-width: 640px) {
  .antt-legend { display: flex; flex-wrap: wrap; column-gap: 1rem; row-gap: .1rem; font-size: .9rem; }
  .antt-legend > div:first-child { flex: 1 1 100%; }
  .antt-legend > div { margin: 0 !important; }
}
</style>"""


def layout_css() -> None:
    """Styles every page shares (no space taken: style-only HTML goes to Streamlit's event container)."""
    st.html(LAYOUT_CSS)
