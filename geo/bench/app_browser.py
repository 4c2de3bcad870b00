"""What users wait for, measured in headless Chromium against ``streamlit run`` (``python -m geo bench --browser``).

Per boundary set: the first paint after choosing the set in the sidebar (geometry not yet in the browser, then
again once it is), and for five indicator changes on the map page the time from the choice to the repainted
polygons and the bytes Streamlit sent over its websocket for it (medians). "Repainted" is the live layer's
own signal (``window.anttPaints``, counted in the animation frame after Leaflet redrew its canvas).

The app runs on loopback with a throwaway store seeded with synthetic values for every unit of the national
sets (deterministic), so classes and tooltips are those of a full national table. ``load_test`` opens N
sessions (pages in one Chromium) that each change indicators, and reports latency percentiles and the
server's resident memory.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from geo import PROJECT_DIR
from geo.bench.browser import CHROMIUM_ARGS, chromium_path
from geo.text.i18n import t

MAP_SETS = ("dien-bien-dong-pre2025", "vn-2025", "vn-pre2025")
PERIOD = "2024"
PERIOD_2025 = "2025"  # the sets of the 2025 units get data of a period after 30/6/2025 (the period decides)


def bench_period(set_id: str) -> str:
    """The period a set's synthetic data is for: ``PERIOD``, or ``PERIOD_2025`` on a set of the 2025 units."""
    from geo.units.vintage import set_vintage

    return PERIOD_2025 if set_vintage(set_id) == "2025" else PERIOD


def indicators(period: str = PERIOD, n: int = 7) -> list[str]:
    """The map picker's first ``n`` indicators for ``period`` (only those valid in it, rates first, as the page
    lists them); the first is the page's default, so change i chooses the ((i + 1) mod n)-th."""
    from geo.reference.catalog import load_catalog

    return load_catalog().valid_in(period).map_choices()[:n]


def seed_store(data_dir: Path, sets=("vn-2025", "vn-pre2025"), period: str | None = None,
               url: str | None = None) -> None:
    """Synthetic, deterministic values for every unit of ``sets`` (one version each) in a fresh store (the
    SQLite file in ``data_dir``, or the database at ``url``), for ``period`` or else each set's
    :func:`bench_period`."""
    from geo.access.auth import Actor, open_store
    from geo.reference.catalog import load_catalog
    from geo.units.boundaries import boundary_file, get_boundary_set_info, unit_list

    store = open_store(url or f"sqlite:///{data_dir / 'antt.sqlite'}")
    catalog = load_catalog()
    rng = random.Random(2024)
    for set_id in sets:
        if boundary_file(get_boundary_set_info(set_id)) is None:
            continue
        rows = []
        units = unit_list(set_id)
        for code, name in zip(units["code"], units["name"]):
            vals = {}
            for ind in catalog.base():
                vals[ind.id] = (round(rng.random() * 10, 1) if ind.kind == "amount" else
                                rng.randint(0, 1) if ind.kind == "flag" else rng.randint(0, 60))
            vals["population"] = rng.randint(2000, 40000)
            for part, total in (("villages_signed", "villages_total"), ("agencies_signed", "agencies_total"),
                                ("schools_signed", "schools_total"), ("tips_valuable", "tips_received")):
                vals[part] = min(vals[part], vals[total])
            if rng.random() < 0.03:
                vals = {k: None for k in vals}
            rows.append({"unit_code": str(code), "unit_name": str(name), "values": vals})
        store.import_rows(rows, boundary_set=set_id, period=period or bench_period(set_id), user=Actor.cli("bench"),
                          note="synthetic benchmark data")
    store.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """``streamlit run app.py`` on a free loopback port with its own data folder; stopped on exit."""

    def __init__(self, data_dir: Path, options: tuple[str, ...] = (), database_url: str | None = None):
        self.data_dir = data_dir
        self.options = tuple(options)  # more `streamlit run` options, e.g. the load test's agent API
        self.database_url = database_url  # None: the SQLite file in data_dir
        self.proc = None
        self.url = ""

    def __enter__(self) -> "App":
        port = _free_port()
        from geo.units.geocache import cache_dir

        # the caller's prepared-geometry cache (content-addressed, so sharing it is safe), not the throwaway
        # data folder's: a benchmark measures a server whose sets were prepared once, as in production
        env = dict(os.environ, ANTT_DATA_DIR=str(self.data_dir), ANTT_GEOCACHE_DIR=str(cache_dir()),
                   STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
        env.pop("ANTT_DATABASE_URL", None)
        if self.database_url:
            env["ANTT_DATABASE_URL"] = self.database_url
        self.log = open(self.data_dir / "streamlit.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(PROJECT_DIR / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", *self.options],
            cwd=PROJECT_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("streamlit exited: " + (self.data_dir / "streamlit.log").read_text(errors="replace"))
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not become healthy in 90 s")

    def rss_mb(self) -> float:
        """Resident memory of the server process (Linux /proc)."""
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return float("nan")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class WsMeter:
    """Bytes of the websocket frames the page received (Streamlit's protocol messages)."""

    def __init__(self, page):
        self.bytes = 0
        page.on("websocket", self._on_ws)

    def _on_ws(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._add(payload))

    def _add(self, payload) -> None:
        self.bytes += len(payload) if isinstance(payload, (bytes, bytearray)) else len(str(payload).encode("utf-8"))


def first_frame(page, js: str, skip=None):
    """The first frame of ``page`` (``skip`` aside) where the script ``js`` is true, or None; a frame that is
    being replaced (its script raises) counts as false."""
    for frame in page.frames:
        if frame is skip:
            continue
        try:
            if frame.evaluate(js):
                return frame
        except Exception:
            pass
    return None


def _paints(frame) -> int:
    try:
        return int(frame.evaluate("() => window.anttPaints || 0"))
    except Exception:
        return -1


def _choose(page, label: str, option: str) -> float:
    """Pick ``option`` in the selectbox labelled exactly ``label``, in the sidebar or on the page (the map's
    indicator is on the page), typed into Streamlit's searchable widget, then clicked; returns
    ``time.perf_counter()`` at the click, when the user's wait begins."""
    named = page.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True)
    box = page.locator('[data-testid="stSelectbox"]').filter(has=named).first
    try:
        box.locator("input").click(timeout=60_000)
    except Exception:
        page.screenshot(path=os.path.join(tempfile.gettempdir(), "antt-bench-choose-failed.png"))
        raise
    box.locator("input").fill(option)
    choice = page.locator('[role="option"]').filter(has_text=option).first
    choice.wait_for(timeout=30_000)
    t0 = time.perf_counter()
    choice.click()
    return t0


def _wait_painted(page, old_frame, before: int, timeout_s: float = 120):
    """Wait for a repaint in the mounted map, or for a new map frame that painted (a remount)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if old_frame is not None and _paints(old_frame) > before:
            return old_frame
        if (frame := first_frame(page, "() => (window.anttPaints || 0) > 0", skip=old_frame)) is not None:
            return frame
        time.sleep(0.01)
    raise TimeoutError("the map did not repaint")


def _set_title(set_id: str) -> str:
    from geo.units.boundaries import get_boundary_set_info

    return get_boundary_set_info(set_id).title("vi")


def _indicator_label(iid: str) -> str:
    from geo.reference.catalog import load_catalog

    ind = load_catalog()[iid]
    return f"{ind.name('vi')} ({ind.unit('vi')})"


def _open(browser, url: str, timeout_s: float):
    """A fresh browser context (empty HTTP cache, new Streamlit session) on the map page, painted."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    meter = WsMeter(page)
    t0 = time.perf_counter()
    page.goto(url + "/ban-do", wait_until="domcontentloaded")
    frame = _wait_painted(page, None, 0, timeout_s)
    elapsed = time.perf_counter() - t0
    # Streamlit sometimes answers a busy server's first request with a "Page not found" notice (then runs the
    # map page anyway); it would cover the sidebar
    for _ in range(3):
        if page.locator('[role="dialog"]').count() == 0:
            break
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    return ctx, page, meter, frame, elapsed


def measure_maps(sets=MAP_SETS, changes: int = 5, timeout_s: float = 300) -> dict:
    """Per set, in a fresh browser context each: first paint after choosing the set (geometry not in the
    browser yet), again after switching away and back (geometry cached), then ``changes`` indicator changes
    (choice → repainted polygons; websocket bytes). The server is warmed first (boundary repair and
    simplification happen once per server process; that figure is reported apart)."""
    path = chromium_path()
    if path is None:
        return {s: "chromium not installed" for s in sets}
    from playwright.sync_api import sync_playwright

    default = MAP_SETS[0]
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="antt-bench-app-") as tmp, sync_playwright() as pw:
        data_dir = Path(tmp)
        seed_store(data_dir)
        with App(data_dir) as app:
            browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
            ctx, page, _, frame, _ = _open(browser, app.url, timeout_s)
            warm = {}
            for set_id in sets:
                if set_id == default:
                    continue
                t0 = _choose(page, t("sidebar_boundary_set"), _set_title(set_id))
                frame = _wait_painted(page, frame, 10 ** 9, timeout_s)
                warm[set_id] = time.perf_counter() - t0
            ctx.close()
            out["server_first_time_s"] = warm
            for set_id in sets:
                res: dict = {}
                ctx, page, meter, frame, load_s = _open(browser, app.url, timeout_s)
                if set_id == default:
                    res["first_paint_s"] = load_s  # page load to painted map (the default set)
                    away = sets[1] if len(sets) > 1 else None
                else:
                    t0 = _choose(page, t("sidebar_boundary_set"), _set_title(set_id))
                    frame = _wait_painted(page, frame, 10 ** 9, timeout_s)
                    res["first_paint_s"] = time.perf_counter() - t0
                    away = default
                if away:
                    page.wait_for_timeout(300)
                    _choose(page, t("sidebar_boundary_set"), _set_title(away))
                    frame = _wait_painted(page, frame, 10 ** 9, timeout_s)
                    page.wait_for_timeout(300)
                    t0 = _choose(page, t("sidebar_boundary_set"), _set_title(set_id))
                    frame = _wait_painted(page, frame, 10 ** 9, timeout_s)
                    res["first_paint_cached_s"] = time.perf_counter() - t0
                page.wait_for_timeout(500)
                lat, sent, restyle, order = [], [], [], indicators(bench_period(set_id))
                for i in range(changes):
                    iid = order[(i + 1) % len(order)]
                    before = _paints(frame)
                    b0 = meter.bytes
                    t0 = _choose(page, t("map_indicator"), _indicator_label(iid))
                    new = _wait_painted(page, frame, before, timeout_s)
                    lat.append(time.perf_counter() - t0)
                    res["remounted"] = res.get("remounted", False) or new is not frame
                    frame = new
                    page.wait_for_timeout(400)  # the rest of the rerun's messages
                    sent.append(meter.bytes - b0)
                    try:
                        restyle.append(float(frame.evaluate("() => window.anttRestyleMs || 0")))
                    except Exception:  # a remounted frame has no restyle figure
                        pass
                res["change_s"] = statistics.median(lat)
                res["change_bytes"] = int(statistics.median(sent))
                res["change_s_all"] = [round(x, 3) for x in lat]
                res["restyle_ms"] = statistics.median(restyle) if restyle else None  # Leaflet setStyle alone
                out[set_id] = res
                ctx.close()
            out["server_rss_mb"] = app.rss_mb()
            browser.close()
    return out


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system, all threads) a process has used so far (Linux /proc); 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> list[int]:
    """Every process under ``root`` (here: the Playwright driver and Chromium's processes, and the server)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _painted_at(frame) -> float | None:
    """Wall-clock time (s) of the frame's last repaint, as the page itself recorded it."""
    try:
        v = frame.evaluate("() => window.anttPaintedAt || 0")
    except Exception:
        return None
    return float(v) / 1000.0 if v else None


def _load_round(pages, frames, iid: str, timeout_s: float) -> list[float]:
    """Every session chooses ``iid`` (one after the other, as fast as the browser takes the clicks), then
    each latency is read from the page's own repaint time, so waiting on one page does not add to another's."""
    started = []
    for k, page in enumerate(pages):
        before = _paints(frames[k])
        _choose(page, t("map_indicator"), _indicator_label(iid))
        started.append((before, time.time()))  # wall clock, comparable with the page's Date.now()
    lat = []
    for k, page in enumerate(pages):
        before, t0 = started[k]
        frames[k] = _wait_painted(page, frames[k], before, timeout_s)
        at = _painted_at(frames[k])
        lat.append((at if at is not None else time.time()) - t0)
    return lat


def load_test(n: int = 10, changes: int = 5, set_id: str = "vn-2025", timeout_s: float = 600) -> dict:
    """N sessions (pages of one Chromium) on the national map of one app process, each changing the
    indicator ``changes`` times in turn; latency p50/p95 over all changes, the server's resident memory, and
    the CPU seconds the server and the browser spent on the changes (both share this machine's cores: when
    the browser's share is large, the figure measures the test's own browser as much as the server)."""
    path = chromium_path()
    if path is None:
        return {"error": "chromium not installed"}
    from playwright.sync_api import sync_playwright

    n = max(1, min(int(n), 50))  # bounded: loopback, one machine
    with tempfile.TemporaryDirectory(prefix="antt-load-") as tmp, sync_playwright() as pw:
        data_dir = Path(tmp)
        seed_store(data_dir, sets=(set_id,))
        with App(data_dir) as app:
            rss0 = app.rss_mb()
            browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
            pages, frames = [], []
            t_open = time.perf_counter()
            for k in range(n):
                _, page, _, frame, _ = _open(browser, app.url, timeout_s)
                _choose(page, t("sidebar_boundary_set"), _set_title(set_id))
                frames.append(_wait_painted(page, frame, 10 ** 9, timeout_s))
                pages.append(page)
                if k == 0:  # the set's geometry and view are loaded once per process: not a per-session cost
                    rss1 = app.rss_mb()
            opened = time.perf_counter() - t_open
            others = [p for p in _descendants(os.getpid()) if p != app.proc.pid]
            cpu0 = (_cpu_s(app.proc.pid), sum(_cpu_s(p) for p in others))
            w0 = time.perf_counter()
            lat, order = [], indicators(bench_period(set_id))
            for i in range(changes):
                lat += _load_round(pages, frames, order[(i + 1) % len(order)], timeout_s)
            wall = time.perf_counter() - w0
            cpu1 = (_cpu_s(app.proc.pid), sum(_cpu_s(p) for p in others))
            rss = app.rss_mb()
            browser.close()
    lat.sort()
    p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
    return {"sessions": n, "boundary_set": set_id, "changes": len(lat), "p50_s": statistics.median(lat),
            "p95_s": p95, "max_s": lat[-1], "open_all_s": opened, "server_rss_mb_idle": rss0,
            "server_rss_mb_one_session": rss1, "server_rss_mb": rss,
            "rss_per_session_mb": (rss - rss1) / max(1, n - 1), "changes_wall_s": wall,
            "server_cpu_s": cpu1[0] - cpu0[0], "browser_cpu_s": cpu1[1] - cpu0[1],
            "server_cpu_per_change_s": (cpu1[0] - cpu0[0]) / max(1, len(lat)),
            "loadavg": _loadavg()}


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as fh:
            return " ".join(fh.read().split()[:3])
    except OSError:
        return ""
