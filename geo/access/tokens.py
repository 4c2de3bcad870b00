"""API tokens: how QGIS and other systems prove who they are to the OGC API and the table endpoint (issue 24).

An admin makes a named token with a role (``viewer`` or ``editor``): :func:`add_token` returns the token once;
only its SHA-256 is stored (a token is 32 random bytes, so a fast hash is enough — nothing to guess from it).
:func:`revoke_token` ends it for good (the row stays, so the audit log's names stay explained).

:func:`check_token` is what a request goes through. Every use of a good token is audited (``api_token_use``);
a wrong or revoked token is a failed attempt in ``signin_attempts`` under the name :data:`THROTTLE_NAME` and the
client's address, slowed down exactly like failed sign-ins (geo.access.auth.signin_wait): after ``n``
failures from one client the next attempt is refused, unchecked, for ``2**(n-1)`` seconds.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa

from geo.access.auth import (RANK, Actor, AuthError, SignInRefused, _require_admin, failure_delay,
                             normalize_name, signin_wait)
from geo.store.engine import iso_time, utcnow
from geo.store.schema import api_tokens, signin_attempts

TOKEN_ROLES = ("viewer", "editor")
PREFIX = "antt_"
THROTTLE_NAME = "api-token"  # the name failed tokens are counted under in signin_attempts
MAX_TOKEN = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _row(conn, name: str):
    return conn.execute(sa.select(api_tokens).where(api_tokens.c.name == name)).first()


def add_token(store, name: str, role: str, *, by) -> str:
    """A new token for ``name`` with ``role``; returns the token (shown once, never stored)."""
    who = _require_admin(store, by)
    name = normalize_name(name)
    if role not in TOKEN_ROLES:
        raise AuthError("api_token_bad_role", role=repr(role), roles=", ".join(TOKEN_ROLES))
    token = PREFIX + secrets.token_urlsafe(32)

    def write(conn):
        if _row(conn, name) is not None:
            raise AuthError("api_token_exists", name=name)
        conn.execute(api_tokens.insert().values(name=name, role=role, token_hash=token_hash(token),
                                                created_at=utcnow(), created_by=who))
        store.audit("api_token_add", who, {"name": name, "role": role}, conn=conn)

    store.execute_write_fn(write)
    return token


def revoke_token(store, name: str, *, by) -> None:
    who = _require_admin(store, by)
    name = normalize_name(name, strict=False)

    def write(conn):
        row = _row(conn, name)
        if row is None:
            raise AuthError("api_token_unknown", name=name or "?")
        if row.revoked_at is not None:
            raise AuthError("api_token_already_revoked", name=name)
        conn.execute(api_tokens.update().where(api_tokens.c.name == name).values(revoked_at=utcnow(), revoked_by=who))
        store.audit("api_token_revoke", who, {"name": name, "role": row.role}, conn=conn)

    store.execute_write_fn(write)


def list_tokens(store) -> list[dict]:
    """Name, role, who made it and when, and when it was revoked (never the hash)."""
    rows = store.execute_read_fn(lambda conn: conn.execute(sa.select(api_tokens).order_by(api_tokens.c.name)).all())
    return [{"name": r.name, "role": r.role, "created_at": iso_time(r.created_at), "created_by": r.created_by,
             "revoked_at": iso_time(r.revoked_at) if r.revoked_at is not None else None,
             "revoked_by": r.revoked_by} for r in rows]


def check_token(store, token: str, client: str, detail: dict | None = None, now: datetime | None = None) -> Actor:
    """The Actor a token stands for (``via="token"``), the use audited; raises SignInRefused for a wrong or
    revoked token (``api_token_refused``) or while this client is slowed down (``api_token_throttled``)."""
    client = (str(client or "").strip() or "-")[:100]
    now = now or utcnow()
    wait = signin_wait(store, THROTTLE_NAME, client, now)
    if wait > 0:
        store.audit("api_token_throttled", THROTTLE_NAME, {"client": client, "wait_seconds": round(wait, 1)})
        raise SignInRefused("api_token_throttled", wait, throttled=True, seconds=int(wait) + 1)
    digest = token_hash(str(token or "")[:MAX_TOKEN])
    row = store.execute_read_fn(lambda conn: conn.execute(
        sa.select(api_tokens).where(api_tokens.c.token_hash == digest)).first())
    ok = row is not None and row.revoked_at is None and row.role in RANK

    def attempt(conn) -> int:
        if ok:
            store.audit("api_token_use", row.name, {"client": client, "role": row.role, **(detail or {})}, conn=conn)
            return 0
        conn.execute(signin_attempts.insert().values(created_at=now, name=THROTTLE_NAME, client=client, ok=False))
        reason = "unknown" if row is None else "revoked"
        store.audit("api_token_failed", row.name if row is not None else THROTTLE_NAME,
                    {"client": client, "reason": reason, **(detail or {})}, conn=conn)
        return 1

    store.execute_write_fn(attempt)
    if not ok:
        failures = signin_wait(store, THROTTLE_NAME, client, now)
        raise SignInRefused("api_token_refused", failures or failure_delay(1))
    return Actor(row.name, row.role, "token")
