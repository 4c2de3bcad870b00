import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

from geo.units import boundaries as gb

SET_PRE = "dien-bien-dong-pre2025"
SET_NEW = "dien-bien-dong-2025"
PRE_CODES = ["03203", "03205", "03208", "03211", "03214", "03370", "03371", "03373", "03376", "03379", "03382",
             "03383", "03384", "03385"]


def test_registry_has_the_contract_sets_and_default():
    ids = [s.id for s in gb.list_boundary_sets()]
    assert SET_PRE in ids and SET_NEW in ids
    assert gb.default_set_id() == SET_PRE
    for s in gb.list_boundary_sets():
        assert s.source and s.licence and s.attribution and s.vintage


def test_real_pre2025_set_loads_14_valid_units_with_string_codes():
    gdf = gb.load_boundary_set(SET_PRE)
    assert len(gdf) == 14
    assert sorted(gdf["code"]) == PRE_CODES
    assert gdf.crs.to_epsg() == 4326
    assert shapely.is_valid(gdf.geometry.values).all()
    assert "Xã Tìa Dình" in set(gdf["name"])


def test_real_2025_set_loads_6_units():
    gdf = gb.load_boundary_set(SET_NEW)
    assert sorted(gdf["code"]) == ["03203", "03208", "03214", "03370", "03382", "03385"]


def test_display_geometry_is_valid_smaller_and_keeps_codes():
    gdf = gb.load_boundary_set(SET_PRE)
    disp = gb.display_geometry(gdf)
    assert list(disp["code"]) == list(gdf["code"])
    assert shapely.is_valid(disp.geometry.values).all()
    assert shapely.get_num_coordinates(disp.geometry.values).sum() <= shapely.get_num_coordinates(gdf.geometry.values).sum()
    # simplification keeps each unit close to its original area
    ratio = disp.to_crs(3405).area.values / gdf.to_crs(3405).area.values
    assert ((ratio > 0.9) & (ratio < 1.1)).all()
    assert set(disp.columns) == {"code", "name", "parent_0", "parent_1", "geometry"}


def _write(tmp_path, features, crs="EPSG:4326", name="b.geojson"):
    gdf = gpd.GeoDataFrame(features, geometry="geometry", crs=crs)
    path = tmp_path / name
    gdf.to_file(path, driver="GeoJSON")
    return path


@pytest.mark.parametrize("features, message", [
    ([{"code": "1", "name": "A", "geometry": box(0, 0, 1, 1)}, {"code": "1", "name": "B", "geometry": box(1, 0, 2, 1)}],
     "trùng"),
    ([{"code": None, "name": "A", "geometry": box(0, 0, 1, 1)}], "thiếu mã"),
    ([{"code": "x1", "name": "A", "geometry": box(0, 0, 1, 1)}], "thiếu mã"),
])
def test_bad_boundary_files_are_refused_with_a_vietnamese_message(tmp_path, features, message):
    path = _write(tmp_path, features)
    with pytest.raises(gb.BoundaryError, match=message):
        gb.read_boundary_file(path, "code", "name")


def test_missing_column_is_named(tmp_path):
    path = _write(tmp_path, [{"ma": "1", "name": "A", "geometry": box(0, 0, 1, 1)}])
    with pytest.raises(gb.BoundaryError, match="thiếu cột 'code'"):
        gb.read_boundary_file(path, "code", "name")


def test_too_many_features_names_the_file_as_written(tmp_path):
    features = [{"code": str(i), "name": f"X{i}", "geometry": box(i, 0, i + 1, 1)} for i in range(1, 4)]
    path = _write(tmp_path, features, name="ranh giới 1,5.geojson")
    with pytest.raises(gb.BoundaryError) as err:
        gb.read_boundary_file(path, "code", "name", max_features=2)
    assert str(err.value) == "Tệp ranh giới ranh giới 1,5.geojson có 3 đối tượng, vượt giới hạn 2"


def test_not_a_vector_file(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(gb.BoundaryError, match="Không đọc được"):
        gb.read_boundary_file(path, "code", "name")


def test_other_crs_is_reprojected(tmp_path):
    g = gpd.GeoSeries([box(103.0, 21.0, 103.1, 21.1)], crs=4326).to_crs(3857)
    path = _write(tmp_path, [{"code": 3205, "name": "Xã Na Son", "geometry": g.iloc[0]}], crs="EPSG:3857")
    out = gb.read_boundary_file(path, "code", "name")
    assert out.crs.to_epsg() == 4326
    assert out["code"].tolist() == ["03205"]
    assert out.total_bounds == pytest.approx([103.0, 21.0, 103.1, 21.1], abs=1e-6)


def test_invalid_geometry_is_repaired(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    assert not bowtie.is_valid
    path = tmp_path / "bow.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "00001", "name": "A"}, "geometry": bowtie.__geo_interface__}]}))
    out = gb.read_boundary_file(path, "code", "name")
    assert out.attrs["repaired"] == 1
    assert out.geometry.is_valid.all()
    assert out.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")


def test_missing_file_gives_the_folder_and_env_var(tmp_path):
    with pytest.raises(gb.BoundaryError, match=gb.ENV_BOUNDARY_DIR):
        gb.load_boundary_set(SET_PRE, folder=tmp_path)


def test_boundary_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(gb.ENV_BOUNDARY_DIR, str(tmp_path))
    assert gb.boundary_dir() == tmp_path
    assert gb.boundary_file(gb.get_boundary_set_info(SET_PRE)) is None


@pytest.mark.parametrize("set_id, n", [(SET_PRE, 14), (SET_NEW, 6)])
def test_fallback_points_come_from_vietnamadminunits(set_id, n):
    pts = gb.fallback_points(set_id)
    assert len(pts) == n
    assert (pts.geometry.geom_type == "Point").all()
    minx, miny, maxx, maxy = pts.total_bounds
    assert 102.9 < minx and maxx < 103.6 and 20.9 < miny and maxy < 21.5  # Điện Biên Đông area


def test_dissolving_communes_by_province_keeps_one_outline_per_province():
    from geo.units.boundaries import display_geometry, dissolve_units, load_boundary_set, province_column

    units = display_geometry(load_boundary_set("dien-bien-dong-pre2025"))
    column = province_column("dien-bien-dong-pre2025")
    out = dissolve_units(units, column)
    assert list(out["name"]) == sorted(set(units[column]))
    assert out.geometry.is_valid.all()
    assert abs(out.geometry.area.sum() - units.geometry.area.sum()) / units.geometry.area.sum() < 0.01


def test_unit_list_is_kept_in_the_cache_per_file_content(tmp_path, monkeypatch):
    """Read from the file once; later processes read the list back (equal, same codes) from the cache folder,
    and a changed file gets a list of its own."""
    import shutil

    from pandas.testing import assert_frame_equal

    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(tmp_path / "cache"))
    info = gb.get_boundary_set_info(SET_PRE)
    src = gb.boundary_file(info)
    path = tmp_path / src.name
    shutil.copy(src, path)
    want = gb._read_unit_list(SET_PRE, str(path))
    gb._unit_list.cache_clear()
    assert_frame_equal(gb._unit_list(SET_PRE, str(path), "a"), want)
    gb._unit_list.cache_clear()
    assert_frame_equal(gb._unit_list(SET_PRE, str(path), "a"), want)  # from the cache entry
    assert len(list((tmp_path / "cache").glob("*-unitlist-*.bin"))) == 1
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["commune_vn"] = "Xã Mới"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    gb._unit_list.cache_clear()
    assert "Xã Mới" in set(gb._unit_list(SET_PRE, str(path), "b")["name"])
    assert len(list((tmp_path / "cache").glob("*-unitlist-*.bin"))) == 2
    gb._unit_list.cache_clear()


@pytest.mark.parametrize("with_file, polygons, geom_type", [(True, True, "MultiPolygon"), (False, False, "Point")])
def test_unit_source_decides_polygons_or_centroids_and_the_fingerprint(tmp_path, with_file, polygons, geom_type):
    """One decision per set: its file when there (polygons, the file's fingerprint), else its centroid list."""
    import shutil

    info = gb.get_boundary_set_info(SET_PRE)
    if with_file:
        shutil.copy(gb.boundary_file(info), tmp_path / info.file)
    src = gb.unit_source(SET_PRE, tmp_path)
    assert (src.polygons, src.fallback) == (polygons, not polygons)
    assert src.fingerprint == (gb.file_fingerprint(tmp_path / info.file) if with_file else gb.FALLBACK)
    shapes = src.shapes()
    assert sorted(shapes["code"]) == PRE_CODES
    assert set(shapes.geometry.geom_type) <= {geom_type, "Polygon"}


def test_a_changed_file_changes_the_sources_fingerprint(tmp_path):
    import shutil

    info = gb.get_boundary_set_info(SET_PRE)
    shutil.copy(gb.boundary_file(info), tmp_path / info.file)
    before = gb.unit_source(SET_PRE, tmp_path).fingerprint
    with open(tmp_path / info.file, "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert gb.unit_source(SET_PRE, tmp_path).fingerprint != before


@pytest.mark.parametrize("change", ["append", "same_size_rewrite", "replace_by_rename", "touch", "none"])
def test_the_fingerprint_follows_every_change_of_the_file(tmp_path, change):
    """Kept per file identity (inode, size, mtime): whatever changes the file changes the fingerprint,
    and an unchanged file keeps it."""
    import os

    path = tmp_path / "units.geojson"
    path.write_bytes(b"A" * 200_000)
    before = gb.file_fingerprint(path)
    assert gb.file_fingerprint(path) == before
    st = path.stat()
    if change == "append":
        with open(path, "ab") as fh:
            fh.write(b"\n")
    elif change == "same_size_rewrite":  # in place, same size; the clock moves on
        path.write_bytes(b"B" * 200_000)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    elif change == "replace_by_rename":  # an admin's atomic replace: a new inode, even with the old mtime
        new = tmp_path / "new.tmp"
        new.write_bytes(b"C" * 200_000)
        os.utime(new, ns=(st.st_atime_ns, st.st_mtime_ns))
        new.replace(path)
    elif change == "touch":
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert (gb.file_fingerprint(path) != before) is (change != "none")


def _fingerprint_calls(text: str) -> int:
    import ast

    return sum(1 for node in ast.walk(ast.parse(text))
               if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
               == "file_fingerprint")


@pytest.mark.parametrize("planted, found", [
    ("from geo.units import boundaries as gb\nfp = gb.file_fingerprint(path)\n", 1),
    ("from geo.units.boundaries import file_fingerprint\nfp = file_fingerprint(path)\n", 1),
    ("from geo.units import boundaries as gb\nfp = gb.unit_source(set_id).fingerprint\n", 0),
])
def test_the_fingerprint_check_finds_a_recomputation(planted, found):
    assert _fingerprint_calls(planted) == found


def test_only_unit_source_computes_a_set_files_fingerprint():
    """Caches key on ``unit_source(set_id).fingerprint``; nobody else fingerprints a set's file again."""
    from pathlib import Path

    root = Path(gb.__file__).resolve().parents[2]
    calls = {str(p.relative_to(root)): _fingerprint_calls(p.read_text(encoding="utf-8"))
             for p in [*root.joinpath("geo").rglob("*.py"), *root.joinpath("pages").rglob("*.py"), root / "app.py"]}
    assert {p: n for p, n in calls.items() if n} == {"geo/units/boundaries.py": 1}  # in unit_source
