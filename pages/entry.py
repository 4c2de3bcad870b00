"""Nhập số liệu (issue 20): one commune's numbers for one period. Thin: the fields and their checks are
geo.intake.entry's, the units in scope, the period before and the submission geo.analysis.entry's; the store
checks scope, lock and the per-unit version when the report is sent."""

import streamlit as st

from geo.analysis.entry import (open_form, reporting_period, save_draft, submit, unit_history, unit_ranges,
                                units_for, vintage_set)
from geo.intake.entry import check_entry, form_groups, group_label
from geo.intake.values import fmt
from geo.reference.catalog import load_catalog
from geo.store.errors import StoreError
from geo.text.errors import message_of
from geo.text.periods import PeriodError, parse_period
from pages.shared.data import get_store
from pages.shared.signin import current_user
from pages.shared.state import current_set_id, lang, tr

st.title(tr("entry_title"))
actor, store = current_user(), get_store()
# opens on the period being reported (the newest that has ended), not the sidebar's (2017 on a fresh start)
period = st.text_input(tr("entry_period"), value=reporting_period(store), key="entry_period",
                       placeholder=tr("entry_period_hint")).strip()
if not period:
    st.stop()
try:
    parsed = parse_period(period)
    period, shown = str(parsed), parsed.label(lang())  # the code is stored; people read the label
except PeriodError as exc:
    st.error(message_of(exc))
    st.stop()
set_id = vintage_set(current_set_id(), period)
units = units_for(store, actor, set_id)
if not units:
    st.warning(tr("entry_no_units", name=actor.name))
    st.stop()
names = dict(units)
code = st.selectbox(tr("entry_unit"), list(names), key=f"entry_unit_{set_id}", format_func=lambda c: f"{names[c]} ({c})",
                    disabled=len(units) == 1)
name = names[code]
form = open_form(store, set_id, period, code)
st.info(tr("entry_state", unit=name, period=shown, state=tr(f"status_state_{form['state']}")))
if form["state"] == "approved":
    st.warning(tr("entry_locked", by=form["step_by"], at=form["step_at"]))
if form["draft_at"]:
    st.caption(tr("entry_draft_from", by=form["draft_by"], at=form["draft_at"]))
if form["state"] == "returned":
    st.warning(tr("entry_returned", by=form["step_by"], at=form["step_at"], reason=form["reason"] or ""))

catalog = load_catalog()
raw = {}
for group, inds in form_groups(catalog, period):
    st.subheader(group_label(group, lang()))
    for ind in inds:
        now = form["values"].get(ind.id)
        raw[ind.id] = st.text_input(f"{ind.name(lang())} ({ind.unit(lang())})", key=f"entry_{code}_{period}_{ind.id}",
                                    value="" if now is None else fmt(now))
        before = form["last"].get(ind.id)
        st.caption(tr("entry_last", period=parse_period(form["last_period"]).label(lang()),
                      value="—" if before is None else fmt(before)))
values, problems = check_entry(raw, catalog, unit=f"{name} ({code})", period=period, lang=lang(), code=code,
                               history=unit_history(store, set_id, period, code),
                               ranges=unit_ranges(store, set_id, code))
for p in problems:
    (st.error if p.level == "error" else st.warning)(p.message)
flags = [p.flag for p in problems if p.flag]
# a flagged value needs a person's word before it is stored, as on the upload page
checked = not flags or st.checkbox(tr("quality_confirm_checked"), key="entry_flags_ok")
blocked = any(p.level == "error" for p in problems) or not values or not checked
typed = {k: v for k, v in raw.items() if v.strip()}
if st.button(tr("entry_save_draft"), key="entry_draft", disabled=not typed, width="stretch"):
    try:
        save_draft(store, actor, set_id, period, code, name, typed)
    except StoreError as exc:
        st.error(message_of(exc))
    else:
        st.success(tr("entry_draft_saved", unit=name, period=shown, n=len(typed)))
if st.button(tr("entry_send"), key="entry_send", type="primary", disabled=blocked, width="stretch"):
    try:
        version = submit(store, actor, set_id, period, code, name, values, form["version"], flags)
    except StoreError as exc:
        st.error(message_of(exc))
    else:
        st.success(tr("entry_sent", unit=name, period=shown, n=len(values), version=version))
