"""The base of every map: no basemap by default (tiles cannot load offline), the set's attribution, unit labels."""

from __future__ import annotations

import html
from functools import lru_cache

from geo.carto.assets import use_local_assets
from geo.carto.geometry import DisplayLayer
from geo.config import setting

BASEMAPS = ("none", "osm", "custom")
ENV_TILE_URL = "ANTT_TILE_URL"
ENV_TILE_ATTRIBUTION = "ANTT_TILE_ATTRIBUTION"


def base_map(bounds, basemap: str, lang: str, attribution: str, assets: str | None = None):
    import folium

    kwargs = dict(tiles=None, control_scale=True, prefer_canvas=True, zoom_control=True)
    m = folium.Map(location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2], zoom_start=10, **kwargs)
    if assets:
        use_local_assets(m, assets)
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    elif basemap == "custom":
        url = setting(ENV_TILE_URL)
        if url:
            folium.TileLayer(url, attr=html.escape(setting(ENV_TILE_ATTRIBUTION) or url), name="basemap").add_to(m)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    add_attribution(m, attribution)
    return m


def add_attribution(m, text: str) -> None:
    import json

    from branca.element import MacroElement

    el = MacroElement()
    el._template = _attribution_template()
    el.text = json.dumps(html.escape(text))
    m.add_child(el)


@lru_cache(maxsize=1)
def _attribution_template():
    from jinja2 import Template

    return Template("{% macro script(this, kwargs) %}"
                    "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});"
                    "{% endmacro %}")


def add_labels(m, display: DisplayLayer, frame) -> None:
    import folium

    for code, (lat, lon) in zip(display.codes, display.label_points):
        name = frame.at[code, "unit_name"] if code in frame.index else code
        folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(
                html=f'<div class="antt-label" style="font-size:11px;font-weight:600;color:#111;'
                     f'text-shadow:0 0 3px #fff,0 0 3px #fff;white-space:nowrap;transform:translate(-50%,-50%)">'
                     f"{html.escape(str(name))}</div>",
                icon_size=(0, 0),
            ),
        ).add_to(m)
