"""So sánh kỳ: the change of an indicator between two periods (diverging map centred on zero) and its trend."""

from dataclasses import replace

import streamlit as st

from geo.analysis.change import (common_breaks, default_kind, district_change, period_change, periods_by_kind,
                                  series_breaks, trend)
from geo.analysis.classify import DIVERGING_SCHEMES, classify, diverging_classify
from geo.outputs.charts import trend_chart
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.text.i18n import format_value
from geo.text.periods import kind_label, parse_period
from geo.units.vintage import periods_on_set
from pages.shared.data import get_store, load_view
from pages.shared.mapview import fallback_notice, map_and_legend
from pages.shared.notices import stop_page
from pages.shared.state import current_set_id, labels, lang, tr
from pages.shared.widgets import indicator_labels, sample_banner, source_caption

catalog = load_catalog()
set_id = current_set_id()
st.title(tr("change_title"))
# one type of period at a time: a year beside its quarters (or an evaluation year) counts the same events twice
groups = periods_by_kind(periods_on_set(get_store(), set_id))
kinds, kind = list(groups), default_kind(groups)


def _kind_title(k: str) -> str:  # "Năm", "Quý", "Năm đánh giá kết thúc 31/10"
    text = kind_label(k, lang())
    return text[:1].upper() + text[1:]


if len(kinds) > 1:
    kind = st.selectbox(tr("change_kind"), kinds, index=kinds.index(kind), key="change_kind", width=360,
                        format_func=labels(kinds, _kind_title))
periods = groups.get(kind, [])
if len(periods) < 2:
    st.info(tr("change_need_two", n=len(periods)))
    stop_page()

period_label = labels(periods, lambda p: parse_period(p).label(lang()))
c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
choices = catalog.map_choices()
indicator_id = c1.selectbox(tr("map_indicator"), choices, key="change_indicator", format_func=indicator_labels(choices))
before_p = c2.selectbox(tr("change_before"), periods, index=len(periods) - 2, key="change_before",
                        format_func=period_label)
after_p = c3.selectbox(tr("change_after"), periods, index=len(periods) - 1, key="change_after", format_func=period_label)
modes = ["abs", "pct"]
mode = c4.radio(tr("change_mode"), modes, key="change_mode", format_func=labels(modes, lambda m: tr(f"change_mode_{m}")))

ind = catalog[indicator_id]
# Every period through the one view loader (cached per set, data version, period and area): the sidebar's area
# applies here as on the map.
views = {p: load_view(set_id, p) for p in periods}
all_tables = {p: v.frame for p, v in views.items()}
fallback = views[after_p].meta.fallback
frames = {p: all_tables[p] for p in {before_p, after_p}}
after = frames[after_p]
sample_banner(after)
diff = period_change(frames[before_p], after, indicator_id, catalog)
values = diff["change" if mode == "abs" else "change_pct"]
shown = replace(ind, vi=tr("change_of", indicator=ind.vi), en=tr("change_of", indicator=ind.en),
                kind=ind.kind if mode == "abs" else "share")
scheme = st.sidebar.selectbox(tr("map_scheme"), DIVERGING_SCHEMES, key="change_scheme")
cls = diverging_classify(values, k=5, scheme=scheme)

d = district_change(frames[before_p], after, indicator_id, catalog)
m1, m2, m3 = st.columns(3)
m1.metric(period_label(before_p), format_value(d["before"], ind.kind, lang(), missing=tr("kpi_no_data")))
m2.metric(period_label(after_p), format_value(d["after"], ind.kind, lang(), missing=tr("kpi_no_data")),
          delta=None if d["change"] is None else format_value(d["change"], ind.kind, lang()))
m3.metric(tr("change_mode_pct"), format_value(d["change_pct"], "share", lang(), missing="—"))

if fallback:
    fallback_notice(set_id)
else:
    map_and_legend(set_id, after, values, shown, cls, key="change_map", height=480,
                   legend_title=shown.name(lang()), note=tr("change_legend_note"))

st.subheader(tr("change_trend"))
cumulative = False
if ind.temporal == "flow" and not ind.derived:
    cumulative = st.checkbox(tr("change_cumulative"), key="change_cumulative")
else:
    st.caption(tr("change_no_cumulative"))
u, dist = trend(all_tables, indicator_id, catalog, cumulative=cumulative)
# Where the law changed the series: a marker, a note, the linked series beside it — never one line across.
law_breaks = series_breaks(periods, indicator_id, catalog)
linked = [(o, trend(all_tables, o, catalog, cumulative=cumulative)[1]) for b in law_breaks
          for o in (b["old"] if b["kind"] == "begins" else b["new"]) if o != indicator_id and o in catalog]
st.plotly_chart(trend_chart(u, dist, indicator_id, lang(), catalog, cumulative, breaks=law_breaks, linked=linked),
                use_container_width=True)
for b in law_breaks:
    st.info(tr("series_break_note", period=parse_period(b["after"]).label(lang()),
               old=", ".join(catalog[i].name(lang()) for i in b["old"] if i in catalog) or "—",
               new=", ".join(catalog[i].name(lang()) for i in b["new"] if i in catalog) or "—",
               note=b["note_vi"] if lang() == "vi" else b["note_en"]), icon="⚖️")

# The indicator period by period, with classes shared by all periods (same colour = same value).
st.subheader(tr("change_slider_title"))
breaks = common_breaks(all_tables, indicator_id, 5, catalog)
if breaks and not fallback:
    shown_p = st.select_slider(tr("sidebar_period"), periods, value=after_p, key="change_slider",
                               format_func=period_label)
    frame_p = all_tables[shown_p]
    values_p = indicator_values(frame_p, indicator_id, catalog)
    cls_p = classify(values_p, "manual", breaks=breaks, reverse=ind.direction == "down")
    map_and_legend(set_id, frame_p, values_p, ind, cls_p, key="change_slider_map", note=tr("change_slider_note"))
source_caption(set_id, after)
