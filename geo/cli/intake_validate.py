"""``python -m geo template OUT.xlsx`` and ``python -m geo validate FILE`` (exit 0 importable, 1 errors,
2 unreadable). ``--json`` prints one object: ok, boundary_set, period, units_expected, units_matched, rows,
errors, warnings, ignored_columns, total_row, columns (the column map: letter, header, group, indicator, how,
confidence, status), sheets (every sheet: name, hidden, content, chosen, what was read; ``--sheet NAME``
or ``--sheet all`` chooses among several data sheets) and unconfirmed (letters waiting for
``--map "E=indicator_id"``) and flags (values that look wrong: row, column, unit_code, indicator, value, rule,
expected, message; geo.intake.quality). Flags exit 1 until ``--accept-flags``."""

from __future__ import annotations

import json
import sys

from geo.cli.texts import both
from geo.text.i18n import t


def register(subparsers) -> None:
    p = subparsers.add_parser("template", help=both("cli_template_help"))
    p.add_argument("out", metavar="OUT.xlsx", help=both("cli_template_out"))
    p.add_argument("--boundaries", metavar="SET", default=None, help=both("cli_template_boundaries"))
    p.add_argument("--period", metavar="P", default=None, help=both("cli_template_period"))
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(func=run_template)

    v = subparsers.add_parser("validate", help=both("cli_validate_help"))
    v.add_argument("file", metavar="FILE")
    v.add_argument("--boundaries", metavar="SET", default=None)
    v.add_argument("--period", metavar="P", default=None)
    v.add_argument("--json", action="store_true", help=both("cli_validate_json"))
    v.add_argument("--lang", choices=("vi", "en"), default="vi")
    v.add_argument("--map", metavar="COT=CHI_SO", action="append", default=[],
                   help=both("cli_validate_map"))
    v.add_argument("--area", metavar="TINH[/HUYEN]", default=None,
                   help=both("cli_validate_area"))
    v.add_argument("--sheet", metavar="TRANG", action="append", default=None, help=both("cli_validate_sheet"))
    v.add_argument("--accept-flags", action="store_true", help=both("cli_accept_flags"))
    v.set_defaults(func=run_validate)


def _set_id(given):
    from geo.units.boundaries import default_set_id

    return given or default_set_id()


def run_template(args) -> int:
    from geo.intake.template import build_template, build_template_csv
    from geo.text.periods import PeriodError, normalize_period
    from geo.units.boundaries import BoundaryError

    try:
        period = normalize_period(args.period) if args.period else None
    except PeriodError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    try:
        if str(args.out).lower().endswith(".csv"):
            build_template_csv(_set_id(args.boundaries), args.out, period=period, lang=args.lang)
        else:
            build_template(_set_id(args.boundaries), args.out, period=period, lang=args.lang)
    except (BoundaryError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(t("cli_template_written", args.lang, out=args.out))
    return 0


def parse_column_map(items) -> dict[str, str]:
    """['E=villages_signed', 'F=, G=tips_received'] → {'E': 'villages_signed', 'F': '', 'G': 'tips_received'}."""
    out: dict[str, str] = {}
    for item in items or ():
        for part in str(item).split(","):
            if "=" in part:
                col, _, ind = part.partition("=")
                out[col.strip().upper() if col.strip().isalpha() else col.strip()] = ind.strip()
    return out


def run_validate(args) -> int:
    from geo.intake.ingest import format_report, validate_file
    from geo.intake.parents import AreaUnknown, parse_area
    from geo.units.boundaries import BoundaryError
    from geo.units.resolver import load_units

    set_id = _set_id(args.boundaries)
    try:
        area = parse_area(load_units(set_id), args.area) if args.area else ()
    except AreaUnknown as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    except BoundaryError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        report = validate_file(args.file, boundary_set=set_id, period=args.period, lang=args.lang,
                               column_mapping=parse_column_map(args.map), area=area, store=history_store(),
                               sheets=args.sheet)
    except BoundaryError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(format_report(report, args.lang))
    if not report.readable:
        return 2
    if report.unconfirmed:
        print(t("ingest_columns_unconfirmed", args.lang, n=len(report.unconfirmed),
                letters=", ".join(report.unconfirmed)), file=sys.stderr)
    if report.ok and report.flags and not args.accept_flags:
        print(t("cli_flags_need_word", args.lang, n=len(report.flags)), file=sys.stderr)
        return 1
    return 0 if report.ok else 1


def history_store():
    """The store whose earlier periods the quality checks compare with, opened read-only as it is (validate
    writes nothing, not even a new database); None when there is none (the checks then use the rules and the
    peers only)."""
    from pathlib import Path

    from geo.access.auth import authorized_store

    try:
        store = authorized_store()
        if store.url.startswith("sqlite:///") and not Path(store.url[len("sqlite:///"):]).is_file():
            return None
        store.periods()
        return store
    except Exception:  # no store yet, or one from before the tables: the history checks are skipped
        return None
