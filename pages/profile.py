"""Hồ sơ xã: one unit, every indicator with the district median and its rank; its polygon highlighted."""

import pandas as pd
import streamlit as st

from geo.analysis.classify import classify
from geo.analysis.followup import pending_codes
from geo.analysis.table import unit_profile
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.text.i18n import format_value
from geo.text.names import vi_sort_key
from geo.units import boundaries as gb
from pages.shared.data import load_joined
from pages.shared.links import take_link, view_link
from pages.shared.mapview import fallback_notice, live_map
from pages.shared.notices import stop_page
from pages.shared.state import current_set_id, lang, shared_view, tr
from pages.shared.widgets import sample_banner, source_caption

catalog = load_catalog()
set_id = current_set_id()
take_link(unit="profile_unit")  # what a link may set on this page (pages/shared/links.py)
info = gb.get_boundary_set_info(set_id)
units, frame, report, fallback = load_joined(set_id)

st.title(tr("profile_title"))
sample_banner(frame)
codes = sorted(frame.index, key=lambda c: vi_sort_key(frame.at[c, "unit_name"]))
if not codes:
    st.info(tr("no_data_for_set"))
    stop_page()
shared = shared_view()  # the indicator and commune chosen on the other pages
# A commune another page shared since this page last showed one (a click on the map) is the one to open.
if shared.unit in codes and shared.unit != st.session_state.get("profile_shown_unit"):
    st.session_state["profile_unit"] = shared.unit
elif st.session_state.get("profile_unit") not in codes:
    st.session_state["profile_unit"] = codes[0]
row = st.container(horizontal=True, vertical_alignment="bottom", key="pick_row")
code = row.selectbox(tr("profile_pick"), codes, key="profile_unit",
                     format_func=dict(zip(frame.index, frame["unit_name"])).__getitem__)
st.session_state["profile_shown_unit"] = code
map_choices = catalog.map_choices()
iid = shared.indicator if shared.indicator in map_choices else map_choices[0]
with row.container(width="content"):
    view_link(indicator=iid, unit=code)

prof = unit_profile(frame, code, catalog)
marked = {iid for c, iid in frame.attrs.get("followup") or () if c == code}  # under follow-up: a mark, not hidden
pending = " " + tr("status_unapproved_mark") if code in pending_codes(frame) else ""  # not yet approved: marked
rows = []
for ind in (catalog.valid_in(frame.attrs["period"]) if frame.attrs.get("period") else catalog):  # issue 13
    p = prof.loc[ind.id]
    rows.append({
        tr("profile_col_indicator"): ind.name(lang()),
        tr("profile_col_value"): format_value(p["value"], ind.kind, lang(), missing=tr("kpi_no_data"))
        + (" " + tr("quality_mark") if marked & {ind.id, ind.numerator, ind.denominator} else "")
        + (pending if pd.notna(p["value"]) else ""),
        tr("profile_col_median"): format_value(p["median"], ind.kind, lang()),
        tr("profile_col_rank"): (f"{int(p['rank'])}/{int(p['of'])}" if pd.notna(p["rank"]) else "—"),
        tr("profile_col_unit"): ind.unit(lang()),
    })

left, right = st.columns([3, 2])
with left:
    st.subheader(frame.at[code, "unit_name"])
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True, height=38 * (len(rows) + 1))
with right:
    if fallback:
        fallback_notice(set_id)
    else:
        ind = catalog[iid]
        values = indicator_values(frame, iid, catalog)
        cls = classify(values, "quantiles", 5, reverse=ind.direction == "down")
        st.caption(tr("profile_map_caption", indicator=ind.name(lang())))
        live_map(set_id, frame, values, ind, cls, key="profile_map", height=420, highlight=code)
source_caption(set_id, frame)
