"""``python -m geo export map|chart|data|brief|pack --out PATH``: the app's exports, for scheduled reports.

Reads the current table from the store (``ANTT_DATABASE_URL`` or the SQLite file under ``ANTT_DATA_DIR``).
The format follows the extension of ``--out`` unless ``--format`` says otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

from geo.cli.texts import both
from geo.text.i18n import format_number, t

WHATS = ("map", "chart", "data", "brief", "pack")
FORMATS = {
    "map": ("png", "html"),
    "chart": ("png", "svg"),
    "data": ("xlsx", "csv", "gpkg"),
    "brief": ("pdf",),
    "pack": ("zip",),
}


def register(sub) -> None:
    p = sub.add_parser("export", help=both("cli_export_help"), description=both("cli_export_help") + ".")
    p.add_argument("what", choices=WHATS)
    p.add_argument("--out", required=True, help=both("cli_export_out"))
    p.add_argument("--boundaries", help="boundary set id (default: the default set)")
    p.add_argument("--period", help="period, e.g. 2017, 2017-Q2 (default: the latest)")
    p.add_argument("--indicator", help="indicator id (map, chart ranking, brief map)")
    p.add_argument("--unit", help="unit code: a one-commune brief, or the highlighted commune on a map")
    p.add_argument("--format", choices=sorted({f for fs in FORMATS.values() for f in fs}))
    p.add_argument("--chart", default="ranking", choices=("ranking", "teams", "coverage", "tips"))
    p.add_argument("--lang", default="vi", choices=("vi", "en"))
    p.add_argument("--internal", action="store_true",
                   help="brief/pack/gpkg: internal edition with every indicator and exact small counts")
    p.set_defaults(func=run_export)


def _fail(msg: str) -> int:
    print(msg, file=sys.stderr)
    return 2


def run_export(args) -> int:
    from geo.access.auth import open_store
    from geo.analysis.join import joined_table
    from geo.reference.catalog import load_catalog
    from geo.units import boundaries as gb

    out = Path(args.out)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS[args.what]:
        return _fail(both("cli_export_bad_format", fmt=fmt, what=args.what, formats=", ".join(FORMATS[args.what])))
    if fmt == "gpkg":
        return _export_gpkg(args, out)
    catalog = load_catalog()
    if args.indicator and args.indicator not in catalog:
        return _fail(both("cli_export_unknown_indicator", iid=args.indicator))
    set_id = args.boundaries or gb.default_set_id()
    try:
        info = gb.get_boundary_set_info(set_id)
    except gb.BoundaryError as exc:
        return _fail(str(exc))
    store = open_store()
    table = store.current_table(set_id, args.period)
    if table.attrs.get("version") is None:
        return _fail(" / ".join(t("cli_export_no_data", lang, set=set_id,
                                  period=args.period or t("cli_export_latest", lang)) for lang in ("vi", "en")))
    units = gb.unit_source(set_id).shapes()
    frame, _ = joined_table(units, table, info.data_code_width)
    if args.unit and args.unit not in frame.index:
        return _fail(both("cli_export_unknown_unit", unit=args.unit, set=set_id))
    previous = _previous_table(store, set_id, table.attrs.get("period"))
    out.parent.mkdir(parents=True, exist_ok=True)
    from geo.outputs import brief, exports

    view = exports.output_view(units, frame, set_id=set_id, lang=args.lang)
    if args.what == "map":
        view = view.showing(args.indicator or "teams_per_1000")
        if fmt == "png":
            exports.map_png(view, highlight=args.unit, out=out)
        else:
            exports.map_html(view, out=out)
    elif args.what == "chart":
        exports.chart(args.chart, view.showing(args.indicator) if args.indicator else view, fmt=fmt, out=out)
    elif args.what == "data":
        (exports.data_xlsx if fmt == "xlsx" else exports.data_csv)(view, out=out)
    else:
        kwargs = dict(public=not args.internal, previous_table=previous)
        if args.indicator:
            view = view.showing(args.indicator)
        if args.what == "brief":
            if args.unit:
                brief.commune_brief_pdf(view, args.unit, out=out, **kwargs)
            else:
                brief.brief_pdf(view, out=out, **kwargs)
        else:
            brief.forum_pack_zip(view, out=out, **kwargs)
    print(f"{out} ({format_number(out.stat().st_size)} B)")
    return 0


def _export_gpkg(args, out: Path) -> int:
    """One layer per boundary set (or the one ``--boundaries`` names) with its period's values: ``--period``
    where the set has it, else the set's latest. Public edition unless ``--internal``."""
    from geo.access.auth import open_store
    from geo.outputs.features import set_layer, write_gpkg
    from geo.units import boundaries as gb
    from geo.units.vintage import periods_on_set

    ids = [args.boundaries] if args.boundaries else [i.id for i in gb.list_boundary_sets()]
    try:
        for set_id in ids:
            gb.get_boundary_set_info(set_id)
    except gb.BoundaryError as exc:
        return _fail(str(exc))
    store = open_store()
    layers = []
    for set_id in ids:
        known = periods_on_set(store, set_id)
        if args.boundaries and args.period and args.period not in known:
            return _fail(" / ".join(t("cli_export_no_data", lang, set=set_id, period=args.period)
                                    for lang in ("vi", "en")))
        period = args.period if args.period in known else None
        layers.append((set_id, set_layer(store, set_id, period, internal=args.internal)))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_gpkg(layers, out)
    print(both("cli_export_gpkg_written", n=len(layers), layers=", ".join(n for n, _ in layers)), file=sys.stderr)
    print(f"{out} ({format_number(out.stat().st_size)} B)")
    return 0


def _previous_table(store, set_id: str, period: str | None):
    """The table of the period just before ``period`` of the same kind (year before year…), or None."""
    from geo.text.periods import parse_period

    if not period:
        return None
    now = parse_period(period)
    earlier = [p for p in store.periods(set_id) if parse_period(p).kind == now.kind and parse_period(p) < now]
    return store.current_table(set_id, earlier[-1]) if earlier else None
