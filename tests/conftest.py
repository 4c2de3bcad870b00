"""Shared fixtures: a PostgreSQL server for the tests marked ``postgres``.

``postgres_url`` (session): ``ANTT_TEST_POSTGRES_URL`` if set (CI), else a throwaway cluster started from
Debian's binaries (tests/helpers_pg.py). Without either the tests are skipped with the reason — or fail when
``ANTT_REQUIRE_POSTGRES=1`` (CI), so a broken server never passes silently.
``postgres_db_url`` (function): a fresh, empty database on that server, dropped afterwards.
``app_env`` (function): the app's environment for AppTest — a fresh SQLite store, empty Streamlit caches.
``_shared_geometry_cache`` (session, autouse): every test's store is fresh, but the prepared-geometry cache is
the project's own (``var/geocache``, content-addressed): each app a test starts warms up every boundary set at
start, and without a shared cache each would prepare the national sets again (a minute of CPU each).
"""

from __future__ import annotations

import os

import pytest

from tests import helpers_pg


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("ANTT_TEST_POSTGRES_URL", "").strip()
    if url:
        yield url
        return
    try:
        cluster = helpers_pg.start_cluster()
    except helpers_pg.ClusterUnavailable as exc:
        if os.environ.get("ANTT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required (ANTT_REQUIRE_POSTGRES=1) but unavailable: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def postgres_db_url(postgres_url):
    db_url = helpers_pg.create_database(postgres_url)
    try:
        yield db_url
    finally:
        helpers_pg.drop_database(postgres_url, db_url)


@pytest.fixture(scope="session", autouse=True)
def _shared_geometry_cache():
    from geo import PROJECT_DIR

    os.environ.setdefault("ANTT_GEOCACHE_DIR", str(PROJECT_DIR / "var" / "geocache"))
    yield


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A fresh SQLite store per test (the app's first start loads the built-in 2017 and 2025 samples)."""
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def _no_stored_definitions_left():
    """The catalog's definitions source (geo.access.indicators.install_definitions) is process-wide: a test
    that installs one (the app, the CLI) must not leave it for the next test."""
    yield
    from geo.reference.catalog import set_definitions_source

    set_definitions_source(None)
