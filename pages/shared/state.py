"""Session state every page shares: language, boundary set, period, area, crosswalk method, and the shared view
(what pages share beyond the sidebar: indicator, classes, commune). Pages read each other's choices through
shared_view(), never through another page's widget keys (tests/pages/test_session_keys.py)."""

from __future__ import annotations

import streamlit as st

from geo.text.i18n import LANGS, t
from geo.units import boundaries as gb


SESSION_LANG = "lang"


SESSION_SET = "boundary_set"


SESSION_PERIOD = "period"


SESSION_AREA = "area"


AREA_MIN_UNITS = 200  # sets this large get the province → district breadcrumb


SESSION_METHOD = "crosswalk_method"


# What pages share beyond the sidebar (indicator, classes, commune) is one geo.analysis.viewstate.ViewState under
# this key: each page's view_link() records its fields here, a link's view is recorded here too, and pages read
# it with shared_view() — never another page's widget keys (tests/pages/test_session_keys.py checks that).
SESSION_SHARED = "shared_view"


SHARED_FIELDS = ("indicator", "method", "k", "scheme", "breaks", "unit")


def lang() -> str:
    value = st.session_state.get(SESSION_LANG, "vi")
    return value if value in LANGS else "vi"


def tr(key: str, **kwargs) -> str:
    return t(key, lang(), **kwargs)


def labels(keys, fn) -> "callable":
    """A format_func computed now, in this run's language (widgets may call it after the run)."""
    return {k: fn(k) for k in keys}.__getitem__


def current_set_id() -> str:
    return st.session_state.get(SESSION_SET) or gb.default_set_id()


def current_period() -> str | None:
    return st.session_state.get(SESSION_PERIOD)


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


def current_method() -> str:
    return st.session_state.get(SESSION_METHOD, "whole")


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
