"""The two HTTP routes of the sign-in cookie (issue 23), beside the API in ``st.App(routes=...)``; Starlette, never
streamlit. A script run cannot set an HttpOnly cookie, so the page sends the browser here:

* ``GET /auth/session?ticket=…&next=/cap-nhat`` — the one-time ticket (geo.access.sessions.start) becomes the
  signed session cookie (HttpOnly, SameSite=Lax, Secure when the reader came over https — nginx's
  X-Forwarded-Proto), then back to ``next``;
* ``GET /auth/signout?next=…`` — the cookie's session revoked (if still live) and the cookie cleared.

``next`` must be a path of this site ("/…", not "//…"); anything else goes to "/".
"""

from __future__ import annotations

from geo.access import sessions
from geo.api.access import client_of, public_base


def safe_next(value: str | None) -> str:
    text = str(value or "")
    if not text.startswith("/") or text.startswith("//") or "\\" in text or any(ord(c) < 32 for c in text):
        return "/"
    return text[:2000]


def _secure(request) -> bool:
    return public_base(request).startswith("https:")


def _session(request):
    from starlette.responses import RedirectResponse

    from geo.api.service import get_store

    cookie = sessions.redeem(get_store(), request.query_params.get("ticket"), client_of(request))
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    if cookie is not None:
        response.set_cookie(sessions.COOKIE, cookie, max_age=sessions.max_age(), path="/", httponly=True,
                            samesite="lax", secure=_secure(request))
    return response


def _signout(request):
    from starlette.responses import RedirectResponse

    from geo.api.service import get_store

    sessions.revoke(get_store(), request.cookies.get(sessions.COOKIE))
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request))
    return response


def routes() -> list:
    from starlette.routing import Route

    return [Route("/auth/session", _session, methods=["GET"]), Route("/auth/signout", _signout, methods=["GET"])]
