"""``python -m geo template OUT.xlsx`` and ``python -m geo validate FILE`` (exit 0 importable, 1 errors,
2 unreadable). ``--json`` prints one object: ok, boundary_set, period, units_expected, units_matched, rows,
errors, warnings, ignored_columns, total_row, columns (the column map: letter, header, group, indicator, how,
confidence, status) and unconfirmed (letters waiting for ``--map "E=indicator_id"``)."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("template", help="mẫu nhập số liệu .xlsx/.csv / write the data-entry template")
    p.add_argument("out", metavar="OUT.xlsx", help="tệp ra (.xlsx, hoặc .csv)")
    p.add_argument("--boundaries", metavar="SET", default=None, help="bộ ranh giới (mặc định: bộ mặc định)")
    p.add_argument("--period", metavar="P", default=None, help="kỳ ghi sẵn vào mẫu (2017, 2017-Q2, 2017-06)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p.set_defaults(func=run_template)

    v = subparsers.add_parser("validate", help="kiểm tra tệp số liệu, không ghi gì / dry-run check of a file")
    v.add_argument("file", metavar="FILE")
    v.add_argument("--boundaries", metavar="SET", default=None)
    v.add_argument("--period", metavar="P", default=None)
    v.add_argument("--json", action="store_true", help="in một đối tượng JSON")
    v.add_argument("--lang", choices=("vi", "en"), default="vi")
    v.add_argument("--map", metavar="COT=CHI_SO", action="append", default=[],
                   help="xác nhận/gán cột, ví dụ --map \"E=villages_signed\" (\"E=\" bỏ qua cột) / confirm a column")
    v.add_argument("--area", metavar="TINH[/HUYEN]", default=None,
                   help="chỉ các đơn vị trong tỉnh/huyện này / only units of this province[/district]")
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
    print(f"Đã ghi mẫu {args.out} / template written")
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
    from geo.text.i18n import t
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
                               column_mapping=parse_column_map(args.map), area=area)
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
    return 0 if report.ok else 1
