"""The reporting chain's server-side times (issue 20): what one commune's form costs the store — opening it
(the unit's numbers, last period, state, draft), "Lưu nháp", "Gửi báo cáo" (a one-row import with the per-unit
version check) — and the status for a province's 45 communes and for the national set's 3,321, on a store that
already holds a national import (so the per-unit reads have a whole country to search; the status is timed on
that period, where every unit has reported).

These are times inside the server process (SQLite in a fresh temporary folder, medians); the browser round
trip adds Streamlit's rerun and the page's drawing on top. Targets (issue 20 asks for the figures, sets none):
the form's save and submit within 1 s, the province status within 1 s, the national status within 3 s; the
status page's first request in a fresh process (imports, the store, the set's unit list, the status) within
3 s for a province and 5 s for the nation (our choice: a restarted server's first leader waits no longer).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

ENTRY_SET, ENTRY_PERIOD, PROVINCE_OF = "vn-2025", "2030-Q1", "03203"  # the status of this commune's province
FULL_PERIOD = "2029-Q4"  # every unit reported: the status is timed on it
TARGETS_S = {"open_s": 1.0, "save_draft_s": 1.0, "submit_s": 1.0, "status_province_s": 1.0,
             "status_national_s": 3.0, "fresh_province_s": 3.0, "fresh_national_s": 5.0}

# The status page's first request in a fresh process: opening the store and the set's unit list, then the
# status (what pages/status.py does: one read of the whole set, the area filtered from it). Printed as seconds.
FRESH = """import time; t0 = time.perf_counter()
from geo.access.auth import open_store
from geo.analysis.status import completeness, for_area
for_area(completeness(open_store({url!r}), {set_id!r}, {period!r}), {area!r}); print(time.perf_counter() - t0)"""


def _fresh(url: str, area: str | None, repeat: int) -> float:
    """Median over ``repeat`` new Python processes of the status page's first request (see :data:`FRESH`)."""
    import subprocess
    import sys

    from geo import PROJECT_DIR

    code = FRESH.format(url=url, set_id=ENTRY_SET, period=FULL_PERIOD, area=area)
    return statistics.median(float(subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, check=True,
                                                  capture_output=True, text=True).stdout.split()[-1])
                             for _ in range(repeat))


def _median(fn, repeat: int) -> float:
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure_entry(repeat: int = 5) -> dict:
    from geo.access.auth import Actor, authorized_store
    from geo.access.scopes import provinces_of
    from geo.analysis import entry
    from geo.analysis.status import completeness
    from geo.units import boundaries as gb

    if gb.boundary_file(gb.get_boundary_set_info(ENTRY_SET)) is None:
        return {"error": f"no boundary file for {ENTRY_SET} (ANTT_BOUNDARY_DIR)"}
    units = gb.unit_list(ENTRY_SET)
    folder = Path(tempfile.mkdtemp(prefix="antt-bench-entry-"))
    store = authorized_store(f"sqlite:///{folder / 'antt.sqlite'}")
    try:
        store.ensure_ready()
        store.import_rows([{"unit_code": str(c), "unit_name": str(n), "values": {"teams_security": i % 40}}
                           for i, (c, n) in enumerate(zip(units["code"], units["name"]))],
                          boundary_set=ENTRY_SET, period=FULL_PERIOD, user=Actor.cli("bench"))
        codes = [str(c) for c in units["code"]]
        names = dict(zip(codes, (str(n) for n in units["name"])))
        opened = {}

        def open_(i):
            opened[i] = entry.open_form(store, ENTRY_SET, ENTRY_PERIOD, codes[i])

        def save(i):
            entry.save_draft(store, Actor.cli("bench"), ENTRY_SET, ENTRY_PERIOD, codes[i], names[codes[i]],
                             {"teams_security": str(i)})

        def submit(i):
            entry.submit(store, Actor.cli("bench"), ENTRY_SET, ENTRY_PERIOD, codes[i], names[codes[i]],
                         {"teams_security": i}, opened[i]["version"])

        out = {"boundary_set": ENTRY_SET, "units": len(codes),
               "open_s": _median(open_, repeat), "save_draft_s": _median(save, repeat),
               "submit_s": _median(submit, repeat)}
        area = provinces_of(ENTRY_SET)[PROVINCE_OF]
        province = completeness(store, ENTRY_SET, FULL_PERIOD, area)
        out["province_units"] = province["expected"]
        out["status_province_s"] = _median(lambda i: completeness(store, ENTRY_SET, FULL_PERIOD, area),
                                           repeat)
        out["status_national_s"] = _median(lambda i: completeness(store, ENTRY_SET, FULL_PERIOD), repeat)
        out["fresh_province_s"] = _fresh(store.url, area, min(repeat, 3))
        out["fresh_national_s"] = _fresh(store.url, None, min(repeat, 3))
        return out
    finally:
        store.dispose()


def format_entry_report(r: dict | None) -> list[str]:
    if not r:
        return []
    if "error" in r:
        return [f"Entry form and status: {r['error']}"]

    def part(key: str, label: str) -> str:
        met = "met" if r[key] <= TARGETS_S[key] else "MISSED"
        return f"{label} {r[key]:.3f} s (≤ {TARGETS_S[key]:g} s: {met})"

    province = f"province ({r['province_units']} units)"
    national = f"national ({r['units']:,} units)"
    return [f"Entry form, one commune of {r['boundary_set']} ({r['units']:,} units hold data; server side, medians): "
            + "; ".join((part("open_s", "open"), part("save_draft_s", "save draft"), part("submit_s", "submit"))),
            f"Reporting status: {part('status_province_s', province)}; {part('status_national_s', national)}",
            f"Reporting status, first request in a fresh process: {part('fresh_province_s', province)}; "
            f"{part('fresh_national_s', national)}"]
