"""After the page: the shared part of the view written into the URL for pages with no view of their own, and
a link's notices (values refused, an internal indicator withheld) at the top of the page or as toasts."""

from __future__ import annotations

import threading

import streamlit as st

from geo.reference.catalog import load_catalog
from pages.shared.links import VIEW_NOTICES, VIEW_SEEN, VIEW_WRITTEN, _write_view, current_view
from pages.shared.state import lang, tr


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
