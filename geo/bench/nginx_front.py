"""nginx from the shipped site file (deploy/nginx/antt.conf) in front of the load test's app processes, on
loopback, in a throwaway prefix: the sticky cookie keeps each Locust user (each keeps its cookies) on one
process, as it keeps a browser. :func:`site_conf` (also what tests/e2e/test_deploy_e2e.py deploys) rewrites
only the upstream servers, the listen address and the static paths; everything else is the shipped file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from geo import PROJECT_DIR

SITE = PROJECT_DIR / "deploy" / "nginx" / "antt.conf"
MAIN_CONF = """{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/antt.conf;
}}
"""


def nginx_path() -> str | None:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    return path if Path(path).exists() else None


def site_conf(listen: int, ports: list[int], static: Path) -> str:
    text = SITE.read_text(encoding="utf-8")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=30s;\n" for p in ports)
    for pattern, new in ((r"^    server 127\.0\.0\.1:\d+[^\n]*\n(?:    server 127\.0\.0\.1:\d+[^\n]*\n)*", servers),
                         (r"^    listen 80;", f"    listen 127.0.0.1:{listen};"),
                         (r"alias /opt/antt/static/geo/;", f"alias {static}/geo/;"),
                         (r"alias /opt/antt/static/;", f"alias {static}/;")):
        text, n = re.subn(pattern, new, text, count=1, flags=re.M)
        if n != 1:
            raise RuntimeError(f"the shipped site file no longer has {pattern!r}")
    return text


class NginxFront:
    """``with NginxFront(prefix, listen, ports) as url:`` nginx running in front of ``ports``; stopped on exit."""

    def __init__(self, prefix: Path, listen: int, ports: list[int]):
        self.prefix, self.listen, self.ports, self.proc = Path(prefix), listen, ports, None

    def __enter__(self) -> str:
        nginx = nginx_path()
        if nginx is None:
            raise RuntimeError("nginx is not installed")
        (self.prefix / "tmp").mkdir(parents=True, exist_ok=True)
        (self.prefix / "antt.conf").write_text(site_conf(self.listen, self.ports, PROJECT_DIR / "static"),
                                               encoding="utf-8")
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.prefix / "nginx.conf").write_text(MAIN_CONF.format(user=user, prefix=self.prefix), encoding="utf-8")
        args = [nginx, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"), "-e",
                str(self.prefix / "error.log")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{self.listen}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return url
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("nginx did not answer")

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
