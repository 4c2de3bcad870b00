"""The load test's nginx: the shipped site file with only the upstreams, the listen address and the static
paths rewritten (so the load test measures the shipped proxy configuration)."""

from pathlib import Path

from geo.bench.nginx_front import SITE, site_conf


def test_only_upstreams_listen_and_static_paths_change():
    shipped = SITE.read_text(encoding="utf-8")
    out = site_conf(18080, [18501, 18502], Path("/srv/x/static"))
    assert "listen 127.0.0.1:18080;" in out and "listen 80;" not in out
    assert "server 127.0.0.1:18501 " in out and "server 127.0.0.1:18502 " in out
    assert "alias /srv/x/static/geo/;" in out and "/opt/antt/static" not in out
    kept = [line for line in shipped.splitlines() if "server 127.0.0.1:" not in line and "listen 80;" not in line
            and "/opt/antt/static" not in line]
    assert all(line in out for line in kept)  # the sticky cookie, the websocket upgrade, … as shipped
