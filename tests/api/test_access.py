"""Access to the API in ``ANTT_VIEW_MODE=signin`` (geo.api.access): a token is required, a revoked or wrong one
is refused and then slowed down (429 with Retry-After) like a failed sign-in, every use is audited."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pyogrio
import pytest
import sqlalchemy as sa

from tests.api.conftest import ROOT, get, get_json, make_token

SET = "dien-bien-dong-2025"


def _audit(server, action: str) -> list[dict]:
    engine = sa.create_engine(f"sqlite:///{server.data / 'antt.sqlite'}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT detail FROM audit_log WHERE action = :a"), {"a": action}).all()
    finally:
        engine.dispose()
    return [json.loads(r[0]) for r in rows]


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _wait_out(server, headers: dict) -> None:
    """Wait until this client is no longer slowed down (earlier tests' failures)."""
    for _ in range(40):
        status, h, _ = get(server.ogc, headers)
        if status != 429:
            return
        time.sleep(float(h.get("retry-after", "1")))


@pytest.mark.parametrize("path", ["", "collections", f"collections/{SET}/items", f"collections/{SET}/items/03203"])
def test_signin_mode_refuses_a_request_without_a_token(signin_server, path):
    status, body = get_json(signin_server.ogc + path)
    assert status == 401 and body["code"] == "api_token_required"
    status, body = get_json(signin_server.url + f"/api/table/{SET}")
    assert status == 401


def test_gdal_without_a_token_is_refused_in_signin_mode(signin_server):
    with pytest.raises(Exception):
        pyogrio.read_dataframe(f"OAPIF:{signin_server.ogc}", layer=SET)


def test_a_viewers_token_reads_and_its_use_is_audited(signin_server):
    headers = _bearer(signin_server.tokens["viewer"])
    _wait_out(signin_server, headers)
    status, body = get_json(signin_server.ogc + f"collections/{SET}/items", headers)
    assert status == 200 and body["numberMatched"] == 6
    uses = [u for u in _audit(signin_server, "api_token_use") if u["path"].endswith(f"/{SET}/items")]
    assert uses and uses[-1]["role"] == "viewer" and uses[-1]["client"] == "127.0.0.1"


def test_a_revoked_token_is_refused_then_slowed_down(signin_server):
    token = make_token(signin_server.data, "soon-gone", "viewer")
    _wait_out(signin_server, _bearer(token))
    assert get(signin_server.ogc, _bearer(token))[0] == 200
    env = {**os.environ, "ANTT_DATA_DIR": str(signin_server.data)}
    env.pop("ANTT_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "geo", "tokens", "revoke", "soon-gone"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    status, body = get_json(signin_server.ogc, _bearer(token))
    assert status == 401 and body["code"] == "api_token_refused" and body["description_en"]
    # the next try from this client, even with a good token, waits like a sign-in after a failure
    status, headers, raw = get(signin_server.ogc, _bearer(signin_server.tokens["viewer"]))
    assert status == 429 and json.loads(raw)["code"] == "api_token_throttled" and int(headers["retry-after"]) >= 1
    assert _audit(signin_server, "api_token_failed")[-1]["reason"] == "revoked"
    _wait_out(signin_server, _bearer(signin_server.tokens["viewer"]))
    assert get(signin_server.ogc, _bearer(signin_server.tokens["viewer"]))[0] == 200


@pytest.mark.parametrize("headers, code", [
    ({"Authorization": "Basic dXNlcjpwdw=="}, "api_token_malformed"),
    ({"Authorization": "Bearer "}, "api_token_malformed"),
])
def test_a_malformed_authorization_header_is_refused(signin_server, headers, code):
    status, body = get_json(signin_server.ogc, headers)
    assert status == 401 and body["code"] == code
