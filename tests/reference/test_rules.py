"""geo.reference.rules: data/rules.toml loads against the catalog; a rule naming an unknown indicator (or with a
bad operator, severity or missing-value strategy) is refused when loaded or saved, naming it."""

from __future__ import annotations

import pytest

from geo.reference.catalog import load_catalog
from geo.reference.rules import RuleError, load_rules, save_rules


def _entry(**kw):
    base = {"id": "r1", "left": "tips_valuable", "operator": "<=", "right": "tips_received", "severity": "warning",
            "missing": "skip_if_any_missing", "message_vi": "{left_cell} > {right_cell}", "message_en": "x"}
    return {**base, **kw}


def test_the_shipped_rules_load_with_the_catalogs_ids():
    rules = load_rules()
    cat = load_catalog()
    assert {r.id for r in rules} >= {"recognized_le_registered", "registered_le_villages", "valuable_tips_le_tips",
                                     "members_ge_teams", "no_forums_no_opinions"}
    assert all(i in cat for r in rules for i in r.indicators)
    assert {r.severity for r in rules} == {"error", "warning"}


@pytest.mark.parametrize("change, key, named", [
    ({"right": "tips_recieved"}, "rules_unknown_indicator", "tips_recieved"),
    ({"left": "forums_held + opinion_x"}, "rules_unknown_indicator", "opinion_x"),
    ({"operator": "=<"}, "rules_bad_operator", "=<"),
    ({"severity": "fatal"}, "rules_bad_severity", "fatal"),
    ({"missing": "zero"}, "rules_bad_missing", "zero"),
    ({"message_en": ""}, "rules_no_message", "r2"),
    ({"colour": "red"}, "rules_unknown_field", "colour"),
])
def test_a_bad_rule_is_refused_when_saved_naming_it(tmp_path, change, key, named):
    path = tmp_path / "rules.toml"
    path.write_text("# before\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        save_rules([_entry(), _entry(id="r2", **change)], path)
    assert info.value.key == key and named in info.value.message("vi") and named in info.value.message("en")
    assert path.read_text(encoding="utf-8") == "# before\n"  # nothing written


def test_saved_rules_load_back_the_same(tmp_path):
    path = tmp_path / "rules.toml"
    entries = [r.to_entry() for r in load_rules()]
    save_rules(entries, path)
    assert load_rules(path) == load_rules()


def test_an_unknown_indicator_in_the_file_is_refused_when_loaded(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nid = "x"\nleft = "ghost"\noperator = "<="\nright = "tips_received"\n'
                    'severity = "error"\nmessage_vi = "a"\nmessage_en = "b"\n', encoding="utf-8")
    with pytest.raises(RuleError, match="ghost"):
        load_rules(path)


@pytest.mark.parametrize("missing, values, broken", [
    ("skip_if_any_missing", {"tips_valuable": 3, "tips_received": None}, False),
    ("skip_if_all_missing", {"tips_valuable": 3, "tips_received": None}, True),  # missing counts as 0
    ("skip_if_all_missing", {"tips_valuable": None, "tips_received": None}, False),
    ("never_skip", {"tips_valuable": None, "tips_received": None}, False),  # 0 <= 0
    ("never_skip", {"tips_valuable": 1}, True),
])
def test_missing_value_strategies(tmp_path, missing, values, broken):
    path = tmp_path / "rules.toml"
    save_rules([_entry(missing=missing)], path)
    (rule,) = load_rules(path)
    assert (rule.evaluate(values) is not None) is broken
