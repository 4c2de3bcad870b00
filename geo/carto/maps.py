"""The public surface of geo.carto: one import for pages, outputs and the benchmark.

The maps themselves live in the modules beside it: legend (legend and tooltip texts), assets (Leaflet served
locally, the offline standalone HTML), basemap (base map, attribution, labels), geometry (display geometry
encoded once per set, its hashed file name, province outlines), layer (the one Leaflet layer script, layer.js,
and its data shape), choropleth (that layer with its geometry inline: exports, symbol maps) and live (that layer
fetching its geometry once, per change only classes and values).
Every text from data is HTML-escaped before it reaches Leaflet.
"""

from __future__ import annotations

from geo.carto.assets import (
    install_leaflet,
    leaflet_dir,
    map_html,
    script_json,
    standalone_html,
    use_local_assets,
    write_once,
)
from geo.carto.basemap import BASEMAPS, ENV_TILE_ATTRIBUTION, ENV_TILE_URL
from geo.carto.choropleth import build_choropleth, build_symbol_map
from geo.carto.geometry import (
    DisplayLayer,
    decode_display_layer,
    full_stroke_zoom,
    geometry_file_name,
    outline_json,
    prepare_display_layer,
    quantum_for,
)
from geo.carto.layer import install_layer_script, layer_script
from geo.carto.legend import LegendItem, legend_html, legend_items, tooltip_texts
from geo.carto.live import build_live_choropleth, category_data, live_data, live_update

__all__ = [
    "BASEMAPS", "ENV_TILE_ATTRIBUTION", "ENV_TILE_URL", "DisplayLayer", "LegendItem", "build_choropleth",
    "build_live_choropleth", "build_symbol_map", "category_data", "decode_display_layer", "full_stroke_zoom",
    "geometry_file_name", "install_layer_script", "install_leaflet", "layer_script", "leaflet_dir", "legend_html", "legend_items", "live_data",
    "live_update", "map_html", "outline_json", "prepare_display_layer", "quantum_for", "script_json",
    "standalone_html", "tooltip_texts", "use_local_assets", "write_once",
]
