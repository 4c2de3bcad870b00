"""Units matched within their parents (geo.intake.parents): the official lists of the vietnamadminunits package,
by name with their province (and district) columns, against the national sets."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest

from geo.intake import parents
from geo.intake.ingest import validate_file
from geo.units.boundaries import boundary_file, get_boundary_set_info
from geo.units.index import make_unit_index
from geo.units.resolver import load_units


def _needs(set_id):
    if boundary_file(get_boundary_set_info(set_id)) is None:
        pytest.skip(f"boundary file of {set_id} not present")


def _official(table: str) -> list[dict]:
    from vietnamadminunits.database import query

    cols = "province, ward, wardCode" if table == "admin_units" else "province, district, ward, wardCode"
    return query(f"SELECT DISTINCT {cols} FROM {table}")


def _file(rows, cols, spell) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["STT", *[h for h, _k in cols], "Tổ ANND"])
    for i, r in enumerate(rows, 1):
        w.writerow([i, *[spell(r[k] or "") for _h, k in cols], i])  # the value says which row it came from
    return out.getvalue().encode("utf-8")


SPELLINGS = {"as written": lambda s: s, "capitals": str.upper, "NFD": lambda s: unicodedata.normalize("NFD", s)}


def _check(set_id, rows, cols, spell):
    units = load_units(set_id)
    r = validate_file(_file(rows, cols, spell), boundary_set=set_id, period="2017", file_name="ds.csv")
    in_set = [i for i, row in enumerate(rows, 1) if row["wardCode"] in units.names]
    got = {x["values"]["teams_security"]: x["unit_code"] for x in r.rows}
    right = sum(1 for i in in_set if got.get(i) == rows[i - 1]["wardCode"])
    # never under another official unit: a row lands on its own code, or on a unit of the set without one
    wrong = [(rows[i - 1], c) for i, c in got.items() if c != rows[i - 1]["wardCode"] and len(c) == 5]
    return r, len(in_set), right, wrong


@pytest.mark.parametrize("spell", sorted(SPELLINGS))
@pytest.mark.parametrize("unit_header", ["Xã, phường", "Xã, phường, đặc khu"])
def test_official_2025_list_matches_every_unit_of_vn_2025(unit_header, spell):
    _needs("vn-2025")
    rows = _official("admin_units")
    r, in_set, right, wrong = _check("vn-2025", rows, [("Tỉnh, thành phố", "province"), (unit_header, "ward")],
                                     SPELLINGS[spell])
    assert in_set == len(rows) == 3321
    assert right == 3321 and not wrong and not r.errors


def _no_diacritics(s: str) -> str:
    return unicodedata.normalize("NFKD", s.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()


@pytest.mark.parametrize("spell", [*sorted(SPELLINGS), "no diacritics"])
def test_official_legacy_list_against_vn_pre2025(spell):
    _needs("vn-pre2025")
    rows = _official("admin_units_legacy")
    r, in_set, right, wrong = _check("vn-pre2025", rows, [("Tỉnh/TP", "province"), ("Quận, huyện", "district"),
                                                          ("Xã, phường, thị trấn", "ward")], SPELLINGS.get(spell, _no_diacritics))
    assert in_set == 9303 and right == in_set and not wrong
    if spell in SPELLINGS:  # without diacritics 'Minh Quân' and 'Minh Quang' of one district are truly ambiguous
        assert not [p for p in r.errors if "nhiều đơn vị" in p.message]


# Pure cases on a small index: (written province, district) → which homonyms remain.
UNITS = make_unit_index("t", 5, [("00001", "Xã Tân Hòa"), ("00002", "Xã Tân Hòa"), ("00003", "Phường Tân Hòa")],
                        [("Huyện A", "Tỉnh Một"), ("Huyện B", "Tỉnh Hai"), ("Thị xã C", "Tỉnh Hai")])


@pytest.mark.parametrize("written,allowed,expected", [
    ({}, None, {"00001", "00002", "00003"}),
    ({"province": "Tỉnh Một"}, None, {"00001"}),
    ({"province": "MỘT"}, None, {"00001"}),
    ({"province": "Hai"}, None, {"00002", "00003"}),
    ({"province": "Hai", "district": "Huyện B"}, None, {"00002"}),
    ({"province": "Hai", "district": "thi xa c"}, None, {"00003"}),
    ({"province": "Ba"}, None, set()),
    ({}, {"00002"}, {"00002"}),
    ({"province": "Một", "district": "Huyện Đã Nhập"}, None, {"00001"}),  # a district not in the set: not used
])
def test_narrow(written, allowed, expected):
    assert parents.narrow(UNITS, {"00001", "00002", "00003"}, written, allowed) == expected


@pytest.mark.parametrize("text,area", [
    ("Tỉnh Hai", (("parent_1", "Tỉnh Hai"),)),
    ("hai/huyen b", (("parent_1", "Tỉnh Hai"), ("parent_0", "Huyện B"))),
    ("", ()),
])
def test_parse_area(text, area):
    assert parents.parse_area(UNITS, text) == area
    assert parents.area_codes(UNITS, area) == ({"00002"} if len(area) == 2 else {"00002", "00003"} if area else None)


@pytest.mark.parametrize("text", ["Tỉnh Ba", "Hai/Huyện Z", "a/b/c"])
def test_parse_area_unknown(text):
    with pytest.raises(ValueError):
        parents.parse_area(UNITS, text)
