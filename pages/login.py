"""Đăng nhập: Streamlit's OIDC (st.login) when [auth] is configured in secrets, else a local account checked by
geo.auth.sign_in (argon2, slowed down after failures, every attempt audited)."""

import streamlit as st

from geo import auth
from pages.common import SESSION_ACTOR, SESSION_LAST_SEEN, get_store, tr

st.title(tr("auth_login_title"))
flash = st.session_state.pop("auth_flash", None)
if flash:
    st.info(flash)
st.caption(tr("auth_login_intro_open" if auth.view_mode() == "open" else "auth_login_intro_signin"))


def _oidc() -> bool:
    try:
        return auth.oidc_configured(st.secrets)
    except Exception:
        return False


if _oidc():
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
        client = st.context.ip_address or "-"
    except Exception:
        client = "-"
    try:
        actor = auth.sign_in(get_store(), name, password, client=client)
    except auth.SignInRefused as exc:
        if "thử lại sau" in str(exc):
            st.error(tr("auth_throttled", seconds=int(exc.wait) + 1))
        else:
            st.error(tr("auth_failed"))
    else:
        st.session_state[SESSION_ACTOR] = actor
        import time

        st.session_state[SESSION_LAST_SEEN] = time.time()
        st.rerun()
