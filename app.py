"""ANTT map — the frame: page config, login gate, the view a link carries, navigation by section (only the pages
the role may use), shared sidebar, then the chosen page (which writes its view back into the URL).

Roles (geo.access.auth): anonymous visitors see the viewer pages when ANTT_VIEW_MODE=open (default) and only the
sign-in page when it is ``signin``; upload and history need an editor; administration needs an admin. Pages a
role may not use are not given to st.navigation at all, so no URL reaches them — and the store refuses writes
from anyone but a signed-in editor anyway.

One file, two roles. ``streamlit run app.py`` imports it once as a module (``__name__ == "app"``) and serves
the ``st.App`` defined at the bottom; then every script run of every session executes it as ``__main__``,
which draws the frame (``main``). The ``st.App`` start-up hook tells Streamlit, before the first session, that
this app navigates with ``st.navigation``: the ``pages/`` folder beside it is never taken for Streamlit's
legacy page list, not even on the first request after a restart (streamlit issue #9624: a deep link such as
/ban-do showed "Page not found", and /upload ran pages/upload.py without this frame's sign-in gate).
"""

from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import streamlit as st

if __name__ == "__main__":  # the frame's own imports; the server's import of this file (bottom) needs none
    from geo.access import auth
    from pages.shared.links import open_link
    from pages.shared.notices import finish_view, notice_slot
    from pages.shared.signin import fetch_cookie, locked_page, login_gate, sign_out
    from pages.shared.state import tr
    from pages.shared.widgets import language_picker, layout_css, sidebar

ROOT = Path(__file__).resolve().parent


def _page(file: str, title_key: str, icon: str, url: str, default: bool = False):
    return st.Page(str(ROOT / "pages" / file), title=tr(title_key), icon=icon, url_path=url, default=default)


def main() -> None:
    """One script run of a session: page config, sign-in gate, the navigation this actor may use, the shared
    sidebar, then the chosen page."""
    # "auto": open on a desktop or projector, closed on a phone (the pages carry their main pickers themselves)
    # an emoji favicon is drawn in the browser; a ":material/…:" one is fetched from fonts.gstatic.com (offline
    # police networks: a failed request to another host on every page)
    st.set_page_config(page_title=tr("app_title"), page_icon="🗺️", layout="wide",
                       initial_sidebar_state="auto")
    actor = login_gate()
    open_link(actor)  # a link's view (language, set, period, area, indicator…) before any widget is drawn
    layout_css()
    allowed = auth.pages_for(actor.role, auth.view_mode(), actor.signed_in)

    sections = {}
    VIEW = [("overview.py", "nav_overview", ":material/dashboard:", "tong-quan"),
            ("map.py", "nav_map", ":material/map:", "ban-do"),
            ("charts.py", "nav_charts", ":material/bar_chart:", "bieu-do"),
            ("profile.py", "nav_profile", ":material/home_pin:", "ho-so-xa"),
            ("change.py", "nav_change", ":material/trending_up:", "so-sanh-ky"),
            ("reform.py", "nav_reform", ":material/compare_arrows:", "truoc-sau-2025")]
    if allowed["view"]:
        sections[tr("nav_section_view")] = [_page(*p, default=p[0] == "overview.py") for p in VIEW]
    BY_ROLE = {
        "nav_section_forum": ("view", [("present.py", "nav_present", ":material/slideshow:", "trinh-chieu")]),
        "nav_section_data": ("edit", [("upload.py", "nav_upload", ":material/upload_file:", "cap-nhat"),
                                      ("history.py", "nav_history", ":material/history:", "lich-su"),
                                      ("status.py", "nav_status", ":material/fact_check:", "tien-do-bao-cao"),
                                      ("followup.py", "nav_followup", ":material/flag:", "theo-doi"),
                                      ("entry.py", "nav_entry", ":material/edit_note:", "nhap-so-lieu")]),
        "auth_nav_section": ("admin", [("admin.py", "admin_nav", ":material/admin_panel_settings:", "quan-tri")]),
    }
    for section, (need, pages) in BY_ROLE.items():
        present = [_page(*p) for p in pages if allowed[need]]
        if present:
            sections[tr(section)] = present
    if allowed["login"]:
        login = _page("login.py", "auth_nav_login", ":material/login:", "dang-nhap", default=not allowed["view"])
        sections.setdefault(tr("auth_nav_section"), []).append(login)
        # A link to a page that needs a sign-in opens a hidden stand-in at the same address: "sign in to open
        # this page" and the sign-in form; signed in, the same address is the page itself (never its script).
        needed = ([] if allowed["view"] else VIEW) + [p for need, pages in BY_ROLE.values() if not allowed[need]
                                                      for p in pages]
        sections[tr("auth_nav_section")] += [
            st.Page(partial(locked_page, title), title=tr(title), icon=icon, url_path=url, visibility="hidden")
            for _file, title, icon, url in needed]

    pg = st.navigation(sections)
    if allowed["view"]:
        sidebar()
    else:  # sign-in required and nobody signed in: only the language picker
        with st.sidebar:
            language_picker()
    with st.sidebar:
        if actor.signed_in:
            st.caption(tr("auth_signed_in_as", name=actor.name, role=tr(f"auth_role_{actor.role}")))
            if st.button(tr("auth_signout"), key="auth_signout", icon=":material/logout:"):
                sign_out()
        else:
            st.caption(tr("auth_anonymous"))
    notice_slot()  # a link's notices go at the top of the page
    fetch_cookie()  # after a sign-in: the cookie that keeps it across a reload (pages/shared/signin.py)
    pg.run()
    finish_view()


@asynccontextmanager
async def _startup(_app):
    """The server's start-up, before it accepts the first connection: switch off Streamlit's legacy
    ``pages/`` discovery for the whole process.

    This is what ``st.navigation`` itself does on its first call (streamlit/commands/navigation.py sets the
    same flag); Streamlit only learns it after one script run, and the run before that goes through its
    legacy path, which lists pages/*.py by file name: /ban-do is "not found", /upload runs pages/upload.py
    alone. Said here, no session ever sees that path. tests/e2e/test_first_link_e2e.py opens /ban-do as the
    first request after start, so a Streamlit that renames the flag fails there instead of silently."""
    from streamlit.runtime.pages_manager import PagesManager

    from geo.carto.maps import install_layer_script, install_leaflet

    PagesManager.uses_pages_directory = False
    # Leaflet and the maps' layer script in ./static before the first request: behind nginx, static/ is served
    # without a session.
    install_leaflet(ROOT / "static")
    install_layer_script(ROOT / "static")
    # Boundary sets prepared (or read back from the on-disk cache) in the background: /_stcore/health and the
    # first pages answer meanwhile, and a national link opened after a restart finds its geometry ready.
    from geo.carto.prepared import start_warm_up

    start_warm_up()
    yield None


if __name__ == "__main__":  # a session's script run
    from geo.store.generation import pinned
    from geo.units.geocache import foreground

    # the warm-up (start-up hook) waits while users are answered; the store's small metadata (periods, latest
    # versions, flag and approval states) is read once per run (geo.store.generation)
    with foreground(), pinned():
        main()
else:  # imported by `streamlit run app.py`, once per server, to find the app it serves
    from geo.api import api_routes

    app = st.App(__file__, lifespan=_startup, routes=api_routes())
