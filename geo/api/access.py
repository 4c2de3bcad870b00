"""Who is asking, and what they may see: the pages' rules applied to an HTTP request.

* ``ANTT_VIEW_MODE=open``: public indicators without a token (an anonymous viewer);
* ``signin``: a token is required;
* a token (``Authorization: Bearer <token>`` or ``X-API-Key: <token>``) is checked by geo.access.tokens: its use
  audited, a wrong or revoked one refused and slowed down like a failed sign-in;
* internal indicators (and exact small counts) only for an editor's token.

Every refusal is an :class:`ApiError`: an HTTP status and a catalogue key, sent as a JSON body with the message
in Vietnamese and English (:func:`error_response`).
"""

from __future__ import annotations

import json

from geo.access.auth import Actor, SignInRefused, has_role, view_mode
from geo.access.tokens import check_token
from geo.text.i18n import t


class ApiError(Exception):
    """A request the API refuses: ``status``, a catalogue key and its parameters; ``headers`` to send."""

    def __init__(self, status: int, key: str, headers: dict | None = None, **params):
        super().__init__(key)
        self.status, self.key, self.params, self.headers = status, key, params, headers or {}

    def body(self) -> dict:
        return {"code": self.key, "status": self.status, "description": t(self.key, "vi", **self.params),
                "description_en": t(self.key, "en", **self.params)}


def error_response(exc: ApiError):
    from starlette.responses import Response

    return Response(json.dumps(exc.body(), ensure_ascii=False), status_code=exc.status,
                    media_type="application/json", headers=exc.headers)


def _token_of(request) -> str | None:
    auth = request.headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(401, "api_token_malformed", headers={"WWW-Authenticate": "Bearer"})
        return value.strip()
    key = request.headers.get("x-api-key")
    return key.strip() if key is not None else None


def _behind_proxy(request) -> bool:
    """The peer is loopback: the shipped nginx (deploy/nginx/antt.conf; the app listens on 127.0.0.1 only)."""
    import ipaddress

    try:
        return request.client is not None and ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


def client_of(request) -> str:
    """The reader's address, for the throttle and the audit log: the peer, or — when the peer is the local
    nginx — the X-Real-IP it sets (overwriting whatever the reader sent), if that is an address; as
    pages/shared/signin.py's client_address reads it for sign-ins."""
    import ipaddress

    peer = request.client.host if request.client else "-"
    real = (request.headers.get("x-real-ip") or "").strip()
    if real and _behind_proxy(request):
        try:
            return str(ipaddress.ip_address(real))
        except ValueError:
            return peer
    return peer


def public_base(request) -> str:
    """The URL the reader used, for links: behind the local nginx its X-Forwarded-Proto (https) is believed."""
    base = str(request.base_url).rstrip("/")
    proto = (request.headers.get("x-forwarded-proto") or "").strip().lower()
    if proto in ("http", "https") and _behind_proxy(request):
        base = proto + base[base.index(":"):]
    return base


def request_actor(request, store) -> Actor:
    """The actor of ``request``, or ApiError (401 no or bad token, 429 while slowed down)."""
    token = _token_of(request)
    if token is None:
        if view_mode() == "open":
            return Actor.anonymous()
        raise ApiError(401, "api_token_required", headers={"WWW-Authenticate": "Bearer"})
    try:
        return check_token(store, token, client_of(request), {"path": request.url.path[:300]})
    except SignInRefused as exc:
        if exc.throttled:
            raise ApiError(429, "api_token_throttled", headers={"Retry-After": str(int(exc.wait) + 1)},
                           seconds=int(exc.wait) + 1) from None
        raise ApiError(401, "api_token_refused", headers={"WWW-Authenticate": "Bearer"}) from None


def sees_internal(actor) -> bool:
    """Internal indicators and exact small counts: an editor's token only."""
    return getattr(actor, "via", None) == "token" and has_role(actor, "editor")
