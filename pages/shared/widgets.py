"""Widgets every page shares: the sidebar (language, boundary set, period, area, crosswalk method), banners
and captions, indicator labels, and the shared layout styles (layout.css)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from geo.reference.catalog import load_catalog
from geo.text.errors import message_of
from geo.text.i18n import LANGS
from geo.text.periods import parse_period
from geo.units import boundaries as gb
from pages.shared.data import area_options, get_store
from pages.shared.state import (SESSION_AREA, SESSION_LANG, SESSION_METHOD, SESSION_PERIOD, SESSION_SET,
                                current_area, current_period, current_set_id, labels, lang, tr)


def language_picker() -> None:
    st.radio(tr("sidebar_language"), options=list(LANGS), key=SESSION_LANG, horizontal=True,
             format_func=labels(LANGS, lambda code: tr(f"sidebar_language_{code}")))


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
            st.error(tr("app_store_unreachable", error=message_of(exc, lang())))
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


def area_picker(set_id: str) -> None:
    """Province → district pickers for national sets; the map zooms to the choice."""
    info = gb.get_boundary_set_info(set_id)
    if not info.parent_columns:
        return
    fingerprint = gb.unit_source(set_id).fingerprint
    if area_options(set_id, fingerprint, f"parent_{len(info.parent_columns) - 1}", ()) is None:
        return
    chosen = st.session_state.setdefault(SESSION_AREA, {}).setdefault(set_id, {})
    within: tuple = ()
    for i in reversed(range(len(info.parent_columns))):
        col = f"parent_{i}"
        options = area_options(set_id, fingerprint, col, within)
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


def crosswalk_method_picker() -> None:
    """Apportioning method for converted data (only meaningful where old units were split)."""
    methods = ["whole", "area"]
    st.radio(tr("crosswalk_method"), methods, key=SESSION_METHOD, horizontal=True,
             format_func=labels(methods, lambda m: tr(f"crosswalk_method_{m}")))


def sample_banner(table) -> None:
    """The sample label, a note on numbers not yet approved (marked, or left out: ANTT_UNAPPROVED), and a note
    when the numbers were carried from another boundary vintage."""
    from geo.analysis.followup import pending_codes

    pending = pending_codes(table) & {str(c) for c in table.index.tolist()}  # tolist: not the Arrow iterator
    if pending:
        st.caption(tr("status_unapproved_banner", n=len(pending), mark=tr("status_unapproved_mark")))
    if table.attrs.get("withheld"):
        st.caption(tr("status_withheld_banner", n=table.attrs["withheld"]))
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


def indicator_labels(ids) -> "callable":
    catalog, current = load_catalog(), lang()
    return labels(ids, lambda i: f"{catalog[i].name(current)} ({catalog[i].unit(current)})")


@cache
def _layout_css() -> str:
    return "<style>" + (Path(__file__).with_name("layout.css")).read_text(encoding="utf-8") + "</style>"


def layout_css() -> None:
    """Styles every page shares (layout.css: phones and projectors; no space taken: style-only HTML goes to
    Streamlit's event container)."""
    st.html(_layout_css())
