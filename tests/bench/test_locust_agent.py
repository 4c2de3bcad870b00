"""The Locust side of the load test: loopback only, and what it reads from an agent-API snapshot."""

import pytest

from geo.bench.locust_agent import _widget, loopback_only


@pytest.mark.parametrize("url, ok", [
    ("http://127.0.0.1:8501", True),
    ("http://127.0.0.2:9000", True),
    ("http://localhost:8501", True),
    ("http://[::1]:8501", True),
    ("http://10.0.0.5:8501", False),
    ("http://192.168.1.10:8501", False),
    ("http://8.8.8.8", False),
])
def test_only_loopback_hosts_are_driven(url, ok):
    if ok:
        assert loopback_only(url) == url
    else:
        with pytest.raises(ValueError):
            loopback_only(url)


def test_the_picker_is_found_anywhere_in_the_tree():
    snap = {"tree": {"type": "root", "children": [
        {"type": "container", "children": [{"type": "selectbox", "key": "other", "value": "x"},
                                           {"type": "container", "children": [
                                               {"type": "selectbox", "key": "map_indicator", "value": "Tổ (tổ)",
                                                "props": {"options": ["Tổ (tổ)", "Tin (tin)"]}}]}]}]}}
    assert _widget(snap, "map_indicator")["value"] == "Tổ (tổ)"
    assert _widget(snap, "missing") is None
    assert _widget({}, "map_indicator") is None
