"""The deployment for many users, end to end: real nginx from the shipped site file (deploy/nginx/antt.conf) in
front of two ``streamlit run`` processes started with the shipped systemd unit's command line
(deploy/systemd/antt@.service), both on one fresh PostgreSQL database.

Through nginx, a browser pinned to process A (by the sticky cookie) signs in as an editor and imports a file
— its upload POST and websocket must reach the same process, or the upload is lost — and a browser pinned to
process B sees the new total. nginx's access log shows which process served what. Static files come from
nginx itself, and the copy-link button gives the proxy's address. Everything runs on loopback, nginx in the
foreground in a temporary prefix, and everything is stopped and removed at the end.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geo.bench.nginx_front import site_conf  # the shipped site file, rewritten only for loopback paths
from tests.e2e.conftest import ROOT, _free_port, confirm_import, filled_template, nav, sign_in, stop_app

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

UNIT = ROOT / "deploy" / "systemd" / "antt@.service"
EDITOR, PASSWORD = "bien", "nhap-so-lieu-trien-khai"
COOKIE = "antt_backend"

# The test's own nginx.conf around the shipped site file (Debian's /etc/nginx/nginx.conf does the same with
# sites-enabled/*); its log says which process served each request.
MAIN_CONF = """{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format antt '$request_method $request_uri $status upstream=$upstream_addr key=$cookie_antt_backend';
    access_log {prefix}/access.log antt;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/antt.conf;
}}
"""


def _nginx() -> str:
    path = os.environ.get("ANTT_NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).exists():
        if os.environ.get("ANTT_REQUIRE_E2E") == "1":
            pytest.fail("nginx is required (ANTT_REQUIRE_E2E=1) but was not found (apt-get install nginx)")
        pytest.skip("nginx not installed (apt-get install nginx)")
    return path


def unit_command(port: int) -> tuple[list[str], Path]:
    """ExecStart and WorkingDirectory of the shipped unit for instance ``port``, with the install paths
    (/opt/antt, its .venv) pointing at this checkout and this interpreter."""
    keys = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(ExecStart|WorkingDirectory)=(.*)$", line)
        if m:
            keys[m.group(1)] = m.group(2).replace("%i", str(port))
    argv = shlex.split(keys["ExecStart"])
    assert argv[0] == "/opt/antt/.venv/bin/python", argv
    assert keys["WorkingDirectory"] == "/opt/antt"
    return [sys.executable, *argv[1:]], ROOT


def _get(url: str, cookie: str | None = None, timeout: float = 10):
    req = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, dict(r.headers), r.read()


def _wait_healthy(url: str, procs: list, deadline_s: float = 90) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"a process exited early ({p.args[:3]})")
        try:
            if _get(url + "/_stcore/health", timeout=3)[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not become healthy in {deadline_s:.0f} s")


def _log_lines(prefix: Path) -> list[str]:
    path = prefix / "access.log"
    return path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []


def _stop(proc, timeout: float = 15) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


@pytest.fixture
def deployment(browser, postgres_db_url, tmp_path):
    """nginx on a free loopback port → two app processes → one fresh PostgreSQL database."""
    nginx = _nginx()
    started = time.monotonic()
    env = dict(os.environ, ANTT_DATABASE_URL=postgres_db_url, ANTT_VIEW_MODE="open",
               ANTT_DATA_DIR=str(tmp_path / "unused-sqlite"), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
               STREAMLIT_SERVER_COOKIE_SECRET="the-same-secret-in-every-process")  # as deploy/antt.env.example
    # First step of the README's deployment: an account (which also creates the tables and the sample).
    made = subprocess.run([sys.executable, "-m", "geo", "users", "add", EDITOR, "--role", "editor"], cwd=ROOT,
                          env=env, input=PASSWORD + "\n", text=True, capture_output=True, timeout=180)
    assert made.returncode == 0, made.stderr

    procs, logs = [], []
    ports = [_free_port(), _free_port()]
    while ports[1] == ports[0]:
        ports[1] = _free_port()
    prefix = tmp_path / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    nginx_proc = None
    try:
        for port in ports:
            argv, cwd = unit_command(port)
            log = open(tmp_path / f"app-{port}.log", "wb")
            logs.append(log)
            procs.append(subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT))
        for port in ports:
            _wait_healthy(f"http://127.0.0.1:{port}", procs)

        listen = _free_port()
        static = ROOT / "static"
        assert (static / "vendor" / "leaflet" / "leaflet.js").is_file()  # copied by the processes at start
        (prefix / "antt.conf").write_text(site_conf(listen, ports, static), encoding="utf-8")
        user = "user root;\n" if os.geteuid() == 0 else ""  # as root the workers would otherwise be nobody
        (prefix / "nginx.conf").write_text(MAIN_CONF.format(user=user, prefix=prefix), encoding="utf-8")
        args = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
        checked = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        nginx_proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "wb"))
        front = f"http://127.0.0.1:{listen}"
        _wait_healthy(front, [nginx_proc])
        yield {"front": front, "ports": ports, "prefix": prefix, "started": started, "db": postgres_db_url}
    finally:
        if nginx_proc is not None:
            _stop(nginx_proc)
        for p in procs:
            stop_app(p)
        for log in logs:
            log.close()


def _upstream_of(deployment, key: str) -> str:
    """The process nginx sends a browser with cookie ``key`` to (from the access log)."""
    _get(deployment["front"] + f"/_stcore/health?probe={key}", cookie=key)
    for _ in range(50):
        for line in reversed(_log_lines(deployment["prefix"])):
            if f"probe={key} " in line:
                return re.search(r"upstream=(\S+)", line).group(1)
        time.sleep(0.1)  # the log line is written right after the response
    raise AssertionError(f"no log line for probe {key}")


def _pinned_context(browser, deployment, key: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": COOKIE, "value": key, "url": deployment["front"]}])
    return context


def test_nginx_two_processes_and_postgresql_serve_the_same_data(browser, deployment):
    front, prefix = deployment["front"], deployment["prefix"]
    # the first response gives a browser its sticky key; a browser that has one is not given another
    status, headers, _ = _get(front + "/")
    assert status == 200 and headers.get("Set-Cookie", "").startswith(f"{COOKIE}=")
    assert "Set-Cookie" not in _get(front + "/", cookie="abc")[1]
    # two keys that nginx hashes to different processes
    where: dict[str, str] = {}
    for i in range(64):
        where.setdefault(_upstream_of(deployment, f"k{i}"), f"k{i}")
        if len(where) == 2:
            break
    assert set(where) == {f"127.0.0.1:{p}" for p in deployment["ports"]}, where
    (addr_a, key_a), (addr_b, key_b) = sorted(where.items())
    assert _upstream_of(deployment, key_a) == addr_a  # the same key always goes to the same process

    # Browser A (process A): the sample's total, then an editor imports a file through the upload page
    context_a = _pinned_context(browser, deployment, key_a)
    page = context_a.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(front, wait_until="domcontentloaded")
    page.wait_for_selector("text=233 tổ", timeout=60_000)
    sign_in(page, front, EDITOR, PASSWORD)
    nav(page, "Cập nhật dữ liệu")
    page.wait_for_selector("[data-testid='stFileUploader'] input[type='file']", state="attached", timeout=60_000)
    page.set_input_files("[data-testid='stFileUploader'] input[type='file']",
                         files=[{"name": "bao_cao_trien_khai.xlsx", "mimeType": "application/octet-stream",
                                 "buffer": filled_template(teams=2000)}])
    confirm_import(page)
    total = f"{sum(2000 + i for i in range(14)):,} tổ".replace(",", ".")  # 28.091 tổ
    nav(page, "Tổng quan")
    page.wait_for_selector(f"text={total}", timeout=60_000)
    assert not errors, errors
    context_a.close()

    # Browser B (process B), another person: the import is there, read from the shared store
    context_b = _pinned_context(browser, deployment, key_b)
    page = context_b.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(front, wait_until="domcontentloaded")
    page.wait_for_selector(f"text={total}", timeout=60_000)
    assert "DỮ LIỆU MẪU" not in page.inner_text("body")  # no longer the sample
    # the map draws through the proxy, Leaflet served by nginx from the shared static folder
    page.goto(front + "/ban-do", wait_until="domcontentloaded")
    page.wait_for_selector(".antt-legend", timeout=60_000)
    page.wait_for_function("() => document.querySelector('button.antt-share-btn')?.dataset.url", timeout=60_000)
    link = page.get_attribute("button.antt-share-btn", "data-url")
    assert link.startswith(front + "/ban-do?")  # the copy-link button gives the proxy's address
    assert not errors, errors
    context_b.close()
    status, headers, body = _get(front + "/app/static/vendor/leaflet/leaflet.js")
    assert status == 200 and b"Leaflet" in body[:2000]
    # the map's geometry file has a content hash in its name: nginx lets browsers keep it for good
    geometry = sorted((ROOT / "static" / "geo").glob("*.json"), key=lambda f: f.stat().st_mtime)[-1]
    status, headers, body = _get(front + "/app/static/geo/" + geometry.name)
    assert status == 200 and body == geometry.read_bytes()
    assert "immutable" in headers.get("Cache-Control", ""), headers

    # Who served what: every request of browser A went to A, every request of B to B, the websocket and the
    # upload included; static files came from nginx itself.
    lines = _log_lines(prefix)
    for key, addr in ((key_a, addr_a), (key_b, addr_b)):
        mine = [ln for ln in lines if ln.endswith(f"key={key}")]
        assert any("/_stcore/stream" in ln for ln in mine)
        assert all(f"upstream={addr} " in ln for ln in mine if "upstream=-" not in ln), mine
    uploads = [ln for ln in lines if " /_stcore/upload_file/" in ln]
    assert uploads and all(" 20" in ln and f"upstream={addr_a} " in ln for ln in uploads), uploads
    assert [ln for ln in lines if "leaflet.js" in ln and "upstream=-" in ln]

    # the store holds the samples of the first start and one import by the editor
    from geo.access.auth import open_store

    store = open_store(deployment["db"])
    try:
        versions = sorted(store.history(), key=lambda v: v["version"])
    finally:
        store.dispose()
    assert [v["sample"] for v in versions] == [True, True, False] and versions[-1]["user"] == EDITOR, versions
    assert versions[-1]["file_name"] == "bao_cao_trien_khai.xlsx"
    print(f"\ndeployment test: {time.monotonic() - deployment['started']:.0f} s from the first process start")


def test_the_shipped_unit_is_valid_for_systemd(tmp_path):
    """systemd's own check of the unit (offline), with the install paths pointing at this machine."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    text = UNIT.read_text(encoding="utf-8").replace("/opt/antt/.venv/bin/python", sys.executable)
    (tmp_path / "antt@.service").write_text(text.replace("/opt/antt", str(ROOT)), encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(tmp_path / "antt@8501.service")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "Unknown" not in done.stderr, done.stderr
