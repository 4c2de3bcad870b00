"""The load test without browsers (``python -m geo bench --load N [--processes P]``).

N real Streamlit sessions on the national map, driven by Locust through Streamlit's agent API (see
:mod:`geo.bench.locust_agent`), against P app processes on loopback with a throwaway store seeded for every
unit of the set. The agent API is switched on here only, with ``streamlit run`` options for these test
servers: never in ``.streamlit/config.toml`` or the deployment files, because it lets any caller drive the app.

Reported: p50/p95 of the server's answer per change (the request returns when the session's rerun finished),
throughput, and per process the CPU seconds spent during the changes and the resident memory. The prepared
geometry is read from a cache folder filled before the sessions start (the warm-up's job, measured apart by
``--restart``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from geo import PROJECT_DIR
from geo.bench.app_browser import App, _cpu_s, bench_period, seed_store
from geo.units.geocache import cache_dir

AGENT_OPTIONS = ("--server.enableAgentApi", "true", "--server.agentWaitTimeout", "170",
                 "--server.agentSessionTTL", "900")
MAX_SESSIONS = 300
P95_TARGET_S = 1.0


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _wait_cache(cache: Path, set_id: str, timeout_s: float) -> None:
    t0 = time.time()
    while not any(cache.glob(f"{set_id}-map-*.bin")) and time.time() - t0 < timeout_s:
        time.sleep(0.5)


def load_test(n: int = 30, changes: int = 5, set_id: str = "vn-2025", processes: int = 1, period: str | None = None,
              time_limit_s: float = 600.0, think_s: float = 5.0, nginx: bool = False, postgres: bool = False) -> dict:
    """N agent-API sessions, ``changes`` indicator changes each, split over ``processes`` app processes: by
    the test itself, or (``nginx``) by nginx from the shipped site file and its sticky cookie. ``period``: the
    set's own (:func:`geo.bench.app_browser.bench_period`) unless given: the period decides the vintage.
    ``postgres``: the store is a database on a throwaway PostgreSQL cluster (:mod:`geo.bench.pg_cluster`), as in
    README's deployment, instead of the SQLite file in the data folder."""
    period = period or bench_period(set_id)
    n = max(1, min(int(n), MAX_SESSIONS))
    processes = max(1, min(int(processes), 4))
    options = (*AGENT_OPTIONS, "--server.agentMaxSessions", str(n + 10))
    with tempfile.TemporaryDirectory(prefix="antt-agent-load-") as tmp, ExitStack() as stack:
        data_dir = Path(tmp)
        cache = cache_dir()  # App's cache folder
        url, store_name = None, "SQLite"
        if postgres:
            from geo.bench.pg_cluster import ClusterUnavailable, start_cluster

            try:
                cluster = start_cluster()
            except ClusterUnavailable as exc:
                return {"load": {"sessions": n, "processes": processes, "error": str(exc)}}
            stack.callback(cluster.stop)
            url, store_name = cluster.url, "PostgreSQL " + Path(cluster.bindir).parent.name
        seed_store(data_dir, sets=(set_id,), period=period, url=url)
        # the cache filled first (the warm-up's first preparation is not what this measures; --restart does)
        subprocess.run([sys.executable, "-c", "from geo.carto.prepared import warm_up; warm_up()"],
                       cwd=PROJECT_DIR, env=dict(os.environ, ANTT_GEOCACHE_DIR=str(cache)), check=True,
                       timeout=time_limit_s)
        apps = [stack.enter_context(App(data_dir, options, database_url=url)) for _ in range(processes)]
        hosts = [a.url for a in apps]
        if nginx:
            from geo.bench.app_browser import _free_port
            from geo.bench.nginx_front import NginxFront

            ports = [int(a.url.rsplit(":", 1)[1]) for a in apps]
            hosts = [stack.enter_context(NginxFront(data_dir / "nginx", _free_port(), ports))]
        _wait_cache(cache, set_id, time_limit_s)
        time.sleep(3)  # the servers' own warm-ups read the cache back
        pids = [a.proc.pid for a in apps]
        rss0 = [_rss_mb(p) for p in pids]
        cpu0 = [_cpu_s(p) for p in pids]
        w0 = time.time()
        cmd = [sys.executable, "-m", "geo.bench.locust_agent", "--hosts", ",".join(hosts),
               "--users", str(n), "--changes", str(changes), "--boundaries", set_id, "--period", period,
               "--time-limit", str(time_limit_s), "--think", str(think_s)]
        client = subprocess.Popen(cmd, cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = list(rss0)
        while client.poll() is None:
            peak = [max(a, _rss_mb(p)) for a, p in zip(peak, pids)]
            time.sleep(0.5)
        out, err = client.communicate()
        wall = time.time() - w0
        cpu = [_cpu_s(p) - c for p, c in zip(pids, cpu0)]
        rss = [_rss_mb(p) for p in pids]
        client_cpu = _children_cpu_s()
    if client.returncode != 0 or not out.strip():
        return {"load": {"sessions": n, "processes": processes, "error": (err or out)[-2000:]}}
    res = json.loads(out.strip().splitlines()[-1])
    times = [s for name, s, _at in res["samples"] if name == "change"]
    opens = [s for name, s, _at in res["samples"] if name == "open"]
    stamps = [at for name, _s, at in res["samples"] if name == "change"]
    span = (max(stamps) - min(stamps)) if len(stamps) > 1 else 0.0
    load = {"sessions": n, "processes": processes, "nginx": nginx, "store": store_name, "boundary_set": set_id, "period": period, "think_s": think_s,
            "changes": len(times), "changes_asked": n * changes, "errors": res["error_count"],
            "error_examples": res["errors"][:5], "timed_out": res["timed_out"],
            "p50_s": statistics.median(times) if times else None, "p95_s": _pct(times, 0.95),
            "max_s": max(times) if times else None, "open_p50_s": statistics.median(opens) if opens else None,
            "throughput_changes_per_s": round(len(times) / span, 2) if span else None,
            "wall_s": round(wall, 1), "server_cpu_s": [round(c, 1) for c in cpu],
            "server_cpu_per_change_s": round(sum(cpu) / max(1, len(times)), 4),
            "server_rss_mb_idle": [round(r) for r in rss0], "server_rss_mb_peak": [round(r) for r in peak],
            "server_rss_mb": [round(r) for r in rss], "client_cpu_s": round(client_cpu, 1),
            "loadavg": " ".join(Path("/proc/loadavg").read_text().split()[:3])}
    return {"load": load}


def _children_cpu_s() -> float:
    """CPU seconds of this process's waited-for children (here the Locust client and the app processes)."""
    t = os.times()
    return t.children_user + t.children_system


def format_agent_load_report(result: dict) -> str:
    r = result["load"]
    if "error" in r:
        return f"Load test failed: {r['error']}"
    verdict = "met" if r["p95_s"] is not None and r["p95_s"] <= P95_TARGET_S else "MISSED"
    lines = [f"Load (agent API, no browser): {r['sessions']} sessions on {r['boundary_set']}, {r['processes']} "
             f"process(es){' behind nginx' if r.get('nginx') else ''}, store {r.get('store', 'SQLite')}, a change every {r.get('think_s', '?')} s per session, {r['changes']} of {r['changes_asked']} changes answered, {r['errors']} errors"
             + (" (time limit reached)" if r["timed_out"] else ""),
             f"  server's answer per change: p50 {r['p50_s']:.2f} s, p95 {r['p95_s']:.2f} s (≤ {P95_TARGET_S:g} s: "
             f"{verdict}), max {r['max_s']:.2f} s; opening the map {r['open_p50_s']:.2f} s (p50)",
             f"  throughput {r['throughput_changes_per_s']} changes/s; server CPU {r['server_cpu_s']} s over the test "
             f"(opening the sessions included: {r['server_cpu_per_change_s'] * 1000:.0f} ms per change); memory per "
             f"process "
             f"{r['server_rss_mb_idle']} MB idle → {r['server_rss_mb_peak']} MB peak",
             f"  machine load average {r['loadavg']} (2 cores shared with other work)"]
    return "\n".join(lines)
