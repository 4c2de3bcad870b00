"""Lịch sử: every version (who, when, file, period, set, note), the diff of a chosen version against its
predecessor, and rollback with a confirmation step. Thin: the logic is in geo.store.database."""

import pandas as pd
import streamlit as st

from geo.reference.catalog import load_catalog
from geo.store.database import StoreError
from geo.text.errors import message_of
from geo.text.i18n import format_number, format_value
from geo.text.periods import parse_period
from geo.units import boundaries as gb
from pages.shared.data import get_store
from pages.shared.signin import current_user
from pages.shared.state import current_set_id, lang, tr

catalog = load_catalog()
store = get_store()

st.title(tr("store_history_title"))
st.caption(tr("store_history_intro"))

flash = st.session_state.pop("history_flash", None)
if flash:
    st.success(flash)

only_set = st.checkbox(tr("store_history_only_set"), value=True, key="history_only_set")
history = store.history(current_set_id() if only_set else None)
if not history:
    st.info(tr("store_history_empty"))
    st.stop()


def _time(iso: str) -> str:
    return iso[:19].replace("T", " ") if iso else "—"


def _period(p: str) -> str:
    try:
        return parse_period(p).label(lang())
    except ValueError:
        return p


def _action(h: dict) -> str:
    if h["action"] == "rollback":
        return tr("store_action_rollback", version=h["restores_version"])
    return tr(f"store_action_{h['action']}")


def _set_title(set_id: str) -> str:
    try:
        return gb.get_boundary_set_info(set_id).title(lang())
    except Exception:  # a set removed from the registry keeps its history
        return set_id


current = {}
for h in history:  # newest first: the first seen per (set, period) is the current one
    current.setdefault((h["boundary_set"], h["period"]), h["version"])

table = pd.DataFrame([{
    tr("store_col_version"): h["version"],
    tr("store_col_time"): _time(h["created_at"]),
    tr("store_col_user"): h["user"],
    tr("store_col_action"): _action(h) + (f" ({tr('store_sample_mark')})" if h["sample"] else ""),
    tr("store_col_set"): h["boundary_set"],
    tr("store_col_period"): _period(h["period"]),
    tr("store_col_file"): h["file_name"] or "—",
    tr("store_col_note"): h["note"] or "",
    tr("store_col_units"): h["n_units"],
    tr("store_col_values"): h["n_values"],
    tr("store_col_current"): "✓" if current[(h["boundary_set"], h["period"])] == h["version"] else "",
} for h in history])
st.dataframe(table, hide_index=True, width="stretch")

by_version = {h["version"]: h for h in history}
version = st.selectbox(
    tr("store_choose_version"), list(by_version), key="history_version",
    format_func=lambda v: tr("store_version_label", version=v, period=_period(by_version[v]["period"]),
                             user=by_version[v]["user"], time=_time(by_version[v]["created_at"])),
)
chosen = by_version[version]
if chosen["file_sha256"]:
    st.caption(tr("store_file_hash", file=chosen["file_name"] or "—", sha=chosen["file_sha256"],
                  size=format_number(chosen["file_size"], lang())))

previous = store.predecessor(version)
changes = store.diff(version)
if previous is None:
    st.subheader(tr("store_diff_first", version=version))
else:
    st.subheader(tr("store_diff_title", version=version, previous=previous))
if not changes:
    st.info(tr("store_diff_none"))
else:
    st.caption(tr("store_diff_count", n=len(changes), units=len({c["unit_code"] for c in changes})))

    def _value(iid, v):
        kind = catalog[iid].kind if iid in catalog else "amount"
        return format_value(v, kind, lang())

    st.dataframe(pd.DataFrame([{
        tr("store_col_unit"): f"{c['unit_name']} ({c['unit_code']})",
        tr("store_col_indicator"): catalog[c["indicator_id"]].name(lang()) if c["indicator_id"] in catalog
        else c["indicator_id"],
        tr("store_col_old"): _value(c["indicator_id"], c["old"]),
        tr("store_col_new"): _value(c["indicator_id"], c["new"]),
    } for c in changes]), hide_index=True, width="stretch")

st.subheader(tr("store_rollback_title"))
latest = store.latest_version(chosen["boundary_set"], chosen["period"])
if latest == version:
    st.caption(tr("store_rollback_is_current", version=version))
else:
    st.warning(tr("store_rollback_explain", set=_set_title(chosen["boundary_set"]), period=_period(chosen["period"]),
                  current=latest, version=version))
    # Keys carry the versions, so the confirmation starts unchecked again after any change.
    note = st.text_input(tr("store_rollback_note"), key=f"history_note_{version}_{latest}")
    confirmed = st.checkbox(tr("store_rollback_confirm", version=version), key=f"history_confirm_{version}_{latest}")
    if st.button(tr("store_rollback_button"), disabled=not confirmed, type="primary", key="history_rollback"):
        try:
            new = store.rollback(version, user=current_user(), note=note or None)
        except StoreError as exc:
            st.error(tr("store_error", error=message_of(exc, lang())))
        else:
            st.session_state["history_flash"] = tr("store_rollback_done", version=version, new=new)
            st.rerun()
