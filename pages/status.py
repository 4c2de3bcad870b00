"""Tiến độ báo cáo (issue 20): every expected unit of the set with its reporting state for a period, the
reporting and on-time counts (per province on a national set), and the approval steps for an editor. Thin:
geo.analysis.status counts, the store checks scope and lock (Store.report_step)."""

import pandas as pd
import streamlit as st

from geo.analysis.entry import vintage_set
from geo.analysis.status import MAP_STATES, completeness, for_area, map_area, state_classes
from geo.carto.maps import category_data
from geo.store.errors import StoreError
from geo.text.errors import message_of
from pages.shared.data import display_layer, get_store
from pages.shared.mapview import live_map
from pages.shared.signin import current_user
from pages.shared.state import current_period, current_set_id, lang, tr



def sender(u: dict) -> str:
    """'tinh-dien-bien (cấp tỉnh, tệp)': who sent the unit's numbers, at which level, how."""
    how = [tr(f"status_level_{u['submitted_level']}")] if u["submitted_level"] else []
    how += [tr(f"status_via_{u['submitted_via']}")] if u["submitted_via"] else []
    return f"{u['submitted_by'] or ''} ({', '.join(how)})" if how else (u["submitted_by"] or "")


st.title(tr("status_title"))
period = st.text_input(tr("status_period"), value=current_period() or "", key="status_period").strip()
if not period:
    st.stop()
try:
    set_id = vintage_set(current_set_id(), period)  # the period decides the units: 2026 is never on the old ones
    whole = completeness(get_store(), set_id, period)
except (StoreError, ValueError) as exc:
    st.error(message_of(exc, lang()))
    st.stop()
areas = [""] + list(whole["by_province"])
area = st.selectbox(tr("status_col_province"), areas, key="status_area",
                    format_func=lambda a: a or tr("status_area_all")) if len(areas) > 1 else ""
out = for_area(whole, area)  # one read of the store: the area is a filter of the whole set's status
if out["sample"]:  # the built-in sample is labelled as such, and not counted as a report
    st.warning(tr("status_sample_note", n=out["sample"], expected=out["expected"]))
st.info(tr("status_summary", reported=out["reported"], expected=out["expected"], on_time=out["on_time"],
           deadline=out["deadline"], approved=out["approved"]))
c1, c2, c3 = st.columns(3)
for col, key, n in ((c1, "status_metric_reported", out["reported"]), (c2, "status_metric_on_time", out["on_time"]),
                    (c3, "status_metric_approved", out["approved"])):
    col.metric(tr(key), f"{n}/{out['expected']}")
shown = map_area(set_id, area)  # the map draws the page's own area (not the sidebar's)
layer = display_layer(set_id, shown)
if layer is not None:  # the live map: states as classes, no data grey
    live_map(set_id, None, None, None, None, key="status_map", height=420, area=shown, data=category_data(
        layer, state_classes(whole), [tr(f"status_state_{s}") for s, _, _ in MAP_STATES],
        [c for _, c, _ in MAP_STATES], tr("status_col_state"), tr("status_state_no_data")))
    st.caption(" · ".join(f":{name}[■] {tr('status_state_' + s)}" for s, _, name in MAP_STATES)
               + f" · :gray[■] {tr('status_state_no_data')}")
if out["by_province"] and not area:
    st.subheader(tr("status_per_province"))
    st.dataframe(pd.DataFrame([{tr("status_col_province"): p, **{tr(f"status_metric_{k}"): f"{c[k]}/{c['expected']}"
                                for k in ("reported", "on_time", "approved")}}
                               for p, c in out["by_province"].items()]), hide_index=True, width="stretch")
st.dataframe(pd.DataFrame([{
    tr("status_col_unit"): f"{u['unit_name']} ({u['unit_code']})", tr("status_col_province"): u["province"],
    tr("status_col_state"): tr(f"status_state_{u['state']}"), tr("status_col_when"): u["submitted_at"] or "",
    tr("status_col_by"): sender(u)} for u in out["units"]]), hide_index=True, width="stretch")

actor = current_user()
acted = [u for u in out["units"] if u["state"] not in ("no_data", "draft", "sample")]
if actor.signed_in and actor.role in ("editor", "admin") and acted:
    unit = st.selectbox(tr("status_unit_pick"), acted, key="status_unit",
                        format_func=lambda u: f"{u['unit_name']} ({u['unit_code']}) — {tr('status_state_' + u['state'])}")
    reason = st.text_input(tr("status_reason"), key="status_reason")
    b1, b2, b3 = st.columns(3)
    for col, step, label in ((b1, "approve", "status_approve"), (b2, "return", "status_return"),
                             (b3, "reopen", "status_reopen")):
        if col.button(tr(label), key=f"status_{step}"):
            try:
                get_store().report_step(step, boundary_set=set_id, period=period, unit=unit["unit_code"],
                                        user=actor, reason=reason or None)
            except StoreError as exc:
                st.error(message_of(exc, lang()))
            else:
                st.success(tr("status_done", step=tr(label), unit=unit["unit_name"]))
                st.rerun()
