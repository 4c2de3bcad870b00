"""``python -m geo quality --boundaries SET --period P [--area A] [--json]``: the follow-up list (flagged values
not yet checked, by province and commune, with who accepted them); ``--check ID --user NAME [--note TEXT]`` marks
one checked. Exit 0; 1 when the store refuses; 2 for an unknown area."""

from __future__ import annotations

import json
import sys

from geo.cli.texts import both
from geo.text.i18n import t


def register(sub) -> None:
    p = sub.add_parser("quality", help=both("cli_quality_help"))
    p.add_argument("--boundaries", metavar="SET", default=None)
    p.add_argument("--period", metavar="P", default=None)
    p.add_argument("--area", metavar="TINH[/HUYEN]", default=None, help=both("cli_validate_area"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--check", metavar="ID", type=int, default=None, help=both("cli_quality_check"))
    p.add_argument("--user", default=None)
    p.add_argument("--note", default=None)
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(func=run_quality)


def run_quality(args) -> int:
    from geo.access.auth import Actor, open_store
    from geo.analysis.followup import followup_rows
    from geo.intake.parents import AreaUnknown, parse_area
    from geo.store.errors import StoreError
    from geo.store.flags import mark_checked
    from geo.text.periods import PeriodError, normalize_period
    from geo.units.boundaries import default_set_id
    from geo.units.resolver import load_units

    set_id = args.boundaries or default_set_id()
    try:
        store = open_store()
        if args.check is not None:
            mark_checked(store, args.check, Actor.cli(args.user), args.note)
            print(t("cli_quality_checked", args.lang, id=args.check))
            return 0
        period = normalize_period(args.period) if args.period else None
        area = parse_area(load_units(set_id), args.area) if args.area else ()
        rows = followup_rows(store, set_id, period, area, args.lang)
    except AreaUnknown as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    except (StoreError, PeriodError) as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"boundary_set": set_id, "period": period, "flags": rows}, ensure_ascii=False))
        return 0
    if not rows:
        print(t("cli_quality_none", args.lang))
    for r in rows:
        print(t("cli_quality_line", args.lang, id=r["id"], province=r["province"] or "—", unit=r["unit"] or "—",
                period=r["period"], message=r["message"], who=r["accepted_by"], when=r["accepted_at"],
                note=r["note"] or "—"))
    return 0
