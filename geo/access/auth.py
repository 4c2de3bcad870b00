"""Users, roles, sign-in and the role checks of the core. Plain Python: never imports streamlit.

Roles, each including the one before: ``viewer`` (maps, charts, profiles), ``editor`` (also upload, import,
rollback, exports of internal indicators), ``admin`` (also boundary sets and users).

Who is acting is an :class:`Actor` (a frozen dataclass): its ``name``, ``role`` and ``via``:

* ``via="local"``: a store account signed in with its password (argon2 hash in ``users``);
* ``via="oidc"``: an identity from Streamlit's ``st.login``; its role comes from a ``users`` row with
  ``auth="oidc"`` and the same name (the e-mail address), else it is a viewer;
* ``via="cli"``: the command line's operator (``Actor.cli()``: ``--user``, else ``ANTT_USER``, else the OS login
  name), trusted: whoever runs it can already open the database file;
* ``via="token"``: an API token (geo.access.tokens), read-only;
* ``via="anonymous"``: nobody signed in (a viewer).

Where roles are enforced
    1. app.py gives ``st.navigation`` only the pages the actor's role may use (no URL reaches the others);
    2. the core: :func:`authorize_write` runs inside the store's write transaction of every ``import_rows``
       and ``rollback``. Store writes take an Actor; a plain name is refused (:class:`ActorRequired`). A local
       or oidc Actor's account, re-read in that transaction, must be enabled and at least an editor; a
       ``cli`` Actor is the operator, refused only when its name is an account that is disabled or a viewer
       (documented in geo.cli.store_commands); token and anonymous Actors are refused. Pages build their Actor
       only from the signed-in session (pages/shared/signin.py), never a ``cli`` one;
    3. user management (:func:`add_user`, :func:`set_role`, ...) requires an admin ``by`` actor, verified the
       same way.

Sign-in throttling: every password check is an append-only ``signin_attempts`` row. After ``n`` failures for a
(name, client) since its last success (within a day) the next attempt is refused for ``2**(n-1)`` seconds
(capped at 15 minutes), and failures for a name from all clients together slow it down too. Attempts refused
by the delay are not checked and do not lengthen it. Every success, failure and refusal is audited.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from geo.access.scopes import check_scope
from geo.config import setting
from geo.store.database import AccessDenied, Store, StoreError
from geo.store.errors import ActorRequired
from geo.store.engine import iso_time, utcnow
from geo.store.schema import signin_attempts, users

ROLES = ("viewer", "editor", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
ENV_VIEW_MODE = "ANTT_VIEW_MODE"
ENV_IDLE_MINUTES = "ANTT_SESSION_IDLE_MINUTES"
VIEW_MODES = ("open", "signin")
MIN_PASSWORD = 8
MAX_DELAY = 15 * 60
FAILURE_WINDOW = timedelta(days=1)
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,199}$")
_DUMMY_HASH = None  # an argon2 hash checked for unknown names, so they take as long as known ones


class AuthError(StoreError):
    """A sign-in or account problem."""


class SignInRefused(AuthError):
    """``throttled``: refused unchecked because of earlier failures (wait ``wait`` seconds); otherwise the name
    or password was wrong (``wait`` is then the delay before the next attempt)."""

    def __init__(self, key: str, wait: float = 0.0, throttled: bool = False, **params):
        super().__init__(key, **params)
        self.wait = wait
        self.throttled = throttled


@dataclass(frozen=True)
class Actor:
    """Who acts: ``name``, ``role`` and ``via`` (local, oidc, cli, token, anonymous). Store writes take an Actor, never
    a plain name; ``str(actor)`` is the name, as the audit log records it."""

    name: str
    role: str = "viewer"
    via: str = "local"

    def __post_init__(self):
        if self.role not in RANK:
            object.__setattr__(self, "role", "viewer")

    def __str__(self) -> str:
        return self.name

    @property
    def signed_in(self) -> bool:
        return self.via in ("local", "oidc")

    @classmethod
    def cli(cls, name: str | None = None) -> "Actor":
        """The command line's operator (trusted: it has the database itself)."""
        return cls(operator_name(name), "admin", "cli")

    @classmethod
    def anonymous(cls) -> "Actor":
        return cls("anonymous", "viewer", "anonymous")


# ---------------------------------------------------------------------------------------------------------
# Configuration


def operator_name(given: str | None = None) -> str:
    """Who runs the command line: ``given`` (``--user``), else ``ANTT_USER``, else the OS login name."""
    if given and given.strip():
        return given.strip()
    env = setting("ANTT_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers)
        return "local"


def view_mode() -> str:
    """``ANTT_VIEW_MODE``: ``open`` (default; viewer pages without sign-in, for a forum screen or kiosk) or
    ``signin`` (everything needs sign-in). An unknown value means ``signin`` (fail closed)."""
    value = setting(ENV_VIEW_MODE)
    return value if value in VIEW_MODES else "signin"


def idle_minutes() -> float:
    """``ANTT_SESSION_IDLE_MINUTES`` (default 30): a signed-in session idle longer than this is signed out."""
    return setting(ENV_IDLE_MINUTES)


def session_expired(last_seen: float | None, now: float, minutes: float | None = None) -> bool:
    """True when a session last active at ``last_seen`` (epoch seconds) has been idle too long at ``now``."""
    if last_seen is None:
        return False
    return now - float(last_seen) > 60.0 * (idle_minutes() if minutes is None else minutes)


def oidc_configured(secrets) -> bool:
    """Whether ``st.secrets`` (any mapping, or something that raises when there is no secrets file) has an
    ``[auth]`` section usable by ``st.login``."""
    try:
        section = secrets.get("auth") if hasattr(secrets, "get") else None
        if not section:
            return False
        keys = set(section.keys())
    except Exception:  # no secrets.toml, unreadable file
        return False
    return "redirect_uri" in keys and "cookie_secret" in keys


# ---------------------------------------------------------------------------------------------------------
# Roles


def has_role(actor, role: str) -> bool:
    return RANK.get(getattr(actor, "role", "viewer"), 0) >= RANK[role]


def require_role(actor, role: str) -> None:
    """Raise AccessDenied unless ``actor`` has ``role`` (or above)."""
    if role not in RANK:
        raise ValueError(f"unknown role {role!r}")
    if not has_role(actor, role):
        raise AccessDenied(
            "auth_role_needed", role=role_label(role), yours=role_label(getattr(actor, 'role', 'viewer'))
        )


def role_label(role: str, lang: str = "vi") -> str:
    from geo.text.i18n import t

    return t(f"auth_role_{role}", lang)


def pages_for(role: str | None, mode: str, signed_in: bool) -> dict[str, bool]:
    """Which groups of pages an actor gets: ``view`` (maps, charts...), ``edit`` (upload, history), ``admin``
    and ``login``. In ``signin`` mode an anonymous visitor gets only the sign-in page."""
    rank = RANK.get(role or "viewer", 0) if signed_in else -1
    return {
        "view": signed_in or mode == "open",
        "edit": rank >= RANK["editor"],
        "admin": rank >= RANK["admin"],
        "login": not signed_in,
    }


def _account(conn, name: str):
    return conn.execute(sa.select(users).where(users.c.name == name)).first()


def authorize_write(conn, actor, action: str, target=None) -> str:
    """The core's role and scope check for ``import``/``rollback``, inside the store's write transaction: an
    account's writes stay within its scope (geo.access.scopes), whether it acts in the app or by name. Returns
    the sender's level (geo.access.scopes.scope_level; ``operator``: a command-line name that is no account)."""
    if not isinstance(actor, Actor):
        raise ActorRequired("store_actor_required", given=type(actor).__name__)
    denied = AccessDenied("auth_write_denied")
    row = _account(conn, actor.name)
    if actor.via in ("local", "oidc"):
        if row is None or row.disabled or RANK.get(row.role, 0) < RANK["editor"]:
            raise denied
        if (row.auth == "oidc") != (actor.via == "oidc"):
            raise denied
    elif actor.via != "cli":
        raise denied
    elif row is not None and (row.disabled or RANK.get(row.role, 0) < RANK["editor"]):
        raise denied
    if row is not None:
        return check_scope(conn, row, target, action)
    return "operator"


def authorized_store(url: str | None = None, **kwargs) -> Store:
    """A Store whose data changes are checked by :func:`authorize_write` (the app's, the API's and the command
    line's store alike: who may write follows from the Actor given)."""
    return Store(url, authorize=authorize_write, **kwargs)


def open_store(url: str | None = None, **kwargs) -> Store:
    """An authorized store, migrated and ready (sample loaded once): what the command line and the app open."""
    store = authorized_store(url, **kwargs)
    store.ensure_ready()
    return store


def verified_actor(store, actor) -> Actor | None:
    """The session's actor re-read from the store (role changes and disabling take effect on the next page
    load); None when the account is gone or disabled. Anonymous and cli actors are returned as they are."""
    if not isinstance(actor, Actor) or actor.via not in ("local", "oidc"):
        return actor
    row = store.execute_read_fn(lambda conn: _account(conn, str(actor)))
    if row is None or row.disabled or (row.auth == "oidc") != (actor.via == "oidc"):
        return None
    return Actor(str(actor), row.role, actor.via)


def oidc_actor(store, email: str | None, client: str = "-") -> Actor | None:
    """The Actor of an identity signed in through ``st.login``: the role of its ``users`` row (auth oidc), else
    a viewer. None without an e-mail address or when the account is disabled."""
    name = normalize_name(email or "", strict=False)
    if not name:
        return None
    row = store.execute_read_fn(lambda conn: _account(conn, name))
    if row is not None and row.auth == "oidc":
        if row.disabled:
            return None
        return Actor(name, row.role, "oidc")
    return Actor(name, "viewer", "oidc")


# ---------------------------------------------------------------------------------------------------------
# Passwords


def _hasher():
    """Argon2id with the library's defaults (RFC 9106 low-memory profile)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    global _DUMMY_HASH
    if not stored:  # unknown user: spend the same time, then fail
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-password-" + os.urandom(8).hex())
        stored, password = _DUMMY_HASH, password + "\x00"
    try:
        return _hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str, name: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError("auth_password_short", MIN_PASSWORD=MIN_PASSWORD)
    if name and password.strip().lower() == name.lower():
        raise AuthError("auth_password_is_name")


def normalize_name(name: str, strict: bool = True) -> str:
    value = str(name or "").strip().lower()
    if not NAME_RE.match(value):
        if strict:
            raise AuthError("auth_bad_name")
        return ""
    return value


# ---------------------------------------------------------------------------------------------------------
# Accounts (admin only; CLI as Actor.cli())


def _require_admin(store, by) -> str:
    actor = by if isinstance(by, Actor) else None
    if actor is None:
        raise AccessDenied("auth_admin_required")
    if actor.via in ("local", "oidc"):
        actor = verified_actor(store, actor)
    elif actor.via != "cli":
        actor = None
    if actor is None or not has_role(actor, "admin"):
        raise AccessDenied("auth_admin_required_users")
    return str(actor)


def _check_role(role: str) -> str:
    if role not in RANK:
        raise AuthError("auth_unknown_role", role=repr(role), roles=', '.join(ROLES))
    return role


def list_users(store) -> list[dict]:
    rows = store.execute_read_fn(lambda conn: conn.execute(sa.select(users).order_by(users.c.name)).all())
    return [{"name": r.name, "role": r.role, "auth": r.auth, "disabled": bool(r.disabled),
             "created_at": iso_time(r.created_at), "updated_at": iso_time(r.updated_at)} for r in rows]


def add_user(store, name: str, role: str, password: str | None = None, *, by, auth: str = "local") -> None:
    """A new account. Local accounts need a password (argon2 hash stored); oidc accounts have none."""
    who = _require_admin(store, by)
    name, role = normalize_name(name), _check_role(role)
    if auth not in ("local", "oidc"):
        raise AuthError("auth_bad_auth_kind")
    digest = None
    if auth == "local":
        check_password_rules(password or "", name)
        digest = hash_password(password)
    now = utcnow()

    def write(conn):
        if _account(conn, name) is not None:
            raise AuthError("auth_account_exists", name=name)
        conn.execute(users.insert().values(name=name, role=role, auth=auth, password_hash=digest, disabled=False,
                                           created_at=now, updated_at=now))
        store.audit("user_add", who, {"name": name, "role": role, "auth": auth}, conn=conn)

    store.execute_write_fn(write)


def _update(store, name: str, by, action: str, values: dict, detail: dict) -> None:
    who = _require_admin(store, by)
    name = normalize_name(name, strict=False)

    def write(conn):
        row = _account(conn, name)
        if row is None:
            raise AuthError("auth_no_account", name=name or '?')
        if action in ("user_disable", "user_role") and row.role == "admin" and not row.disabled:
            demoted = action == "user_disable" or values.get("role") != "admin"
            others = conn.execute(sa.select(sa.func.count()).select_from(users).where(
                users.c.role == "admin", users.c.disabled == sa.false(), users.c.name != name)).scalar()
            if demoted and not others:
                raise AuthError("auth_last_admin")
        conn.execute(users.update().where(users.c.name == name).values(updated_at=utcnow(), **values))
        store.audit(action, who, {"name": name, **detail, **({"old_role": row.role} if action == "user_role" else {})},
                    conn=conn)

    store.execute_write_fn(write)


def set_role(store, name: str, role: str, *, by) -> None:
    role = _check_role(role)
    _update(store, name, by, "user_role", {"role": role}, {"role": role})


def disable_user(store, name: str, *, by) -> None:
    _update(store, name, by, "user_disable", {"disabled": True}, {})


def enable_user(store, name: str, *, by) -> None:
    _update(store, name, by, "user_enable", {"disabled": False}, {})


def set_password(store, name: str, password: str, *, by) -> None:
    check_password_rules(password, normalize_name(name, strict=False))
    _update(store, name, by, "user_password", {"password_hash": hash_password(password)}, {})


# ---------------------------------------------------------------------------------------------------------
# Sign-in


def failure_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` consecutive failures: 0, 1, 2, 4, 8 ... capped at 15 minutes."""
    if failures <= 0:
        return 0.0
    return float(min(2 ** min(failures - 1, 20), MAX_DELAY))


def _failures(conn, name: str, client: str | None, now: datetime) -> tuple[int, datetime | None]:
    """(failures since the last success within the window, time of the last failure) for name [and client]."""
    where = [signin_attempts.c.name == name]
    if client is not None:
        where.append(signin_attempts.c.client == client)
    last_ok = conn.execute(sa.select(sa.func.max(signin_attempts.c.id)).where(*where, signin_attempts.c.ok)).scalar()
    q = sa.select(sa.func.count(), sa.func.max(signin_attempts.c.created_at)).where(
        *where, ~signin_attempts.c.ok, signin_attempts.c.created_at >= now - FAILURE_WINDOW)
    if last_ok is not None:
        q = q.where(signin_attempts.c.id > last_ok)
    n, last = conn.execute(q).one()
    if isinstance(last, str):
        last = datetime.fromisoformat(last)
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    return int(n or 0), last


def signin_wait(store, name: str, client: str, now: datetime | None = None) -> float:
    """Seconds before ``name`` may try again from ``client`` (0 when it may try now)."""
    now = now or utcnow()
    name = normalize_name(name, strict=False) or str(name)[:200]
    return store.execute_read_fn(lambda conn: _wait(conn, name, client, now))


def _wait(conn, name: str, client: str, now: datetime) -> float:
    n, last = _failures(conn, name, client, now)
    n_all, last_all = _failures(conn, name, None, now)
    wait = 0.0
    if last is not None:
        wait = max(wait, failure_delay(n) - (now - last).total_seconds())
    if last_all is not None:  # guessing from many clients: slowed down too, more gently
        wait = max(wait, failure_delay(n_all // 5) - (now - last_all).total_seconds())
    return max(0.0, wait)


def _client(client: str | None) -> str:
    return (str(client or "").strip() or "-")[:100]


def sign_in(store, name: str, password: str, client: str | None = None, now: datetime | None = None) -> Actor:
    """Check a local account's password. Returns the Actor or raises SignInRefused (one message for unknown
    names, wrong passwords and disabled accounts; a separate one, with the wait, while slowed down)."""
    client = _client(client)
    raw = str(name or "").strip()
    key = normalize_name(raw, strict=False) or raw.lower()[:200] or "?"
    now = now or utcnow()
    wait, row = store.execute_read_fn(lambda conn: (_wait(conn, key, client, now), _account(conn, key)))
    if wait > 0:
        store.audit("signin_throttled", key, {"client": client, "wait_seconds": round(wait, 1)})
        raise SignInRefused("auth_throttled", wait, throttled=True, seconds=int(wait) + 1)
    usable = row is not None and row.auth == "local" and not row.disabled
    ok = verify_password(row.password_hash if usable else None, password or "")

    def attempt(conn) -> int:
        conn.execute(signin_attempts.insert().values(created_at=now, name=key, client=client, ok=bool(ok and usable)))
        if ok and usable:
            store.audit("signin", key, {"client": client, "via": "local", "role": row.role}, conn=conn)
            return 0
        n, _ = _failures(conn, key, client, now)
        reason = "unknown" if row is None else "disabled" if row.disabled else \
            "oidc_account" if row.auth != "local" else "password"
        store.audit("signin_failed", key, {"client": client, "failures": n, "reason": reason,
                                           "next_wait_seconds": failure_delay(n)}, conn=conn)
        return n

    n = store.execute_write_fn(attempt)
    if not (ok and usable):
        raise SignInRefused("auth_wrong_password", failure_delay(n))
    if _hasher().check_needs_rehash(row.password_hash):
        digest = hash_password(password)
        store.execute_write_fn(lambda conn: conn.execute(
            users.update().where(users.c.name == key).values(password_hash=digest)))
    return Actor(key, row.role, "local")


def record(store, action: str, actor, detail: dict | None = None) -> None:
    """Audit something an actor did (sign-out, export, boundary upload...)."""
    store.audit(action, str(actor) or "anonymous", {**(detail or {}), "role": getattr(actor, "role", None),
                                                     "via": getattr(actor, "via", None)})
