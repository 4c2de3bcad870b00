"""The view in the URL (geo.analysis.viewstate): a link's view applied to the session, the page's view
written back, and the copy-link button.

app.py calls open_link() before the sidebar exists (a link's language, set, period and area become the
sidebar's values); a page declares, with take_link(), which of its own widget keys a link may set, before its
widgets are drawn; the page calls view_link() once its widgets are read (the URL follows what is on screen,
and the copy-link button copies it); app.py calls finish_view() after the page (pages/shared/notices.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from geo.reference.catalog import load_catalog
from geo.text.i18n import LANGS
from geo.units import boundaries as gb
from pages.shared.data import get_store, indicator_choices
from pages.shared.signin import can_see_internal
from pages.shared.state import (AREA_MIN_UNITS, SESSION_AREA, SESSION_LANG, SESSION_PERIOD, SESSION_SET,
                                SHARED_FIELDS, current_area, current_period, current_set_id, lang, share_view, tr)


VIEW_SEEN = "view_seen"          # query parameters this session last applied or wrote
VIEW_WRITTEN = "view_written"    # whether the page wrote its view during this run
VIEW_NOTICES = "view_notices"    # {"params": what they belong to (None: the next write), "problems": [...]}
VIEW_WITHHELD = "view_withheld"  # an internal indicator from a link, opened once an editor signs in
# A link's page fields (indicator, classes, commune, slide) waiting for the pages that declare keys for them:
# {"state": ViewState, "taken": [the key sets of the pages that took it]} (take_link).
VIEW_LINKED = "view_linked"
LINK_FIELDS = ("indicator", "method", "k", "scheme", "breaks", "unit", "slide")


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
    """Give a link's shared view to the sidebar's session keys (before they are drawn in this run); its page
    fields wait for the pages that declare keys for them (take_link)."""
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
    ss[VIEW_LINKED] = {"state": state, "taken": []}
    share_view(**{f: getattr(state, f) for f in SHARED_FIELDS})


def take_link(**keys: str) -> None:
    """A page declares which of its own session keys a link may set (``indicator="map_indicator"``, fields of
    LINK_FIELDS), before its widgets are drawn: the last link's values go there once per page, the first time
    that page runs after the link was opened."""
    from geo.outputs.present import SLIDES

    unknown = set(keys) - set(LINK_FIELDS)
    if unknown:
        raise ValueError(f"take_link: no link field {sorted(unknown)}")
    linked = st.session_state.get(VIEW_LINKED)
    mine = sorted(keys.values())
    if not linked or mine in linked["taken"]:
        return
    linked["taken"].append(mine)
    state = linked["state"]
    values = {f: getattr(state, f) for f in LINK_FIELDS}
    if state.method != "manual" or not state.breaks:
        values["breaks"] = None
    else:
        from geo.analysis.viewstate import format_breaks

        values["breaks"] = format_breaks(state.breaks).replace(";", "; ")
    if state.slide:
        values["slide"] = SLIDES.index(state.slide)
    for field, key in keys.items():
        if values[field] is not None and values[field] != "":
            st.session_state[key] = values[field]


def open_link(actor) -> None:
    """Apply the view in the URL when it is one this session has not applied or written itself (a link just
    opened, or the browser's back button); an empty query string changes nothing."""
    from geo.analysis.viewstate import ViewState, parse_view

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
        ss[VIEW_LINKED] = {"state": ViewState(indicator=withheld), "taken": []}
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


@cache
def _copy_script() -> str:
    return "<script>" + Path(__file__).with_name("copy_link.js").read_text(encoding="utf-8") + "</script>"


def copy_link_button(params: dict) -> None:
    """A "Sao chép liên kết" button copying the full link of this view (copy_link.js: one listener for every
    copy-link button, installed once per browser page; the buttons carry their URL. The clipboard API needs a
    secure origin: over plain http it falls back to a selected text field, else leaves the link selected)."""
    import html

    url = page_url(params)
    e = html.escape
    st.html(f'<div class="antt-share" data-testid="antt-share">'
            f'<button type="button" class="antt-share-btn" data-url="{e(url)}" data-done="{e(tr("link_copied"))}" '
            f'data-manual="{e(tr("link_copy_manual"))}" title="{e(tr("link_copy_help"))}">'
            f'<span>{e(tr("link_copy"))}</span></button>'
            f'<span class="antt-share-status" role="status" aria-live="polite"></span>'
            f'<input class="antt-share-url" type="text" readonly hidden aria-label="{e(tr("link_copy"))}"></div>'
            + _copy_script(), width="content", unsafe_allow_javascript=True)


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
