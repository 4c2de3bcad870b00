"""/auth/session and /auth/signout (geo.api.web_session) on a real ``streamlit run app.py``: a one-time ticket
becomes the signed HttpOnly SameSite=Lax cookie (Secure behind nginx's https), sign-out revokes and clears it,
and ``next`` never leaves the site."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from geo.access import sessions
from geo.access.auth import Actor, add_user, authorized_store
from geo.api.web_session import safe_next

CLI = Actor("ops", "admin", "cli")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, list[str]]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=60) as r:
            return r.status, dict(r.headers.items()), r.headers.get_all("set-cookie") or []
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.headers.get_all("set-cookie") or []


@pytest.fixture(scope="module")
def store(open_server):
    import os

    before = os.environ.get("ANTT_DATA_DIR")
    os.environ["ANTT_DATA_DIR"] = str(open_server.data)  # the same signing key file as the server's
    s = authorized_store(f"sqlite:///{open_server.data / 'antt.sqlite'}")
    s.ensure_ready()
    add_user(s, "an", "editor", "mat-khau-dai-1", by=CLI)
    yield s
    s.dispose()
    if before is None:
        os.environ.pop("ANTT_DATA_DIR", None)
    else:
        os.environ["ANTT_DATA_DIR"] = before


@pytest.mark.parametrize("given, expected", [
    ("/cap-nhat", "/cap-nhat"), ("/ban-do?set=a&period=2017", "/ban-do?set=a&period=2017"), ("", "/"),
    (None, "/"), ("//evil.example/x", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"), ("/a\r\nSet-Cookie: x=1", "/"),
])
def test_next_stays_on_the_site(given, expected):
    assert safe_next(given) == expected


@pytest.mark.parametrize("proto, secure", [(None, False), ("https", True), ("http", False)])
def test_a_ticket_becomes_the_cookie_and_the_browser_goes_back(open_server, store, proto, secure):
    ticket = sessions.start(store, Actor("an", "editor", "local"), "127.0.0.1")
    headers = {"X-Forwarded-Proto": proto} if proto else {}
    status, head, cookies = _get(f"{open_server.url}/auth/session?ticket={ticket}&next=/cap-nhat", headers)
    assert status == 303 and head["location"] == "/cap-nhat"
    [cookie] = [c for c in cookies if c.startswith(sessions.COOKIE + "=")]
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= flags and "samesite=lax" in cookie.lower()
    assert ("secure" in flags) == secure
    value = cookie.split(";")[0].split("=", 1)[1].strip('"')
    assert sessions.resume(store, value)[1] == "ok"
    # used once: the same ticket again sets nothing
    again = _get(f"{open_server.url}/auth/session?ticket={ticket}&next=/cap-nhat")
    assert again[0] == 303 and not [c for c in again[2] if c.startswith(sessions.COOKIE + "=")]


@pytest.mark.parametrize("ticket", ["", "not-a-ticket", "x" * 5000])
def test_a_bad_ticket_sets_no_cookie(open_server, store, ticket):
    status, head, cookies = _get(f"{open_server.url}/auth/session?ticket={ticket}&next=//evil.example")
    assert status == 303 and head["location"] == "/" and cookies == []


def test_sign_out_revokes_the_session_and_clears_the_cookie(open_server, store):
    ticket = sessions.start(store, Actor("an", "editor", "local"), "127.0.0.1")
    value = sessions.redeem(store, ticket)
    status, head, cookies = _get(f"{open_server.url}/auth/signout?next=/tong-quan",
                                 {"Cookie": f"{sessions.COOKIE}={value}"})
    assert status == 303 and head["location"] == "/tong-quan"
    [cleared] = [c for c in cookies if c.startswith(sessions.COOKIE + "=")]
    assert "max-age=0" in cleared.lower() and "httponly" in cleared.lower()
    assert sessions.resume(store, value) == (None, "revoked")
