import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def signed_in(name: str, role: str) -> dict:
    """Session state of a local account signed in just now (as pages/login.py leaves it)."""
    from geo.access.auth import Actor
    from pages.shared.signin import SESSION_ACTOR, SESSION_LAST_SEEN

    return {SESSION_ACTOR: Actor(name, role, "local"), SESSION_LAST_SEEN: time.time()}


def run_page(page: str, lang: str = "vi", timeout: float = 60, session: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    for k, v in (session or {}).items():
        at.session_state[k] = v
    at.run()
    if page != "overview.py":
        at.switch_page(f"pages/{page}")
        at.run()
    return at


def ready_store(*accounts: tuple[str, str, str]):
    """The app's store, ready, with local accounts (name, role, password) added from the command line; the
    caller disposes of it."""
    from geo.access import auth
    from geo.access.auth import Actor, authorized_store

    s = authorized_store()
    s.ensure_ready()
    for name, role, password in accounts:
        auth.add_user(s, name, role, password, by=Actor("ops", "admin", "cli"))
    return s
