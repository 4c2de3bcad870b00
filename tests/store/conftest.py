"""The store on both backends: ``store_url`` is a SQLite file, or (marked ``postgres``) a fresh PostgreSQL
database per test; ``store`` is an authorized store on it, migrated and holding the built-in samples."""

from __future__ import annotations

import pytest

from geo.access.auth import authorized_store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'antt.sqlite'}"
    return request.getfixturevalue("postgres_db_url")


@pytest.fixture
def store(store_url):
    s = authorized_store(store_url)
    s.ensure_ready()
    yield s
    s.dispose()
