"""Store commands: ``import``, ``history``, ``rollback``, ``table``.

``python -m geo import FILE --period P [--boundaries SET] [--note TEXT] [--user NAME] [--map COL=ID] --yes``
    validates with geo.intake.ingest (exit 1 with the errors, 2 when the file cannot be read), then appends a version
    (exit 0, prints the version id). Without ``--yes`` nothing is written (exit 2).
``python -m geo history [--boundaries SET] [--limit N] [--json]``
``python -m geo rollback VERSION --yes [--user NAME] [--note TEXT]``
``python -m geo table [--boundaries SET] [--period P] [--json]``

The user recorded is ``--user``, else ``ANTT_USER``, else the operating-system login name.
"""

from __future__ import annotations

import json
import os
import sys

from geo.access.auth import open_store, operator_name


def register(sub) -> None:
    p = sub.add_parser("import", help="nhập tệp vào kho dữ liệu / import a file into the store")
    p.add_argument("file")
    p.add_argument("--period", required=True, help="kỳ báo cáo: 2017, 2017-Q2, 2017-06")
    p.add_argument("--boundaries", default=None, help="bộ ranh giới / boundary set id")
    p.add_argument("--note", default=None)
    p.add_argument("--user", default=None)
    p.add_argument("--yes", action="store_true", help="xác nhận ghi / confirm the write")
    p.add_argument("--json", action="store_true")
    p.add_argument("--map", metavar="COT=CHI_SO", action="append", default=[],
                   help="xác nhận/gán cột như validate --map / confirm a column as validate --map does")
    p.set_defaults(func=run_import)

    p = sub.add_parser("history", help="lịch sử các phiên bản / version history")
    p.add_argument("--boundaries", default=None)
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_history)

    p = sub.add_parser("rollback", help="khôi phục một phiên bản / restore a version")
    p.add_argument("version", type=int)
    p.add_argument("--user", default=None)
    p.add_argument("--note", default=None)
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=run_rollback)

    p = sub.add_parser("load-sample", help="nạp một bộ dữ liệu mẫu có sẵn / load a built-in sample")
    p.add_argument("boundaries", help="bộ ranh giới của mẫu, ví dụ dien-bien-dong-2025 / the sample's set")
    p.add_argument("period", help="kỳ của mẫu, ví dụ 2025 / the sample's period")
    p.add_argument("--user", default=None)
    p.add_argument("--yes", action="store_true")
    p.set_defaults(func=run_load_sample)

    p = sub.add_parser("table", help="số liệu hiện hành / current values per unit")
    p.add_argument("--method", choices=["whole", "area"], default="whole",
                   help="apportioning of split old units when converting between vintages")
    p.add_argument("--boundaries", default=None)
    p.add_argument("--period", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_table)


def _set_id(given: str | None) -> str:
    from geo.units.boundaries import default_set_id

    return given or default_set_id()


def _field(item, name):
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def _problem_line(item) -> str:
    parts = []
    for name, label in (("sheet", "trang"), ("row", "dòng"), ("column", "cột")):
        value = _field(item, name)
        if value not in (None, ""):
            parts.append(f"{label} {value}")
    value = _field(item, "value")
    where = ", ".join(parts)
    message = _field(item, "message") or str(item)
    text = f"[{where}] {message}" if where else str(message)
    if value not in (None, ""):
        text += f" (giá trị: {value!r})"
    return text


def run_import(args) -> int:
    from geo.store.database import StoreError

    if not args.yes:
        print("Chưa ghi gì: thêm --yes để xác nhận nhập dữ liệu. / Nothing written: add --yes to confirm.",
              file=sys.stderr)
        return 2
    try:
        from geo.intake.ingest import validate_file
    except ImportError as exc:
        print(f"Không tải được bộ đọc tệp (geo.intake.ingest): {exc} / intake module unavailable", file=sys.stderr)
        return 2
    set_id = _set_id(args.boundaries)
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
        report = validate_file(args.file, boundary_set=set_id, period=args.period, **extra)
        if not getattr(report, "readable", True):
            print(f"Không đọc được tệp {args.file} / the file cannot be read", file=sys.stderr)
            for e in getattr(report, "errors", []) or []:
                print("  " + _problem_line(e), file=sys.stderr)
            return 2
        if not report.ok:
            errors = list(getattr(report, "errors", []) or [])
            print(f"Tệp có {len(errors)} lỗi, chưa nhập. / {len(errors)} error(s), nothing imported.",
                  file=sys.stderr)
            for e in errors:
                print("  " + _problem_line(e), file=sys.stderr)
            return 1
        period = getattr(report, "period", None) or args.period
        version = store.import_rows(
            report.rows, boundary_set=set_id, period=period, user=operator_name(args.user),
            file_name=os.path.basename(args.file), file_sha256=getattr(report, "file_sha256", None),
            file_size=getattr(report, "file_size", None), note=args.note, expected_version=base,
        )
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"version": version, "boundary_set": set_id, "period": period,
                          "n_units": len(report.rows)}, ensure_ascii=False))
    else:
        print(f"Đã nhập phiên bản {version} ({set_id}, kỳ {period}, {len(report.rows)} đơn vị). "
              f"/ Imported as version {version}.")
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
        print("Chưa có phiên bản nào. / No versions yet.")
    for h in hist:
        extra = f" khôi phục v{h['restores_version']}" if h["restores_version"] else ""
        sample = " [MẪU]" if h["sample"] else ""
        print(f"v{h['version']}  {h['created_at']}  {h['user']}  {h['action']}{extra}{sample}  "
              f"{h['boundary_set']} {h['period']}  {h['file_name'] or '—'}  "
              f"{h['n_units']} đơn vị, {h['n_values']} giá trị  {h['note'] or ''}".rstrip())
    return 0


def run_rollback(args) -> int:
    from geo.store.database import StoreError

    if not args.yes:
        print("Chưa khôi phục: thêm --yes để xác nhận. / Nothing done: add --yes to confirm.", file=sys.stderr)
        return 2
    try:
        version = open_store().rollback(args.version, user=operator_name(args.user), note=args.note)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Đã khôi phục phiên bản {args.version} thành phiên bản mới {version}. "
          f"/ Restored version {args.version} as new version {version}.")
    return 0


def run_load_sample(args) -> int:
    """A built-in sample (data/sample) as a new version labelled sample, e.g. the illustrative 2025 period."""
    from geo.reference.sample import SAMPLES, sample_rows
    from geo.store.database import StoreError

    info = next((i for i in SAMPLES if (i.boundary_set, i.period) == (args.boundaries, args.period)), None)
    if info is None:
        have = ", ".join(f"{i.boundary_set} {i.period}" for i in SAMPLES)
        print(f"Không có mẫu này (có: {have}). / No such sample.", file=sys.stderr)
        return 2
    if not args.yes:
        print("Chưa nạp: thêm --yes để xác nhận. / Nothing done: add --yes to confirm.", file=sys.stderr)
        return 2
    try:
        version = open_store().import_rows(sample_rows(info), boundary_set=info.boundary_set, period=info.period,
                                           user=operator_name(args.user), note=info.note, sample=True)
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Đã nạp dữ liệu mẫu {info.boundary_set} {info.period} thành phiên bản {version}. / Sample loaded.")
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
        print("Chưa có số liệu. / No data.")
        return 0
    sample = " — DỮ LIỆU MẪU / SAMPLE" if payload["sample"] else ""
    print(f"{set_id} — kỳ {payload['period']} — phiên bản {payload['version']}{sample}")
    print(df.to_string())
    return 0
