"""``python -m geo bench [--browser] [--json]``: naive choropleth vs the product's builder."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("bench", help="benchmark the map builder against the naive choropleth")
    p.add_argument("--boundaries", default=None, help="boundary set (default: vn-pre2025)")
    p.add_argument("--repeat", type=int, default=5, help="warm rebuilds to time (median)")
    p.add_argument("--browser", action="store_true", help="also time the first painted polygon in Chromium")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_bench)


def run_bench(args) -> int:
    from geo.bench.benchmark import DEFAULT_SET, format_report, run

    result = run(args.boundaries or DEFAULT_SET, repeat=args.repeat, browser=args.browser)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_report(result))
    return 0
