import math

import pytest

import json
from datetime import date

from geo.reference.catalog import CatalogError, build_catalog, load_catalog, parts_problems, set_definitions_source
from geo.text.errors import AnttError

CONTRACT_IDS = [
    "teams_security", "teams_street_protection", "teams_mediation", "teams_civil_defence", "villages_total",
    "villages_signed", "agencies_total", "agencies_signed", "schools_total", "schools_signed", "commune_signed",
    "tips_received", "tips_valuable", "forums_held", "opinions_force_building", "opinions_crime_fighting",
    "prestigious_people", "households_reminded", "weapons_recovered", "explosives_recovered_kg", "population",
]


def test_contract_ids_are_base_indicators():
    cat = load_catalog()
    for iid in CONTRACT_IDS:
        assert iid in cat, iid
        assert not cat[iid].derived
    assert [i.id for i in cat.base()][:len(CONTRACT_IDS)] == CONTRACT_IDS  # old ids first, in their order


NEW_IDS = [
    "teams_security_order", "members_security_order", "villages_registered", "villages_recognized",
    "villages_recognized_excellent", "villages_recognized_good", "villages_recognized_average",
    "commune_recognized", "commune_recognized_excellent", "commune_recognized_good", "commune_recognized_average",
    "agencies_registered", "agencies_recognized", "schools_registered", "schools_recognized",
    "self_management_model_types", "self_management_model_sites", "festival_sites", "support_tools_recovered",
    "village_registration_coverage", "village_recognition_rate", "agency_recognition_rate",
    "school_recognition_rate", "members_per_team", "protection_teams_per_village",
]


def test_new_ids_are_in_the_catalog_with_a_legal_basis():
    cat = load_catalog()
    for iid in NEW_IDS:
        assert iid in cat, iid
    for ind in cat:
        assert ind.legal_basis, ind.id


@pytest.mark.parametrize("iid, period, valid", [
    ("teams_street_protection", "2017", True),
    ("teams_street_protection", "2024", True),       # the year overlaps its last day, 30 June 2024
    ("teams_street_protection", "2024-Q2", True),
    ("teams_street_protection", "2024-Q3", False),
    ("teams_street_protection", "2024-07", False),
    ("teams_street_protection", "2025", False),
    ("teams_security_order", "2024-06", False),
    ("teams_security_order", "2024-07", True),
    ("teams_security_order", "2017", False),
    ("villages_signed", "2022-01", True),
    ("villages_signed", "2022-02", True),             # ends 9 Feb 2022
    ("villages_signed", "2022-03", False),
    ("villages_recognized", "2022-02", True),         # from 10 Feb 2022
    ("villages_recognized", "2021", False),
    ("village_coverage", "2023", False),              # derived: valid where its parts are
    ("village_recognition_rate", "2021", False),
    ("members_per_team", "2024-Q3", True),
    ("festival_sites", "2017", True),                 # open validity: every period
    ("festival_sites", "2026-Q1", True),
])
def test_validity_overlaps_the_period(iid, period, valid):
    cat = load_catalog()
    assert cat[iid].valid_on(period) is valid
    assert (iid in cat.valid_in(period)) is valid


@pytest.mark.parametrize("old, new", [
    ("teams_street_protection", "teams_security_order"),
    ("villages_signed", "villages_registered"),
    ("villages_signed", "villages_recognized"),
    ("agencies_signed", "agencies_recognized"),
    ("schools_signed", "schools_recognized"),
    ("commune_signed", "commune_recognized"),
])
def test_lineage_links_old_and_new(old, new):
    cat = load_catalog()
    assert new in cat[old].replaced_by
    assert old in cat[new].continues
    assert cat[new].lineage("vi") and cat[new].lineage("en")
    assert [i.id for i in cat.predecessors(new)].count(old) == 1
    assert new in [i.id for i in cat.successors(old)]


def test_signed_commitments_and_recognition_are_not_called_the_same_measure():
    cat = load_catalog()
    assert "không cùng thước đo" in cat["villages_recognized"].lineage_vi
    assert "not the same measure" in cat["villages_recognized"].lineage_en


def test_dates_are_dates():
    cat = load_catalog()
    assert cat["teams_street_protection"].valid_to == date(2024, 6, 30)
    assert cat["teams_security_order"].valid_from == date(2024, 7, 1)
    assert cat["villages_registered"].valid_from == date(2022, 2, 10)
    assert cat["teams_security"].valid_from is None and cat["teams_security"].valid_to is None


STORED = {"id": "drug_free_villages", "vi": "Số bản không có ma túy", "en": "Drug-free villages",
          "short_vi": "Bản không ma túy", "unit_vi": "bản", "unit_en": "villages", "kind": "count",
          "direction": "up", "temporal": "stock", "group": "models", "public": True,
          "description_vi": "Bản được công nhận không có ma túy.", "description_en": "Drug-free villages.",
          "valid_from": "2025-01-01", "legal_basis": "Quy định của tỉnh", "aliases": ["ban khong ma tuy"]}


@pytest.fixture
def stored_source():
    texts: list[str] = []
    set_definitions_source(lambda: texts)
    yield texts
    set_definitions_source(None)


def test_stored_definitions_merge_over_the_seed(stored_source):
    seed_len = len(load_catalog())
    stored_source.append(json.dumps(STORED))
    stored_source.append(json.dumps({**dict(load_catalog()["teams_mediation"].__dict__ | {}), "aliases": [],
                                     "continues": [], "replaced_by": [], "valid_from": None,
                                     "valid_to": "2025-12-31", "origin": "catalog"}))
    cat = load_catalog()
    assert len(cat) == seed_len + 1
    new = cat["drug_free_villages"]
    assert new.origin == "store" and new.aliases == ("ban khong ma tuy",) and new.valid_from == date(2025, 1, 1)
    assert "drug_free_villages" in cat.valid_in("2025") and "drug_free_villages" not in cat.valid_in("2024")
    assert cat["teams_mediation"].valid_to == date(2025, 12, 31) and cat["teams_mediation"].origin == "store"
    assert cat.ids.index("teams_mediation") == 2  # an override keeps its place
    stored_source.clear()
    assert "drug_free_villages" not in load_catalog()


@pytest.mark.parametrize("iid, num, den, expected", [
    ("village_coverage", 243, 243, 100.0),
    ("valuable_tip_rate", 115, 153, 100 * 115 / 153),
    ("teams_per_village", 233, 243, 233 / 243),
    ("teams_per_1000", 233, 56249, 1000 * 233 / 56249),
    ("valuable_tip_rate", 5, 0, None),
    ("valuable_tip_rate", None, 10, None),
    ("valuable_tip_rate", 3, float("nan"), None),
])
def test_derived_compute(iid, num, den, expected):
    got = load_catalog()[iid].compute(num, den)
    if expected is None:
        assert got is None
    else:
        assert math.isclose(got, expected)


def test_every_indicator_has_both_languages_and_flags():
    for ind in load_catalog():
        assert ind.vi and ind.en and ind.unit_vi and ind.unit_en
        assert ind.description_vi and ind.description_en
        assert isinstance(ind.public, bool)


def test_map_choices_offer_the_rate_before_the_count():
    choices = load_catalog().map_choices()
    assert choices.index("teams_per_village") < choices.index("teams_security")
    assert choices.index("village_coverage") < choices.index("villages_signed")
    assert choices.index("valuable_tip_rate") < choices.index("tips_valuable")
    assert len(choices) == len(set(choices)) == len(load_catalog())


def test_public_only_hides_internal():
    cat = load_catalog()
    assert "households_reminded" not in cat.map_choices(public_only=True)
    assert "households_reminded" in cat.map_choices()


@pytest.mark.parametrize("body, message", [
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="bogus"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\n', "unknown kind"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="share"\nnumerator="b"\ndenominator="c"\nunit_vi="%"\n'
     'unit_en="%"\ndirection="up"\ntemporal="stock"\ngroup="g"\npublic=true\n', "not a base indicator"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="count"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\n' * 2, "duplicate"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="count"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\nvalid_from=2025-01-01\nvalid_to=2024-01-01\n', "after valid_to"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="count"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\nvalid_from="1 July"\n', "not a date"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="count"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\ncontinues=["zz"]\n', "continues unknown"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="count"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\nperiod_types=["week"]\n', "period type 'week'"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="count"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\nperiod_types=["dg2902"]\n', "period type 'dg2902'"),
    ('[[indicator]]\nid="a"\nvi="A"\nen="A"\nkind="count"\nunit_vi="x"\nunit_en="x"\ndirection="up"\n'
     'temporal="stock"\ngroup="g"\npublic=true\nperiod_types=[]\n', "period type '[]'"),
])
def test_malformed_catalog_is_refused(tmp_path, body, message):
    p = tmp_path / "c.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(p)
    assert message in info.value.message("en")
    assert str(info.value) == info.value.message("vi") != info.value.message("en")  # Vietnamese first


# -- parts: the grades of a recognized count -------------------------------------------------------------------

GRADES = ("villages_recognized_excellent", "villages_recognized_good", "villages_recognized_average")


def test_recognized_counts_name_their_three_grades():
    cat = load_catalog()
    assert cat["villages_recognized"].parts == GRADES
    assert cat["commune_recognized"].parts == tuple(g.replace("villages", "commune") for g in GRADES)
    assert [w for w, _ in cat.valid_in("2025").part_groups()] == ["villages_recognized", "commune_recognized"]
    assert [w for w, _ in cat.valid_in("2017").part_groups()] == []  # no grades before Circular 124/2021
    assert [w for w, _ in cat.valid_in("2026").part_groups()] == [
        "teams_security_order", "members_security_order", "villages_recognized", "commune_recognized"]


LEVELS = ("excellent", "good", "completed", "not_completed")


@pytest.mark.parametrize("who", ["teams_security_order", "members_security_order"])
def test_the_four_rating_levels_of_2026(who):
    cat = load_catalog()
    ids = tuple(f"{who}_{level}" for level in LEVELS)
    assert cat[who].parts == ids and cat[who].parts_rule == "at_most"  # teams not yet rated are in no level
    for iid in ids:
        ind = cat[iid]
        assert ind.valid_from == date(2026, 1, 1) and ind.valid_to is None and ind.kind == "count"
        assert "01/HD-BCA-V05" in ind.legal_basis and ind.public
        assert iid in cat.valid_in("2026") and iid not in cat.valid_in("2025")
    assert [cat[i].vi.split("trật tự ")[1] for i in ids] == [
        "hoàn thành xuất sắc nhiệm vụ", "hoàn thành tốt nhiệm vụ", "hoàn thành nhiệm vụ", "không hoàn thành nhiệm vụ"]


# levels of 10 teams: (excellent, good, completed, not completed) → problem sum or None
@pytest.mark.parametrize("levels, expected", [
    ((2, 5, 2, 1), None),          # all rated
    ((2, 5, 2, None), None),       # one level missing
    ((1, 4, 2, 0), None),          # three not yet rated: fewer than the teams is fine (at_most)
    ((2, 5, 2, 2), 11),            # more rated than there are teams
    ((None, 11, None, None), 11),
])
def test_rating_levels_never_exceed_the_teams(levels, expected):
    values = {"teams_security_order": 10, **{f"teams_security_order_{lv}": v for lv, v in zip(LEVELS, levels)}}
    got = parts_problems(values, load_catalog())
    assert [p["sum"] for p in got] == ([] if expected is None else [expected])


# (recognized, excellent, good, average) → None (accepted) or (sum, complete)
@pytest.mark.parametrize("total, x, g, a, expected", [
    (42, 13, 21, 8, None),            # all three add up
    (42, 13, 21, 9, (43, True)),       # all three, one too many
    (42, 1, 2, 3, (6, True)),          # all three, too few: not the same count
    (42, 13, None, 8, None),           # one missing: 21 below 42, the rest is not guessed
    (10, 13, None, 8, (21, False)),    # one missing, the given already exceed
    (None, 13, 21, 8, None),           # no recognized count: nothing to compare
    (42, None, None, None, None),      # no grades
    (0, 0, 0, 0, None),                # nothing recognized, nothing graded
    (0, None, None, 1, (1, False)),    # not recognized but graded
    (5.0, 2, 3, float("nan"), None),   # NaN is missing
])
def test_parts_problems(total, x, g, a, expected):
    values = {"villages_recognized": total, GRADES[0]: x, GRADES[1]: g, GRADES[2]: a}
    got = parts_problems(values, load_catalog())
    if expected is None:
        assert got == []
        return
    assert len(got) == 1 and got[0]["whole"] == "villages_recognized" and got[0]["total"] == total
    assert (got[0]["sum"], got[0]["complete"]) == expected
    assert got[0]["parts"] == {k: v for k, v in zip(GRADES, (x, g, a)) if v is not None}


BASE = {"vi": "A", "en": "A", "kind": "count", "unit_vi": "x", "unit_en": "x", "direction": "up",
        "temporal": "stock", "group": "g", "public": True}


@pytest.mark.parametrize("entries, part", [
    ([{**BASE, "id": "a", "parts": ["zz"]}], "zz"),                                   # unknown
    ([{**BASE, "id": "a", "parts": ["a"]}], "a"),                                     # itself
    ([{**BASE, "id": "a", "parts": ["b"]}, {**BASE, "id": "c"},
      {**BASE, "id": "b", "kind": "share", "numerator": "c", "denominator": "a"}], "b"),  # a derived one
    ([{**BASE, "id": "a", "parts": ["b"]}, {**BASE, "id": "b", "parts": ["c"]}, {**BASE, "id": "c"}], "b"),  # nested
    ([{**BASE, "id": "a", "parts": ["b"], "parts_rule": "roughly"}, {**BASE, "id": "b"}], None),  # unknown rule
])
def test_a_part_that_cannot_be_one_is_refused(entries, part):
    with pytest.raises(AnttError) as err:
        build_catalog(entries)
    if part is None:
        assert err.value.key == "catalog_bad_parts_rule" and "'roughly'" in err.value.message("vi")
        return
    assert err.value.key == "catalog_bad_part" and err.value.params["part"] == part
    assert f"'{part}'" in err.value.message("vi") and "mức xếp loại" in err.value.message("vi")
    assert "cannot be a part" in err.value.message("en")


# -- period types (issue 20): in which periods each indicator is reported ----------------------------------------

BASE = {"vi": "A", "en": "A", "kind": "count", "unit_vi": "x", "unit_en": "x", "direction": "up",
        "temporal": "stock", "group": "g", "public": True}


@pytest.mark.parametrize("given, types", [
    (None, ("year", "half", "quarter", "month")),      # absent: the calendar types, so older catalogs load
    (["dg3110", "year"], ("dg3110", "year")),
    (["DG3110", "dg3110", " year "], ("dg3110", "year")),  # written loosely, kept once
    ("quarter", ("quarter",)),
])
def test_period_types_default_to_the_calendar(given, types):
    entry = {**BASE, "id": "a"} | ({} if given is None else {"period_types": given})
    assert build_catalog([entry])["a"].period_types == types


@pytest.mark.parametrize("iid, period, reported", [
    ("villages_recognized", "2025-DG3110", True),       # TT 124/2021 Art. 8(2): 01/11–31/10
    ("villages_recognized", "2025", True),              # the yearly summary report, and every stored file so far
    ("villages_recognized", "2025-Q3", False),          # recognized once a year (Art. 3(1))
    ("villages_recognized", "2025-DG1511", False),      # that is the communes' window
    ("villages_total", "2025-DG3110", True),            # counted against in the evaluation year
    ("villages_total", "2025-Q3", True),
    ("commune_recognized", "Năm đánh giá 2025 (16/11/2024–15/11/2025)", True),
    ("commune_recognized", "2025-DG3110", False),
    ("teams_security_order_excellent", "2026-DG1411", True),   # HD 01/HD-BCA-V05: 15/11–14/11
    ("teams_security_order_excellent", "2026-H1", False),
    ("teams_security_order", "2026-DG1411", True),
    ("tips_received", "2025-DG3110", False),            # flows are reported in calendar periods
    ("tips_received", "2025-H1", True),
    ("tips_received", "2025-07", True),
])
def test_each_indicator_says_its_period_types(iid, period, reported):
    cat = load_catalog()
    assert cat[iid].reported_in(period) is reported
    assert (iid in cat.reported_in(period)) is reported


def test_derived_indicators_follow_their_parts():
    cat = load_catalog()
    assert "village_recognition_rate" in cat.reported_in("2025-DG3110")
    assert "village_recognition_rate" not in cat.reported_in("2025-Q3")
    assert "valuable_tip_rate" not in cat.reported_in("2025-DG3110")


def test_the_refusal_names_the_indicator_the_period_and_its_types():
    from geo.reference.catalog import not_reported_in, period_type_params

    cat = load_catalog()
    bad = not_reported_in(["tips_received", "villages_recognized", "village_recognition_rate", "nope"], cat,
                          "2025-DG3110")
    assert [i.id for i in bad] == ["tips_received"]  # derived and unknown ids are other checks' business
    params = period_type_params(bad, "2025-DG3110")
    assert params["period"] == "2025-DG3110" and params["label"] == "Năm đánh giá 2025 (01/11/2024–31/10/2025)"
    assert params["kind"] == "năm đánh giá kết thúc ngày 31/10"
    assert cat["tips_received"].vi in params["indicators"] and "năm; 6 tháng; quý; tháng" in params["indicators"]
    assert params["example"] == "2025"
    assert period_type_params(not_reported_in(["villages_recognized"], cat, "2025-Q3"), "2025-Q3")["example"] \
        == "2025-DG3110"


def test_recognition_is_not_graded_by_circular_124():
    """TT 124/2021/TT-BCA recognizes (đạt / chưa đạt); the grade indicators cite the movement's classification
    (QĐ 510/QĐ-BCA-V05) instead, and say the level names are not confirmed (data/catalog.toml's sources)."""
    cat = load_catalog()
    for whole in ("villages_recognized", "commune_recognized"):
        for part in cat[whole].parts:
            assert cat[part].legal_basis.startswith("Quyết định 510/QĐ-BCA-V05")
            assert "không xếp loại" in cat[part].legal_basis and "chưa đối chiếu" in cat[part].legal_basis
        assert "Thông tư 124/2021/TT-BCA" in cat[whole].legal_basis
