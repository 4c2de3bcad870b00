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
from geo.cli.texts import both
from geo.cli.users_commands import run_reporting_errors

# (flag, key); the help of each is cli_ind_field_<key> in data/strings/cli.toml
FIELDS = [(f"--{key.replace('_', '-')}", key) for key in (
    "vi", "en", "short_vi", "short_en", "unit_vi", "unit_en", "kind", "numerator", "denominator", "per", "direction",
    "temporal", "group", "valid_from", "valid_to", "legal_basis", "description_vi", "description_en", "lineage_vi",
    "lineage_en")]


def register(sub) -> None:
    p = sub.add_parser("indicators", help=both("cli_ind_help"))
    isub = p.add_subparsers(dest="indicators_command", metavar="ACTION")

    ls = isub.add_parser("list", help=both("cli_ind_list_help"))
    ls.add_argument("--period", default=None, help=both("cli_ind_list_period"))
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--lang", choices=["vi", "en"], default="vi")
    ls.set_defaults(func=run_list)

    for action, help_text in (("add", both("cli_ind_add_help")), ("edit", both("cli_ind_edit_help"))):
        q = isub.add_parser(action, help=help_text)
        q.add_argument("id")
        for flag, key in FIELDS:
            q.add_argument(flag, dest=key, default=None, help=both(f"cli_ind_field_{key}"))
        q.add_argument("--alias", dest="aliases", action="append", default=None,
                       help=both("cli_ind_alias"))
        q.add_argument("--continues", dest="continues", action="append", default=None,
                       help=both("cli_ind_continues"))
        vis = q.add_mutually_exclusive_group()
        vis.add_argument("--public", dest="public", action="store_true", default=None)
        vis.add_argument("--internal", dest="public", action="store_false")
        q.add_argument("--user", default=None, help=both("cli_users_operator"))
        q.set_defaults(func=run_add if action == "add" else run_edit)

    r = isub.add_parser("retire", help=both("cli_ind_retire_help"))
    r.add_argument("id")
    r.add_argument("--on", default=None, help=both("cli_ind_retire_on"))
    r.add_argument("--user", default=None)
    r.set_defaults(func=run_retire)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _fields(args) -> dict:
    keys = [k for _, k in FIELDS] + ["aliases", "continues", "public"]
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
        retired = " (" + both("cli_ind_retired_flag").replace(" / ", "/") + ")" if r["retired"] else ""
        flags = ("*" if r["origin"] == "store" else "") + retired
        print(f"{r['id']}{flags}\t{r['kind']}\t{r['validity']}\t{r['vi']}\t{r['legal_basis']}")
    return 0


def run_add(args) -> int:
    from geo.access import indicators
    from geo.access.auth import Actor

    store = open_store()
    indicators.install_definitions(store)
    return run_reporting_errors(lambda: (indicators.add_indicator(store, {"id": args.id, **_fields(args)}, by=Actor.cli(args.user)),
                         print(both("cli_ind_added", iid=args.id))))


def run_edit(args) -> int:
    from geo.access import indicators
    from geo.access.auth import Actor

    store = open_store()
    indicators.install_definitions(store)
    return run_reporting_errors(lambda: (indicators.edit_indicator(store, args.id, _fields(args), by=Actor.cli(args.user)),
                         print(both("cli_ind_changed", iid=args.id))))


def run_retire(args) -> int:
    from geo.access import indicators
    from geo.access.auth import Actor

    store = open_store()
    indicators.install_definitions(store)
    return run_reporting_errors(lambda: (indicators.retire_indicator(store, args.id, by=Actor.cli(args.user), on=args.on),
                         print(both("cli_ind_retired", iid=args.id))))
