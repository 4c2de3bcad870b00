"""API tokens (geo.access.tokens): shown once, stored hashed, uses audited, failures slowed like sign-ins."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from geo.access import tokens
from geo.access.auth import Actor, AuthError, SignInRefused, add_user, authorized_store
from geo.store.database import AccessDenied
from geo.store.engine import utcnow
from geo.store.schema import api_tokens, audit_log_table

CLI = Actor("ops", "admin", "cli")


@pytest.fixture
def store(tmp_path):
    s = authorized_store(f"sqlite:///{tmp_path / 't.sqlite'}")
    s.ensure_ready()
    yield s
    s.dispose()


def _audit(store, action: str) -> list[dict]:
    rows = store.execute_read_fn(lambda conn: conn.execute(
        sa.select(audit_log_table).where(audit_log_table.c.action == action)).all())
    return [json.loads(r.detail) if isinstance(r.detail, str) else r.detail for r in rows]


def test_a_token_is_shown_once_and_stored_hashed(store):
    token = tokens.add_token(store, "qgis", "editor", by=CLI)
    rows = store.execute_read_fn(lambda conn: conn.execute(sa.select(api_tokens)).all())
    assert len(rows) == 1 and rows[0].token_hash == tokens.token_hash(token)
    assert token not in json.dumps([tuple(map(str, r)) for r in rows])
    listed = tokens.list_tokens(store)
    assert [(r["name"], r["role"], r["revoked_at"]) for r in listed] == [("qgis", "editor", None)]
    assert token not in json.dumps(listed)
    assert _audit(store, "api_token_add")[0]["name"] == "qgis"


def test_a_good_token_gives_its_actor_and_every_use_is_audited(store):
    token = tokens.add_token(store, "qgis", "viewer", by=CLI)
    for _ in range(3):
        actor = tokens.check_token(store, token, "10.0.0.7", {"path": "/api/ogc/"})
        assert (str(actor), actor.role, actor.via) == ("qgis", "viewer", "token")
    uses = _audit(store, "api_token_use")
    assert len(uses) == 3 and uses[0]["client"] == "10.0.0.7" and uses[0]["path"] == "/api/ogc/"


@pytest.mark.parametrize("kind", ["wrong", "revoked", "empty", "huge"])
def test_a_bad_token_is_refused_and_audited(store, kind):
    token = tokens.add_token(store, "qgis", "editor", by=CLI)
    if kind == "revoked":
        tokens.revoke_token(store, "qgis", by=CLI)
    given = {"wrong": token[:-2] + "xx", "revoked": token, "empty": "", "huge": "a" * 100_000}[kind]
    with pytest.raises(SignInRefused) as exc:
        tokens.check_token(store, given, "10.0.0.8")
    assert exc.value.key == "api_token_refused" and not exc.value.throttled
    assert _audit(store, "api_token_failed")[0]["reason"] == ("revoked" if kind == "revoked" else "unknown")
    assert _audit(store, "api_token_use") == []


def test_failed_tokens_are_slowed_down_like_failed_signins(store):
    token = tokens.add_token(store, "qgis", "viewer", by=CLI)
    now = utcnow()
    with pytest.raises(SignInRefused):
        tokens.check_token(store, "antt_guess1", "10.0.0.9", now=now)
    # the next try from that client within the delay is refused unchecked, even with the right token
    with pytest.raises(SignInRefused) as exc:
        tokens.check_token(store, token, "10.0.0.9", now=now + timedelta(seconds=0.2))
    assert exc.value.throttled and exc.value.key == "api_token_throttled" and exc.value.wait > 0
    # another client is not held up; after the delay the right token works again
    assert tokens.check_token(store, token, "10.0.0.10", now=now).role == "viewer"
    assert tokens.check_token(store, token, "10.0.0.9", now=now + timedelta(seconds=2)).role == "viewer"
    assert _audit(store, "api_token_throttled")[0]["client"] == "10.0.0.9"


@pytest.mark.parametrize("name, role, by, error", [
    ("qgis", "admin", CLI, AuthError),                      # tokens are viewers or editors only
    ("Bad Name!", "viewer", CLI, AuthError),
    ("qgis", "viewer", Actor("viet", "viewer", "local"), AccessDenied),   # only admins make tokens
    ("qgis", "viewer", "ops", AccessDenied),                # a plain string is nobody
])
def test_who_may_make_which_token(store, name, role, by, error):
    with pytest.raises(error):
        tokens.add_token(store, name, role, by=by)
    assert tokens.list_tokens(store) == []


def test_a_signed_in_admin_makes_and_revokes_tokens_and_names_are_unique(store):
    add_user(store, "quan", "admin", "quan-tri-123", by=CLI)
    admin = Actor("quan", "admin", "local")
    tokens.add_token(store, "qgis", "viewer", by=admin)
    with pytest.raises(AuthError):
        tokens.add_token(store, "qgis", "editor", by=admin)
    tokens.revoke_token(store, "qgis", by=admin)
    with pytest.raises(AuthError):
        tokens.revoke_token(store, "qgis", by=admin)
    with pytest.raises(AuthError):
        tokens.revoke_token(store, "nobody", by=admin)
    assert tokens.list_tokens(store)[0]["revoked_by"] == "quan"


@pytest.mark.postgres
def test_tokens_on_postgresql(postgres_db_url):
    """The api_tokens table migrates and works on PostgreSQL as on SQLite (make, use, revoke, refuse)."""
    s = authorized_store(postgres_db_url)
    s.ensure_ready()
    try:
        token = tokens.add_token(s, "qgis", "editor", by=CLI)
        assert tokens.check_token(s, token, "10.0.0.1").role == "editor"
        tokens.revoke_token(s, "qgis", by=CLI)
        with pytest.raises(SignInRefused):
            tokens.check_token(s, token, "10.0.0.1")
        assert tokens.list_tokens(s)[0]["revoked_by"] == "ops"
    finally:
        s.dispose()
