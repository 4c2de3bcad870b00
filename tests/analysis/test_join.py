import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.analysis.join import join_table, joined_table
from geo.reference.sample import sample_table
from geo.units.boundaries import load_boundary_set
from geo.units.index import match_units


@pytest.fixture(scope="module")
def units():
    return load_boundary_set("dien-bien-dong-pre2025")


@pytest.mark.parametrize("code, name, expected", [
    ("03205", None, "03205"),
    (3205, None, "03205"),
    ("3205", "whatever", "03205"),
    (None, "Xã Na Son", "03205"),
    (None, "NA SON", "03205"),
    (None, "Xa\u0303 Na Son", "03205"),
    (None, "Pu Nhi", "03370"),
    (None, "Luân Giói", "03379"),
    (None, "Thị trấn Điện Biên Đông", "03203"),
    (None, "TT Điện Biên Đông", "03203"),
    (None, "Xa Dung", "03373"),
    (None, "xã  háng   lìa", "03385"),
    ("99999", "Tìa Dình", "03384"),  # unknown code, known name: name fallback
])
def test_match_by_code_then_name(units, code, name, expected):
    mapping, report = match_units([(code, name)], list(zip(units["code"], units["name"])))
    assert mapping == {0: expected}


def test_codes_and_names_mixed_in_one_table(units):
    """The names are indexed only once a unit is not matched by its code (issue 22): codes before and after
    that unit still match, and every way of matching is reported."""
    data = [("03205", "x"), (None, "Pu Nhi"), (3203, None), ("99999", "Tìa Dình"), ("99998", "Nowhere"),
            ("03385", None)]
    mapping, report = match_units(data, list(zip(units["code"], units["name"])))
    assert mapping == {0: "03205", 1: "03370", 2: "03203", 3: "03384", 5: "03385"}
    assert [how for _d, _c, how in report.matched] == ["code", "name", "code", "name", "code"]
    assert report.data_only == [("99998", "Nowhere")] and len(report.set_only) == 14 - 5


@pytest.mark.parametrize("code, name", [(None, "Hà Nội"), ("99999", "Nowhere"), (None, "")])
def test_unknown_units_are_reported_not_guessed(units, code, name):
    mapping, report = match_units([(code, name)], list(zip(units["code"], units["name"])))
    assert mapping == {}
    assert len(report.data_only) == 1
    assert len(report.set_only) == 14


def test_ambiguous_names_are_not_joined():
    mapping, report = match_units([(None, "Na Son")], [("00001", "Xã Na Son"), ("00002", "Phường Na Son")])
    assert mapping == {}
    assert report.ambiguous and report.ambiguous[0][1] == ["00001", "00002"]


def test_join_keeps_geodataframe_type_crs_and_geometry(units):
    table = sample_table()
    out, report = join_table(units, table)
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.crs == units.crs
    assert out.geometry.name == units.geometry.name
    assert_geodataframe_equal(out[units.columns], units)
    assert report.complete and len(report.matched) == 14
    assert out.set_index("code").loc["03203", "teams_street_protection"] == 10


def test_partial_data_leaves_no_data_not_zero(units):
    table = sample_table().drop(index=["03205", "03385"])
    frame, report = joined_table(units, table)
    assert len(frame) == 14
    assert pd.isna(frame.loc["03205", "teams_security"])
    assert sorted(c for c, _ in report.set_only) == ["03205", "03385"]


def test_join_by_name_when_codes_are_missing(units):
    table = sample_table().reset_index()
    table["unit_code"] = [f"x{i}" for i in range(len(table))]
    table = table.set_index("unit_code")
    table.attrs.update(sample_table().attrs)
    frame, report = joined_table(units, table)
    assert report.complete
    assert {h for _, _, h in report.matched} == {"name"}
    assert frame["teams_security"].sum() == 233
