"""Theo dõi số liệu: the follow-up list for editors — flagged values not yet checked, by province and commune,
with who accepted them; an editor marks one checked (or corrects it with a new upload); and the per-unit
min–max ranges of the checks (pages/shared/ranges_panel.py). Logic in geo.analysis.followup, geo.store.flags
and geo.store.ranges."""

from __future__ import annotations

import streamlit as st

from geo.analysis.followup import followup_rows
from geo.store.flags import mark_checked
from pages.shared.data import get_store
from pages.shared.ranges_panel import render_ranges_panel
from pages.shared.signin import current_user
from pages.shared.state import current_area, current_period, current_set_id, lang, tr

set_id = current_set_id()
st.title(tr("followup_title"))
store = get_store()
every_period = st.toggle(tr("followup_all_periods"), value=True, key="followup_all")
period = None if every_period else current_period()
rows = followup_rows(store, set_id, period, current_area(set_id), lang())
render_ranges_panel(store, set_id, current_area(set_id), current_user())
if not rows:
    st.success(tr("followup_none"))
    st.stop()
st.caption(tr("followup_count", n=len(rows)))
for r in rows:
    with st.container(border=True, key=f"followup_row_{r['id']}"):
        place = " / ".join(p for p in (r["province"], r["unit"]) if p) or tr("followup_whole_file")
        st.markdown(f"**{place}** · {r['period']} · {r['indicator']}")
        st.write(r["message"])
        st.caption(tr("followup_accepted", who=r["accepted_by"], when=r["accepted_at"], note=r["note"] or "—"))
        note = st.text_input(tr("followup_check_note"), key=f"followup_note_{r['id']}")
        if st.button(tr("followup_check"), key=f"followup_check_{r['id']}"):
            from geo.store.errors import StoreError

            try:
                mark_checked(store, r["id"], current_user(), note or None)
            except StoreError as exc:
                st.error(exc.message(lang()))
            else:
                st.rerun()
