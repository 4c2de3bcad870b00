"""Sign-in: who the session is (a geo.access.auth.Actor), the gate app.py runs before every page (OIDC or a
local account, re-read from the store, idle expiry), sign-out, and the browser's address for the audit log."""

from __future__ import annotations

import time

import streamlit as st

from geo.access import auth
from pages.shared.data import get_store
from pages.shared.state import tr


SESSION_ACTOR = "auth_actor"  # a geo.access.auth.Actor, set only by the sign-in (pages/login.py, app.py for OIDC)


SESSION_LAST_SEEN = "auth_last_seen"


def current_user():
    """The signed-in geo.access.auth.Actor (a str: its name), else an anonymous viewer. Pass it as ``user=`` to the
    store: the app's store accepts only signed-in editors (see geo.access.auth)."""
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


def sign_out(flash: str | None = None, audit: bool = True) -> None:
    actor = current_user()
    if audit and actor.signed_in:
        auth.record(get_store(), "signout", actor, {"client": client_address()})
    for key in (SESSION_ACTOR, SESSION_LAST_SEEN):
        st.session_state.pop(key, None)
    if flash:
        st.session_state["auth_flash"] = flash
    if actor.via == "oidc" and oidc_enabled():
        st.logout()
    st.rerun()


def sign_in_form() -> None:
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
    st.rerun()


def locked_page(title_key: str) -> None:
    """What a link to a page that needs a sign-in opens for a reader not signed in (app.py gives it the page's
    address, hidden from the menu): the page's title, "sign in to open this page", the sign-in form."""
    st.title(tr(title_key))
    st.info(tr("auth_sign_in_to_open"), icon=":material/lock:")
    sign_in_form()
