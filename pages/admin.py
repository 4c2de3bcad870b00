"""Quản trị (admin only; app.py does not even list it for other roles): accounts and roles, the audit log with
filters, and replacing a boundary set's file. The logic is in geo.access.auth and geo.intake.filecheck; every change is
checked there again (admin actor re-read from the store) and audited."""

import json
from datetime import date, datetime, time, timedelta, timezone

import pandas as pd
import streamlit as st

from geo.access import auth
from geo.access.installs import install_boundary_file, install_crosswalk_file
from geo.intake.filecheck import FileRejected
from geo.store.actions import AUDIT_ACTIONS
from geo.store.database import StoreError
from geo.units import boundaries as gb
from geo.units.crosswalk import CrosswalkError, list_crosswalks
from pages.shared.data import get_store
from pages.shared.signin import current_user
from pages.shared.state import lang, tr

store = get_store()
actor = current_user()
st.title(tr("admin_title"))
auth.require_role(actor, "admin")  # never reached otherwise (not in st.navigation); defence in depth

flash = st.session_state.pop("admin_flash", None)
if flash:
    st.success(flash)

tab_users, tab_audit, tab_sets, tab_cw, tab_ind, tab_rules = st.tabs([
    tr("admin_tab_users"), tr("admin_tab_audit"), tr("admin_tab_boundaries"), tr("admin_tab_crosswalks"),
    tr("admin_tab_indicators"), tr("admin_tab_rules")])
ROLES = list(auth.ROLES)


def _role(r: str) -> str:
    return tr(f"auth_role_{r}")


def _do(fn, clear_caches: bool = False) -> None:
    try:
        fn()
    except StoreError as exc:
        st.error(exc.message(lang()))
    else:
        if clear_caches:  # tables and maps were built with the previous catalog
            st.cache_data.clear()
        st.session_state["admin_flash"] = tr("admin_done")
        st.rerun()


with tab_users:
    people = auth.list_users(store)
    if people:
        st.dataframe(pd.DataFrame([{
            tr("admin_col_name"): u["name"], tr("admin_col_role"): _role(u["role"]),
            tr("admin_col_auth"): u["auth"],
            tr("admin_col_state"): tr("admin_state_disabled") if u["disabled"] else tr("admin_state_active"),
            tr("admin_col_updated"): (u["updated_at"] or "")[:19].replace("T", " "),
        } for u in people]), hide_index=True, width="stretch")
    else:
        st.info(tr("admin_no_users"))

    st.subheader(tr("admin_add_user"))
    with st.form("admin_add_form", clear_on_submit=True):
        kind = st.radio(tr("admin_col_auth"), ["local", "oidc"], key="admin_add_kind", horizontal=True,
                        format_func=lambda k: tr(f"admin_auth_{k}"))
        new_name = st.text_input(tr("admin_col_name"), key="admin_add_name")
        new_role = st.selectbox(tr("admin_col_role"), ROLES, key="admin_add_role", format_func=_role)
        new_password = st.text_input(tr("auth_password"), type="password", key="admin_add_password",
                                     autocomplete="new-password")
        if st.form_submit_button(tr("admin_add_button"), type="primary"):
            _do(lambda: auth.add_user(store, new_name, new_role, new_password if kind == "local" else None,
                                      by=actor, auth=kind))

    if people:
        st.subheader(tr("admin_change_user"))
        names = [u["name"] for u in people]
        chosen = st.selectbox(tr("admin_choose_user"), names, key="admin_user")
        person = next(u for u in people if u["name"] == chosen)
        c1, c2 = st.columns(2)
        role = c1.selectbox(tr("admin_col_role"), ROLES, index=ROLES.index(person["role"]), key="admin_role",
                            format_func=_role)
        if c1.button(tr("admin_set_role"), key="admin_set_role", disabled=role == person["role"]):
            _do(lambda: auth.set_role(store, chosen, role, by=actor))
        if person["disabled"]:
            if c2.button(tr("admin_enable"), key="admin_enable"):
                _do(lambda: auth.enable_user(store, chosen, by=actor))
        elif c2.button(tr("admin_disable"), key="admin_disable"):
            _do(lambda: auth.disable_user(store, chosen, by=actor))
        if person["auth"] == "local":
            pw = c2.text_input(tr("admin_new_password"), type="password", key="admin_new_password",
                               autocomplete="new-password")
            if c2.button(tr("admin_set_password"), key="admin_set_password", disabled=not pw):
                _do(lambda: auth.set_password(store, chosen, pw, by=actor))

with tab_audit:
    LIMIT = 1000
    known = sorted(AUDIT_ACTIONS)  # the one registry of what the audit log records
    c1, c2, c3 = st.columns(3)
    actions = c1.multiselect(tr("admin_audit_action"), known, key="admin_audit_actions")
    who = c2.text_input(tr("admin_audit_user"), key="admin_audit_user").strip()
    today = datetime.now(timezone.utc).date()
    dates = c3.date_input(tr("admin_audit_dates"), value=(today - timedelta(days=30), today), key="admin_audit_dates")
    since = until = None
    if isinstance(dates, (tuple, list)) and dates:
        since = datetime.combine(dates[0], time.min, tzinfo=timezone.utc)
        end = dates[1] if len(dates) > 1 else dates[0]
        until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)
    elif isinstance(dates, date):
        since = datetime.combine(dates, time.min, tzinfo=timezone.utc)
        until = since + timedelta(days=1)
    entries = store.audit_log(limit=LIMIT, action=actions or None, user=who or None, since=since, until=until)
    if not entries:
        st.info(tr("admin_audit_empty"))
    else:
        st.caption(tr("admin_audit_count", n=len(entries), limit=LIMIT))
        # st.dataframe shows every cell as text (never HTML): file names and notes from uploads stay inert.
        st.dataframe(pd.DataFrame([{
            tr("admin_col_time"): (e["created_at"] or "")[:19].replace("T", " "),
            tr("admin_col_user"): e["user"], tr("admin_col_action"): e["action"],
            tr("admin_col_detail"): json.dumps(e["detail"], ensure_ascii=False) if e["detail"] is not None else "",
        } for e in entries]), hide_index=True, width="stretch")

with tab_sets:
    st.caption(tr("admin_boundary_intro"))
    sets = gb.list_boundary_sets()
    set_id = st.selectbox(tr("admin_boundary_set"), [s.id for s in sets], key="admin_boundary_set",
                          format_func={s.id: s.title(lang()) for s in sets}.__getitem__)
    upload = st.file_uploader(tr("admin_boundary_file"), type=["geojson", "json", "gpkg", "zip"],
                              key="admin_boundary_upload")
    if upload is not None and st.button(tr("admin_boundary_install"), type="primary", key="admin_boundary_go"):
        try:
            summary = install_boundary_file(store, upload.getvalue(), upload.name, set_id, by=actor)
        except FileRejected as exc:
            st.error(exc.message(lang()))
        except StoreError as exc:
            st.error(exc.message(lang()))
        else:
            st.cache_resource.clear()
            st.cache_data.clear()
            st.success(tr("admin_boundary_done", set=set_id, units=summary["units"], vertices=summary["vertices"]))

with tab_cw:
    st.caption(tr("admin_crosswalk_intro"))
    walks = list_crosswalks()
    cw_id = st.selectbox(tr("admin_crosswalk"), [c.id for c in walks], key="admin_crosswalk",
                         format_func={c.id: f"{gb.get_boundary_set_info(c.from_set).title(lang())} → "
                                            f"{gb.get_boundary_set_info(c.to_set).title(lang())}"
                                      for c in walks}.__getitem__)
    cw_upload = st.file_uploader(tr("admin_crosswalk_file"), type=["csv", "json"], key="admin_crosswalk_upload")
    if cw_upload is not None and st.button(tr("admin_crosswalk_install"), type="primary", key="admin_crosswalk_go"):
        try:
            summary = install_crosswalk_file(store, cw_upload.getvalue(), cw_upload.name, cw_id, by=actor)
        except FileRejected as exc:
            st.error(exc.message(lang()))
        except (CrosswalkError, StoreError) as exc:
            st.error(exc.message(lang()))
        else:
            st.cache_data.clear()
            st.success(tr("admin_crosswalk_done", units=summary["old_units"], splits=summary["split_units"],
                          unmapped=summary["unmapped"]))

with tab_ind:
    from geo.access import indicators as defs
    from geo.reference.catalog import DIRECTIONS, KINDS, TEMPORALS, load_catalog

    catalog = load_catalog()
    L = lang()
    st.caption(tr("admin_ind_intro"))
    st.dataframe(pd.DataFrame([{
        tr("admin_ind_col_id"): i.id, tr("admin_ind_col_name"): i.name(L), tr("admin_ind_col_kind"): tr(f"kind_{i.kind}"),
        tr("admin_ind_col_validity"): i.validity_text(L) + (f" — {tr('indicator_retired')}" if i.retired else ""),
        tr("admin_ind_col_basis"): i.legal_basis, tr("admin_ind_col_origin"): tr(f"admin_ind_origin_{i.origin}"),
    } for i in catalog]), hide_index=True, width="stretch")
    kinds = [k for k in ("count", "amount", "flag", "share", "ratio", "rate_population") if k in KINDS]
    base_ids = [""] + [i.id for i in catalog.base()]

    def _date_text(value) -> str:
        return value.isoformat() if value else ""

    st.subheader(tr("admin_ind_add"))
    with st.form("admin_ind_add_form", clear_on_submit=True):
        c1, c2 = st.columns(2)
        new = {
            "id": c1.text_input(tr("admin_ind_id"), key="admin_ind_id"),
            "kind": c2.selectbox(tr("admin_ind_kind"), kinds, key="admin_ind_kind", format_func=lambda k: tr(f"kind_{k}")),
            "vi": c1.text_input(tr("admin_ind_vi"), key="admin_ind_vi"),
            "en": c2.text_input(tr("admin_ind_en"), key="admin_ind_en"),
            "short_vi": c1.text_input(tr("admin_ind_short_vi"), key="admin_ind_short_vi"),
            "short_en": c2.text_input(tr("admin_ind_short_en"), key="admin_ind_short_en"),
            "unit_vi": c1.text_input(tr("admin_ind_unit_vi"), key="admin_ind_unit_vi"),
            "unit_en": c2.text_input(tr("admin_ind_unit_en"), key="admin_ind_unit_en"),
            "numerator": c1.selectbox(tr("admin_ind_numerator"), base_ids, key="admin_ind_numerator"),
            "denominator": c2.selectbox(tr("admin_ind_denominator"), base_ids, key="admin_ind_denominator"),
            "direction": c1.selectbox(tr("admin_ind_direction"), sorted(DIRECTIONS), key="admin_ind_direction",
                                      index=sorted(DIRECTIONS).index("up"), format_func=lambda d: tr(f"direction_{d}")),
            "temporal": c2.selectbox(tr("admin_ind_temporal"), sorted(TEMPORALS), key="admin_ind_temporal",
                                     index=sorted(TEMPORALS).index("stock"), format_func=lambda x: tr(f"temporal_{x}")),
            "group": c1.text_input(tr("admin_ind_group"), key="admin_ind_group"),
            "public": c2.checkbox(tr("admin_ind_public"), value=True, key="admin_ind_public"),
            "valid_from": c1.text_input(tr("admin_ind_valid_from"), key="admin_ind_valid_from", placeholder="2025-01-01"),
            "valid_to": c2.text_input(tr("admin_ind_valid_to"), key="admin_ind_valid_to", placeholder="2030-12-31"),
            "aliases": st.text_input(tr("admin_ind_aliases"), key="admin_ind_aliases"),
            "legal_basis": st.text_input(tr("admin_ind_basis"), key="admin_ind_basis"),
            "description_vi": st.text_input(tr("admin_ind_description_vi"), key="admin_ind_description_vi"),
            "description_en": st.text_input(tr("admin_ind_description_en"), key="admin_ind_description_en"),
        }
        if st.form_submit_button(tr("admin_ind_add_button"), type="primary"):
            _do(lambda: defs.add_indicator(store, new, by=actor), clear_caches=True)

    st.subheader(tr("admin_ind_edit"))
    chosen_id = st.selectbox(tr("admin_ind_choose"), catalog.ids, key="admin_ind_edit_id",
                             format_func={i.id: f"{i.id} — {i.name(L)}" for i in catalog}.__getitem__)
    cur = catalog[chosen_id]
    with st.form("admin_ind_edit_form"):
        c1, c2 = st.columns(2)
        k = f"admin_ind_edit_{chosen_id}_"  # fresh widgets per indicator, filled with its values
        changes = {
            "vi": c1.text_input(tr("admin_ind_vi"), cur.vi, key=k + "vi"),
            "en": c2.text_input(tr("admin_ind_en"), cur.en, key=k + "en"),
            "short_vi": c1.text_input(tr("admin_ind_short_vi"), cur.short_vi, key=k + "short_vi"),
            "short_en": c2.text_input(tr("admin_ind_short_en"), cur.short_en, key=k + "short_en"),
            "unit_vi": c1.text_input(tr("admin_ind_unit_vi"), cur.unit_vi, key=k + "unit_vi"),
            "unit_en": c2.text_input(tr("admin_ind_unit_en"), cur.unit_en, key=k + "unit_en"),
            "direction": c1.selectbox(tr("admin_ind_direction"), sorted(DIRECTIONS), key=k + "direction",
                                      index=sorted(DIRECTIONS).index(cur.direction),
                                      format_func=lambda d: tr(f"direction_{d}")),
            "group": c2.text_input(tr("admin_ind_group"), cur.group, key=k + "group"),
            "valid_from": c1.text_input(tr("admin_ind_valid_from"), _date_text(cur.valid_from), key=k + "valid_from"),
            "valid_to": c2.text_input(tr("admin_ind_valid_to"), _date_text(cur.valid_to), key=k + "valid_to"),
            "public": st.checkbox(tr("admin_ind_public"), value=cur.public, key=k + "public"),
            "aliases": st.text_input(tr("admin_ind_aliases"), "; ".join(cur.aliases), key=k + "aliases"),
            "legal_basis": st.text_input(tr("admin_ind_basis"), cur.legal_basis, key=k + "basis"),
        }
        if st.form_submit_button(tr("admin_ind_save")):
            _do(lambda: defs.edit_indicator(store, chosen_id, changes, by=actor), clear_caches=True)
    c1, c2 = st.columns(2)
    retire_on = c1.date_input(tr("admin_ind_retire_on"), value=date.today(), key="admin_ind_retire_on")
    if c2.button(tr("admin_ind_retire"), key="admin_ind_retire", disabled=cur.retired):
        _do(lambda: defs.retire_indicator(store, chosen_id, by=actor, on=retire_on), clear_caches=True)

with tab_rules:
    from pages.shared.rules_tab import render_rules_tab

    def _saved() -> None:
        st.session_state["admin_flash"] = tr("admin_done")
        st.rerun()

    render_rules_tab(store, actor, _saved)
