"""Signed-in browser sessions that survive a reload and a new tab (issue 23), kept server-side in ``web_sessions``.

* :func:`start` — right after a good sign-in (the page): a row for the account and a one-time *ticket*
  (random, only its SHA-256 kept, valid :data:`TICKET_SECONDS`), which the browser carries to /auth/session;
* :func:`redeem` — that route (geo.api.web_session): the ticket, once, becomes a random session id (again only
  its SHA-256 kept); the cookie is that id signed with HMAC-SHA256 (:func:`sign`), HttpOnly, SameSite=Lax;
* :func:`resume` — every script run of the app: the cookie's session re-checked against the store (revoked,
  idle longer than ``ANTT_SESSION_IDLE_MINUTES``, past :data:`MAX_HOURS`, account disabled or gone) and the
  account's current role read; an idle or disabled end is revoked and audited here;
* :func:`revoke` (sign-out) and :func:`revoke_user` (an admin's ``python -m geo users signout NAME``).

The signing key is ``ANTT_SESSION_SECRET`` when set, else a random key kept in ``session.key`` in
ANTT_DATA_DIR (made on first use, readable by its owner only), shared by every process of the app.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from geo.access.auth import Actor, _require_admin, idle_minutes, normalize_name, verified_actor
from geo.config import setting
from geo.store.engine import utcnow
from geo.store.schema import web_sessions

COOKIE = "antt_session"
TICKET_SECONDS = 60
MAX_HOURS = 12  # a session ends this long after its sign-in, however active
MAX_COOKIE = 200
TOUCH_SECONDS = 30  # last_seen is written at most this often (one write per reader and half-minute)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def signing_key() -> bytes:
    given = setting("ANTT_SESSION_SECRET")
    if given:
        return str(given).encode("utf-8")
    path = setting("ANTT_DATA_DIR") / "session.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_bytes()
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_hex(32).encode("ascii"))
        return path.read_bytes()


def sign(session_id: str) -> str:
    mac = hmac.new(signing_key(), session_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{session_id}.{mac}"


def unsign(cookie: str | None) -> str | None:
    """The session id in a cookie whose signature holds, else None (tampered, truncated, too long, empty)."""
    text = str(cookie or "").strip().strip('"')
    if not text or len(text) > MAX_COOKIE or "." not in text:
        return None
    session_id, _, mac = text.rpartition(".")
    good = hmac.new(signing_key(), session_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return session_id if session_id and hmac.compare_digest(mac, good) else None


def max_age() -> int:
    """The cookie's Max-Age in seconds (the session's absolute lifetime)."""
    return MAX_HOURS * 3600


def start(store, actor: Actor, client: str = "-", now: datetime | None = None) -> str:
    """A new session row for a signed-in ``actor``; returns its one-time ticket (never stored)."""
    if not isinstance(actor, Actor) or not actor.signed_in or actor.via not in ("local", "oidc"):
        raise ValueError("only a signed-in local or OIDC account gets a browser session")
    now = now or utcnow()
    ticket = secrets.token_urlsafe(32)
    values = dict(ticket_hash=_digest(ticket), ticket_expires=now + timedelta(seconds=TICKET_SECONDS),
                  name=str(actor), via=actor.via, client=(str(client or "-").strip() or "-")[:100],
                  created_at=now, last_seen=now, expires_at=now + timedelta(hours=MAX_HOURS))
    store.execute_write_fn(lambda conn: conn.execute(web_sessions.insert().values(**values)))
    return ticket


def redeem(store, ticket: str | None, client: str = "-", now: datetime | None = None) -> str | None:
    """The signed cookie value for a good, unused, unexpired ticket (used up now; audited ``session_start``),
    else None."""
    now = now or utcnow()
    text = str(ticket or "")[:MAX_COOKIE]
    if not text:
        return None
    session_id = secrets.token_urlsafe(32)

    def write(conn):
        row = conn.execute(sa.select(web_sessions).where(web_sessions.c.ticket_hash == _digest(text))).first()
        if row is None or row.revoked_at is not None or _aware(row.ticket_expires) < now:
            return None
        conn.execute(web_sessions.update().where(web_sessions.c.id == row.id).values(
            id_hash=_digest(session_id), ticket_hash=None, ticket_expires=None, last_seen=now))
        store.audit("session_start", row.name, {"client": (str(client or "-") or "-")[:100], "via": row.via},
                    conn=conn)
        return row

    return sign(session_id) if store.execute_write_fn(write) is not None else None


def _row_of(conn, cookie):
    session_id = unsign(cookie)
    if session_id is None:
        return None
    return conn.execute(sa.select(web_sessions).where(web_sessions.c.id_hash == _digest(session_id))).first()


def _end(conn, row_id: int, reason: str, now: datetime) -> None:
    conn.execute(web_sessions.update().where(web_sessions.c.id == row_id, web_sessions.c.revoked_at.is_(None))
                 .values(revoked_at=now, revoked_reason=reason))


def resume(store, cookie: str | None, client: str = "-", now: datetime | None = None) -> tuple[Actor | None, str]:
    """``(actor, "ok")`` for a live session, its last_seen moved on; else ``(None, why)`` with why one of
    "none" (no or tampered cookie, unknown id), "revoked", "expired", "idle", "disabled". An idle or disabled
    end revokes the row and is audited (``signout_idle``, ``signout_disabled``) like the gate did before."""
    now = now or utcnow()
    row = store.execute_read_fn(lambda conn: _row_of(conn, cookie))
    if row is None:
        return None, "none"
    if row.revoked_at is not None:
        return None, "revoked"
    if _aware(row.expires_at) <= now:
        why = "expired"
    elif now - _aware(row.last_seen) > timedelta(minutes=idle_minutes()):
        why = "idle"
    else:
        actor = verified_actor(store, Actor(row.name, "viewer", row.via))
        why = "ok" if actor is not None else "disabled"
    detail = {"client": (str(client or "-") or "-")[:100], "role": None, "via": row.via}
    if why != "ok":
        def end(conn):
            _end(conn, row.id, why, now)
            if why in ("idle", "disabled"):
                store.audit(f"signout_{why}", row.name, detail, conn=conn)
        store.execute_write_fn(end)
        return None, why
    if now - _aware(row.last_seen) > timedelta(seconds=TOUCH_SECONDS):
        store.execute_write_fn(lambda conn: conn.execute(
            web_sessions.update().where(web_sessions.c.id == row.id).values(last_seen=now)))
    return actor, "ok"


def revoke(store, cookie: str | None, reason: str = "signout", now: datetime | None = None) -> bool:
    """End the cookie's session (sign-out); True when a live one was ended."""
    now = now or utcnow()

    def write(conn):
        row = _row_of(conn, cookie)
        if row is None or row.revoked_at is not None:
            return False
        _end(conn, row.id, reason, now)
        return True

    return bool(store.execute_write_fn(write))


def revoke_user(store, name: str, *, by, now: datetime | None = None) -> int:
    """An admin ends every live session of account ``name`` (audited ``session_revoke``); returns how many."""
    who = _require_admin(store, by)
    name = normalize_name(name, strict=False)
    now = now or utcnow()

    def write(conn):
        live = web_sessions.c.revoked_at.is_(None) & (web_sessions.c.name == name)
        count = conn.execute(web_sessions.update().where(live).values(revoked_at=now, revoked_reason="admin"))
        store.audit("session_revoke", who, {"name": name, "sessions": int(count.rowcount or 0)}, conn=conn)
        return int(count.rowcount or 0)

    return store.execute_write_fn(write)

