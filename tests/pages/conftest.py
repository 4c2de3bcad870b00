import pytest


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A fresh SQLite store per test (the app loads the built-in sample as version 1)."""
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
