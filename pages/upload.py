"""Cập nhật dữ liệu: template download, upload, dry-run report, confirm. All logic lives in geo.intake.ingest/store."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.entry import reporting_period, vintage_set
from geo.intake.ingest import column_map_rows, validate_file
from geo.intake.report import sheet_line
from geo.intake.mappings import remember_mapping, remembered_mapping
from geo.intake.template import template_bytes
from geo.reference.catalog import load_catalog
from geo.text.i18n import format_value
from geo.units.boundaries import get_boundary_set_info
from pages.shared.data import get_store
from pages.shared.signin import current_user
from pages.shared.state import current_area, current_set_id, labels, lang, tr
from pages.preview import render_change_preview
from pages.shared.flags import confirm_flags

st.title(tr("upload_title"))
# The page opens on the period being reported (the newest that has ended, geo.analysis.entry.reporting_period)
# and the units of its vintage; a typed period, or the file's own, decides instead (the period decides the units).
typed = (st.session_state.get("upload_period") or "").strip()
due = reporting_period(get_store())
try:
    set_id = vintage_set(current_set_id(), typed or due)
except ValueError:  # a period that cannot be read: the check below names it
    set_id = vintage_set(current_set_id(), due)
st.caption(tr("upload_opens_on", period=typed or due, set=get_boundary_set_info(set_id).title(lang())))

# 1. Template
c1, c2 = st.columns(2)
c1.download_button(tr("upload_template_xlsx"), data=template_bytes(set_id, period=typed or due, lang=lang()),
                   file_name=f"mau_{set_id}.xlsx", key="upload_tpl_xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
c2.download_button(tr("upload_template_csv"),
                   data=template_bytes(set_id, period=typed or due, lang=lang(), fmt="csv"),
                   file_name=f"mau_{set_id}.csv", key="upload_tpl_csv", mime="text/csv")

# 2. Period and file
# Empty by default: the period written in the file is used (a sidebar period must not silently overwrite
# another period's data); staff can still type one, and a mismatch with the file is warned about.
period_text = st.text_input(tr("upload_period"), value="", key="upload_period", help=tr("upload_period_help"),
                            placeholder=tr("upload_period_placeholder"))
uploaded = st.file_uploader(tr("upload_file"), type=["xlsx", "xls", "csv", "txt"], key="upload_file")
if uploaded is None:
    st.stop()

period = period_text.strip() or None
# Hand-made column mappings are remembered per boundary set in the store (geo.intake.mappings).
mappings = st.session_state.setdefault("upload_mapping", {})
if set_id not in mappings:
    mappings[set_id] = remembered_mapping(get_store(), set_id)
mapping = mappings[set_id]
# A workbook with several data sheets is refused until the person chooses among them (geo.intake.sheets).
sheets_key = f"upload_sheets_{uploaded.file_id}"
with st.status(tr("upload_checking"), expanded=False) as status:
    report = validate_file(uploaded.getvalue(), boundary_set=set_id, period=period, file_name=uploaded.name,
                           column_mapping=mapping, lang=lang(), area=current_area(set_id), store=get_store(),
                           sheets=st.session_state.get(sheets_key) or None)
    if period is None and report.period and vintage_set(set_id, report.period) != set_id:  # the file's period
        set_id = vintage_set(set_id, report.period)
        mapping = mappings.setdefault(set_id, remembered_mapping(get_store(), set_id))
        report = validate_file(uploaded.getvalue(), boundary_set=set_id, period=None, file_name=uploaded.name,
                               column_mapping=mapping, lang=lang(), area=current_area(set_id), store=get_store(),
                               sheets=st.session_state.get(sheets_key) or None)
    status.update(label=tr("upload_checked", errors=len(report.errors), warnings=len(report.warnings)),
                  state="error" if report.errors else "complete")

if len(report.data_sheets) > 1:
    st.multiselect(tr("upload_sheets"), report.data_sheets, key=sheets_key, help=tr("upload_sheets_help"),
                   placeholder=tr("upload_sheets_placeholder"))
if len(report.sheets) > 1:  # every sheet of the workbook and what was read from it
    st.caption("  \n".join(sheet_line(s, lang()) for s in report.sheets))

# 3. Dry-run report: errors first, then warnings, then a preview
if not report.readable:
    for p in report.errors:
        st.error(p.message)
    st.stop()
st.caption(tr("ingest_report_units", matched=report.units_matched, expected=report.units_expected))
for p in report.errors:
    st.error(p.message)
for p in report.warnings:
    st.warning(p.message)

catalog = load_catalog()


def _remember(header: str) -> None:
    mapping[header] = st.session_state[f"upload_map_{set_id}_{header}"]
    remember_mapping(get_store(), set_id, mapping, str(current_user()))


mappable = list(dict.fromkeys([*report.ignored_columns, *mapping]))
if mappable:
    with st.expander(tr("upload_mapping"), expanded=bool(report.ignored_columns)):
        st.caption(tr("upload_mapping_note"))
        options = [""] + [i.id for i in catalog.base()]
        for header in mappable:
            current = mapping.get(header, "")
            st.selectbox(header, options, index=options.index(current) if current in options else 0,
                         key=f"upload_map_{set_id}_{header}",
                         format_func=labels(options, lambda i: catalog[i].name(lang()) if i else "—"),
                         on_change=_remember, args=(header,))

# The column map, above the preview: what each column is read as; an unsure column waits for a person.
if report.columns:
    st.subheader(tr("upload_columns"))
    st.dataframe(pd.DataFrame(column_map_rows(report, lang())), hide_index=True, use_container_width=True)
    base_ids = [i.id for i in catalog.base()]
    confirm = {c["letter"]: c for c in reversed(report.columns) if c["reading"] == "confirm"}  # one per letter
    for c in reversed(confirm.values()):  # every column a person must decide (on any sheet read)
        header = report.headers.get(c["letter"], c["header"]) or c["letter"]  # a column with no header: its letter
        options = list(dict.fromkeys([*c["candidates"], *base_ids, ""]))
        # a guess is offered first; a column no rule reads starts empty, so a click alone maps nothing
        pick = st.selectbox(tr("upload_confirm_column", letter=c["letter"], header=header), options,
                            index=0 if c["candidates"] else None, placeholder=tr("upload_confirm_placeholder"),
                            key=f"upload_pick_{set_id}_{c['letter']}",
                            format_func=labels(options, lambda i: catalog[i].name(lang()) if i
                                               else tr("upload_confirm_ignore")))
        if st.button(tr("upload_confirm_column_button", letter=c["letter"]), key=f"upload_ok_{set_id}_{c['letter']}",
                     disabled=pick is None):
            mapping[header] = pick
            remember_mapping(get_store(), set_id, mapping, str(current_user()))
            st.rerun()

if report.rows:
    shown = catalog.valid_in(report.period) if report.period else catalog  # the file's period's indicators
    ids = [i.id for i in shown.base()]
    preview = pd.DataFrame([{tr("upload_col_code"): r["unit_code"], tr("upload_col_name"): r["unit_name"],
                             **{catalog[i].name(lang()): format_value(r["values"].get(i), catalog[i].kind, lang())
                                for i in ids}} for r in report.rows])
    st.dataframe(preview, hide_index=True, use_container_width=True)

    if report.period:
        render_change_preview(set_id, report.period, report.rows)

# 4. Confirm (refused if someone else imported the same set and period since this dry run). The version is
# the one of the first run that showed this file's report: read again in the run of the confirm click, it
# would already include the other import and the check could never fire.
store = get_store()
seen = st.session_state.setdefault("upload_seen_version", {})
seen_key = (set_id, report.period, report.file_sha256)
if report.period and seen_key not in seen:
    seen[seen_key] = store.latest_version(set_id, report.period) or 0  # 0: nothing imported yet
seen_version = seen.get(seen_key)
flags_ok, flags = confirm_flags(report.flags, "upload")  # values that look wrong need a person's word
note = st.text_input(tr("upload_note"), key="upload_note")
if st.button(tr("upload_confirm"), type="primary", disabled=not (report.ok and flags_ok), key="upload_confirm"):
    from geo.store.database import StoreError

    try:
        version = store.import_rows(report.rows, boundary_set=set_id, period=report.period,
                                    user=current_user(), file_name=report.file_name,
                                    file_sha256=report.file_sha256, file_size=report.file_size,
                                    note=note or None, expected_version=seen_version, flags=flags)
    except StoreError as exc:
        st.error(exc.message(lang()))
    else:
        st.session_state["upload_last_version"] = version
        seen[seen_key] = version  # this session's own import is seen
        st.cache_data.clear()
        st.success(tr("upload_done", version=version, period=report.period, units=len(report.rows)))
