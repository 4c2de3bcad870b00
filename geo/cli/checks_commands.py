"""The quality checks' settings from the command line (issue 21):

- ``python -m geo rules list [--json]``; ``rules add ID --left ... --operator ... --right ... [--severity]
  [--missing] --message-vi ... --message-en ...``; ``rules edit ID [--id NEW] [--field value ...]``; ``rules
  remove ID``: the cross-indicator rules (geo.access.rules: admins only, as ``indicators`` — the command line
  acts as ``Actor.cli()``, audited under ``--user`` / ``ANTT_USER`` / the login name). A rule naming an
  unknown indicator is refused, naming it, and nothing is written.
- ``python -m geo ranges list --boundaries SET [--json]``; ``ranges set --boundaries SET CODE INDICATOR [--min
  X] [--max Y] [--note TEXT] [--user NAME]``; ``ranges remove --boundaries SET CODE INDICATOR``: per-unit
  min–max ranges (geo.store.ranges: an admin, or an editor whose scope holds the unit; audited).

Exit codes: 0 done, 1 refused, 2 usage.
"""

from __future__ import annotations

import json
import sys

from geo.cli.texts import both
from geo.text.i18n import t

RULE_FIELDS = ("left", "operator", "right", "severity", "missing", "message_vi", "message_en")


def register(sub) -> None:
    p = sub.add_parser("rules", help=both("cli_rules_help"))
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION")
    ls = rsub.add_parser("list")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_rules_list)
    for action in ("add", "edit"):
        q = rsub.add_parser(action)
        q.add_argument("rule")
        if action == "edit":
            q.add_argument("--id", dest="new_id", default=None, help=both("cli_rules_field"))
        for key in RULE_FIELDS:
            q.add_argument(f"--{key.replace('_', '-')}", dest=key, default=None, help=both("cli_rules_field"))
        q.add_argument("--user", default=None, help=both("cli_users_operator"))
        q.set_defaults(func=run_rules_save)
    rm = rsub.add_parser("remove")
    rm.add_argument("rule")
    rm.add_argument("--user", default=None, help=both("cli_users_operator"))
    rm.set_defaults(func=run_rules_remove)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    g = sub.add_parser("ranges", help=both("cli_ranges_help"))
    gsub = g.add_subparsers(dest="ranges_command", metavar="ACTION")
    for action in ("list", "set", "remove"):
        q = gsub.add_parser(action)
        q.add_argument("--boundaries", metavar="SET", default=None)
        q.add_argument("--lang", choices=("vi", "en"), default="vi")
        if action == "list":
            q.add_argument("--json", action="store_true")
        else:
            q.add_argument("code")
            q.add_argument("indicator")
            q.add_argument("--user", default=None, help=both("cli_users_operator"))
        if action == "set":
            q.add_argument("--min", dest="low", type=float, default=None)
            q.add_argument("--max", dest="high", type=float, default=None)
            q.add_argument("--note", default=None)
        q.set_defaults(func={"list": run_ranges_list, "set": run_ranges_set, "remove": run_ranges_remove}[action])
    g.set_defaults(func=lambda args: (g.print_help(), 2)[1])


def _refusals(fn, lang: str = "vi") -> int:
    """Run ``fn``; a refusal (rule, range, access) is printed in the language asked and gives exit 1."""
    from geo.text.errors import AnttError

    try:
        fn()
    except AnttError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    return 0


def run_rules_list(args) -> int:
    from geo.access.rules import rule_entries

    rows = rule_entries()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['id']}\t{r['left']} {r['operator']} {r['right']}\t{r['severity']}\t{r['missing']}")
    return 0


def run_rules_save(args) -> int:
    from geo.access.auth import Actor, open_store
    from geo.access.rules import rule_entries, save_rule

    def go():
        given = {k: getattr(args, k) for k in RULE_FIELDS if getattr(args, k) is not None}
        if args.rules_command == "add":
            save_rule(open_store(), {"id": args.rule, **given}, by=Actor.cli(args.user))
            print(both("cli_rules_added", rule=args.rule))
            return
        current = next((e for e in rule_entries() if e["id"] == args.rule), {"id": args.rule})
        new_id = args.new_id or args.rule
        save_rule(open_store(), {**current, **given, "id": new_id}, by=Actor.cli(args.user), replaces=args.rule)
        print(both("cli_rules_changed", rule=new_id))

    return _refusals(go)


def run_rules_remove(args) -> int:
    from geo.access.auth import Actor, open_store
    from geo.access.rules import remove_rule

    return _refusals(lambda: (remove_rule(open_store(), args.rule, by=Actor.cli(args.user)),
                              print(both("cli_rules_removed", rule=args.rule))))


def run_ranges_list(args) -> int:
    from geo.access.auth import open_store
    from geo.store.ranges import list_ranges
    from geo.units.boundaries import default_set_id

    set_id = args.boundaries or default_set_id()
    rows = list_ranges(open_store(), set_id)
    if args.json:
        print(json.dumps({"boundary_set": set_id, "ranges": rows}, ensure_ascii=False))
        return 0
    if not rows:
        print(t("cli_ranges_none", args.lang))
    for r in rows:
        print(t("cli_ranges_line", args.lang, code=r["unit_code"], indicator=r["indicator"],
                low="…" if r["low"] is None else f"{r['low']:g}", high="…" if r["high"] is None else f"{r['high']:g}",
                who=r["set_by"], when=r["set_at"], note=r["note"] or "—"))
    return 0


def run_ranges_set(args) -> int:
    from geo.access.auth import Actor, open_store
    from geo.store.ranges import set_range
    from geo.units.boundaries import default_set_id

    return _refusals(lambda: (set_range(open_store(), args.boundaries or default_set_id(), args.code, args.indicator,
                                        args.low, args.high, user=Actor.cli(args.user), note=args.note),
                              print(t("cli_ranges_set", args.lang, code=args.code, iid=args.indicator))), args.lang)


def run_ranges_remove(args) -> int:
    from geo.access.auth import Actor, open_store
    from geo.store.ranges import remove_range
    from geo.units.boundaries import default_set_id

    return _refusals(lambda: (remove_range(open_store(), args.boundaries or default_set_id(), args.code,
                                           args.indicator, user=Actor.cli(args.user)),
                              print(t("cli_ranges_removed", args.lang, code=args.code, iid=args.indicator))), args.lang)
