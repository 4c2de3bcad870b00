"""A real ``streamlit run app.py`` on loopback for the API tests, with its own store and tokens made through
the command line (``python -m geo tokens add``), as an admin would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import start_app, stop_app

ROOT = Path(__file__).resolve().parents[2]


def make_token(data_dir: Path, name: str, role: str) -> str:
    env = {**os.environ, "ANTT_DATA_DIR": str(data_dir)}
    env.pop("ANTT_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "geo", "tokens", "add", name, "--role", role], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def get(url: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request; 4xx and 5xx answers are returned, not raised."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def get_json(url: str, headers: dict | None = None) -> tuple[int, dict]:
    status, _, body = get(url, headers)
    return status, json.loads(body)


class Server:
    def __init__(self, tmp: Path, mode: str):
        self.data = tmp / "data"
        self.tokens = {role: make_token(self.data, f"{role}-qgis", role) for role in ("viewer", "editor")}
        self.proc, self.url = start_app(tmp, {"ANTT_VIEW_MODE": mode})
        self.ogc = self.url + "/api/ogc/"

    def stop(self):
        stop_app(self.proc)


@pytest.fixture(scope="module")
def open_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("api-open"), "open")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("api-signin"), "signin")
    yield server
    server.stop()
