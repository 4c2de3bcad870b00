"""Live maps: the geometry fetched once per set by the browser (HTTP-cached static file), and per change only
the per-unit classes and values (:func:`geo.carto.layer.live_data`), evaluated in the mounted map through
streamlit-folium's feature_group_to_add. The layer is the maps' one script, :mod:`geo.carto.layer`."""

from __future__ import annotations

import pandas as pd

from geo.analysis.classify import Classification
from geo.carto.assets import raw_script_element, script_json
from geo.carto.basemap import add_labels, base_map
from geo.carto.geometry import DisplayLayer, full_stroke_zoom
from geo.carto.layer import category_data, layer_element, live_data
from geo.reference.catalog import Indicator

__all__ = ["build_live_choropleth", "category_data", "live_data", "live_update"]


def build_live_choropleth(display: DisplayLayer, geometry_url: str, *, lang: str = "vi", attribution: str = "",
                          basemap: str = "none", labels: bool = False, frame: pd.DataFrame | None = None,
                          assets: str | None = None, outline_url: str | None = None,
                          layer_js: str | None = None):
    """The part of a choropleth that stays while the user changes indicator, classes or scheme: base map and a
    layer that fetches ``geometry_url`` (the set's :class:`DisplayLayer` JSON, see :func:`geometry_file_name`).
    ``outline_url`` (optional) is an :func:`outline_json` file of provinces, drawn above the communes with
    their names at national zoom. Colour it with :func:`live_update`. Its script is the same for every indicator, so streamlit-folium keeps
    the map mounted and only evaluates the small update. ``layer_js``: the URL of ``layer.js``
    (:func:`geo.carto.layer.install_layer_script`), loaded after Leaflet like it, once per page; without it
    the map carries the script inline (and every rerun sends it again)."""
    m = base_map(display.bounds, basemap, lang, attribution, assets)
    if layer_js:
        m.default_js = [*m.default_js, ("antt_layer", layer_js)]  # streamlit-folium loads these in order
    m.add_child(layer_element(url=geometry_url, full_zoom=full_stroke_zoom(display.bounds), outline_url=outline_url,
                              script_loaded=bool(layer_js)))
    if labels:
        add_labels(m, display, frame if frame is not None else pd.DataFrame(index=[]))
    return m


def live_update(layer: DisplayLayer, values: pd.Series, frame: pd.DataFrame, ind: Indicator, catalog,
                classification: Classification, *, lang: str = "vi", highlight: str | None = None,
                data: dict | None = None):
    """A folium FeatureGroup whose script hands :func:`live_data` to the live layer (``window.anttApply``);
    for streamlit-folium's ``feature_group_to_add``, which evaluates it in the mounted map."""
    import folium
    from jinja2 import Template

    global _APPLY_TEMPLATE
    if _APPLY_TEMPLATE is None:
        _APPLY_TEMPLATE = Template("{% macro script(this, kwargs) %}"
                                   "window.anttPendingData = {{ this.data }};"
                                   "if (window.anttApply) { window.anttApply(window.anttPendingData); }"
                                   "{% endmacro %}")
    fg = folium.FeatureGroup(name="antt-data", control=False)
    el = raw_script_element()
    el._name = "AnttData"
    el._template = _APPLY_TEMPLATE
    el.data = script_json(data if data is not None else
                          live_data(layer, values, frame, ind, catalog, classification, lang, highlight))
    fg.add_child(el)
    return fg


_APPLY_TEMPLATE = None
