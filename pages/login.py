"""Đăng nhập: Streamlit's OIDC (st.login) when [auth] is configured in secrets, else a local account checked by
geo.access.auth.sign_in (argon2, slowed down after failures, every attempt audited)."""

import streamlit as st

from geo.access import auth
from pages.shared.signin import sign_in_form
from pages.shared.state import tr

st.title(tr("auth_login_title"))
flash = st.session_state.pop("auth_flash", None)
if flash:
    st.info(flash)
st.caption(tr("auth_login_intro_open" if auth.view_mode() == "open" else "auth_login_intro_signin"))
sign_in_form(next_path="/")
