import math

import pytest

from geo.analysis.table import district_totals
from geo.reference.frames import rows_to_table
from geo.reference.sample import sample_table
from geo.units.boundaries import load_boundary_set
from geo.units.crosswalk import (
    Crosswalk,
    CrosswalkError,
    aggregate,
    area_weights,
    load_crosswalk,
    read_crosswalk_csv,
    validate,
)

OLD, NEW = "dien-bien-dong-pre2025", "dien-bien-dong-2025"


@pytest.fixture(scope="module")
def sets():
    return load_boundary_set(OLD), load_boundary_set(NEW)


def test_the_district_crosswalk_maps_14_units_to_6(sets):
    old, new = sets
    cw = load_crosswalk(OLD, NEW, old_units=old, new_units=new)
    assert len(cw.links) == 14
    assert {n for ns in cw.links.values() for n in ns} == set(new["code"])
    assert cw.links["03384"] == ["03385"] and cw.links["03203"] == ["03203"]


def test_2017_sample_on_2025_communes_keeps_the_district_totals(sets):
    old, new = sets
    cw = load_crosswalk(OLD, NEW, old_units=old, new_units=new)
    t = aggregate(sample_table(), cw, dict(zip(new["code"], new["name"])), NEW)
    assert len(t) == 6
    before, after = district_totals(sample_table()), district_totals(t)
    for iid, v in before.items():
        if iid in ("commune_signed",):
            continue
        assert (v is None and after[iid] is None) or math.isclose(v, after[iid]), iid
    assert after["teams_security"] == 233 and after["tips_valuable"] == 115
    # Tìa Dình (new) = Tìa Dình + Háng Lìa (old)
    assert t.loc["03385", "teams_security"] == 13 + 10
    assert after["commune_signed"] == 6  # a flag: signed when every former unit signed
    assert t.attrs["approximate"] == [] and t.attrs["converted_from"] == OLD


# old values → expected new values, with a split unit and a share
CASES = [
    # (links, weights, old rows, expected new rows, approximate)
    ({"A": ["X"], "B": ["X"]}, {"A": {"X": 1.0}, "B": {"X": 1.0}},
     {"A": {"tips_received": 10, "tips_valuable": 5}, "B": {"tips_received": 30, "tips_valuable": 27}},
     {"X": {"tips_received": 40, "tips_valuable": 32}}, []),
    ({"A": ["X", "Y"]}, {"A": {"X": 0.25, "Y": 0.75}},
     {"A": {"tips_received": 100, "tips_valuable": 60}},
     {"X": {"tips_received": 25, "tips_valuable": 15}, "Y": {"tips_received": 75, "tips_valuable": 45}}, ["X", "Y"]),
    ({"A": ["X"], "B": ["X"]}, {"A": {"X": 1.0}, "B": {"X": 1.0}},
     {"A": {"tips_received": 10}, "B": {"tips_received": None}},
     {"X": {"tips_received": 10}}, []),
    ({"A": ["X"], "B": ["Y"]}, {"A": {"X": 1.0}, "B": {"Y": 1.0}},
     {"A": {"commune_signed": 1}, "B": {"commune_signed": 0}},
     {"X": {"commune_signed": 1}, "Y": {"commune_signed": 0}}, []),
]


@pytest.mark.parametrize("links, weights, old_rows, expected, approximate", CASES)
def test_aggregation_table(links, weights, old_rows, expected, approximate):
    table = rows_to_table([{"unit_code": c, "unit_name": c, "values": v} for c, v in old_rows.items()], "old", "2017")
    cw = Crosswalk(None, links, weights)
    out = aggregate(table, cw, {c: c for c in sorted({n for ns in links.values() for n in ns})}, "new")
    for code, vals in expected.items():
        for iid, v in vals.items():
            assert out.loc[code, iid] == pytest.approx(v), (code, iid)
    assert out.attrs["approximate"] == approximate
    # the share is recomputed from summed parts
    tot = district_totals(out)
    if tot["tips_received"] and tot["tips_valuable"] is not None:
        assert tot["valuable_tip_rate"] == pytest.approx(100 * tot["tips_valuable"] / tot["tips_received"])


def test_missing_part_marks_incomplete():
    table = rows_to_table([{"unit_code": "A", "unit_name": "A", "values": {"tips_received": 1}},
                           {"unit_code": "B", "unit_name": "B", "values": {"tips_received": None}}], "o", "2017")
    out = aggregate(table, Crosswalk(None, {"A": ["X"], "B": ["X"]}, {"A": {"X": 1.0}, "B": {"X": 1.0}}), {"X": "X"}, "n")
    assert out.attrs["incomplete"] == ["X"]


@pytest.mark.parametrize("links, weights, old, new, message", [
    ({"A": ["X"]}, {}, ["A", "B"], ["X"], "chưa được chuyển đổi: B"),
    ({"A": ["Z"]}, {}, ["A"], ["X"], "không có trong bộ ranh giới: Z"),
    ({"A": ["X", "Y"]}, {"A": {"X": 0.5, "Y": 0.4}}, ["A"], ["X", "Y"], "cộng lại bằng 0.9"),
])
def test_validation(links, weights, old, new, message):
    with pytest.raises(CrosswalkError, match=message) as info:
        validate(links, weights, old, new)
    english = info.value.message("en")
    assert english.startswith("The crosswalk is not valid") and "chuyển đổi" not in english  # English throughout


def test_csv_with_a_bad_code_names_the_row(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("old,new\n03203,03203\nabc,03208\n", encoding="utf-8")
    with pytest.raises(CrosswalkError, match="dòng 3"):
        read_crosswalk_csv(p, "old", "new")


def test_area_weights_sum_to_one_for_a_real_split(sets):
    old, new = sets
    # pretend Keo Lôm (03376) was split between Na Son and Phình Giàng
    w = area_weights({"03376": ["03203", "03382"]}, old, new)
    assert sum(w["03376"].values()) == pytest.approx(1.0)
    assert w["03376"]["03203"] > w["03376"]["03382"]  # it lies mostly in new Na Son


def test_whole_unit_assignment_still_marks_a_split_approximate():
    table = rows_to_table([{"unit_code": "A", "unit_name": "A", "values": {"tips_received": 10}}], "o", "2017")
    cw = Crosswalk(None, {"A": ["X", "Y"]}, {"A": {"X": 1.0}})
    out = aggregate(table, cw, {"X": "X", "Y": "Y"}, "n")
    assert out.loc["X", "tips_received"] == 10 and math.isnan(out.loc["Y", "tips_received"])
    assert out.attrs["approximate"] == ["X", "Y"]


def test_national_crosswalk_from_dvhcvn(tmp_path):
    """vn-pre2025 → vn-2025 through dvhcvn's splits.json: totals kept for the mapped units, splits marked,
    units without an official code reported as unmapped (never guessed)."""
    old, new = load_boundary_set("vn-pre2025"), load_boundary_set("vn-2025")
    cw = load_crosswalk("vn-pre2025", "vn-2025", method="area", old_units=old, new_units=new)
    assert len(cw.links) > 9000 and cw.split_units()
    assert set(cw.unmapped) >= {u[0] for u in old.attrs["code_report"].unmatched}
    for ws in cw.weights.values():
        assert sum(ws.values()) == pytest.approx(1.0)
    table = rows_to_table([{"unit_code": c, "unit_name": n, "values": {"teams_security": 5}}
                           for c, n in zip(old["code"], old["name"])], "vn-pre2025", "2024")
    out = aggregate(table, cw, dict(zip(new["code"], new["name"])), "vn-2025")
    assert len(out) == 3321
    assert district_totals(out)["teams_security"] == pytest.approx(5 * (len(old) - len(out.attrs["unmapped"])))
    assert out.attrs["approximate"]


def test_composition_lists_the_old_units_of_each_new_commune(sets):
    from geo.units.crosswalk import composition

    old, new = sets
    cw = load_crosswalk(OLD, NEW, old_units=old, new_units=new)
    before = sample_table()
    after = aggregate(before, cw, dict(zip(new["code"], new["name"])), NEW)
    rows = {r["unit_code"]: r for r in composition(cw, before, after, "teams_security")}
    tia = rows["03385"]
    assert [c for c, _, _ in tia["old"]] == ["03384", "03385"]
    assert [v for _, _, v in tia["old"]] == [13, 10] and tia["value"] == 23
    assert sum(len(r["old"]) for r in rows.values()) == 14
