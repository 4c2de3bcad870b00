"""Sign-in: who the session is (a geo.access.auth.Actor), the gate app.py runs before every page (OIDC or a
local account, re-read from the store, idle expiry), sign-out, and the browser's address for the audit log."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import streamlit as st

from geo.access import auth, sessions
from pages.shared.data import get_store
from pages.shared.state import tr


SESSION_ACTOR = "auth_actor"  # a geo.access.auth.Actor, set only by the sign-in (pages/login.py, app.py for OIDC)


SESSION_LAST_SEEN = "auth_last_seen"
SESSION_FROM_COOKIE = "auth_from_cookie"  # the actor came from the sign-in cookie (geo.access.sessions)
SESSION_DEAD_COOKIE = "auth_dead_cookie"  # a cookie already found ended: not looked up again this session
SESSION_TICKET = "auth_ticket"  # (ticket, next path) of a sign-in whose cookie the browser has not fetched yet


def current_user():
    """The signed-in geo.access.auth.Actor, else an anonymous viewer. Pass it as ``user=`` to the
    store: its writes accept only a signed-in editor's Actor (see geo.access.auth)."""
    from geo.access.auth import Actor

    actor = st.session_state.get(SESSION_ACTOR)
    return actor if isinstance(actor, Actor) else Actor.anonymous()


def can_see_internal(actor=None) -> bool:
    """Internal indicators leave the app (exports, links) only with a signed-in editor."""
    from geo.access import auth

    actor = actor if actor is not None else current_user()
    return bool(actor.signed_in and auth.has_role(actor, "editor"))


def oidc_enabled() -> bool:
    """Whether Streamlit's st.login is configured (an [auth] section in secrets)."""
    from geo.access.auth import oidc_configured

    try:
        return oidc_configured(st.secrets)
    except Exception:  # no secrets file at all
        return False


def client_address() -> str:
    """The browser's address, for the sign-in throttle and the audit log ("-" unknown).

    Streamlit reports None for a loopback peer. Behind the shipped nginx (deploy/nginx/antt.conf) every peer
    is loopback — the app listens on 127.0.0.1 only — and nginx passes the reader's own address in X-Real-IP,
    overwriting whatever the browser sent; only then is that header believed, and only if it is an address."""
    import ipaddress

    try:
        ip = st.context.ip_address
        if ip:  # only an address is kept (a test harness's stand-in object is "-", not its repr)
            return str(ipaddress.ip_address(str(ip)))
        real = (st.context.headers.get("X-Real-Ip") or "").strip()
        return str(ipaddress.ip_address(real)) if real else "-"
    except Exception:
        return "-"


def login_gate():
    """The session's actor: OIDC identity or local account, re-read from the store on every run (role changes
    and disabling apply at once), signed out after ANTT_SESSION_IDLE_MINUTES without activity."""
    store = get_store()
    actor = st.session_state.get(SESSION_ACTOR)
    oidc = oidc_enabled()
    if actor is None and oidc and st.user.is_logged_in:
        actor = auth.oidc_actor(store, st.user.get("email"))
        if actor is None:
            st.session_state["auth_flash"] = tr("auth_oidc_disabled", name=str(st.user.get("email") or "?"))
            st.logout()
            st.stop()
        auth.record(store, "signin", actor, {"client": client_address()})
        st.session_state[SESSION_ACTOR] = actor
        st.session_state[SESSION_LAST_SEEN] = time.time()
    if _from_cookie(store, actor):
        return current_user()
    if isinstance(actor, auth.Actor) and actor.signed_in:
        now = time.time()
        if auth.session_expired(st.session_state.get(SESSION_LAST_SEEN), now):
            auth.record(store, "signout_idle", actor, {"client": client_address()})
            sign_out(tr("auth_expired", minutes=f"{auth.idle_minutes():g}"), audit=False)
        fresh = auth.verified_actor(store, actor)
        if fresh is None:
            auth.record(store, "signout_disabled", actor, {"client": client_address()})
            sign_out(None, audit=False)
        st.session_state[SESSION_ACTOR] = fresh
        st.session_state[SESSION_LAST_SEEN] = now
    return current_user()


def _cookie() -> str | None:
    try:
        value = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # no browser request behind this run
        return None
    return value if isinstance(value, str) and value else None  # a test harness's stand-in is no cookie


def _from_cookie(store, actor) -> bool:
    """Restore or re-check the actor of the sign-in cookie (re-read from the store on every run: revoked, idle,
    disabled, role). True when the cookie decided who this session is."""
    cookie = _cookie()
    mine = bool(st.session_state.get(SESSION_FROM_COOKIE))
    if not cookie or cookie == st.session_state.get(SESSION_DEAD_COOKIE) or (actor is not None and not mine):
        return False
    fresh, why = sessions.resume(store, cookie, client_address())
    if fresh is not None:
        st.session_state[SESSION_ACTOR] = fresh
        st.session_state[SESSION_LAST_SEEN] = time.time()
        st.session_state[SESSION_FROM_COOKIE] = True
        return True
    st.session_state[SESSION_DEAD_COOKIE] = cookie
    if mine:  # signed in through this cookie until now: out, said why (the store audited idle and disabled)
        sign_out(tr("auth_expired", minutes=f"{auth.idle_minutes():g}") if why in ("idle", "expired") else None,
                 audit=False)
    return False


@cache
def _go_script() -> str:
    return "<script>" + Path(__file__).with_name("go_to.js").read_text(encoding="utf-8") + "</script>"


def _go(target: str, next_path: str = "", stop: bool = True) -> None:
    """Send the browser to one of the cookie's routes (/auth/session, /auth/signout), which come back to
    ``next_path`` (default: the address it is at)."""
    import html

    with st.sidebar:
        st.html(f'<div data-antt-go="{html.escape(target)}" data-next="{html.escape(next_path)}"></div>'
                + _go_script(), width="content", unsafe_allow_javascript=True)
    if stop:
        st.stop()


def fetch_cookie() -> None:
    """After a sign-in (app.py, once the page is drawn): the browser fetches the sign-in cookie and comes back,
    so that a reload or a new tab finds the reader still signed in."""
    pending = st.session_state.pop(SESSION_TICKET, None)
    if pending and current_user().signed_in:
        _go(f"/auth/session?ticket={pending[0]}", next_path=pending[1], stop=False)


def sign_out(flash: str | None = None, audit: bool = True) -> None:
    actor = current_user()
    if audit and actor.signed_in:
        auth.record(get_store(), "signout", actor, {"client": client_address()})
    cookie = _cookie()
    if cookie:
        sessions.revoke(get_store(), cookie)
        st.session_state[SESSION_DEAD_COOKIE] = cookie
    for key in (SESSION_ACTOR, SESSION_LAST_SEEN, SESSION_FROM_COOKIE):
        st.session_state.pop(key, None)
    if flash:
        st.session_state["auth_flash"] = flash
    if actor.via == "oidc" and oidc_enabled():
        st.logout()
    if cookie and audit:  # the reader signed out: the browser clears the cookie, then comes back here
        _go("/auth/signout")
    st.rerun()


def sign_in_form(next_path: str = "") -> None:
    """The sign-in: Streamlit's OIDC (st.login) when [auth] is configured, else a local account checked by
    geo.access.auth.sign_in (argon2, slowed down after failures, every attempt audited). Signed in, the script
    runs again: the same address then opens the page the reader asked for."""
    if oidc_enabled():
        if st.button(tr("auth_oidc_button"), type="primary", key="login_oidc", icon=":material/login:"):
            st.login()
        st.stop()
    with st.form("login_form"):
        name = st.text_input(tr("auth_name"), key="login_name", autocomplete="username")
        password = st.text_input(tr("auth_password"), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(tr("auth_submit"), type="primary")
    if not submitted:
        return
    try:
        actor = auth.sign_in(get_store(), name, password, client=client_address())
    except auth.SignInRefused as exc:
        st.error(tr("auth_throttled", seconds=int(exc.wait) + 1) if exc.throttled else tr("auth_failed"))
        return
    st.session_state[SESSION_ACTOR] = actor
    st.session_state[SESSION_LAST_SEEN] = time.time()
    st.session_state.pop(SESSION_DEAD_COOKIE, None)
    # A reload or a new tab keeps the sign-in: on the next run the browser is sent to fetch its cookie at
    # /auth/session and comes back (from the sign-in page itself, to the first page); see fetch_cookie.
    st.session_state[SESSION_TICKET] = (sessions.start(get_store(), actor, client_address()), next_path)
    st.rerun()


def locked_page(title_key: str) -> None:
    """What a link to a page that needs a sign-in opens for a reader not signed in (app.py gives it the page's
    address, hidden from the menu): the page's title, "sign in to open this page", the sign-in form."""
    st.title(tr(title_key))
    st.info(tr("auth_sign_in_to_open"), icon=":material/lock:")
    sign_in_form()
