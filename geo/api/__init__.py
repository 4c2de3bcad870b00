"""The HTTP API served by the app process beside the pages (``st.App(routes=...)`` in app.py): OGC API –
Features under /api/ogc/ (geo.api.ogc) and the wide table under /api/table/ (geo.api.table). Starlette, never
streamlit; read only."""

from __future__ import annotations


def api_routes() -> list:
    """The routes to give ``st.App``: everything under /api, and the sign-in cookie's /auth/session and
    /auth/signout (geo.api.web_session)."""
    from starlette.routing import Mount

    from geo.api import ogc, table, web_session

    return [Mount("/api", routes=ogc.routes() + table.routes())] + web_session.routes()
