"""``python -m geo validate``: the column map in --json, unsure columns exit 1 until --map confirms them,
--area narrows the units, nothing to read exits 2."""

from __future__ import annotations

import json

import pytest

from geo.cli import main
from geo.cli.intake_validate import parse_column_map
from tests.messy import SET, meaning_grid, to_xlsx


@pytest.mark.parametrize("items,expected", [
    (["E=villages_signed"], {"E": "villages_signed"}),
    (["e=villages_signed, F="], {"E": "villages_signed", "F": ""}),
    (["E=a", "G=b"], {"E": "a", "G": "b"}),
    ([], {}),
])
def test_parse_column_map(items, expected):
    assert parse_column_map(items) == expected


def test_unsure_column_exits_1_then_map_confirms(tmp_path, capsys):
    rep, _ = meaning_grid("reworded")
    rep.grid[1][4] = "Ý kiến"
    path = tmp_path / "bc.xlsx"
    path.write_bytes(to_xlsx([("BC", rep)]))
    assert main(["validate", str(path), "--boundaries", SET, "--json"]) == 1
    cap = capsys.readouterr()
    got = json.loads(cap.out)
    assert got["unconfirmed"] == ["E"] and "E" in cap.err
    cols = {c["letter"]: c for c in got["columns"]}
    assert set(cols["E"]) == {"letter", "header", "group", "indicator", "reading", "rule", "how", "numeric",
                              "candidates", "status"}
    assert cols["E"]["reading"] == "confirm" and cols["D"]["reading"] == "certain" and cols["D"]["rule"]
    assert cols["E"]["status"] == "confirm" and cols["D"]["indicator"] == "villages_signed"
    assert main(["validate", str(path), "--boundaries", SET, "--json", "--map", "E=opinions_force_building",
                 "--area", "Điện Biên/Điện Biên Đông"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["ok"] and got["units_expected"] == 14


def test_unknown_area_and_empty_file_exit_2(tmp_path, capsys):
    rep, _ = meaning_grid("reworded")
    path = tmp_path / "bc.xlsx"
    path.write_bytes(to_xlsx([("BC", rep)]))
    assert main(["validate", str(path), "--boundaries", SET, "--area", "Atlantis"]) == 2
    letter = tmp_path / "thu.csv"
    letter.write_text("Kính gửi: Công an tỉnh\nXin gửi báo cáo.\n", encoding="utf-8")
    assert main(["validate", str(letter), "--boundaries", SET]) == 2


@pytest.mark.parametrize("sheet_args,code,units", [
    ([], 1, 0),  # two data sheets and no word on which: refused, naming both
    (["--sheet", "Xã Na Son"], 0, 1),
    (["--sheet", "Xã Na Son", "--sheet", "Xã Phì Nhừ"], 0, 2),
    (["--sheet", "all"], 0, 2),
    (["--sheet", "Hướng dẫn"], 1, 0),  # no table on it
])
def test_sheet_choice(tmp_path, capsys, sheet_args, code, units):
    from tests.intake.test_sheets import PHI_NHU, NA_SON, _commune, _help, book

    path = tmp_path / "theo_xa.xlsx"
    path.write_bytes(book([("Hướng dẫn", _help()), ("Xã Na Son", _commune(NA_SON)),
                           ("Xã Phì Nhừ", _commune(PHI_NHU))]))
    assert main(["validate", str(path), "--boundaries", SET, "--json", "--map", "X=", *sheet_args]) == code
    got = json.loads(capsys.readouterr().out)
    assert got["units_matched"] == units
    assert [(s["name"], s["content"]) for s in got["sheets"]] == [("Hướng dẫn", "none"), ("Xã Na Son", "table"),
                                                                 ("Xã Phì Nhừ", "table")]
    if not sheet_args:
        assert "'Xã Na Son', 'Xã Phì Nhừ'" in got["errors"][0]["message"]
    assert main(["validate", str(path), "--boundaries", SET, "--map", "X=", *sheet_args]) == code
    text = capsys.readouterr().out
    assert "Các trang trong tệp:" in text and "'Hướng dẫn': không có bảng số liệu" in text
