"""The national sets: every geometry valid after loading; official codes assigned to the pre-2025 set by name."""

import pytest
import shapely

from geo.units.boundaries import get_boundary_set_info, load_boundary_set, unit_list
from geo.units.codes import assign_official_codes

DBD = ["03203", "03205", "03208", "03211", "03214", "03370", "03371", "03373", "03376", "03379", "03382", "03383",
       "03384", "03385"]


@pytest.fixture(scope="module")
def pre2025():
    return load_boundary_set("vn-pre2025")


@pytest.fixture(scope="module")
def post2025():
    return load_boundary_set("vn-2025")


def test_vn_2025_loads_3321_valid_units_with_75_repaired(post2025):
    assert len(post2025) == 3321
    assert post2025.attrs["repaired"] == 75
    assert shapely.is_valid(post2025.geometry.values).all()
    assert post2025["code"].is_unique and (post2025["code"].str.len() == 5).all()


def test_vn_pre2025_loads_11163_valid_units_with_official_codes(pre2025):
    assert len(pre2025) == 11163
    assert shapely.is_valid(pre2025.geometry.values).all()
    assert pre2025["code"].is_unique
    report = pre2025.attrs["code_report"]
    assert report.total == 11163
    assert report.matched > 9000  # measured 9,303: the rest differ by vintage or spelling and are listed
    assert len(report.unmatched) + len(report.duplicates) == 11163 - report.matched
    # every unmatched unit keeps its own 7-digit id, so it can never collide with an official code
    own = set(pre2025.loc[pre2025["code"].str.len() == 7, "source_id"])
    assert {u[0] for u in report.unmatched} <= own
    dbd = pre2025[pre2025["parent_0"] == "Huyện Điện Biên Đông"]
    assert sorted(dbd["code"]) == DBD  # the same codes as the district file's gso_code


def test_unit_list_gives_the_same_codes_without_geometry(pre2025):
    units = unit_list("vn-pre2025")
    assert list(units["code"]) == list(pre2025["code"])
    assert get_boundary_set_info("vn-pre2025").data_code_width == 5


@pytest.mark.parametrize("name, district, province, expected", [
    ("Xã Tìa Dình", "Huyện Điện Biên Đông", "Điện Biên", "03384"),
    ("Tìa Dình", "Điện Biên Đông", "Tỉnh Điện Biên", "03384"),
    ("Thị trấn Điện Biên Đông", "Huyện Điện Biên Đông", "Điện Biên", "03203"),
    ("Phường Phúc Xá", "Quận Ba Đình", "Hà Nội", "00001"),
    ("Xã Tìa Dình", "Huyện Không Có", "Điện Biên", "03384"),  # district renamed: unique in the province
    ("Xã Không Có", "Huyện Điện Biên Đông", "Điện Biên", "x1"),  # unmatched: own id kept
])
def test_assignment_table(name, district, province, expected):
    codes, report = assign_official_codes(["x1"], [name], [district], [province])
    assert codes == [expected]
    assert report.matched == (0 if expected == "x1" else 1)


def test_a_code_is_never_given_twice():
    codes, report = assign_official_codes(["a", "b"], ["Xã Tìa Dình", "Tìa Dình"], ["Huyện Điện Biên Đông"] * 2,
                                          ["Điện Biên"] * 2)
    assert codes == ["03384", "b"] and report.duplicates == [("b", "03384")]
