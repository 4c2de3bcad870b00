"""The live map and its legend: geometry fetched once per set by the browser, colours changed in place."""

from __future__ import annotations

import streamlit as st

from geo.reference.catalog import load_catalog
from geo.units import boundaries as gb
from pages.shared.data import display_layer, geometry_file, layer_js, map_assets, outline_file, write_static
from pages.shared.state import current_area, lang, tr


def live_map(set_id: str, frame, values, ind, classification, *, key: str, height: int, highlight=None,
             returned_objects=(), basemap: str = "none", labels: bool = False, layer=None, on_change=None,
             data=None, area: tuple | None = None):
    """A choropleth whose geometry the browser fetches once per set (a static file named by its content hash)
    and whose colours change in place: a rerun sends only the per-unit classes and values. ``area``: the units
    drawn (default the sidebar's area; ``()`` the whole set)."""
    from streamlit_folium import st_folium

    from geo.carto.maps import build_live_choropleth, live_update

    info = gb.get_boundary_set_info(set_id)
    fingerprint = gb.unit_source(set_id).fingerprint
    if layer is None:  # the set's (or chosen area's) units
        area = current_area(set_id) if area is None else area
        layer = display_layer(set_id, area)
        url = geometry_file(set_id, fingerprint, area)
    else:  # another layer of the set (its provinces): written once under its content hash
        from geo.carto.maps import geometry_file_name

        url = write_static(geometry_file_name(layer), layer.geometry_json)
    m = build_live_choropleth(layer, url, lang=lang(), attribution=info.attribution, basemap=basemap,
                              labels=labels, frame=frame, assets=map_assets(),
                              outline_url=outline_file(set_id, fingerprint), layer_js=layer_js())
    update = live_update(layer, values, frame, ind, load_catalog(), classification, lang=lang(),
                         highlight=highlight, data=data)  # data: categories (geo.carto.live.category_data)
    return st_folium(m, key=key, height=height, use_container_width=True, returned_objects=list(returned_objects),
                     feature_group_to_add=update, on_change=on_change)


def map_and_legend(set_id: str, frame, values, ind, classification, *, key: str, height: int = 420,
                   legend_title: str | None = None, note: str | None = None, ratio=(3, 1), **map_kw) -> None:
    """A choropleth of the set with its legend beside it (pan and zoom never rerun the script)."""
    from geo.carto.maps import legend_html, legend_items

    left, right = st.columns(list(ratio))
    with left:
        live_map(set_id, frame, values, ind, classification, key=key, height=height, **map_kw)
    with right:
        st.markdown(legend_html(legend_items(classification, ind, lang()), legend_title or ind.unit(lang()), lang()),
                    unsafe_allow_html=True)
        if note:
            st.caption(note)


def fallback_notice(set_id: str) -> None:
    """No polygon file: say which file is missing, where it is looked for and how to point elsewhere."""
    info = gb.get_boundary_set_info(set_id)
    st.info(tr("map_fallback_notice", file=info.file, folder=str(gb.boundary_dir()), env=gb.ENV_BOUNDARY_DIR))
