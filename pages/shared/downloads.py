"""Download buttons for the map page: map PNG / HTML, data XLSX / CSV, PDF brief, forum pack ZIP (the files
are built and cached in pages/shared/data.py).

The light files (map PNG/HTML, data) are built only when their button is clicked (``st.download_button`` with
a callable ``data=``: a rerun never renders a PNG nobody asked for), then cached on hashable ids (set id, period,
data version, indicator, classes, language); frames are passed as ``_underscored`` arguments. The PDF and the
ZIP take seconds (one map per commune), so they are built only after "Prepare" is pressed, then cached.
"""

from __future__ import annotations

import streamlit as st

from geo.access import auth
from geo.analysis.classify import Classification
from geo.outputs import brief, exports
from geo.text.errors import message_of
from pages.shared.data import (brief_file, classes_key, data_file, frame_key, get_store, gpkg_file, map_html_file,
                               map_png_file, pack_file)
from pages.shared.signin import current_user
from pages.shared.state import lang, tr


def _audit(what: str, key: tuple, indicator_id: str | None = None) -> None:
    """Exports are audited: who took which file of which data."""
    try:
        auth.record(get_store(), "export", current_user(), {
            "what": what, "boundary_set": key[0], "period": key[1], "version": key[2], "indicator": indicator_id})
    except Exception:  # an audit failure must not break the download; the store reports its own errors
        pass


def render_export_buttons(units, frame, indicator_id: str, classification: Classification | None,
                          set_id: str, values=None) -> None:
    """Download buttons under the map. Public PDF/ZIP editions (public indicators, small counts hidden). The
    files take the map's view as it is shown (geo.outputs.outview): its classes, values and provenance."""
    from geo.outputs.outview import output_view
    from geo.reference.catalog import load_catalog

    L = lang()
    view = output_view(units, frame, set_id=set_id, lang=L, catalog=load_catalog(), indicator_id=indicator_id,
                       classification=classification, values=values)
    key = frame_key(frame, set_id)
    ck = classes_key(classification)
    # Internal indicators leave the app only with an editor: viewers get public maps and public data.
    internal_ok = auth.has_role(current_user(), "editor") and current_user().signed_in
    map_ok = load_catalog()[indicator_id].public or internal_ok
    st.markdown(f"**{tr('export_buttons_title')}**", help=tr("export_btn_help"))
    if not internal_ok:
        st.caption(tr("export_public_only"))
    try:
        cols = st.columns(4)
        if map_ok:
            cols[0].download_button(
                tr("export_btn_map_png"), lambda: map_png_file(key, indicator_id, ck, L, view),
                file_name=exports.file_name("ban-do", frame, "png", indicator_id), mime="image/png",
                key="export_map_png", use_container_width=True, on_click=_audit, args=("map_png", key, indicator_id))
            cols[1].download_button(
                tr("export_btn_map_html"), lambda: map_html_file(key, indicator_id, ck, L, view),
                file_name=exports.file_name("ban-do", frame, "html", indicator_id), mime="text/html",
                key="export_map_html", use_container_width=True, on_click=_audit,
                args=("map_html", key, indicator_id))
        else:
            cols[0].caption(tr("export_internal_map"))
        cols[2].download_button(
            tr("export_btn_xlsx"), lambda: data_file(key, "xlsx", L, not internal_ok, view),
            file_name=exports.file_name("so-lieu", frame, "xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="export_xlsx", use_container_width=True, on_click=_audit, args=("data_xlsx", key))
        cols[3].download_button(
            tr("export_btn_csv"), lambda: data_file(key, "csv", L, not internal_ok, view),
            file_name=exports.file_name("so-lieu", frame, "csv"), mime="text/csv", key="export_csv",
            use_container_width=True, on_click=_audit, args=("data_csv", key))
    except Exception as exc:  # a file that cannot be built must not take the map page down
        st.error(tr("export_error", error=message_of(exc, lang())))
        return
    # The brief uses a public indicator for its map (the edition is public).
    brief_indicator = indicator_id if load_catalog()[indicator_id].public else brief.DEFAULT_MAP_INDICATOR
    ready = st.session_state.get("export_ready") == (key, brief_indicator, L)
    cols = st.columns(4)
    cols[3].download_button(
        tr("export_btn_gpkg"), lambda: gpkg_file(key, not internal_ok, units, frame),
        file_name=exports.file_name("so-lieu", frame, "gpkg"), mime="application/geopackage+sqlite3",
        key="export_gpkg", use_container_width=True, on_click=_audit, args=("data_gpkg", key))
    if not ready:
        if cols[0].button(tr("export_btn_prepare"), key="export_prepare", use_container_width=True):
            st.session_state["export_ready"] = (key, brief_indicator, L)
            ready = True
    if ready:
        try:
            with st.spinner(tr("export_btn_prepare")):
                brief_view = view.showing(brief_indicator)
                pdf = brief_file(key, brief_indicator, L, brief_view)
                pack = pack_file(key, brief_indicator, L, brief_view)
        except Exception as exc:
            st.error(tr("export_error", error=message_of(exc, lang())))
            return
        cols[0].download_button(tr("export_btn_pdf"), pdf, file_name=exports.file_name("bao-cao", frame, "pdf"),
                                mime="application/pdf", key="export_pdf", use_container_width=True,
                                on_click=_audit, args=("brief_pdf", key, brief_indicator))
        cols[1].download_button(tr("export_btn_pack"), pack,
                                file_name=exports.file_name("dien-dan", frame, "zip"),
                                mime="application/zip", key="export_pack", use_container_width=True,
                                on_click=_audit, args=("forum_pack", key, brief_indicator))
