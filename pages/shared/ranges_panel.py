"""The follow-up page's "Khoảng tối thiểu–tối đa" panel: the per-unit min–max ranges of the area listed, one
set or removed. geo.store.ranges checks the editor's scope where it writes and audits each change; the list
and the choices come from geo.analysis.followup."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.followup import range_choices, range_rows
from geo.store.ranges import remove_range, set_range
from geo.text.errors import AnttError
from pages.shared.state import lang, tr


def _run(fn) -> None:
    try:
        fn()
    except AnttError as exc:  # StoreError, AccessDenied: the reason in the page's language
        st.error(exc.message(lang()))
    else:
        st.rerun()


def render_ranges_panel(store, set_id: str, area: tuple, user) -> None:
    with st.expander(tr("ranges_title"), expanded=False):
        st.caption(tr("ranges_help"))
        rows = range_rows(store, set_id, area, lang())
        if rows:
            st.dataframe(pd.DataFrame([{tr("ranges_col_unit"): f"{r['unit']} ({r['unit_code']})",
                                        tr("ranges_col_indicator"): r["indicator_name"],
                                        tr("ranges_col_min"): r["low"], tr("ranges_col_max"): r["high"],
                                        tr("ranges_col_by"): f"{r['set_by']}, {r['set_at']}",
                                        tr("ranges_col_note"): r["note"] or ""} for r in rows]),
                         hide_index=True, use_container_width=True)
        units, indicators = range_choices(set_id, area, lang())
        with st.form("ranges_form"):
            c1, c2 = st.columns(2)
            code = c1.selectbox(tr("ranges_col_unit"), list(units), key="ranges_unit",
                                format_func=lambda c: f"{units[c]} ({c})")
            iid = c2.selectbox(tr("ranges_col_indicator"), list(indicators), key="ranges_indicator",
                               format_func=indicators.__getitem__)
            low = c1.number_input(tr("ranges_col_min"), value=None, min_value=0.0, key="ranges_min")
            high = c2.number_input(tr("ranges_col_max"), value=None, min_value=0.0, key="ranges_max")
            note = st.text_input(tr("ranges_col_note"), key="ranges_note")
            save, remove = st.columns(2)
            if save.form_submit_button(tr("ranges_save")):
                _run(lambda: set_range(store, set_id, code, iid, low, high, user=user, note=note.strip() or None))
            if remove.form_submit_button(tr("ranges_remove")):
                _run(lambda: remove_range(store, set_id, code, iid, user=user))
