"""Account commands: ``python -m geo users add|list|disable|enable|set-role|passwd``.

``users add NAME --role editor [--oidc]``: the password is read with a hidden prompt (typed twice) when stdin
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


def register(sub) -> None:
    p = sub.add_parser("users", help="tài khoản và vai trò / accounts and roles")
    usub = p.add_subparsers(dest="users_command", metavar="ACTION")

    a = usub.add_parser("add", help="thêm tài khoản / add an account")
    a.add_argument("name")
    a.add_argument("--role", choices=["viewer", "editor", "admin"], default="viewer")
    a.add_argument("--oidc", action="store_true", help="đăng nhập qua OIDC (st.login), không mật khẩu")
    a.add_argument("--user", default=None, help="người thực hiện ghi vào nhật ký / operator name for the audit log")
    a.set_defaults(func=run_add)

    ls = usub.add_parser("list", help="danh sách tài khoản / list accounts")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    for action, help_text, fn in (("disable", "khóa tài khoản / disable an account", "run_disable"),
                                  ("enable", "mở khóa tài khoản / enable an account", "run_enable"),
                                  ("passwd", "đặt lại mật khẩu / set a new password", "run_passwd")):
        q = usub.add_parser(action, help=help_text)
        q.add_argument("name")
        q.add_argument("--user", default=None)
        q.set_defaults(func=globals()[fn])

    r = usub.add_parser("set-role", help="đổi vai trò / change the role")
    r.add_argument("name")
    r.add_argument("role", choices=["viewer", "editor", "admin"])
    r.add_argument("--user", default=None)
    r.set_defaults(func=run_set_role)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def read_password(stdin=None, prompt=getpass.getpass) -> str:
    """From a hidden prompt (twice) on a terminal, else the first line of stdin."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = prompt("Mật khẩu / Password: ")
        again = prompt("Nhập lại / Again: ")
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

    def go():
        password = None if args.oidc else read_password()
        auth.add_user(open_store(), args.name, args.role, password, by=auth.Actor.cli(args.user),
                      auth="oidc" if args.oidc else "local")
        print(f"Đã thêm tài khoản {auth.normalize_name(args.name)} ({args.role}). / Account added.")
    return run_reporting_errors(go)


def run_list(args) -> int:
    from geo.access import auth

    rows = auth.list_users(open_store())
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Chưa có tài khoản nào. / No accounts yet.")
    for u in rows:
        state = "KHÓA/disabled" if u["disabled"] else "hoạt động/active"
        print(f"{u['name']}\t{u['role']}\t{u['auth']}\t{state}\t{u['updated_at'][:19]}")
    return 0


def run_disable(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.disable_user(open_store(), args.name, by=auth.Actor.cli(args.user)),
                         print(f"Đã khóa {args.name}. / Disabled.")))


def run_enable(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.enable_user(open_store(), args.name, by=auth.Actor.cli(args.user)),
                         print(f"Đã mở khóa {args.name}. / Enabled.")))


def run_set_role(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.set_role(open_store(), args.name, args.role, by=auth.Actor.cli(args.user)),
                         print(f"{args.name}: {args.role}. / Role changed.")))


def run_passwd(args) -> int:
    from geo.access import auth

    return run_reporting_errors(lambda: (auth.set_password(open_store(), args.name, read_password(), by=auth.Actor.cli(args.user)),
                         print(f"Đã đặt mật khẩu mới cho {args.name}. / Password set.")))
