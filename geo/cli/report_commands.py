"""Reporting-chain commands (issue 20): ``approve``, ``return``, ``reopen`` and ``completeness``.

``python -m geo approve|reopen|return --boundaries SET --period P --unit CODE [--reason TEXT] --yes [--user NAME]``
    one step for one unit's submission of a period (``return`` needs ``--reason``); with ``--user NAME`` it acts
    as that account, within its scope. Exit 0 done, 1 refused (message on stderr), 2 without ``--yes``.
``python -m geo completeness --boundaries SET --period P [--area PROVINCE] [--json]``
    every expected unit with its state, and the reporting and on-time counts (geo.analysis.status).
"""

from __future__ import annotations

import json
import sys

from geo.access.auth import Actor, open_store
from geo.cli.texts import both


def register(sub) -> None:
    for action in ("approve", "return", "reopen"):
        p = sub.add_parser(action, help=both("cli_step_help", step=action))
        p.add_argument("--boundaries", required=True, help=both("cli_boundaries"))
        p.add_argument("--period", required=True)
        p.add_argument("--unit", required=True)
        p.add_argument("--reason", default=None)
        p.add_argument("--user", default=None)
        p.add_argument("--yes", action="store_true")
        p.set_defaults(func=run_step, step=action)

    p = sub.add_parser("completeness", help=both("cli_completeness_help"))
    p.add_argument("--boundaries", required=True, help=both("cli_boundaries"))
    p.add_argument("--period", required=True)
    p.add_argument("--area", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_completeness)


def run_step(args) -> int:
    from geo.store.database import StoreError

    if not args.yes:
        print(both("cli_import_not_confirmed"), file=sys.stderr)
        return 2
    try:
        step = open_store().report_step(args.step, boundary_set=args.boundaries, period=args.period,
                                        unit=args.unit, user=Actor.cli(args.user), reason=args.reason)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(both("cli_step_done", step=args.step, unit=args.unit, period=args.period, id=step))
    return 0


def run_completeness(args) -> int:
    from geo.analysis.status import completeness
    from geo.store.database import StoreError

    try:
        out = completeness(open_store(), args.boundaries, args.period, args.area)
    except (StoreError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(both("cli_completeness_line", expected=out["expected"], reported=out["reported"],
               on_time=out["on_time"], approved=out["approved"], deadline=out["deadline"]))
    for r in out["units"]:
        print(f"{r['unit_code']}\t{r['unit_name']}\t{r['province']}\t{r['state']}\t{r['submitted_at'] or '—'}"
              f"\t{r['submitted_by'] or '—'}\t{r['submitted_level'] or '—'}")
    return 0
