"""geo.intake.entry: the entry form's fields for a period and its live checks — the upload's own checks
(parse_value, parts_problems, pair_problems), worded for a form and naming the unit and the period."""

from __future__ import annotations

import pytest

from geo.intake import entry
from geo.reference.catalog import load_catalog

UNIT, P = "Na Son (03203)", "2025-Q3"
Y = "2025"  # recognition is reported in years and evaluation years, not in quarters (data/catalog.toml)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize("raw, keys, fields", [
    ({"teams_security": "12"}, [], []),
    ({"teams_security": "1.234"}, [], []),                        # read the Vietnamese way: 1234
    ({"teams_security": ""}, [], []),                             # empty: no data, not an error
    ({"teams_security": "mười"}, ["không phải là số"], ["teams_security"]),
    ({"teams_security": "-3"}, ["số âm"], ["teams_security"]),
    ({"teams_security": "2,5"}, ["không phải số nguyên"], ["teams_security"]),
    ({"commune_signed": "2"}, ["chỉ nhận 1"], ["commune_signed"]),
    ({"villages_registered": "10", "villages_recognized": "12"}, ["lớn hơn 'Số khu dân cư đăng ký"],
     ["villages_recognized"]),
    ({"villages_registered": "12", "villages_recognized": "12"}, [], []),
    ({"villages_recognized": "10", "villages_recognized_excellent": "3", "villages_recognized_good": "3",
      "villages_recognized_average": "3"}, ["không bằng tổng các mức xếp loại"], ["villages_recognized"]),
    ({"villages_recognized": "10", "villages_recognized_excellent": "11"}, ["lớn hơn"], ["villages_recognized"]),
    ({"villages_recognized": "10", "villages_recognized_excellent": "4", "villages_recognized_good": "3",
      "villages_recognized_average": "3"}, [], []),
])
def test_checks_as_the_officer_types(catalog, raw, keys, fields):
    values, problems = entry.check_entry(raw, catalog, unit=UNIT, period=Y)
    assert [p.indicator for p in problems] == fields, [p.message for p in problems]
    for key, p in zip(keys, problems):
        assert key in p.message and p.level == "error"
    for p in problems:
        if any(k in p.message for k in ("không phải", "số âm", "chỉ nhận")):
            assert p.indicator not in values  # a value that cannot be read is not sent
        else:
            assert UNIT in p.message and Y in p.message  # names the unit and the period


def test_values_are_read_as_numbers(catalog):
    values, problems = entry.check_entry({"teams_security": "1.234", "explosives_recovered_kg": "1,5",
                                          "population": ""}, catalog, unit=UNIT, period=P)
    assert problems == [] and values == {"teams_security": 1234, "explosives_recovered_kg": 1.5}


@pytest.mark.parametrize("period, present, absent", [
    ("2025-Q3", ["teams_security_order", "tips_received"], ["teams_street_protection", "villages_recognized"]),
    ("2025", ["teams_security_order", "villages_recognized"], ["teams_street_protection"]),
    ("2017", ["teams_street_protection", "villages_signed"], ["teams_security_order", "villages_recognized"]),
    # the residential areas' evaluation year offers their recognition and the villages to count against, only
    ("2025-DG3110", ["villages_total", "villages_registered", "villages_recognized",
                     "villages_recognized_excellent"], ["teams_security", "tips_received", "commune_recognized"]),
    ("Năm đánh giá 2025 (16/11/2024–15/11/2025)", ["commune_recognized", "agencies_recognized"],
     ["villages_recognized", "tips_received"]),
    ("2026-DG1411", ["teams_security_order", "teams_security_order_excellent", "members_security_order_good"],
     ["villages_recognized", "teams_security"]),
])
def test_fields_valid_in_the_period_grouped_as_in_the_catalog(catalog, period, present, absent):
    groups = entry.form_groups(catalog, period)
    ids = [i.id for _, inds in groups for i in inds]
    assert all(i in ids for i in present) and not any(i in ids for i in absent)
    assert not any(catalog[i].derived for i in ids)  # shares and rates are computed, never typed
    order = [g for g, _ in groups]
    assert len(order) == len(set(order))  # each catalog group once
    catalog_order = [i.id for i in catalog.valid_in(period).reported_in(period).base()]
    for _, inds in groups:  # catalog order within a group
        pos = [catalog_order.index(i.id) for i in inds]
        assert pos == sorted(pos)
    assert all(entry.group_label(g) != f"entry_group_{g}" for g in order)


@pytest.mark.parametrize("raw, period, refused", [
    ({"tips_received": "3"}, "2025-DG3110", ["tips_received"]),         # a flow in the evaluation year
    ({"villages_recognized": "3", "villages_total": "5"}, "2025-Q3", ["villages_recognized"]),  # a count once a year
    ({"villages_recognized": "3", "commune_recognized": "1"}, "2025-DG3110", ["commune_recognized"]),
    ({"villages_recognized": "3", "villages_registered": "4"}, "2025-DG3110", []),
    ({"villages_recognized": "3", "villages_registered": "4"}, "2025", []),
])
def test_a_field_of_another_period_type_is_an_error_naming_it(catalog, raw, period, refused):
    """The form offers only the period type's indicators; a value of another (an old draft) is an error that
    names the unit, the period, the indicator and the types it is reported in — never sent silently."""
    values, problems = entry.check_entry(raw, catalog, unit=UNIT, period=period)
    wrong = [p for p in problems if "không báo cáo theo" in p.message]
    assert [p.indicator for p in wrong] == refused, [p.message for p in problems]
    for p in wrong:
        assert p.level == "error" and UNIT in p.message and period in p.message
        assert catalog[p.indicator].vi in p.message and catalog[p.indicator].period_types_text() in p.message


@pytest.mark.parametrize("raw, level, rule", [
    ({"tips_received": "20", "tips_valuable": "25"}, "error", "valuable_tips_le_tips"),   # a rule of rules.toml
    ({"forums_held": "0", "opinions_force_building": "4", "opinions_crime_fighting": "0"}, "warning",
     "no_forums_no_opinions"),
])
def test_the_forms_quality_checks_are_the_uploads(catalog, raw, level, rule):
    """The form asks geo.intake.quality.check_values, as the upload does: a rule's error blocks sending, a
    warning is a flag carried (with its rule) to be stored with the value once a person accepts it."""
    values, problems = entry.check_entry(raw, catalog, unit=UNIT, period=P, code="03203")
    assert [p.level for p in problems] == [level], [p.message for p in problems]
    flag = problems[0].flag
    assert (flag is None) if level == "error" else (flag["rule"], flag["unit_code"]) == (rule, "03203")


def test_a_jump_against_the_units_own_history_is_flagged(catalog):
    from geo.intake.quality import History

    import pandas as pd

    history = History(["2025-Q1", "2025-Q2"], {p: pd.DataFrame({"tips_received": [20.0]}, index=["03203"])
                                               for p in ("2025-Q1", "2025-Q2")})
    values, problems = entry.check_entry({"tips_received": "230"}, catalog, unit=UNIT, period=P, code="03203",
                                         history=history)
    assert [(p.level, p.indicator) for p in problems] == [("warning", "tips_received")], [p.message for p in problems]
    assert problems[0].flag["value"] == 230
