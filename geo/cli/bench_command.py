"""``python -m geo bench [--browser] [--restart] [--load N [--processes P] [--nginx] [--postgres]] [--load-browser N] [--json]``: naive choropleth vs the product's builder; what
users wait for in the browser; many sessions on one server."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("bench", help="benchmark the map builder against the naive choropleth")
    p.add_argument("--boundaries", default=None, help="boundary set (default: vn-pre2025)")
    p.add_argument("--repeat", type=int, default=5, help="warm rebuilds to time (median)")
    p.add_argument("--browser", action="store_true", help="also measure in Chromium: first paint, indicator change, bytes per change, per map")
    p.add_argument("--load", type=int, default=None, metavar="N",
                   help="only the load test: N sessions (at most 300) on the national map, driven by Locust through "
                        "Streamlit's agent API (no browser), switched on for the test servers only")
    p.add_argument("--processes", type=int, default=1, help="app processes for --load (default 1)")
    p.add_argument("--nginx", action="store_true",
                   help="--load through nginx from the shipped site file (deploy/nginx/antt.conf) on loopback")
    p.add_argument("--postgres", action="store_true",
                   help="--load on a throwaway PostgreSQL cluster (initdb/pg_ctl of the installed server) instead of "
                        "SQLite, as README's deployment")
    p.add_argument("--think", type=float, default=5.0, help="seconds between two changes of a --load session")
    p.add_argument("--load-browser", type=int, default=None, metavar="N",
                   help="the load test in Chromium: N sessions (at most 50) on one server process")
    p.add_argument("--restart", action="store_true",
                   help="only the restart figures: first-ever preparation of the national sets, first paint of a "
                        "national link after a restart (Chromium)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_bench)


def run_bench(args) -> int:
    from geo.bench.benchmark import DEFAULT_SET, format_load_report, format_report, run

    if args.restart:
        from geo.bench.restart import first_preparation_s, format_restart_report, restart_first_paint

        sets = (args.boundaries,) if args.boundaries else ("vn-2025", "vn-pre2025")
        prep = first_preparation_s(sets)
        paint = restart_first_paint(sets, restarts=args.repeat)
        result = {"first_preparation_s": prep, "restart": paint}
        print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_restart_report(prep, paint))
        return 0
    if args.load:
        from geo.bench.agent_load import format_agent_load_report, load_test

        result = load_test(args.load, changes=args.repeat, set_id=args.boundaries or "vn-2025",
                           processes=args.processes, think_s=args.think, nginx=args.nginx,
                           postgres=args.postgres)
        print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_agent_load_report(result))
        return 0 if "error" not in result["load"] else 1
    if args.load_browser:
        from geo.bench.app_browser import load_test

        result = load_test(args.load_browser, changes=args.repeat, set_id=args.boundaries or "vn-2025")
        print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_load_report(result))
        return 0
    result = run(args.boundaries or DEFAULT_SET, repeat=args.repeat, browser=args.browser)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_report(result))
    return 0
