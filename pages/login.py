"""Đăng nhập: Streamlit's OIDC (st.login) when [auth] is configured in secrets, else a local account checked by
geo.access.auth.sign_in (argon2, slowed down after failures, every attempt audited)."""

import time

import streamlit as st

from geo.access import auth
from pages.shared.data import get_store
from pages.shared.signin import SESSION_ACTOR, SESSION_LAST_SEEN, client_address, oidc_enabled
from pages.shared.state import tr

st.title(tr("auth_login_title"))
flash = st.session_state.pop("auth_flash", None)
if flash:
    st.info(flash)
st.caption(tr("auth_login_intro_open" if auth.view_mode() == "open" else "auth_login_intro_signin"))


if oidc_enabled():
    if st.button(tr("auth_oidc_button"), type="primary", key="login_oidc", icon=":material/login:"):
        st.login()
    st.stop()

with st.form("login_form"):
    name = st.text_input(tr("auth_name"), key="login_name", autocomplete="username")
    password = st.text_input(tr("auth_password"), type="password", key="login_password",
                             autocomplete="current-password")
    submitted = st.form_submit_button(tr("auth_submit"), type="primary")

if submitted:
    try:
        actor = auth.sign_in(get_store(), name, password, client=client_address())
    except auth.SignInRefused as exc:
        if exc.throttled:
            st.error(tr("auth_throttled", seconds=int(exc.wait) + 1))
        else:
            st.error(tr("auth_failed"))
    else:
        st.session_state[SESSION_ACTOR] = actor
        st.session_state[SESSION_LAST_SEEN] = time.time()
        st.rerun()
