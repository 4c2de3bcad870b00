"""A restarted server and a national link (``python -m geo bench --restart``).

Two figures a person waits for: the first-ever preparation of a set (repair, simplify, encode, dissolve into
provinces: what the warm-up does once per file content and preparation version, timed in a process of its own
with an empty cache folder), and the first paint of ``/ban-do?boundaries=<set>&period=<period>`` opened in a
fresh Chromium as the first request after ``streamlit run`` restarted on a store and cache folder that a
previous start filled (the caller's cache folder, ANTT_GEOCACHE_DIR; that start's warm-up prepared the
geometry, and a first user of each link there kept the set's current table on disk) — from the navigation to
the painted polygons.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geo import PROJECT_DIR
from geo.bench.app_browser import App, _wait_painted, bench_period, seed_store
from geo.bench.browser import CHROMIUM_ARGS, chromium_path
from geo.units.geocache import cache_dir

SETS = ("vn-2025", "vn-pre2025")
TARGETS_S = {"vn-2025": 3.0, "vn-pre2025": 4.0}  # first paint after a restart
FIRST_PREPARATION_TARGET_S = 10.0

_PREPARE = """
import json, sys, time
from geo.carto.prepared import warm_up
print(json.dumps(warm_up(set_ids=sys.argv[1:])))
"""


def first_preparation_s(sets=SETS) -> dict[str, float]:
    """Seconds each set's first-ever preparation takes (an empty cache folder, one process, one set after the
    other, as the warm-up does them)."""
    out = {}
    for set_id in sets:
        with tempfile.TemporaryDirectory(prefix="antt-bench-prep-") as tmp:
            env = dict(os.environ, ANTT_GEOCACHE_DIR=str(Path(tmp) / "geocache"))
            res = subprocess.run([sys.executable, "-c", _PREPARE, set_id], cwd=PROJECT_DIR, env=env,
                                 capture_output=True, text=True, timeout=600, check=True)
            out[set_id] = json.loads(res.stdout.strip().splitlines()[-1])[set_id]
    return out


def _cache_ready(cache: Path, sets, since: float = 0.0) -> bool:
    """The first start's warm-up is done: each set's map entry is there and its newest table's snapshot was
    written since ``since`` (the seeded store is new: older snapshots are another store's)."""
    def fresh(p: Path) -> bool:
        try:
            return p.stat().st_mtime >= since
        except OSError:  # removed meanwhile (the next one of its set and period replaced it)
            return False

    return all(any(cache.glob(f"{s}-map-*.bin")) and any(fresh(p) for p in cache.glob(f"{s}-table-*.bin"))
               for s in sets)


def restart_first_paint(sets=SETS, restarts: int = 3, timeout_s: float = 300) -> dict:
    """Per set, the first paint of its national link after each of ``restarts`` restarts (median and all), for
    the set's own period (:func:`geo.bench.app_browser.bench_period`: the period decides the vintage)."""
    path = chromium_path()
    if path is None:
        return {"error": "chromium not installed"}
    from playwright.sync_api import sync_playwright

    out: dict = {"period": {s: bench_period(s) for s in sets}, "first_paint_s": {}, "first_paint_s_all": {}}
    with tempfile.TemporaryDirectory(prefix="antt-bench-restart-") as tmp, sync_playwright() as pw:
        data_dir = Path(tmp)
        cache = cache_dir()  # App's cache folder (a later start reads what this one prepared)
        seed_store(data_dir, sets)  # each set for its own period
        since = time.time() - 1
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        with App(data_dir) as app:  # the first start: its warm-up fills the cache folder
            t0 = time.perf_counter()
            for set_id in sets:  # a first user of each map (it keeps the set's current table on disk)
                _first_paint(browser, app, set_id, out["period"][set_id], timeout_s)
            while not _cache_ready(cache, sets, since) and time.perf_counter() - t0 < timeout_s:
                time.sleep(0.2)
            out["first_start_s"] = round(time.perf_counter() - t0, 2)
        for set_id in sets:
            times = []
            for _ in range(restarts):
                with App(data_dir) as app:  # a restart: nothing in the process, the cache on disk
                    times.append(_first_paint(browser, app, set_id, out["period"][set_id], timeout_s))
            out["first_paint_s"][set_id] = statistics.median(times)
            out["first_paint_s_all"][set_id] = times
        browser.close()
    out["loadavg"] = _loadavg()
    return out


def _first_paint(browser, app, set_id: str, period: str, timeout_s: float) -> float:
    """Seconds from the navigation to the set's national link in a fresh context to its painted polygons."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = ctx.new_page()
        t0 = time.perf_counter()
        page.goto(f"{app.url}/ban-do?boundaries={set_id}&period={period}", wait_until="domcontentloaded")
        _wait_painted(page, None, 0, timeout_s)
        return round(time.perf_counter() - t0, 3)
    finally:
        ctx.close()


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def format_restart_report(prep: dict, paint: dict) -> str:
    lines = ["Restart and first preparation (machine load average " + paint.get("loadavg", _loadavg()) + "):"]
    for set_id, s in prep.items():
        verdict = "met" if s <= FIRST_PREPARATION_TARGET_S else "MISSED"
        lines.append(f"  {set_id}: first-ever preparation {s:.2f} s (≤ {FIRST_PREPARATION_TARGET_S:g} s on an idle "
                     f"machine: {verdict})")
    for set_id, s in paint.get("first_paint_s", {}).items():
        target = TARGETS_S.get(set_id)
        verdict = "" if target is None else f" (≤ {target:g} s: {'met' if s <= target else 'MISSED'})"
        runs = ", ".join(f"{x:.2f}" for x in paint["first_paint_s_all"][set_id])
        lines.append(f"  {set_id}: first paint of the national link after a restart {s:.2f} s{verdict} [{runs}]")
    if "first_start_s" in paint:
        lines.append(f"  the first start (its warm-up, and a first user of each national link, which keeps the "
                     f"set's table on disk) took {paint['first_start_s']:.1f} s")
    return "\n".join(lines)
