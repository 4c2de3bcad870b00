import math

import pytest

from geo.reference.catalog import CatalogError, load_catalog

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
    assert [i.id for i in cat.base()] == CONTRACT_IDS


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
])
def test_malformed_catalog_is_refused(tmp_path, body, message):
    p = tmp_path / "c.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(p)
