"""Roles in the app (Streamlit AppTest): pages a role may not use are not registered with st.navigation at all;
sign-in, throttling message, idle expiry, disabled accounts, the admin page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.access import auth
from geo.access.auth import Actor
from geo.store.actions import AUDIT_ACTIONS
from pages.shared.signin import SESSION_LAST_SEEN
from tests.pages.apptest import run_page, signed_in

CLI = Actor("ops", "admin", "cli")
VIEW = {"overview.py", "map.py", "charts.py", "profile.py", "change.py", "reform.py", "present.py"}


@pytest.fixture
def accounts(app_env):
    from geo.access.auth import authorized_store

    s = authorized_store()
    s.ensure_ready()
    auth.add_user(s, "viet", "viewer", "xem-ban-do-1", by=CLI)
    auth.add_user(s, "bien", "editor", "nhap-so-lieu-1", by=CLI)
    auth.add_user(s, "quan", "admin", "quan-tri-123", by=CLI)
    yield s
    s.dispose()


def _app(session: dict | None = None) -> AppTest:
    return run_page("overview.py", "vi", session=session)


def _pages(at: AppTest) -> set[str]:
    return {Path(str(info["script_path"])).name for info in at._registered_pages.values() if info.get("script_path")}


ROLE_PAGES = [
    # (view mode, session, pages registered with st.navigation)
    ("open", None, VIEW | {"login.py"}),
    ("signin", None, {"login.py"}),
    ("open", ("viet", "viewer"), VIEW),
    ("signin", ("viet", "viewer"), VIEW),
    ("open", ("bien", "editor"), VIEW | {"upload.py", "history.py", "status.py", "followup.py", "entry.py"}),
    ("signin", ("quan", "admin"), VIEW | {"upload.py", "history.py", "status.py", "followup.py", "entry.py",
                                          "admin.py"}),
    ("open", ("viet", "admin"), VIEW),  # a session claiming a role gets the store's role
]


@pytest.mark.parametrize("mode, who, pages", ROLE_PAGES)
def test_navigation_has_only_the_pages_of_the_role(accounts, monkeypatch, mode, who, pages):
    monkeypatch.setenv("ANTT_VIEW_MODE", mode)
    at = _app(signed_in(*who) if who else None)
    assert not at.exception, [e.value for e in at.exception]
    assert _pages(at) == pages
    for hidden in {"upload.py", "history.py", "status.py", "followup.py", "entry.py", "admin.py"} - pages:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{hidden}")


def test_signin_mode_shows_the_sign_in_page_first(accounts, monkeypatch):
    monkeypatch.setenv("ANTT_VIEW_MODE", "signin")
    at = _app()
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert not at.metric and not at.dataframe  # no data before sign-in


def _login(at: AppTest, name: str, password: str) -> AppTest:
    at.switch_page("pages/login.py")
    at.run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    return at.run()


def test_editor_signs_in_and_gets_the_data_pages(accounts):
    at = _login(_app(), "Bien", "nhap-so-lieu-1")
    assert not at.exception, [e.value for e in at.exception]
    actor = at.session_state["auth_actor"]
    assert (str(actor), actor.role) == ("bien", "editor")
    assert {"upload.py", "history.py"} <= _pages(at) and "login.py" not in _pages(at)
    assert accounts.audit_log(action="signin")[0]["user"] == "bien"


def test_wrong_password_then_throttled(accounts):
    from datetime import timedelta

    from geo.store.engine import utcnow

    t = utcnow()
    # five failures from this client ("-": AppTest has no address) ending 20 s ago: their 16 s wait is over
    # however slow the machine, so the sixth is checked and refused, and then 32 s must pass
    for i in range(5, 0, -1):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(accounts, "bien", "sai", "-", now=t - timedelta(seconds=10 + 10 * i))
    at = _login(_app(), "bien", "sai-mat-khau")  # the sixth: 32 s to wait now
    assert [e.value for e in at.error] == ["Sai tên đăng nhập hoặc mật khẩu."]
    assert "auth_actor" not in at.session_state
    at.text_input(key="login_password").input("nhap-so-lieu-1")  # even the right password waits
    at.button[0].click()
    at.run()
    assert any("thử lại sau" in e.value for e in at.error), [e.value for e in at.error]
    assert "auth_actor" not in at.session_state
    assert accounts.audit_log(action=["signin_failed", "signin_throttled"])[0]["action"] == "signin_throttled"


def test_idle_session_expires(accounts, monkeypatch):
    monkeypatch.setenv("ANTT_SESSION_IDLE_MINUTES", "5")
    session = signed_in("bien", "editor")
    session[SESSION_LAST_SEEN] = time.time() - 6 * 60
    at = _app(session)
    assert "auth_actor" not in at.session_state
    assert "upload.py" not in _pages(at)
    assert accounts.audit_log(action="signout_idle")[0]["user"] == "bien"
    at.switch_page("pages/login.py")
    at.run()
    assert any("hết hạn sau 5 phút" in i.value for i in at.info)


def test_disabled_account_is_signed_out_on_the_next_run(accounts):
    at = _app(signed_in("bien", "editor"))
    assert "upload.py" in _pages(at)
    auth.disable_user(accounts, "bien", by=CLI)
    at.run()
    assert "upload.py" not in _pages(at) and "auth_actor" not in at.session_state


def test_sign_out(accounts):
    at = _app(signed_in("bien", "editor"))
    at.button(key="auth_signout").click()
    at.run()
    assert "auth_actor" not in at.session_state and "login.py" in _pages(at)
    assert accounts.audit_log(action="signout")[0]["user"] == "bien"


def test_admin_page_manages_users_and_shows_the_audit_log(accounts):
    at = _app(signed_in("quan", "admin"))
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    users = at.dataframe[0].value
    assert list(users["Tên đăng nhập"]) == ["bien", "quan", "viet"]
    at.text_input(key="admin_add_name").input("moi")
    at.text_input(key="admin_add_password").input("mat-khau-moi-1")
    at.selectbox(key="admin_add_role").set_value("editor")
    next(b for b in at.button if b.label == "Thêm").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {u["name"]: u["role"] for u in auth.list_users(accounts)}["moi"] == "editor"
    at.selectbox(key="admin_user").set_value("viet").run()
    at.selectbox(key="admin_role").set_value("editor").run()
    at.button(key="admin_set_role").click().run()
    assert {u["name"]: u["role"] for u in auth.list_users(accounts)}["viet"] == "editor"
    # the audit log, filtered by action
    assert sorted(at.multiselect(key="admin_audit_actions").options) == sorted(AUDIT_ACTIONS)  # the one registry
    at.multiselect(key="admin_audit_actions").set_value(["user_role"]).run()
    log = at.dataframe[1].value
    assert list(log["Thao tác"]) == ["user_role"] and list(log["Người thực hiện"]) == ["quan"]
    at.text_input(key="admin_audit_user").input("nobody").run()
    assert any("Không có mục nào" in i.value for i in at.info)
