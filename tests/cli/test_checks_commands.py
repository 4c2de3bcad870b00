"""``python -m geo rules`` and ``python -m geo ranges``: the quality checks' rules and per-unit min–max ranges
from the command line (refusals in Vietnamese naming what is wrong, exit 1; nothing written then)."""

from __future__ import annotations

import json
import shutil

import pytest

from geo.access.auth import open_store
from geo.cli import main
from geo.reference.rules import RULES_PATH

SET = "dien-bien-dong-2025"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "quan_tri")
    rules = tmp_path / "rules.toml"
    shutil.copy(RULES_PATH, rules)
    monkeypatch.setenv("ANTT_RULES_FILE", str(rules))
    return rules


RULE = ["--left", "forums_held", "--operator", "<=", "--right", "opinions_force_building", "--message-vi",
        "{left_name} lớn hơn {right_name}", "--message-en", "{left_name} above {right_name}"]


def test_rules_add_edit_list_remove(env, capsys):
    assert main(["rules", "add", "forums_le_opinions", *RULE]) == 0
    assert main(["rules", "edit", "forums_le_opinions", "--severity", "error"]) == 0
    capsys.readouterr()
    assert main(["rules", "list", "--json"]) == 0
    rule = [r for r in json.loads(capsys.readouterr().out) if r["id"] == "forums_le_opinions"]
    assert rule and rule[0]["severity"] == "error" and rule[0]["right"] == "opinions_force_building"
    assert main(["rules", "remove", "forums_le_opinions"]) == 0
    store = open_store()
    assert [e["detail"]["change"] for e in store.audit_log(action="rules_edit")] == ["remove", "edit", "add"]
    assert {e["user"] for e in store.audit_log(action="rules_edit")} == {"quan_tri"}


def test_a_rule_naming_an_unknown_indicator_is_refused_naming_it(env, capsys):
    before = env.read_bytes()
    assert main(["rules", "add", "bad", *RULE[:4], "--right", "khong_co_chi_so", *RULE[6:]]) == 1
    err = capsys.readouterr().err
    assert "khong_co_chi_so" in err and "không có trong danh mục" in err
    assert env.read_bytes() == before


def test_ranges_set_list_remove_and_refusals(env, capsys):
    assert main(["ranges", "set", "--boundaries", SET, "03203", "tips_received", "--min", "2", "--max", "40",
                 "--note", "xã nhỏ"]) == 0
    capsys.readouterr()
    assert main(["ranges", "list", "--boundaries", "vn-2025", "--json"]) == 0  # the unit's, from any drawing
    [r] = json.loads(capsys.readouterr().out)["ranges"]
    assert (r["unit_code"], r["indicator"], r["low"], r["high"], r["set_by"]) == ("03203", "tips_received", 2, 40,
                                                                                  "quan_tri")
    assert main(["ranges", "set", "--boundaries", SET, "03203", "tips_received", "--min", "50", "--max", "5"]) == 1
    assert "lớn hơn tối đa" in capsys.readouterr().err
    assert main(["ranges", "remove", "--boundaries", SET, "03203", "tips_received"]) == 0
    capsys.readouterr()
    assert main(["ranges", "list", "--boundaries", SET]) == 0
    assert "Chưa có khoảng" in capsys.readouterr().out
