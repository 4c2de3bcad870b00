"""Browser tests: start ``streamlit run app.py`` on a free port and drive Debian's Chromium with Playwright.

Chromium is found at $ANTT_CHROMIUM or /usr/bin/chromium (installed by .ci/install). Without it these tests
skip — unless ANTT_REQUIRE_E2E=1 (set by .ci/run), when a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geo.bench.browser import CHROMIUM_ARGS, chromium_path  # the benchmark launches Chromium the same way

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(tmp_path: Path, extra_env: dict | None = None):
    """Start the app; returns (process, base URL). The caller stops it."""
    port = _free_port()
    env = dict(os.environ)
    env.update({"ANTT_DATA_DIR": str(tmp_path / "data"), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"})
    env.pop("ANTT_DATABASE_URL", None)
    env.update(extra_env or {})
    log = open(tmp_path / "streamlit.log", "wb")
    # README's run command (`.venv/bin/streamlit run app.py` when the tests run in .venv), on a free port
    script = Path(sys.executable).with_name("streamlit")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "streamlit"]
    proc = subprocess.Popen(
        command + ["run", "app.py", "--server.headless", "true", "--server.port", str(port),
                   "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited: " + (tmp_path / "streamlit.log").read_text(errors="replace"))
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not become healthy in 60 s")


def layer_count(frame, page, tries: int = 60, pause_ms: int = 500) -> int:
    """Features held by the product's Leaflet layer (``window.anttLayer``) in ``frame``, once it has drawn
    (polygons are on a canvas, so they are counted in Leaflet, not in the DOM); 0 if it never appears."""
    count = 0
    for _ in range(tries):
        count = frame.evaluate("() => window.anttLayer ? window.anttLayer.getLayers().length : 0")
        if count:
            break
        page.wait_for_timeout(pause_ms)
    return count


def map_frame(page):
    """The frame holding the Leaflet map (streamlit-folium draws it in an iframe)."""
    page.wait_for_selector("iframe", timeout=60_000)
    for _ in range(120):
        for frame in page.frames:
            try:
                if frame.evaluate("() => !!document.querySelector('.leaflet-container')"):
                    return frame
            except Exception:
                pass
        page.wait_for_timeout(500)
    raise AssertionError("no Leaflet map found in any frame")


def stop_app(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("ANTT_REQUIRE_E2E") == "1":
            pytest.fail("Chromium is required (ANTT_REQUIRE_E2E=1) but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def app_url(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("app")
    proc, url = start_app(tmp)  # no warm-up: whichever test comes first is the server's first request
    yield url
    stop_app(proc)
