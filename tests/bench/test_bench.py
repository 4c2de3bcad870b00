"""The benchmark's own logic (not its timings: those are printed by `python -m geo bench`, never asserted)."""

from geo.bench.benchmark import format_report
from geo.bench.browser import localize


def test_localize_drops_remote_assets_and_points_at_local_leaflet():
    page = ('<html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
            '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"/>'
            '</head><body><script>var x = 1;</script></body></html>')
    out = localize(page)
    assert "https://" not in out
    assert '<script src="leaflet.js"></script>' in out and 'href="leaflet.css"' in out
    assert "<script>var x = 1;</script>" in out


def test_report_says_met_or_missed_from_the_ratios():
    r = {"boundary_set": "vn-pre2025",
         "naive": {"payload_bytes": 12e6, "cold_build_s": 2.0, "warm_rebuild_s": 1.4, "peak_rss_mb": 400},
         "product": {"payload_bytes": 1.7e6, "cold_build_s": 4.6, "warm_rebuild_s": 0.1, "peak_rss_mb": 360},
         "ratios": {"payload": 12 / 1.7, "warm_rebuild": 14.0, "cold_build": 2 / 4.6, "peak_rss": 400 / 360},
         "district_rerun_s": 0.07, "validate_10k_s": 2.5,
         "hostile_upload_s": {"template (normal)": 0.001, "1,000,000-row sheet": 0.05}}
    text = format_report(r)
    assert "payload ≥ 6× smaller: met" in text and "warm rebuild ≥ 5× faster: met" in text
    assert "0.070 s (target ≤ 0.3 s: met)" in text and "2.500 s (target ≤ 2 s: MISSED)" in text
    assert "1,000,000-row sheet 50.0 ms (50.0× the template)" in text
    r["ratios"]["payload"] = 3.0
    assert "payload ≥ 6× smaller: MISSED" in format_report(r)
