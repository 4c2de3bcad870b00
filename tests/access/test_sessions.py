"""Browser sessions (geo.access.sessions): a one-time ticket becomes a signed cookie; the row behind it expires
when idle or old, is revoked by sign-out, by an admin, or when the account is disabled; ids kept only hashed."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from geo.access import sessions
from geo.access.auth import Actor, add_user, authorized_store, disable_user
from geo.store.database import AccessDenied
from geo.store.engine import utcnow
from geo.store.schema import audit_log_table, web_sessions

CLI = Actor("ops", "admin", "cli")


def _open(url):
    s = authorized_store(url)
    s.ensure_ready()
    add_user(s, "an", "editor", "mat-khau-dai-1", by=CLI)
    return s


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_SESSION_SECRET", raising=False)
    url = (f"sqlite:///{tmp_path / 't.sqlite'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_db_url"))
    s = _open(url)
    yield s
    s.dispose()


def _audit(store, action: str) -> list[dict]:
    rows = store.execute_read_fn(lambda conn: conn.execute(
        sa.select(audit_log_table).where(audit_log_table.c.action == action)).all())
    return [json.loads(r.detail) if isinstance(r.detail, str) else r.detail for r in rows]


def _rows(store):
    return store.execute_read_fn(lambda conn: conn.execute(sa.select(web_sessions)).all())


def _signed_in(store, now=None):
    ticket = sessions.start(store, Actor("an", "editor", "local"), "10.0.0.5", now=now)
    return sessions.redeem(store, ticket, "10.0.0.5", now=now)


def test_a_ticket_becomes_a_cookie_once_and_only_hashes_are_kept(store):
    ticket = sessions.start(store, Actor("an", "editor", "local"), "10.0.0.5")
    cookie = sessions.redeem(store, ticket, "10.0.0.5")
    assert cookie is not None and sessions.redeem(store, ticket, "10.0.0.5") is None  # used up
    session_id = sessions.unsign(cookie)
    [row] = _rows(store)
    assert row.id_hash == hashlib.sha256(session_id.encode()).hexdigest() and row.ticket_hash is None
    assert session_id not in json.dumps([tuple(map(str, r)) for r in _rows(store)])
    actor, why = sessions.resume(store, cookie)
    assert (why, str(actor), actor.role, actor.via) == ("ok", "an", "editor", "local")
    assert _audit(store, "session_start")[0]["client"] == "10.0.0.5"


def test_an_old_ticket_is_refused(store):
    then = utcnow() - timedelta(seconds=sessions.TICKET_SECONDS + 5)
    ticket = sessions.start(store, Actor("an", "editor", "local"), now=then)
    assert sessions.redeem(store, ticket) is None


@pytest.mark.parametrize("change", ["flip_mac", "flip_id", "no_mac", "empty", "huge", "other_key", "none"])
def test_a_tampered_cookie_is_refused(store, monkeypatch, change):
    cookie = _signed_in(store)
    session_id, _, mac = cookie.rpartition(".")
    if change == "other_key":
        monkeypatch.setenv("ANTT_SESSION_SECRET", "another key")
    given = {"flip_mac": f"{session_id}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
             "flip_id": f"{session_id[:-1]}{'A' if session_id[-1] != 'A' else 'B'}.{mac}",
             "no_mac": session_id, "empty": "", "huge": cookie * 10, "other_key": cookie, "none": None}[change]
    assert sessions.resume(store, given) == (None, "none")
    assert not sessions.revoke(store, given)


@pytest.mark.parametrize("minutes_later, idle, expected", [
    (5, "30", "ok"), (29, "30", "ok"), (31, "30", "idle"), (11, "10", "idle"), (9, "10", "ok"),
])
def test_an_idle_session_ends(store, monkeypatch, minutes_later, idle, expected):
    monkeypatch.setenv("ANTT_SESSION_IDLE_MINUTES", idle)
    start = utcnow() - timedelta(minutes=minutes_later)
    cookie = _signed_in(store, now=start)
    actor, why = sessions.resume(store, cookie)
    assert why == expected and (actor is not None) == (expected == "ok")
    if expected == "idle":
        assert sessions.resume(store, cookie) == (None, "revoked")
        assert _rows(store)[0].revoked_reason == "idle" and len(_audit(store, "signout_idle")) == 1


def test_activity_keeps_a_session_alive_but_not_past_its_lifetime(store, monkeypatch):
    monkeypatch.setenv("ANTT_SESSION_IDLE_MINUTES", "30")
    t0 = utcnow() - timedelta(hours=sessions.MAX_HOURS + 1)
    cookie = _signed_in(store, now=t0)
    for step in range(1, 4 * sessions.MAX_HOURS):  # a page every 20 minutes: never idle
        now = t0 + timedelta(minutes=20 * step)
        if now >= t0 + timedelta(hours=sessions.MAX_HOURS):
            assert sessions.resume(store, cookie, now=now) == (None, "expired")
            break
        assert sessions.resume(store, cookie, now=now)[1] == "ok"
    else:
        pytest.fail("the session never reached its lifetime")


def test_sign_out_revokes_the_row_and_every_tab_sees_it(store):
    cookie = _signed_in(store)
    assert sessions.revoke(store, cookie) and not sessions.revoke(store, cookie)
    assert sessions.resume(store, cookie) == (None, "revoked")
    assert _rows(store)[0].revoked_reason == "signout"


def test_a_disabled_account_loses_its_session_and_a_role_change_applies(store):
    from geo.access.auth import set_role

    cookie = _signed_in(store)
    set_role(store, "an", "viewer", by=CLI)
    assert sessions.resume(store, cookie)[0].role == "viewer"
    disable_user(store, "an", by=CLI)
    assert sessions.resume(store, cookie) == (None, "disabled")
    assert sessions.resume(store, cookie) == (None, "revoked") and len(_audit(store, "signout_disabled")) == 1


def test_an_admin_ends_every_session_of_an_account(store):
    cookies = [_signed_in(store) for _ in range(3)]
    add_user(store, "binh", "editor", "mat-khau-dai-2", by=CLI)
    other = sessions.redeem(store, sessions.start(store, Actor("binh", "editor", "local")))
    assert sessions.revoke_user(store, "an", by=CLI) == 3
    assert [sessions.resume(store, c)[1] for c in cookies] == ["revoked"] * 3
    assert sessions.resume(store, other)[1] == "ok"
    assert _audit(store, "session_revoke")[0] == {"name": "an", "sessions": 3}
    with pytest.raises(AccessDenied):
        sessions.revoke_user(store, "an", by=Actor("an", "editor", "local"))


@pytest.mark.parametrize("actor", [Actor.anonymous(), Actor("qgis", "editor", "token"), Actor.cli("ops")])
def test_only_a_signed_in_account_gets_a_session(store, actor):
    with pytest.raises(ValueError):
        sessions.start(store, actor)


def test_the_key_file_is_made_once_and_kept_private(store, tmp_path):
    first = sessions.signing_key()
    path = tmp_path / "data" / "session.key"
    assert sessions.signing_key() == first == path.read_bytes() and (path.stat().st_mode & 0o077) == 0


def test_the_command_line_signs_an_account_out_everywhere(tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "truc-ban")
    s = _open(None)
    cookies = [_signed_in(s) for _ in range(2)]
    assert main(["users", "signout", "an"]) == 0
    assert "2" in capsys.readouterr().out
    assert [sessions.resume(s, c)[1] for c in cookies] == ["revoked", "revoked"]
    assert s.audit_log(action="session_revoke")[0]["user"] == "truc-ban"
    s.dispose()
