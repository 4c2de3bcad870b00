"""The API as a GIS client waits for it (issue 24): the national set's items from ``streamlit run app.py`` on
loopback — one request for all 3,321 features, and GDAL's OAPIF driver (what QGIS uses) reading every page.

``measure_api`` starts its own server with its own data folder (the built-in samples), times the first
request (the server prepares the boundaries and serializes the features once per data version), then the
warm requests (median), and reports bytes and feature counts as received. Target: the warm national request
within 2 s.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

API_SET = "vn-2025"
API_TARGET_S = 2.0


def _fetch(url: str) -> tuple[float, int, int]:
    """(seconds, bytes, features) of one GET."""
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as r:
        body = r.read()
    seconds = time.perf_counter() - t0
    return seconds, len(body), len(json.loads(body).get("features", []))


def measure_api(set_id: str = API_SET, repeat: int = 5) -> dict:
    import pyogrio

    from geo.bench.app_browser import App
    from geo.units import boundaries as gb

    if gb.boundary_file(gb.get_boundary_set_info(set_id)) is None:
        return {"error": f"no boundary file for {set_id} (ANTT_BOUNDARY_DIR)"}
    with App(Path(tempfile.mkdtemp(prefix="antt-bench-api-"))) as app:
        url = f"{app.url}/api/ogc/collections/{set_id}/items?limit=5000"
        cold_s, size, n = _fetch(url)
        warm = [_fetch(url)[0] for _ in range(repeat)]
        t0 = time.perf_counter()
        frame = pyogrio.read_dataframe(f"OAPIF:{app.url}/api/ogc/", layer=set_id)
        gdal_s = time.perf_counter() - t0
    return {"boundary_set": set_id, "features": n, "bytes": size, "first_request_s": cold_s,
            "items_s": statistics.median(warm), "gdal_paged_read_s": gdal_s, "gdal_features": len(frame)}


def format_api_report(r: dict | None) -> list[str]:
    if not r:
        return []
    if "error" in r:
        return [f"API items request: {r['error']}"]
    met = "met" if r["items_s"] <= API_TARGET_S else "MISSED"
    return [f"API items request ({r['boundary_set']}, {r['features']:,} features, {r['bytes'] / 1e6:.1f} MB): "
            f"{r['items_s']:.2f} s warm (≤ {API_TARGET_S:g} s: {met}), {r['first_request_s']:.1f} s first after "
            f"start; GDAL OAPIF read through paging: {r['gdal_features']:,} features in {r['gdal_paged_read_s']:.2f} s"]
