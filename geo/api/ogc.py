"""OGC API – Features, Part 1 Core, GeoJSON, under /api/ogc/ (what QGIS and GDAL's OAPIF driver read).

* ``/api/ogc/`` landing page; ``/api/ogc/conformance``; ``/api/ogc/collections``: one collection per boundary
  set (its attribution, licence, vintage, source and periods in the collection's metadata);
* ``/api/ogc/collections/{set}/items``: ``period`` (the latest by default), ``limit`` (default 1000, at most
  5000), ``offset``, ``bbox`` (CRS84), with ``next``/``prev`` links; ``/items/{code}`` one unit.

Only GET (and HEAD): the API never writes. Access and errors: geo.api.access; parameters: geo.api.params.
"""

from __future__ import annotations

import json
import logging

from geo.api import params, service
from geo.api.access import ApiError, error_response, public_base, request_actor, sees_internal
from geo.text.i18n import t
from geo.units import boundaries as gb

_LOG = logging.getLogger(__name__)
GEOJSON = "application/geo+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _json(body, status: int = 200, media: str = "application/json"):
    from starlette.responses import Response

    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return Response(text, status_code=status, media_type=media)


def _base(request) -> str:
    return public_base(request) + "/api/ogc"


def guarded(handler):
    """Run ``handler(request, store, actor)`` after the access check; ApiError → its JSON answer."""
    def endpoint(request):
        try:
            store = service.get_store()
            actor = request_actor(request, store)
            return handler(request, store, actor)
        except ApiError as exc:
            return error_response(exc)
        except Exception:  # a bug or a store outage: logged; the client gets a JSON 500, nothing changed
            _LOG.exception("API request failed: %s", request.url.path)
            return error_response(ApiError(500, "api_server_error"))
    endpoint.__name__ = handler.__name__
    return endpoint


def landing(request, store, actor):
    params.checked(request, ("f",))
    base = _base(request)
    return _json({
        "title": t("api_landing_title", "vi"), "title_en": t("api_landing_title", "en"),
        "description": t("api_landing_description", "vi"), "description_en": t("api_landing_description", "en"),
        "links": [
            {"href": f"{base}/", "rel": "self", "type": "application/json", "title": "landing page"},
            {"href": f"{base}/conformance", "rel": "conformance", "type": "application/json",
             "title": "conformance"},
            {"href": f"{base}/collections", "rel": "data", "type": "application/json", "title": "collections"},
        ],
    })


def conformance(request, store, actor):
    params.checked(request, ("f",))
    return _json({"conformsTo": CONFORMANCE})


def _set(set_id: str):
    if set_id not in service.set_ids():
        raise ApiError(404, "api_collection_unknown", collection=set_id[:60], known=", ".join(service.set_ids()))
    return gb.get_boundary_set_info(set_id)


def _collection_json(request, store, set_id: str) -> dict:
    info = gb.get_boundary_set_info(set_id)
    base = _base(request)
    known = service.periods(store, set_id)
    return {
        "id": set_id, "title": info.title("vi"), "description": info.title("en"),
        "attribution": info.attribution, "licence": info.licence, "source": info.source,
        "vintage": info.vintage_text("vi"), "vintage_en": info.vintage_text("en"),
        "periods": known, "latest_period": known[-1] if known else None,
        "itemType": "feature", "crs": [CRS84], **_extent(info),
        "links": [
            {"href": f"{base}/collections/{set_id}", "rel": "self", "type": "application/json"},
            {"href": f"{base}/collections/{set_id}/items", "rel": "items", "type": GEOJSON},
        ],
    }


def _extent(info) -> dict:
    """The set's bounding box from its file's header (nothing read but the header); {} without a file."""
    import pyogrio

    path = gb.boundary_file(info)
    if path is None:
        return {}
    bounds = pyogrio.read_info(path).get("total_bounds")
    if bounds is None:
        return {}
    return {"extent": {"spatial": {"bbox": [[round(float(b), 6) for b in bounds]], "crs": CRS84}}}


def collections(request, store, actor):
    params.checked(request, ("f",))
    base = _base(request)
    return _json({"collections": [_collection_json(request, store, s) for s in service.set_ids()],
                  "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}]})


def one_collection(request, store, actor):
    params.checked(request, ("f",))
    set_id = request.path_params["set_id"]
    _set(set_id)
    return _json(_collection_json(request, store, set_id))


def _page_link(base: str, query: dict, offset: int, rel: str) -> dict:
    from urllib.parse import urlencode

    q = {k: v for k, v in query.items() if k != "offset"}
    q["offset"] = str(offset)
    return {"href": f"{base}?{urlencode(q)}", "rel": rel, "type": GEOJSON}


def items(request, store, actor):
    query = params.checked(request, ("f", "limit", "offset", "bbox", "period"))
    set_id = request.path_params["set_id"]
    _set(set_id)
    params.fmt(query, ("json", "geojson"), "json")
    limit, offset, bbox = params.limit(query), params.offset(query), params.bbox(query)
    period = params.period(query, service.periods(store, set_id), set_id)
    coll = service.collection(set_id, period, sees_internal(actor))
    chosen = service.in_bbox(coll, bbox) if bbox else range(len(coll.codes))
    page = list(chosen[offset:offset + limit]) if bbox else range(offset, min(offset + limit, len(coll.codes)))
    matched = len(chosen)
    base = f"{_base(request)}/collections/{set_id}/items"
    links = [{**_page_link(base, query, offset, "self")}]
    if offset + limit < matched:
        links.append(_page_link(base, query, offset + limit, "next"))
    if offset > 0:
        links.append(_page_link(base, query, max(0, offset - limit), "prev"))
    head = json.dumps({"type": "FeatureCollection", "numberMatched": matched, "numberReturned": len(page),
                       "period": coll.period, "data_version": coll.version, "sample": coll.sample,
                       "links": links}, ensure_ascii=False)
    features = ",".join(coll.texts[i] for i in page)
    return _json(head[:-1] + ',"features":[' + features + "]}", media=GEOJSON)


def item(request, store, actor):
    query = params.checked(request, ("f", "period"))
    set_id, code = request.path_params["set_id"], request.path_params["code"]
    _set(set_id)
    params.fmt(query, ("json", "geojson"), "json")
    period = params.period(query, service.periods(store, set_id), set_id)
    coll = service.collection(set_id, period, sees_internal(actor))
    pos = coll.find(code)
    if pos is None:
        raise ApiError(404, "api_item_unknown", code=code[:40], collection=set_id)
    return _json(coll.texts[pos], media=GEOJSON)


def routes() -> list:
    from starlette.routing import Route

    get = ["GET", "HEAD"]
    return [
        Route("/ogc", guarded(landing), methods=get),
        Route("/ogc/", guarded(landing), methods=get),
        Route("/ogc/conformance", guarded(conformance), methods=get),
        Route("/ogc/collections", guarded(collections), methods=get),
        Route("/ogc/collections/{set_id}", guarded(one_collection), methods=get),
        Route("/ogc/collections/{set_id}/items", guarded(items), methods=get),
        Route("/ogc/collections/{set_id}/items/{code}", guarded(item), methods=get),
    ]
