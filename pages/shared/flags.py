"""The confirm step of flagged values (geo.intake.quality): the flags listed, an optional note per value and the
checkbox a person ticks before the values are stored. Used by the upload page (and the entry form)."""

from __future__ import annotations

import streamlit as st

from pages.shared.state import tr

MAX_NOTES = 50  # one note box per value up to this many; beyond, one note for the rest


def confirm_flags(flags, key: str) -> tuple[bool, list[dict]]:
    """(confirmed, flags as dicts with their notes). Confirmed when there is no flag, or the box is ticked."""
    if not flags:
        return True, []
    st.subheader(tr("quality_flags_title", n=len(flags)))
    st.caption(tr("quality_flags_help"))
    out = []
    rest_note = ""
    for i, f in enumerate(flags):
        st.warning(f.message)
        if i < MAX_NOTES:
            note = st.text_input(tr("quality_note_label", cell=f"{f.column or ''}{f.row or ''}" or f.rule),
                                 key=f"{key}_flag_note_{i}")
        else:
            if i == MAX_NOTES:
                rest_note = st.text_input(tr("quality_note_rest", n=len(flags) - MAX_NOTES), key=f"{key}_note_rest")
            note = rest_note
        out.append({**f.to_dict(), "note": note.strip() or None})
    checked = st.checkbox(tr("quality_confirm_checked"), key=f"{key}_flags_checked")
    return checked, out
