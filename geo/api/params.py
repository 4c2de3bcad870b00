"""Query parameters, checked before anything is read: each endpoint names the ones it takes, and anything else —
an unknown name, a repeated one, a value out of range — is a 400 with a message naming the parameter."""

from __future__ import annotations

import math

from geo.api.access import ApiError
from geo.text.periods import parse_period

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000
MAX_OFFSET = 10_000_000
MAX_VALUE = 200


def checked(request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query as {name: value}; ApiError for an unknown or repeated name or an overlong value."""
    out: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in allowed:
            raise ApiError(400, "api_param_unknown", name=name[:40], allowed=", ".join(allowed) or "—")
        if name in out:
            raise ApiError(400, "api_param_repeated", name=name)
        if len(value) > MAX_VALUE or any(ord(ch) < 32 for ch in value):
            raise ApiError(400, "api_param_bad", name=name)
        out[name] = value
    return out


def _int(query: dict, name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ApiError(400, "api_param_not_int", name=name, value=raw[:40])
    value = int(raw)
    if not low <= value <= high:
        raise ApiError(400, "api_param_range", name=name, value=raw[:40], low=low, high=high)
    return value


def limit(query: dict) -> int:
    return _int(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)


def offset(query: dict) -> int:
    return _int(query, "offset", 0, 0, MAX_OFFSET)


def bbox(query: dict) -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in WGS 84 longitude/latitude (CRS84), or None."""
    raw = query.get("bbox")
    if raw is None:
        return None
    parts = raw.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ApiError(400, "api_bbox_bad", value=raw[:80])
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ApiError(400, "api_bbox_bad", value=raw[:80])
    return minx, miny, maxx, maxy


def period(query: dict, known: list[str], set_id: str) -> str | None:
    """The chosen period (one of ``known``), None for the latest; ApiError (404) for any other."""
    raw = query.get("period")
    if raw is None:
        return None
    try:
        canonical = str(parse_period(raw))
    except Exception:
        canonical = None
    if canonical not in known:
        raise ApiError(404, "api_period_unknown", period=raw[:40], set=set_id, known=", ".join(known) or "—")
    return canonical


def fmt(query: dict, allowed: tuple[str, ...], default: str) -> str:
    value = query.get("f", default)
    if value not in allowed:
        raise ApiError(400, "api_format_unknown", value=value[:20], formats=", ".join(allowed))
    return value
