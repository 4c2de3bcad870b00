"""Trước / sau 2025: the same indicator and period on the old units and on today's communes, side by side."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis.classify import classify
from geo.analysis.table import district_totals
from geo.carto.maps import build_choropleth, legend_html, legend_items
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.text.i18n import format_value
from geo.units import boundaries as gb
from geo.units.crosswalk import composition, list_crosswalks, load_crosswalk
from pages.shared.data import display_layer, load_view, map_assets
from pages.shared.mapview import fallback_notice
from pages.shared.state import current_period, lang, tr
from pages.shared.widgets import indicator_labels, sample_banner

catalog = load_catalog()
st.title(tr("reform_title"))
pairs = [(c.from_set, c.to_set) for c in list_crosswalks()]
pair = st.selectbox(tr("reform_pair"), pairs, key="reform_pair",
                    format_func={p: f"{gb.get_boundary_set_info(p[0]).title(lang())} → "
                                    f"{gb.get_boundary_set_info(p[1]).title(lang())}" for p in pairs}.__getitem__)
choices = catalog.map_choices()
indicator_id = st.selectbox(tr("map_indicator"), choices, key="reform_indicator", format_func=indicator_labels(choices))
ind = catalog[indicator_id]
period = current_period()

frames = []
for set_id in pair:  # both whole sets (area=()), data and map: the comparison is of the two vintages, not of an area
    view = load_view(set_id, period, area=())
    frames.append((set_id, view.units, view.meta.fallback, view.frame))
sample_banner(frames[0][3])

cols = st.columns(2)
for col, (set_id, units, fallback, frame) in zip(cols, frames):
    info = gb.get_boundary_set_info(set_id)
    with col:
        st.subheader(info.title(lang()))
        st.caption(f"{info.vintage_text(lang())} — {info.attribution}")
        if frame.attrs.get("converted_from"):
            st.caption(tr("reform_converted"))
        values = indicator_values(frame, indicator_id, catalog)
        cls = classify(values, "quantiles", 5, reverse=ind.direction == "down")
        total = district_totals(frame, catalog).get(indicator_id)
        st.metric(tr("reform_total", n=len(frame)), format_value(total, ind.kind, lang(), missing=tr("kpi_no_data")))
        if fallback:
            fallback_notice(set_id)
        else:
            m = build_choropleth(display_layer(set_id, area=()), frame, values, ind, catalog, cls, lang=lang(),
                                 attribution=info.attribution, labels=True, assets=map_assets())
            st_folium(m, key=f"reform_map_{set_id}", height=420, use_container_width=True, returned_objects=[])
        st.markdown(legend_html(legend_items(cls, ind, lang()), ind.unit(lang()), lang()), unsafe_allow_html=True)

old_frame, new_frame = frames[0][3], frames[1][3]
st.subheader(tr("reform_table"))
cw = load_crosswalk(*pair)
rows = [{
    tr("reform_col_new"): r["unit_name"],
    tr("reform_col_old"): ", ".join(name for _, name, _ in r["old"]),
    tr("reform_col_old_values"): " + ".join(format_value(v, ind.kind, lang()) for _, _, v in r["old"]),
    tr("reform_col_new_value"): format_value(r["value"], ind.kind, lang(), missing=tr("kpi_no_data")),
} for r in composition(cw, old_frame, new_frame, indicator_id, catalog)]
st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
st.caption(tr("reform_source", source=cw.info.source, licence=cw.info.licence))
