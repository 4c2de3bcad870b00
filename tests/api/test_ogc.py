"""The OGC API read by GDAL's own OAPIF client (the driver QGIS uses) through pyogrio, against a real
``streamlit run app.py`` on loopback; then hostile requests, each a 4xx JSON answer that changes nothing."""

from __future__ import annotations

import json
import os
from urllib.parse import quote

import numpy as np
import pyogrio
import pytest
import sqlalchemy as sa

from geo.reference.catalog import load_catalog
from geo.units import boundaries as gb
from tests.api.conftest import get, get_json

SET = "dien-bien-dong-2025"
NATIONAL = "vn-2025"


def _gdal(url: str, layer: str, token: str | None = None):
    """The layer as GDAL's OAPIF driver reads it; a token goes as GDAL sends one (Authorization: Bearer)."""
    pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": "BEARER" if token else None, "GDAL_HTTP_BEARER": token})
    try:
        return pyogrio.read_dataframe(f"OAPIF:{url}", layer=layer)
    finally:
        pyogrio.set_gdal_config_options({"GDAL_HTTP_AUTH": None, "GDAL_HTTP_BEARER": None})


def _view_table(server, set_id: str, internal: bool):
    """What the pages show for the set's latest period, read here from the server's store."""
    from geo.access.auth import open_store
    from geo.analysis.view import load_view
    from geo.outputs.features import feature_table

    store = open_store(f"sqlite:///{server.data / 'antt.sqlite'}")
    try:
        view = load_view(set_id, None, (), "whole", store)
        return feature_table(view.frame, set_id, internal=internal)
    finally:
        store.dispose()


def test_the_pyogrio_gdal_has_the_oapif_and_gpkg_drivers():
    drivers = pyogrio.list_drivers()
    assert "OAPIF" in drivers and "GPKG" in drivers


def test_gdal_lists_one_layer_per_boundary_set(open_server):
    layers = [name for name, _ in pyogrio.list_layers(f"OAPIF:{open_server.ogc}")]
    assert layers == [info.id for info in gb.list_boundary_sets()]


def test_gdal_reads_the_2025_sample_with_the_pages_numbers(open_server):
    df = _gdal(open_server.ogc, SET)
    expected = _view_table(open_server, SET, internal=False)
    assert len(df) == 6 and list(df["code"]) == list(expected.index)
    assert set(df["period"]) == {"2025"} and df["sample"].all()
    assert set(df["data_version"]) == set(expected["data_version"])
    cat = load_catalog()
    public = [c for c in expected.columns if c in cat]
    assert public and set(public) <= set(df.columns)
    for iid in public:
        np.testing.assert_allclose(df[iid].astype(float).to_numpy(), expected[iid].to_numpy(), rtol=1e-6)
    assert not [c for c in df.columns if c in cat and not cat[c].public]  # no internal indicator without a token


@pytest.mark.parametrize("role, internal_seen", [(None, False), ("viewer", False), ("editor", True)])
def test_internal_indicators_only_for_an_editors_token(open_server, role, internal_seen):
    cat = load_catalog()
    df = _gdal(open_server.ogc, SET, open_server.tokens[role] if role else None)
    internal = [c for c in df.columns if c in cat and not cat[c].public]
    assert bool(internal) == internal_seen
    if internal_seen:
        expected = _view_table(open_server, SET, internal=True)
        for iid in internal:
            np.testing.assert_allclose(df[iid].astype(float).to_numpy(), expected[iid].to_numpy(), rtol=1e-6)


@pytest.mark.skipif(gb.boundary_file(gb.get_boundary_set_info(NATIONAL)) is None,
                    reason="the national boundary file is not in ANTT_BOUNDARY_DIR")
def test_gdal_reads_the_national_set_through_paging(open_server):
    status, first = get_json(open_server.ogc + f"collections/{NATIONAL}/items")
    assert status == 200 and first["numberMatched"] == 3321 and first["numberReturned"] == 1000
    assert [link["rel"] for link in first["links"]] == ["self", "next"]
    df = _gdal(open_server.ogc, NATIONAL)
    assert len(df) == 3321 and df["code"].is_unique


def test_paging_and_bbox(open_server):
    base = open_server.ogc + f"collections/{SET}/items"
    pages, url = [], base + "?limit=4"
    while url:
        status, page = get_json(url)
        assert status == 200
        pages.append([f["id"] for f in page["features"]])
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert [len(p) for p in pages] == [4, 2]
    status, one = get_json(base + "/03203")
    assert status == 200 and one["id"] == "03203" and one["properties"]["name"] == "Na Son"
    status, box = get_json(base + "?bbox=103.2,21.3,103.3,21.45")
    assert status == 200 and "03203" in [f["id"] for f in box["features"]] and box["numberMatched"] < 6
    status, none = get_json(base + "?bbox=105,10,105.1,10.1")
    assert status == 200 and none["numberMatched"] == 0 and none["features"] == []


def test_collections_carry_attribution_licence_and_vintage(open_server):
    status, body = get_json(open_server.ogc + "collections")
    assert status == 200
    by_id = {c["id"]: c for c in body["collections"]}
    info = gb.get_boundary_set_info(SET)
    c = by_id[SET]
    assert (c["attribution"], c["licence"], c["vintage"]) == (info.attribution, info.licence, info.vintage_text("vi"))
    assert c["latest_period"] == "2025" and "2025" in c["periods"]
    if gb.boundary_file(info) is None:  # centroids only: no file header to read an extent from
        assert "extent" not in c
    else:
        minx, miny, maxx, maxy = c["extent"]["spatial"]["bbox"][0]
        assert 103 < minx < maxx < 103.5 and 21 < miny < maxy < 21.5  # Điện Biên Đông
    status, conf = get_json(open_server.ogc + "conformance")
    assert any(x.endswith("/conf/core") for x in conf["conformsTo"])


def test_the_wide_table_as_csv_and_json(open_server):
    status, body = get_json(open_server.url + f"/api/table/{SET}?province=" + quote("Điện Biên"))
    assert status == 200 and len(body["rows"]) == 6 and body["meta"]["sample"] is True
    status, headers, raw = get(open_server.url + f"/api/table/{SET}?f=csv&period=2025")
    text = raw.decode("utf-8-sig")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("code,name,province,period,") and len(text.splitlines()) == 7


def _snapshot(server) -> dict:
    engine = sa.create_engine(f"sqlite:///{server.data / 'antt.sqlite'}")
    try:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                    for t in ("import_versions", "observations", "users", "api_tokens", "indicator_definitions")}
    finally:
        engine.dispose()


HOSTILE = [
    # (path and query, method, status, error code)
    (f"collections/{SET}/items?limit=1000000", "GET", 400, "api_param_range"),
    (f"collections/{SET}/items?limit=0", "GET", 400, "api_param_range"),
    (f"collections/{SET}/items?limit=-5", "GET", 400, "api_param_not_int"),
    (f"collections/{SET}/items?offset=1e9", "GET", 400, "api_param_not_int"),
    (f"collections/{SET}/items?bbox=1,2,3", "GET", 400, "api_bbox_bad"),
    (f"collections/{SET}/items?bbox=103,21,nan,22", "GET", 400, "api_bbox_bad"),
    (f"collections/{SET}/items?bbox=200,21,201,22", "GET", 400, "api_bbox_bad"),
    (f"collections/{SET}/items?bbox=104,22,103,21", "GET", 400, "api_bbox_bad"),
    ("collections/nope/items", "GET", 404, "api_collection_unknown"),
    ("collections/..%2F..%2Fetc%2Fpasswd/items", "GET", 400, None),  # refused by Streamlit's server already
    ("collections/%00/items", "GET", 400, None),  # a NUL in the path: refused by the server too
    ("collections/n%C3%B4pe%27;--/items", "GET", 404, "api_collection_unknown"),
    (f"collections/{SET}/items?period=2031", "GET", 404, "api_period_unknown"),
    (f"collections/{SET}/items?period=2025%27%20OR%201=1--", "GET", 404, "api_period_unknown"),
    (f"collections/{SET}/items/99999", "GET", 404, "api_item_unknown"),
    (f"collections/{SET}/items?filter=DROP%20TABLE%20observations", "GET", 400, "api_param_unknown"),
    (f"collections/{SET}/items?limit=5&limit=6", "GET", 400, "api_param_repeated"),
    (f"collections/{SET}/items?period=" + "9" * 300, "GET", 400, "api_param_bad"),
    (f"collections/{SET}/items?f=xml", "GET", 400, "api_format_unknown"),
    (f"/api/table/{SET}?province=Nowhere", "GET", 404, "api_area_unknown"),
    (f"/api/table/{SET}?f=xlsx", "GET", 400, "api_format_unknown"),
    (f"/api/table/{SET}?district=X", "GET", 400, "api_area_level"),
    (f"collections/{SET}/items", "POST", 405, None),
    (f"collections/{SET}/items/03203", "DELETE", 405, None),
    ("collections", "PUT", 405, None),
]


@pytest.mark.parametrize("path, method, status, code", HOSTILE, ids=[f"{m} {p[:60]}" for p, m, _, _ in HOSTILE])
def test_hostile_requests_get_a_json_4xx_and_change_nothing(open_server, path, method, status, code):
    before = _snapshot(open_server)
    got, headers, body = get((open_server.url if path.startswith("/") else open_server.ogc) + path, method=method)
    assert got == status
    if code:
        err = json.loads(body)
        assert err["code"] == code and err["description"] and err["description_en"]
        assert headers["content-type"].startswith("application/json")
    assert _snapshot(open_server) == before


def test_no_limit_or_offset_reads_past_the_end(open_server):
    status, body = get_json(open_server.ogc + f"collections/{SET}/items?offset=6")
    assert status == 200 and body["features"] == [] and body["numberMatched"] == 6


@pytest.mark.skipif(os.environ.get("ANTT_SMALL_COUNT_THRESHOLD") not in (None, "5"),
                    reason="the test reads the default threshold")
def test_small_counts_are_suppressed_for_the_public(open_server):
    cat = load_catalog()
    for role, exact in ((None, False), ("editor", True)):
        headers = {"Authorization": f"Bearer {open_server.tokens[role]}"} if role else {}
        status, body = get_json(open_server.url + "/api/table/dien-bien-dong-pre2025?period=2017", headers)
        assert status == 200
        small = [(r["code"], iid) for r in body["rows"] for iid, v in r.items()
                 if iid in cat and not cat[iid].derived and cat[iid].group in ("tips", "people")
                 and v is not None and 0 < v < 5]
        assert bool(small) == exact
