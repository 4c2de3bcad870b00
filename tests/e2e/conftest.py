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

from geo.bench.app_browser import first_frame  # the benchmark finds its map frame the same way
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
    # README's run command (`./antt run` runs `.venv/bin/streamlit run app.py`), on a free port
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


def settled(frame, page) -> None:
    """Wait until the map stops moving (streamlit-folium resizes and refits it after its first render)."""
    view = None
    for _ in range(40):
        page.wait_for_timeout(500)
        now = frame.evaluate("() => JSON.stringify([window.map.getCenter(), window.map.getZoom(), window.map.getSize()])")
        if now == view:
            return
        view = now


def map_frame(page):
    """The frame holding the Leaflet map (streamlit-folium draws it in an iframe)."""
    page.wait_for_selector("iframe", timeout=60_000)
    for _ in range(120):
        if (frame := first_frame(page, "() => !!document.querySelector('.leaflet-container')")) is not None:
            return frame
        page.wait_for_timeout(500)
    raise AssertionError("no Leaflet map found in any frame")


# Every visible element under ``selector`` whose content is wider than its box (text cut, with or without an
# ellipsis; scrolling boxes excepted) or that reaches beyond the viewport horizontally. Inline boxes have no
# clientWidth: their block parent is checked instead; SVG (charts) is left to its own layout.
OVERFLOW_JS = """(selector) => {
  const W = document.documentElement.clientWidth, bad = [];
  for (const el of document.querySelectorAll(selector)) {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || el.closest('[data-testid="stSidebar"]')
        || el instanceof SVGElement) continue;  // chart text: plotly lays it out itself
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const name = `${el.tagName}.${(el.getAttribute('data-testid') || el.className || '').toString().slice(0, 40)}`
               + ` "${(el.innerText || '').slice(0, 30)}"`;
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !['auto', 'scroll'].includes(s.overflowX))
      bad.push(`cut ${name} ${el.scrollWidth}>${el.clientWidth}`);
    if (r.right > W + 1 || r.left < -1) bad.push(`outside ${name} ${Math.round(r.left)}–${Math.round(r.right)} of ${W}`);
  }
  return {width: W, scrollWidth: document.documentElement.scrollWidth, bad: bad.slice(0, 15)};
}"""


def overflow(page, selector: str = '[data-testid="stMain"] *') -> dict:
    return page.evaluate(OVERFLOW_JS, selector)


def screenshot_dir(tmp_path: Path) -> Path:
    """Where layout tests keep their screenshots: $ANTT_SCREENSHOT_DIR (to look at them), else the test's tmp."""
    folder = Path(os.environ.get("ANTT_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def nav(page, label: str) -> None:
    """Follow a sidebar link (a reload starts a new Streamlit session: slower, and a view's pickers reset)."""
    page.locator("[data-testid='stSidebarNav']").get_by_text(label, exact=True).click()


def sign_in(page, url: str, name: str, password: str) -> None:
    """Open ``url`` and sign in with a local account through the sign-in page, as staff do."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Tổng quan", timeout=60_000)  # app.py's menu
    nav(page, "Đăng nhập")
    page.wait_for_selector("input[type='password']", timeout=60_000)
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    wait_for_cookie(page)
    page.wait_for_selector("[data-testid='stSidebarNav'] >> text=Cập nhật dữ liệu", timeout=60_000)


def wait_for_cookie(page, timeout: float = 60.0) -> None:
    """After a sign-in the browser fetches its sign-in cookie at /auth/session and comes back (a new page load):
    wait until it has the cookie and is back, so that the test drives the page that stays."""
    deadline = time.time() + timeout
    while not any(c["name"] == "antt_session" for c in page.context.cookies()):
        assert time.time() < deadline, "no sign-in cookie"
        page.wait_for_timeout(200)
    page.wait_for_url(lambda u: "/auth/" not in u, timeout=timeout * 1000)
    page.wait_for_load_state("domcontentloaded")


def filled_template(names: dict | None = None, teams: int = 1000, codes: dict | None = None,
                    set_id: str = "dien-bien-dong-pre2025") -> bytes:
    """The data-entry template for 2017 filled in: unit i gets ``teams + i`` security teams."""
    import io

    from geo.intake.template import build_template_rows
    from geo.units.boundaries import unit_list

    units = unit_list(set_id)
    rows = [{"unit_code": (codes or {}).get(c, c), "unit_name": (names or {}).get(c, n),
             "values": {"teams_security": teams + i}}
            for i, (c, n) in enumerate(zip(units["code"], units["name"]))]
    buf = io.BytesIO()
    build_template_rows(rows, buf, boundary_set=set_id, period="2017", lang="vi", fmt="xlsx")
    return buf.getvalue()


def upload(page, data: bytes, name: str) -> None:
    """Open the upload page (signed in as an editor) and give it a file."""
    nav(page, "Cập nhật dữ liệu")
    page.wait_for_selector("[data-testid='stFileUploader'] input[type='file']", state="attached", timeout=60_000)
    page.set_input_files("[data-testid='stFileUploader'] input[type='file']",
                         files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}])


def confirm_import(page) -> None:
    """Press the dry-run report's confirm button once it is enabled, and wait for the import's success."""
    confirm = page.get_by_role("button", name="Xác nhận")
    confirm.wait_for(timeout=60_000)
    page.wait_for_function("() => [...document.querySelectorAll('button')].some(b => "
                           "b.innerText.includes('Xác nhận') && !b.disabled)", timeout=60_000)
    confirm.click()
    page.wait_for_selector("[data-testid='stAlertContentSuccess']", timeout=60_000)


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
