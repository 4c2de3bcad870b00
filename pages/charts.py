"""Biểu đồ: ranking (map colours), team composition, commitment coverage, valuable-tip rate."""

import streamlit as st

from geo.analysis.classify import classify
from geo.outputs.charts import coverage_bars, ranking_bar, team_composition, tip_rate_bars
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from pages.shared.data import indicator_choices, load_joined
from pages.shared.links import classes_in_link, take_link, view_link
from pages.shared.state import current_set_id, lang, shared_view, tr
from pages.shared.widgets import indicator_labels, sample_banner, source_caption

catalog = load_catalog()
take_link(indicator="charts_indicator")  # what a link may set on this page (pages/shared/links.py)
units, frame, report, fallback = load_joined()

st.title(tr("charts_title"))
sample_banner(frame)
choices = indicator_choices(frame.attrs.get("period"))
shared = shared_view()  # the indicator and classes chosen on the other pages (the map's, usually)
_chosen = shared.indicator
row = st.container(horizontal=True, vertical_alignment="bottom", key="pick_row")
indicator_id = row.selectbox(tr("map_indicator"), choices, key="charts_indicator",
                             format_func=indicator_labels(choices),
                             index=choices.index(_chosen) if _chosen in choices else 0)
ind = catalog[indicator_id]
values = indicator_values(frame, indicator_id, catalog)
# the ranking takes the map's colours (its classes; manual bounds fall back to quantiles here)
method = shared.method if shared.method not in (None, "manual") else "quantiles"
k, scheme = shared.k or 5, shared.scheme or "YlGnBu"
cls = classify(values, method, k, scheme=scheme, reverse=ind.direction == "down")
with row.container(width="content"):
    view_link(indicator=indicator_id, **classes_in_link(method, k, scheme))

tab_rank, tab_teams, tab_cov, tab_tips = st.tabs(
    [tr("chart_tab_ranking"), tr("chart_tab_teams"), tr("chart_tab_coverage"), tr("chart_tab_tips")])
with tab_rank:
    st.plotly_chart(ranking_bar(frame, indicator_id, cls, lang(), catalog), use_container_width=True)
with tab_teams:
    st.plotly_chart(team_composition(frame, lang(), catalog), use_container_width=True)
with tab_cov:
    st.plotly_chart(coverage_bars(frame, lang(), catalog), use_container_width=True)
with tab_tips:
    st.plotly_chart(tip_rate_bars(frame, lang(), catalog), use_container_width=True)
source_caption(current_set_id(), frame)
