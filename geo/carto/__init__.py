"""Carto: folium maps (display geometry sent once per set, Leaflet served locally)."""
