"""Account commands: ``python -m geo users add|list|disable|enable|set-role|set-scope|passwd|signout``.

``users signout NAME`` ends every browser session of the account (geo.access.sessions): its next page is signed out.

``users add NAME --role editor [--oidc] [--scope "Điện Biên"] [--scope 03203]``: ``--scope`` (repeatable) limits
the units the account may write (geo.access.scopes; none: the whole country); ``users set-scope NAME [SCOPE...]``
replaces it. The password the password is read with a hidden prompt (typed twice) when stdin
is a terminal, else the first line of stdin (``printf '%s\\n' "$PW" | python -m geo users add an``) — never
from an argument, so it is not left in the shell history or the process list. ``--oidc`` registers an
identity that signs in through ``st.login`` (its e-mail address as NAME; no password).

The command line acts as ``Actor.cli()`` (trusted operator: it can open the database file anyway); each
change is written to the audit log under the operating-system login name (or ``--user`` / ``ANTT_USER``).
Exit codes: 0 done, 1 refused (message on stderr), 2 usage.
"""

from __future__ import annotations

import getpass
import json
import sys

from geo.access.auth import open_store
from geo.cli.texts import both


def register(sub) -> None:
    p = sub.add_parser("users", help=both("cli_users_help"))
    usub = p.add_subparsers(dest="users_command", metavar="ACTION")

    a = usub.add_parser("add", help=both("cli_users_add_help"))
    a.add_argument("name")
    a.add_argument("--role", choices=["viewer", "editor", "admin"], default="viewer")
    a.add_argument("--oidc", action="store_true", help=both("cli_users_oidc"))
    a.add_argument("--scope", action="append", default=[], help=both("cli_users_scope"))
    a.add_argument("--user", default=None, help=both("cli_users_operator"))
    a.set_defaults(func=run_add)

    sc = usub.add_parser("set-scope", help=both("cli_users_set_scope_help"))
    sc.add_argument("name")
    sc.add_argument("scope", nargs="*", help=both("cli_users_scope"))
    sc.add_argument("--user", default=None)
    sc.set_defaults(func=run_set_scope)

    ls = usub.add_parser("list", help=both("cli_users_list_help"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    for action, help_text, fn in (("disable", both("cli_users_disable_help"), "run_disable"),
                                  ("enable", both("cli_users_enable_help"), "run_enable"),
                                  ("passwd", both("cli_users_passwd_help"), "run_passwd"),
                                  ("signout", both("cli_users_signout_help"), "run_signout")):
        q = usub.add_parser(action, help=help_text)
        q.add_argument("name")
        q.add_argument("--user", default=None)
        q.set_defaults(func=globals()[fn])

    r = usub.add_parser("set-role", help=both("cli_users_set_role_help"))
    r.add_argument("name")
    r.add_argument("role", choices=["viewer", "editor", "admin"])
    r.add_argument("--user", default=None)
    r.set_defaults(func=run_set_role)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def read_password(stdin=None, prompt=getpass.getpass) -> str:
    """From a hidden prompt (twice) on a terminal, else the first line of stdin."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = prompt(both("cli_users_password_prompt") + ": ")
        again = prompt(both("cli_users_again_prompt") + ": ")
        if first != again:
            from geo.access.auth import AuthError

            raise AuthError("auth_passwords_differ")
        return first
    return stdin.readline().rstrip("\r\n")


def run_reporting_errors(fn) -> int:
    """Run ``fn``; a StoreError (account, role, indicator problems) is printed and gives exit 1."""
    from geo.store.database import StoreError

    try:
        fn()
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def run_add(args) -> int:
    from geo.access import auth

    from geo.access import scopes

    def go():
        scopes.parse_scope(args.scope)  # an unknown province or code is refused before the account exists
        password = None if args.oidc else read_password()
        store = open_store()
        auth.add_user(store, args.name, args.role, password, by=auth.Actor.cli(args.user),
                      auth="oidc" if args.oidc else "local")
        print(both("cli_users_added", name=auth.normalize_name(args.name), role=args.role))
        if args.scope:
            _print_scope(args.name, scopes.set_scope(store, args.name, args.scope, by=auth.Actor.cli(args.user)))
    return run_reporting_errors(go)


def _print_scope(name: str, scope) -> None:
    from geo.access.scopes import scope_label

    print(both("cli_users_scope_set", name=name, scope=scope_label(scope) or both("cli_users_scope_all")))


def run_set_scope(args) -> int:
    from geo.access import auth, scopes

    return run_reporting_errors(lambda: _print_scope(args.name, scopes.set_scope(
        open_store(), args.name, args.scope, by=auth.Actor.cli(args.user))))


def run_list(args) -> int:
    from geo.access import auth

    from geo.access.scopes import all_scopes

    store = open_store()
    rows = auth.list_users(store)
    scoped = all_scopes(store)
    for u in rows:
        u["scope"] = scoped.get(u["name"], [])
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(both("cli_users_none"))
    for u in rows:
        state = both("cli_users_disabled_state" if u["disabled"] else "cli_users_active_state").replace(" / ", "/")
        scope = ", ".join(u["scope"]) or both("cli_users_scope_all")
        print(f"{u['name']}\t{u['role']}\t{u['auth']}\t{state}\t{scope}\t{u['updated_at'][:19]}")
    return 0


def run_disable(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.disable_user(open_store(), args.name, by=auth.Actor.cli(args.user)),
                         print(both("cli_users_disabled", name=args.name))))


def run_enable(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.enable_user(open_store(), args.name, by=auth.Actor.cli(args.user)),
                         print(both("cli_users_enabled", name=args.name))))


def run_set_role(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.set_role(open_store(), args.name, args.role, by=auth.Actor.cli(args.user)),
                         print(both("cli_users_role_set", name=args.name, role=args.role))))


def run_passwd(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.set_password(open_store(), args.name, read_password(), by=auth.Actor.cli(args.user)),
                         print(both("cli_users_password_set", name=args.name))))


def run_signout(args) -> int:
    from geo.access import auth, sessions

    return run_reporting_errors(lambda: print(both("cli_users_signed_out", name=args.name, count=sessions.revoke_user(
        open_store(), args.name, by=auth.Actor.cli(args.user)))))
