"""geo.carto.prepared: a set's map layers prepared once, read back equal; the warm-up at server start runs in
the background while the server answers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from geo import PROJECT_DIR
from geo.carto import prepared
from geo.carto.geometry import decode_display_layer
from geo.units import boundaries as gb
from geo.units import display, geocache

SMALL = "dien-bien-dong-pre2025"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(tmp_path / "cache"))
    prepared._MEMO.clear()
    display._MEMO.clear()
    yield tmp_path / "cache"
    prepared._MEMO.clear()
    display._MEMO.clear()


def _need(set_id):
    if gb.boundary_file(gb.get_boundary_set_info(set_id)) is None:
        pytest.skip(f"{set_id}: boundary file not present (ANTT_BOUNDARY_DIR)")


def test_a_small_set_has_its_layer_and_no_provinces(cache):
    _need(SMALL)
    got = prepared.prepared_map(SMALL)
    want = prepared.build_map(SMALL, gb.display_geometry(gb.load_boundary_set(SMALL)))
    assert got == want and got.provinces is None and got.outline is None
    prepared._MEMO.clear()
    assert prepared.prepared_map(SMALL) == want  # read back from the cache folder
    assert len(list(cache.glob("*-map-*.bin"))) == 1


def test_parts_round_trip_with_provinces_and_outline():
    """A national-shaped set (more than PROVINCE_MIN_UNITS units in two provinces) made here."""
    import geopandas as gpd
    from shapely.geometry import box

    n = prepared.PROVINCE_MIN_UNITS + 2
    units = gpd.GeoDataFrame({"code": [f"{i:05d}" for i in range(n)], "name": [f"Xã {i}" for i in range(n)],
                              "parent_0": ["Tỉnh A" if i < n // 2 else "Tỉnh B" for i in range(n)]},
                             geometry=[box(100 + i * 0.01, 20, 100.01 + i * 0.01, 20.01) for i in range(n)],
                             crs="EPSG:4326")
    made = prepared.build_map("vn-2025", units)
    assert made.provinces is not None and made.provinces.codes == ("Tỉnh A", "Tỉnh B")
    back = prepared.map_from_parts(prepared.map_to_parts(made))
    assert back == made
    assert decode_display_layer(back.layer) == decode_display_layer(made.layer)


def test_no_file_no_layers(cache, tmp_path):
    assert prepared.prepared_map(SMALL, tmp_path) is None
    assert set(prepared.warm_up(folder=tmp_path)) == {"imports"}


def test_warm_up_prepares_the_sets_whose_files_are_present(cache, tmp_path):
    _need(SMALL)
    folder = tmp_path / "b"
    folder.mkdir()
    src = gb.boundary_file(gb.get_boundary_set_info(SMALL))
    shutil.copy(src, folder / src.name)
    done = prepared.start_warm_up(folder=folder)
    done.join(timeout=120)
    assert not done.is_alive()
    assert sorted(p.name.split("-map-")[0] for p in cache.glob("*-map-*.bin")) == [SMALL]
    assert sorted(p.name.split("-units-")[0] for p in cache.glob("*-units-*.bin")) == [SMALL]


def test_the_warm_up_at_start_opens_the_store_and_reads_only_kept_tables(cache, tmp_path, monkeypatch):
    """At the server's start (store=True) the warm-up opens the app's store and reads back a national table
    kept on disk, so what the first map loads is loaded; it never reads a table from the store (a small set
    here, its threshold lowered)."""
    from geo.access.auth import open_store
    from geo.store import reads

    _need(SMALL)
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    prepared.warm_up(set_ids=[SMALL])
    assert not (tmp_path / "data").exists()  # no store without store=True (the benchmark's preparation)
    prepared.warm_up(set_ids=[SMALL], store=True)
    assert (tmp_path / "data" / "antt.sqlite").is_file() and not list(cache.glob("*-table-*.bin"))
    s = open_store(None)
    s.current_table(SMALL)  # the first view keeps it
    s.dispose()
    (entry,) = cache.glob(f"{SMALL}-table-*.bin")
    before = entry.stat().st_mtime_ns
    assert set(prepared.warm_up(set_ids=[SMALL], store=True)) == {"imports", SMALL}
    assert [p.stat().st_mtime_ns for p in cache.glob(f"{SMALL}-table-*.bin")] == [before]


def test_the_warm_up_waits_while_a_user_is_answered(cache, tmp_path):
    """A script run (geocache.foreground, app.py) holds the warm-up before its next set: on two cores the
    first link after a restart gets the processor, and the set it asks for it prepares itself."""
    _need(SMALL)
    folder = tmp_path / "b"
    folder.mkdir()
    src = gb.boundary_file(gb.get_boundary_set_info(SMALL))
    shutil.copy(src, folder / src.name)
    with geocache.foreground():
        done = prepared.start_warm_up(folder=folder)
        until = time.time() + 10  # preparing this small set takes a second or two, even under load
        while time.time() < until:
            assert done.is_alive() and not list(cache.glob("*-units-*.bin")), "prepared during a script run"
            time.sleep(0.1)
    done.join(timeout=120)
    assert not done.is_alive()
    assert [p.name.split("-units-")[0] for p in cache.glob("*-units-*.bin")] == [SMALL]


def test_the_server_answers_its_health_check_while_the_warm_up_prepares(tmp_path):
    """Streamlit runs the start-up hook before it accepts a connection: a warm-up inside it would hold the
    health check for the whole preparation of the national sets. The health check answers while the
    cache folder is still being filled, and the folder is filled by that same server."""
    national = [s for s in ("vn-2025", "vn-pre2025") if gb.boundary_file(gb.get_boundary_set_info(s))]
    if not national:
        pytest.skip("no national boundary file present (ANTT_BOUNDARY_DIR)")
    cache = tmp_path / "cache"
    env = dict(os.environ, ANTT_DATA_DIR=str(tmp_path / "data"), ANTT_GEOCACHE_DIR=str(cache),
               STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("ANTT_DATABASE_URL", None)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "streamlit.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)

    def ready(kind):
        return sorted(p.name.split(f"-{kind}-")[0] for p in cache.glob(f"*-{kind}-*.bin"))

    try:
        deadline, healthy_with = time.time() + 120, None
        while time.time() < deadline and healthy_with is None:
            assert proc.poll() is None, (tmp_path / "streamlit.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                    if r.status == 200:
                        healthy_with = ready("map")
            except OSError:
                time.sleep(0.2)
        assert healthy_with is not None, "no health answer"
        assert not set(national) <= set(healthy_with)  # answered before the national sets were prepared
        answers = 0
        deadline = time.time() + 300
        while time.time() < deadline and not set(national) <= set(ready("map")):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                answers += r.status == 200
            time.sleep(0.5)
        assert set(national) <= set(ready("map")), "the warm-up did not prepare the national sets"
        assert answers >= 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
