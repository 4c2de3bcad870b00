"""API token commands: ``python -m geo tokens add|list|revoke NAME [--role viewer|editor]``.

``tokens add`` prints the token once, on stdout alone (nothing else there, so a script can capture it); only
its SHA-256 is stored. A viewer's token reads public indicators (small counts suppressed); an editor's token
also reads internal indicators and exact counts. The command line acts as ``Actor.cli()``, as ``users`` does;
each change is audited. Exit codes: 0 done, 1 refused (message on stderr), 2 usage.
"""

from __future__ import annotations

import json
import sys

from geo.cli.texts import both
from geo.cli.users_commands import run_reporting_errors


def register(sub) -> None:
    p = sub.add_parser("tokens", help=both("cli_tokens_help"))
    tsub = p.add_subparsers(dest="tokens_command", metavar="ACTION")
    a = tsub.add_parser("add", help=both("cli_tokens_add_help"))
    a.add_argument("name")
    a.add_argument("--role", choices=["viewer", "editor"], default="viewer")
    a.add_argument("--user", default=None, help=both("cli_users_operator"))
    a.set_defaults(func=run_add)
    ls = tsub.add_parser("list", help=both("cli_tokens_list_help"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)
    r = tsub.add_parser("revoke", help=both("cli_tokens_revoke_help"))
    r.add_argument("name")
    r.add_argument("--user", default=None, help=both("cli_users_operator"))
    r.set_defaults(func=run_revoke)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_add(args) -> int:
    from geo.access.auth import Actor, open_store
    from geo.access.tokens import add_token

    made = []
    code = run_reporting_errors(lambda: made.append(add_token(open_store(), args.name, args.role,
                                                              by=Actor.cli(args.user))))
    if code == 0:
        print(made[0])
        print(both("cli_tokens_added", name=args.name, role=args.role), file=sys.stderr)
    return code


def run_list(args) -> int:
    from geo.access.auth import open_store
    from geo.access.tokens import list_tokens

    rows = list_tokens(open_store())
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        state = both("cli_tokens_revoked", at=r["revoked_at"]) if r["revoked_at"] else both("cli_tokens_active")
        print(f"{r['name']:<24} {r['role']:<7} {r['created_at']}  {state}")
    if not rows:
        print(both("cli_tokens_none"))
    return 0


def run_revoke(args) -> int:
    from geo.access.auth import Actor, open_store
    from geo.access.tokens import revoke_token

    code = run_reporting_errors(lambda: revoke_token(open_store(), args.name, by=Actor.cli(args.user)))
    if code == 0:
        print(both("cli_tokens_revoked_now", name=args.name))
    return code
