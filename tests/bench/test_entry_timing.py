"""geo.bench.entry_timing: the form's and the status's server-side times are measured on a store holding a
national import, for the 45 communes of Điện Biên and the 3,321 units of vn-2025, and reported against targets."""

from __future__ import annotations

import pytest

from geo.bench.entry_timing import TARGETS_S, format_entry_report, measure_entry


def test_measures_the_chain_on_a_national_store():
    r = measure_entry(repeat=1)
    assert (r["units"], r["province_units"]) == (3321, 45)
    assert all(r[k] > 0 for k in TARGETS_S)


@pytest.mark.parametrize("key, value, word", [
    ("submit_s", 0.2, "met"), ("submit_s", 1.5, "MISSED"),
    ("status_national_s", 2.9, "met"), ("status_national_s", 3.1, "MISSED"),
])
def test_report_says_met_or_missed(key, value, word):
    r = {"boundary_set": "vn-2025", "units": 3321, "province_units": 45, **{k: 0.1 for k in TARGETS_S}, key: value}
    text = "\n".join(format_entry_report(r))
    assert f"{value:.3f} s (≤ {TARGETS_S[key]:g} s: {word})" in text


def test_no_boundary_file_is_said():
    assert format_entry_report({"error": "no boundary file"}) == ["Entry form and status: no boundary file"]
