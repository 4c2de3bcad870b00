"""geo.units.display: a set's display units prepared once per file content and version, read back equal."""

from __future__ import annotations

import json
import shutil

import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.units import boundaries as gb
from geo.units import display, geocache

SET = "dien-bien-dong-pre2025"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A boundary folder of our own (its file may change) and an empty cache folder."""
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(tmp_path / "cache"))
    src = gb.boundary_file(gb.get_boundary_set_info(SET))
    if src is None:
        pytest.skip("boundary files not present (ANTT_BOUNDARY_DIR)")
    (tmp_path / "b").mkdir()
    shutil.copy(src, tmp_path / "b" / src.name)
    display._MEMO.clear()
    yield tmp_path / "b"
    display._MEMO.clear()


def _entries(tmp_path, kind="units"):
    return sorted(p.name for p in (tmp_path / "cache").glob(f"*-{kind}-*.bin"))


def _expected(folder):
    return gb.display_geometry(gb.load_boundary_set(SET, folder))


def _same(got, want):
    got, want = got.copy(), want.copy()
    got.attrs, want.attrs = {}, {}
    assert_geodataframe_equal(got, want, check_less_precise=False)


def test_units_are_written_once_and_read_back_equal(folder, tmp_path):
    first = display.display_units(SET, folder)
    assert len(_entries(tmp_path)) == 1
    _same(first, _expected(folder))
    display._MEMO.clear()  # as a restarted process
    again = display.display_units(SET, folder)
    _same(again, first)
    assert again.attrs["set_id"] == SET and again.attrs["fingerprint"] == gb.file_fingerprint(
        folder / gb.get_boundary_set_info(SET).file)


def test_a_changed_boundary_file_gets_a_new_entry(folder, tmp_path):
    display.display_units(SET, folder)
    path = folder / gb.get_boundary_set_info(SET).file
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["commune_vn"] = "Xã Đổi Tên"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    changed = display.display_units(SET, folder)
    assert len(_entries(tmp_path)) == 2
    assert "Xã Đổi Tên" in set(changed["name"])
    _same(changed, _expected(folder))


def test_a_new_preparation_version_gets_a_new_entry(folder, tmp_path, monkeypatch):
    display.display_units(SET, folder)
    monkeypatch.setattr(display, "UNITS_VERSION", "test-next")
    display._MEMO.clear()
    display.display_units(SET, folder)
    names = _entries(tmp_path)
    assert len(names) == 2 and any(n.endswith("-vtest-next.bin") for n in names)


def test_a_corrupt_entry_is_rebuilt_not_served(folder, tmp_path):
    display.display_units(SET, folder)
    entry = tmp_path / "cache" / _entries(tmp_path)[0]
    blob = bytearray(entry.read_bytes())
    blob[-50] ^= 0xFF  # a byte of the last polygon's WKB
    entry.write_bytes(bytes(blob))
    display._MEMO.clear()
    rebuilt = display.display_units(SET, folder)
    _same(rebuilt, _expected(folder))
    assert geocache.read_entry(entry) is not None  # replaced by a whole entry


def test_a_missing_file_says_so_in_vietnamese(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(gb.BoundaryError) as err:
        display.display_units(SET, tmp_path)
    assert gb.get_boundary_set_info(SET).file in err.value.message("vi")
