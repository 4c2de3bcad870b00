from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


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
