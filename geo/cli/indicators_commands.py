"""Indicator commands: ``python -m geo indicators list|add|edit|retire``.

``list [--period P] [--json]`` prints every indicator (data/catalog.toml merged with the admins' definitions
in the store) with its validity, legal basis and lineage; with ``--period`` only those valid in it.
``add ID --vi ... --en ... --unit-vi ... --unit-en ... --kind count|amount|flag|share|ratio|rate_population``
(shares and ratios with ``--numerator`` and ``--denominator``), ``edit ID [--field value ...]`` and
``retire ID [--on YYYY-MM-DD]`` change the store's definitions: admins only, as ``users`` — the command line
acts as ``Actor.cli()`` (a trusted operator with access to the database) and every change is audited under
the operating-system login name (or ``--user`` / ``ANTT_USER``). Exit codes: 0 done, 1 refused, 2 usage.
"""

from __future__ import annotations

import json
import sys

from geo.access.auth import open_store
from geo.cli.users_commands import run_reporting_errors

# (flag, key, help); texts unless listed in BOOL/LIST
FIELDS = [
    ("--vi", "vi", "tên tiếng Việt (mô tả đầy đủ) / Vietnamese name"),
    ("--en", "en", "English name"),
    ("--short-vi", "short_vi", "tên ngắn / Vietnamese short name"),
    ("--short-en", "short_en", "English short name"),
    ("--unit-vi", "unit_vi", "đơn vị tính / unit (vi)"),
    ("--unit-en", "unit_en", "unit (en)"),
    ("--kind", "kind", "count | amount | flag | share | ratio | rate_population"),
    ("--numerator", "numerator", "tử số (share, ratio) / numerator id"),
    ("--denominator", "denominator", "mẫu số / denominator id"),
    ("--per", "per", "rate_population: per how many people"),
    ("--direction", "direction", "up | down | neutral"),
    ("--temporal", "temporal", "stock | flow"),
    ("--group", "group", "nhóm / group"),
    ("--valid-from", "valid_from", "áp dụng từ ngày YYYY-MM-DD / valid from"),
    ("--valid-to", "valid_to", "áp dụng đến ngày YYYY-MM-DD / valid to"),
    ("--legal-basis", "legal_basis", "căn cứ pháp lý / legal basis"),
    ("--description-vi", "description_vi", "mô tả / description (vi)"),
    ("--description-en", "description_en", "description (en)"),
    ("--lineage-vi", "lineage_vi", "ghi chú kế thừa / lineage note (vi)"),
    ("--lineage-en", "lineage_en", "lineage note (en)"),
]


def register(sub) -> None:
    p = sub.add_parser("indicators", help="danh mục chỉ số / the indicator catalog")
    isub = p.add_subparsers(dest="indicators_command", metavar="ACTION")

    ls = isub.add_parser("list", help="danh sách chỉ số và hiệu lực / indicators with their validity")
    ls.add_argument("--period", default=None, help="chỉ các chỉ số áp dụng cho kỳ này / only those valid in it")
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--lang", choices=["vi", "en"], default="vi")
    ls.set_defaults(func=run_list)

    for action, help_text in (("add", "thêm chỉ số / add an indicator"), ("edit", "sửa chỉ số / edit an indicator")):
        q = isub.add_parser(action, help=help_text)
        q.add_argument("id")
        for flag, key, text in FIELDS:
            q.add_argument(flag, dest=key, default=None, help=text)
        q.add_argument("--alias", dest="aliases", action="append", default=None,
                       help="cách ghi tiêu đề cột khác (lặp lại được) / header phrasing (repeatable)")
        q.add_argument("--continues", dest="continues", action="append", default=None,
                       help="mã chỉ số được kế thừa / id this one continues (repeatable)")
        vis = q.add_mutually_exclusive_group()
        vis.add_argument("--public", dest="public", action="store_true", default=None)
        vis.add_argument("--internal", dest="public", action="store_false")
        q.add_argument("--user", default=None, help="người thực hiện ghi vào nhật ký / operator name for the audit log")
        q.set_defaults(func=run_add if action == "add" else run_edit)

    r = isub.add_parser("retire", help="ngừng chỉ số (giữ lịch sử) / retire an indicator (history kept)")
    r.add_argument("id")
    r.add_argument("--on", default=None, help="ngày ngừng YYYY-MM-DD (mặc định hôm nay) / last valid day")
    r.add_argument("--user", default=None)
    r.set_defaults(func=run_retire)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _fields(args) -> dict:
    keys = [k for _, k, _ in FIELDS] + ["aliases", "continues", "public"]
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def run_list(args) -> int:
    from geo.access.indicators import indicator_json, install_definitions
    from geo.reference.catalog import load_catalog
    from geo.text.periods import PeriodError, parse_period

    install_definitions(open_store())
    catalog = load_catalog()
    if args.period:
        try:
            period = str(parse_period(args.period))
        except PeriodError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        catalog = catalog.valid_in(period)
    rows = [indicator_json(i, args.lang) for i in catalog]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        flags = "".join(["*" if r["origin"] == "store" else "", " (ngừng/retired)" if r["retired"] else ""])
        print(f"{r['id']}{flags}\t{r['kind']}\t{r['validity']}\t{r['vi']}\t{r['legal_basis']}")
    return 0


def run_add(args) -> int:
    from geo.access import indicators
    from geo.access.auth import Actor

    store = open_store()
    indicators.install_definitions(store)
    return run_reporting_errors(lambda: (indicators.add_indicator(store, {"id": args.id, **_fields(args)}, by=Actor.cli(args.user)),
                         print(f"Đã thêm chỉ số {args.id}. / Indicator added.")))


def run_edit(args) -> int:
    from geo.access import indicators
    from geo.access.auth import Actor

    store = open_store()
    indicators.install_definitions(store)
    return run_reporting_errors(lambda: (indicators.edit_indicator(store, args.id, _fields(args), by=Actor.cli(args.user)),
                         print(f"Đã sửa chỉ số {args.id}. / Indicator changed.")))


def run_retire(args) -> int:
    from geo.access import indicators
    from geo.access.auth import Actor

    store = open_store()
    indicators.install_definitions(store)
    return run_reporting_errors(lambda: (indicators.retire_indicator(store, args.id, by=Actor.cli(args.user), on=args.on),
                         print(f"Đã ngừng chỉ số {args.id} (lịch sử được giữ). / Indicator retired.")))
