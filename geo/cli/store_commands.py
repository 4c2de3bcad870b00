"""Store commands: ``import``, ``history``, ``rollback``, ``table``.

``python -m geo import FILE --period P [--boundaries SET] [--note TEXT] [--user NAME] [--map COL=ID]
[--replace-area] [--accept-flags] --yes``
    validates with geo.intake.ingest (exit 1 with the errors, 2 when the file cannot be read; exit 1 with values that
    look wrong until ``--accept-flags``, which stores them for follow-up with the user and the note), then appends
    a version covering the units the file names (exit 0, prints the version id). Without ``--yes`` nothing is
    written (exit 2). The period decides the vintage: without ``--boundaries`` a period after 30/6/2025 goes to a
    set of the 2025 units, and a set of the other vintage is refused (exit 1). ``--replace-area`` also clears the
    units of the set the file does not name; it lists them first, and without ``--yes`` stops there.
``python -m geo history [--boundaries SET] [--limit N] [--json]``
``python -m geo rollback VERSION --yes [--user NAME] [--note TEXT]``
``python -m geo table [--boundaries SET] [--period P] [--json]``

The user recorded is ``--user``, else ``ANTT_USER``, else the operating-system login name: the command line acts
as that operator (``Actor.cli``), refused when the name is an account that is disabled or a viewer, and kept
within the scope of an account it names.
"""

from __future__ import annotations

import json
import os
import sys

from geo.access.auth import Actor, open_store
from geo.cli.texts import both
from geo.text.i18n import t


def register(sub) -> None:
    p = sub.add_parser("import", help=both("cli_import_help"))
    p.add_argument("file")
    p.add_argument("--period", required=True, help=both("cli_import_period"))
    p.add_argument("--boundaries", default=None, help=both("cli_boundaries"))
    p.add_argument("--note", default=None)
    p.add_argument("--user", default=None)
    p.add_argument("--yes", action="store_true", help=both("cli_import_yes"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--map", metavar="COT=CHI_SO", action="append", default=[],
                   help=both("cli_import_map"))
    p.add_argument("--sheet", metavar="TRANG", action="append", default=None, help=both("cli_validate_sheet"))
    p.add_argument("--replace-area", action="store_true", help=both("cli_import_replace_help"))
    p.add_argument("--accept-flags", action="store_true", help=both("cli_accept_flags"))
    p.set_defaults(func=run_import)

    p = sub.add_parser("history", help=both("cli_history_help"))
    p.add_argument("--boundaries", default=None)
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_history)

    p = sub.add_parser("rollback", help=both("cli_rollback_help"))
    p.add_argument("version", type=int)
    p.add_argument("--user", default=None)
    p.add_argument("--note", default=None)
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=run_rollback)

    p = sub.add_parser("load-sample", help=both("cli_sample_help"))
    p.add_argument("boundaries", help=both("cli_sample_boundaries"))
    p.add_argument("period", help=both("cli_sample_period"))
    p.add_argument("--user", default=None)
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=run_load_sample)

    p = sub.add_parser("table", help=both("cli_table_help"))
    p.add_argument("--method", choices=["whole", "area"], default="whole",
                   help="apportioning of split old units when converting between vintages")
    p.add_argument("--boundaries", default=None)
    p.add_argument("--period", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_table)


def _set_id(given: str | None, period: str | None = None) -> str:
    """The set given, else the default one; for a period of the other vintage, the first set of its units
    (the period decides the vintage: a 2025 report never lands on the old units by default)."""
    from geo.units.boundaries import default_set_id, list_boundary_sets
    from geo.units.vintage import period_vintage

    if given:
        return given
    default = default_set_id()
    try:
        want = period_vintage(period) if period else None
    except ValueError:
        return default
    if want is None or get_vintage(default) == want:
        return default
    return next((s.id for s in list_boundary_sets() if s.units_vintage == want), default)


def get_vintage(set_id: str) -> str:
    from geo.units.vintage import set_vintage

    return set_vintage(set_id)


def _field(item, name):
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def _problem_line(item) -> str:
    """One problem of the dry run: its message names its place (intake.report.Problem: "where-prefix
    included"), so only a value the message does not quote is added."""
    message = str(_field(item, "message") or item)
    value = _field(item, "value")
    if value not in (None, "") and str(value) not in message:
        message += t("cli_problem_value", value=repr(value))
    return message


def run_import(args) -> int:
    from geo.store.database import StoreError

    if not args.yes and not args.replace_area:  # a replacement is listed first, even without --yes
        print(both("cli_import_not_confirmed"), file=sys.stderr)
        return 2
    try:
        from geo.intake.ingest import validate_file
    except ImportError as exc:
        print(both("cli_import_no_reader", exc=exc), file=sys.stderr)
        return 2
    set_id = _set_id(args.boundaries, args.period)
    from geo.units.vintage import VintageError, check_period_vintage

    try:
        check_period_vintage(set_id, args.period)  # before reading: names matched to the wrong units are refused
    except VintageError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError:
        pass  # a period that cannot be read: the file check says so, naming its place
    try:
        store = open_store()
        # Remember the version the file is checked against: if someone imports meanwhile, refuse.
        from geo.text.periods import PeriodError, normalize_period

        try:
            base = store.latest_version(set_id, normalize_period(args.period))
        except (PeriodError, StoreError):
            base = None
        from geo.cli.intake_validate import parse_column_map

        mapping = parse_column_map(getattr(args, "map", []))
        extra = {"column_mapping": mapping} if mapping else {}
        if getattr(args, "sheet", None):
            extra["sheets"] = args.sheet
        report = validate_file(args.file, boundary_set=set_id, period=args.period, store=store, **extra)
        if not getattr(report, "readable", True):
            print(both("cli_import_unreadable", file=args.file), file=sys.stderr)
            for e in getattr(report, "errors", []) or []:
                print("  " + _problem_line(e), file=sys.stderr)
            return 2
        if not report.ok:
            errors = list(getattr(report, "errors", []) or [])
            print(both("cli_import_has_errors", n=len(errors)), file=sys.stderr)
            for e in errors:
                print("  " + _problem_line(e), file=sys.stderr)
            return 1
        flags = list(getattr(report, "flags", []) or [])
        if flags and not args.accept_flags:
            print(both("cli_flags_need_word", n=len(flags)), file=sys.stderr)
            for f in flags:
                print("  " + f.message, file=sys.stderr)
            return 1
        period = getattr(report, "period", None) or args.period
        if args.replace_area:
            gone = store.units_replaced(report.rows, boundary_set=set_id, period=period)
            print(both("cli_import_replace_area", set=set_id, period=period, n=len(gone),
                       units=", ".join(f"{u['unit_name']} ({u['unit_code']})" for u in gone) or "—"))
            if not args.yes:
                print(both("cli_import_not_confirmed"), file=sys.stderr)
                return 2
        version = store.import_rows(
            report.rows, boundary_set=set_id, period=period, user=Actor.cli(args.user),
            file_name=os.path.basename(args.file), file_sha256=getattr(report, "file_sha256", None),
            file_size=getattr(report, "file_size", None), note=args.note, expected_version=base,
            replace_area=args.replace_area,
            flags=[{**f.to_dict(), "note": args.note} for f in flags],
        )
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"version": version, "boundary_set": set_id, "period": period,
                          "n_units": len(report.rows)}, ensure_ascii=False))
    else:
        print(both("cli_import_done", version=version, set=set_id, period=period, n=len(report.rows)))
    return 0


def run_history(args) -> int:
    from geo.store.database import StoreError

    try:
        hist = open_store().history(args.boundaries, limit=args.limit)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(hist, ensure_ascii=False, indent=2))
        return 0
    if not hist:
        print(both("cli_history_none"))
    for h in hist:
        extra = t("cli_history_restores", version=h["restores_version"]) if h["restores_version"] else ""
        sample = t("cli_history_sample") if h["sample"] else ""
        counts = t("cli_history_counts", units=h["n_units"], values=h["n_values"])
        print(f"v{h['version']}  {h['created_at']}  {h['user']}  {h['action']}{extra}{sample}  "
              f"{h['boundary_set']} {h['period']}  {h['file_name'] or '—'}  "
              f"{counts}  {h['note'] or ''}".rstrip())
    return 0


def run_rollback(args) -> int:
    from geo.store.database import StoreError

    if not args.yes:
        print(both("cli_rollback_not_confirmed"), file=sys.stderr)
        return 2
    try:
        version = open_store().rollback(args.version, user=Actor.cli(args.user), note=args.note)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(both("cli_rollback_done", old=args.version, version=version))
    return 0


def run_load_sample(args) -> int:
    """A built-in sample (data/sample) as a new version labelled sample, e.g. the illustrative 2025 period."""
    from geo.reference.sample import SAMPLES, sample_rows
    from geo.store.database import StoreError

    info = next((i for i in SAMPLES if (i.boundary_set, i.period) == (args.boundaries, args.period)), None)
    if info is None:
        have = ", ".join(f"{i.boundary_set} {i.period}" for i in SAMPLES)
        print(both("cli_sample_unknown", have=have), file=sys.stderr)
        return 2
    if not args.yes:
        print(both("cli_sample_not_confirmed"), file=sys.stderr)
        return 2
    try:
        version = open_store().import_rows(sample_rows(info), boundary_set=info.boundary_set, period=info.period,
                                           user=Actor.cli(args.user), note=info.note, sample=True)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(both("cli_sample_done", set=info.boundary_set, period=info.period, version=version))
    return 0


def run_table(args) -> int:
    from geo.reference.frames import table_to_rows
    from geo.store.database import StoreError
    from geo.text.periods import PeriodError, normalize_period
    from geo.units.crosswalk import CrosswalkError
    from geo.units.vintage import table_on_set

    set_id = _set_id(args.boundaries)
    try:
        period = normalize_period(args.period) if args.period else None
        df = table_on_set(open_store(), set_id, period, getattr(args, "method", "whole"))
    except (StoreError, CrosswalkError, PeriodError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    approx = set(df.attrs.get("approximate") or [])
    rows = table_to_rows(df)
    for row in rows:
        row["approximate"] = row["unit_code"] in approx
    payload = {"boundary_set": set_id, "period": df.attrs.get("period"), "version": df.attrs.get("version"),
               "sample": bool(df.attrs.get("sample")), "converted_from": df.attrs.get("converted_from"),
               "method": df.attrs.get("method") if df.attrs.get("converted_from") else None, "rows": rows}
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if df.attrs.get("version") is None:
        print(both("cli_table_none"))
        return 0
    sample = " — " + both("cli_table_sample") if payload["sample"] else ""
    print(t("cli_table_title", set=set_id, period=payload["period"], version=payload["version"]) + sample)
    print(df.to_string())
    return 0
