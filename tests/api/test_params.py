"""Query checks of the API (geo.api.params) on real Starlette requests: each bad value is an ApiError naming
the parameter, each good one its value."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from geo.api import params
from geo.api.access import ApiError


def _request(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/api/ogc/", "query_string": query.encode(),
                    "headers": []})


ALLOWED = ("f", "limit", "offset", "bbox", "period")


@pytest.mark.parametrize("query, key", [
    ("limit=5001", "api_param_range"),
    ("limit=0", "api_param_range"),
    ("limit=99999999999999999999999", "api_param_range"),
    ("limit=ten", "api_param_not_int"),
    ("limit=%EF%BC%95", "api_param_not_int"),      # a full-width digit is not a number here
    ("offset=-1", "api_param_not_int"),
    ("bbox=1,2,3", "api_bbox_bad"),
    ("bbox=1,2,3,4,5", "api_bbox_bad"),
    ("bbox=a,b,c,d", "api_bbox_bad"),
    ("bbox=inf,0,1,1", "api_bbox_bad"),
    ("bbox=-181,0,1,1", "api_bbox_bad"),
    ("bbox=0,91,1,92", "api_bbox_bad"),
    ("bbox=1,1,0,0", "api_bbox_bad"),
    ("period=2099", "api_period_unknown"),
    ("period=abc", "api_period_unknown"),
    ("f=html", "api_format_unknown"),
    ("crs=EPSG:3857", "api_param_unknown"),
    ("limit=1&limit=2", "api_param_repeated"),
    ("period=%0A2025", "api_param_bad"),
    ("period=" + "1" * 201, "api_param_bad"),
])
def test_bad_values_are_refused_naming_the_parameter(query, key):
    with pytest.raises(ApiError) as exc:
        q = params.checked(_request(query), ALLOWED)
        params.limit(q), params.offset(q), params.bbox(q), params.fmt(q, ("json",), "json")
        params.period(q, ["2017", "2025"], "dien-bien-dong-2025")
    assert exc.value.key == key and 400 <= exc.value.status < 500
    body = exc.value.body()
    assert body["description"] != key and body["description_en"] != key  # a real message in both languages


@pytest.mark.parametrize("query, expected", [
    ("", (1000, 0, None, None)),
    ("limit=5000&offset=10", (5000, 10, None, None)),
    ("bbox=102.5,21,103.5,22&period=2025", (1000, 0, (102.5, 21.0, 103.5, 22.0), "2025")),
    ("period=Qu%C3%BD%202/2017", (1000, 0, None, "2017-Q2")),   # any spelling the app reads
])
def test_good_values(query, expected):
    q = params.checked(_request(query), ALLOWED)
    got = (params.limit(q), params.offset(q), params.bbox(q), params.period(q, ["2017-Q2", "2025"], "x"))
    assert got == expected


def _peer_request(peer: str, headers: dict) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/api/ogc/", "query_string": b"", "scheme": "http",
                    "server": ("antt.example", 80), "client": (peer, 5000),
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})


@pytest.mark.parametrize("peer, headers, client, base", [
    ("127.0.0.1", {}, "127.0.0.1", "http://antt.example"),
    ("127.0.0.1", {"X-Real-IP": "203.0.113.9", "X-Forwarded-Proto": "https"}, "203.0.113.9", "https://antt.example"),
    ("127.0.0.1", {"X-Real-IP": "not-an-address"}, "127.0.0.1", "http://antt.example"),
    ("127.0.0.1", {"X-Forwarded-Proto": "javascript"}, "127.0.0.1", "http://antt.example"),
    # a reader reaching the app directly cannot choose the address it is throttled under
    ("198.51.100.4", {"X-Real-IP": "203.0.113.9", "X-Forwarded-Proto": "https"}, "198.51.100.4", "http://antt.example"),
])
def test_the_readers_address_and_scheme_behind_the_local_proxy_only(peer, headers, client, base):
    from geo.api.access import client_of, public_base

    req = _peer_request(peer, headers)
    assert (client_of(req), public_base(req)) == (client, base)
