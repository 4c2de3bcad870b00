"""Bản đồ: choropleth of one indicator (rate first where one exists), legend beside the map, join report."""

import streamlit as st
from streamlit_folium import st_folium

from geo.analysis.classify import MAX_K, METHODS, MIN_K, SEQUENTIAL_SCHEMES, ClassifyError
from geo.analysis.view import aggregate_frame
from geo.carto.maps import BASEMAPS, build_symbol_map, legend_html, legend_items
from geo.reference.catalog import load_catalog
from geo.reference.frames import indicator_values
from geo.units import boundaries as gb
from pages.shared.data import cached_classify, indicator_choices, load_joined, map_assets, province_layer
from pages.shared.downloads import render_export_buttons
from pages.shared.links import classes_in_link, take_link, view_link
from pages.shared.mapview import fallback_notice, live_map
from pages.shared.notices import stop_page
from pages.shared.state import current_area, current_set_id, drill_into_province, labels, lang, share_view, tr
from pages.shared.widgets import indicator_labels, sample_banner, source_caption

catalog = load_catalog()
set_id = current_set_id()
# what a link may set on this page (pages/shared/links.py), before the widgets are drawn
take_link(indicator="map_indicator", method="map_method", k="map_k", scheme="map_scheme", breaks="map_breaks")


def _drill() -> None:
    """A click on a province (aggregated map) chooses it as the area and shows its communes."""
    clicked = (st.session_state.get("map_folium_provinces") or {}).get("last_active_drawing") or {}
    name = (clicked.get("properties") or {}).get("code")
    if name:
        drill_into_province(set_id, name)
        st.session_state["map_by_province"] = False


info = gb.get_boundary_set_info(set_id)
units, frame, report, fallback = load_joined(set_id)

st.title(tr("map_title"))
sample_banner(frame)
if fallback:
    fallback_notice(set_id)

choices = indicator_choices(frame.attrs.get("period"))
# The indicator is the reader's main choice: on the page itself (a phone opens with the sidebar closed), with
# the copy-link button beside it, or under it on a phone.
row = st.container(horizontal=True, vertical_alignment="bottom", key="pick_row")
indicator_id = row.selectbox(tr("map_indicator"), choices, key="map_indicator", format_func=indicator_labels(choices))
with st.sidebar:
    st.divider()
    method = st.selectbox(tr("map_method"), METHODS, key="map_method", format_func=labels(METHODS, lambda m: tr(f"method_{m}")))
    breaks = None
    if method == "manual":
        raw = st.text_input(tr("map_breaks"), key="map_breaks", help=tr("map_breaks_help"))
        try:
            breaks = [float(x.strip().replace(",", ".")) for x in raw.split(";") if x.strip()]
        except ValueError:
            st.error(tr("map_breaks_invalid"))
            breaks = []
        k = max(1, len(breaks or []))
    else:
        k = st.slider(tr("map_classes"), MIN_K, MAX_K, 5, key="map_k")
    scheme = st.selectbox(tr("map_scheme"), SEQUENTIAL_SCHEMES, key="map_scheme")
    show_labels = st.checkbox(tr("map_labels"), key="map_labels")
    provinces = province_layer(set_id) if not fallback and not current_area(set_id) else None
    by_province = provinces is not None and st.checkbox(tr("map_by_province"), key="map_by_province",
                                                        help=tr("map_by_province_help"))
    basemap = st.selectbox(tr("map_basemap"), BASEMAPS, key="map_basemap", format_func=labels(BASEMAPS, lambda b: tr(f"basemap_{b}")))

with row.container(width="content"):
    view_link(indicator=indicator_id, **classes_in_link(method, k, scheme, breaks))

communes = frame
if by_province:  # the provinces of the whole set, counts summed, shares from the summed parts
    frame = aggregate_frame(frame, units[gb.province_column(set_id)], catalog)
ind = catalog[indicator_id]
values = indicator_values(frame, indicator_id, catalog)
if method == "manual" and not breaks:
    st.info(tr("map_breaks_help"))
    stop_page()
try:
    cls = cached_classify(values, method, k, tuple(breaks) if breaks is not None else None, scheme,
                          ind.direction == "down")
except ClassifyError as exc:
    st.error(exc.message(lang()))
    stop_page()

if fallback:
    m = build_symbol_map(units, frame, values, ind, catalog, cls, lang=lang(), attribution=info.attribution,
                         basemap=basemap, assets=map_assets())
else:
    m = None  # drawn by live_map below: geometry fetched once per set, colours updated in place

left, right = st.container(key="map_body").columns([3, 1])  # the legend column keeps 12rem (layout_css)
with left:
    st.subheader(ind.name(lang()))
    if ind.derived:
        st.caption(tr("map_shows_rate", formula=ind.description(lang())))
    if m is None:
        event = live_map(set_id, frame, values, ind, cls, key="map_folium_provinces" if by_province else "map_folium",
                         height=560, basemap=basemap, labels=show_labels and not by_province,
                         returned_objects=["last_active_drawing"], layer=provinces if by_province else None,
                         on_change=_drill if by_province else None)
    else:
        event = st_folium(m, key="map_folium", height=560, use_container_width=True,
                          returned_objects=["last_active_drawing"])
with right:
    st.markdown(legend_html(legend_items(cls, ind, lang()), ind.unit(lang()), lang(), provinces=by_province),
                unsafe_allow_html=True)
    st.caption(tr("map_method_caption", method=tr(f"method_{cls.method}"), k=cls.k))
    st.caption(tr("map_province_click_hint") if by_province else tr("map_click_hint"))
source_caption(set_id, frame)

clicked = {} if by_province else (event or {}).get("last_active_drawing") or {}
code = (clicked.get("properties") or {}).get("code")
if code and code != st.session_state.get("map_last_click"):
    st.session_state["map_last_click"] = code
    share_view(unit=code)  # the profile opens on it (the profile's own widget key is the profile's)
    st.switch_page("pages/profile.py")

st.page_link("pages/present.py", label=tr("map_to_presentation"), icon=":material/slideshow:")
with st.expander(tr("map_downloads"), expanded=False):
    if fallback:
        st.caption(tr("map_downloads_need_polygons"))
    elif by_province:
        st.caption(tr("map_by_province_exports"))
    else:
        render_export_buttons(units, frame, indicator_id, cls, set_id, values=values)

with st.expander(tr("join_report_title", matched=len(report.matched), total=len(communes)), expanded=not report.complete):
    if report.complete:
        st.success(tr("join_complete"))
    if report.data_only:
        st.warning(tr("join_data_only", units=", ".join(f"{c} {n}".strip() for c, n in report.data_only)))
    if report.set_only:
        st.warning(tr("join_set_only", units=", ".join(f"{c} {n}" for c, n in report.set_only)))
    if report.ambiguous:
        st.error(tr("join_ambiguous", units=", ".join(n for n, _ in report.ambiguous)))
    by = {"code": 0, "name": 0}
    for _, _, how in report.matched:
        by[how] += 1
    st.caption(tr("join_how", code=by["code"], name=by["name"]))
