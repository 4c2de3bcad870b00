"""geo.bench.restart: the first start counts as done only when its warm-up wrote this store's snapshots."""

from __future__ import annotations

import os
import time

import pytest

from geo.bench.restart import _cache_ready


def _touch(path, at):
    path.write_bytes(b"x")
    os.utime(path, (at, at))


@pytest.mark.parametrize("files, ready", [
    ([], False),
    ([("vn-2025-map-a-v1.bin", 0)], False),                                   # geometry, no table yet
    ([("vn-2025-map-a-v1.bin", 0), ("vn-2025-table-2025-b-v1.bin", -3600)], False),  # another store's table
    ([("vn-2025-map-a-v1.bin", 0), ("vn-2025-table-2025-b-v1.bin", 0)], True),
    ([("vn-2025-map-a-v1.bin", 0), ("vn-pre2025-table-2024-b-v1.bin", 0)], False),   # another set's table
])
def test_the_first_start_is_done_with_this_stores_tables(tmp_path, files, ready):
    now = time.time()
    for name, age in files:
        _touch(tmp_path / name, now + age)
    assert _cache_ready(tmp_path, ["vn-2025"], since=now - 60) is ready
