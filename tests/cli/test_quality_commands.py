"""Flags on the command line: ``validate --json`` lists them and exits 1 until ``--accept-flags``; ``import``
stores them only with ``--accept-flags`` (who, when, the note); ``quality`` lists the follow-up and ``--check``
takes a value off it."""

from __future__ import annotations

import json

import pytest

from geo.access.auth import Actor, open_store
from geo.bench.synthetic import HISTORY_PERIODS, synthetic_rows
from geo.cli import main
from geo.intake.template import build_template_rows
from geo.reference.catalog import load_catalog
from geo.units.boundaries import unit_list

SET = "dien-bien-dong-pre2025"


@pytest.fixture
def history(tmp_path, monkeypatch):
    """Four years of consistent figures for the district's 14 communes in a fresh store."""
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "bien_tap")
    units = unit_list(SET)
    codes, names = list(units["code"]), list(units["name"])
    cat = load_catalog()
    store = open_store()
    for p in HISTORY_PERIODS:
        store.import_rows(synthetic_rows(codes, names, cat, p), boundary_set=SET, period=p, user=Actor.cli("bien_tap"))
    store.dispose()
    # 2024: the 2023 figures, each flow one more (a new year's file, close to the last one)
    rows = synthetic_rows(codes, names, cat, HISTORY_PERIODS[-1])
    for r in rows:
        r["values"] = {k: v + 1 if cat[k].temporal == "flow" and cat[k].kind == "count" else v
                       for k, v in r["values"].items()}
    return tmp_path, rows


def _file(tmp_path, rows, name="bc.csv"):
    path = tmp_path / name
    build_template_rows(rows, path, boundary_set=SET, period="2024", lang="vi", fmt="csv")
    return path


def test_a_clean_file_has_no_flag(history, capsys):
    tmp_path, rows = history
    assert main(["validate", str(_file(tmp_path, rows)), "--boundaries", SET, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["flags"] == []


def test_a_digit_too_many_is_flagged_accepted_stored_and_followed_up(history, capsys):
    tmp_path, rows = history
    code = rows[2]["unit_code"]
    rows[2]["values"]["tips_received"] = rows[2]["values"]["tips_received"] * 10 + 3
    path = _file(tmp_path, rows)
    assert main(["validate", str(path), "--boundaries", SET, "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    (flag,) = out["flags"]
    assert set(flag) == {"row", "column", "unit_code", "indicator", "value", "rule", "expected", "message"}
    assert (flag["unit_code"], flag["indicator"], flag["rule"]) == (code, "tips_received", "outlier_history")
    assert flag["value"] == rows[2]["values"]["tips_received"] and flag["row"] and flag["column"]
    assert main(["validate", str(path), "--boundaries", SET, "--accept-flags"]) == 0
    capsys.readouterr()

    assert main(["import", str(path), "--boundaries", SET, "--period", "2024", "--yes"]) == 1
    assert "--accept-flags" in capsys.readouterr().err
    assert main(["quality", "--boundaries", SET, "--period", "2024", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["flags"] == []  # nothing stored
    assert main(["import", str(path), "--boundaries", SET, "--period", "2024", "--yes", "--accept-flags",
                 "--note", "xã xác nhận qua điện thoại"]) == 0
    capsys.readouterr()
    assert main(["quality", "--boundaries", SET, "--period", "2024", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)["flags"]
    assert (listed["unit_code"], listed["accepted_by"], listed["note"]) == (code, "bien_tap",
                                                                             "xã xác nhận qua điện thoại")
    assert listed["province"] == "Điện Biên"
    assert main(["quality", "--boundaries", SET, "--period", "2024"]) == 0
    assert "bien_tap" in capsys.readouterr().out
    assert main(["quality", "--check", str(listed["id"]), "--note", "đúng"]) == 0
    capsys.readouterr()
    assert main(["quality", "--boundaries", SET, "--period", "2024", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["flags"] == []


def test_a_broken_error_rule_refuses_the_file(history, capsys):
    tmp_path, rows = history
    v = rows[0]["values"]
    v["members_security_order"] = v["teams_security_order"] - 1 if v["teams_security_order"] else -1
    if v["members_security_order"] < 0:
        v["teams_security_order"], v["members_security_order"] = 5, 4
    assert main(["validate", str(_file(tmp_path, rows)), "--boundaries", SET, "--json", "--accept-flags"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and any("Thành viên" in e["message"] for e in out["errors"])
