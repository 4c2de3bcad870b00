"""geo.cli.store_commands (issue 20): the period decides the vintage; a file covers the units it names; the whole
area is replaced only with --replace-area, which lists the units it clears first."""

from __future__ import annotations

import json

import pytest

from geo.intake.template import build_template_rows
from geo.units.boundaries import unit_list

OLD_SET, NEW_SET = "dien-bien-dong-pre2025", "dien-bien-dong-2025"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "cli-user")
    return main


def _file(path, set_id, period, first: int, n: int, teams: int):
    units = unit_list(set_id).iloc[first:first + n]
    rows = [{"unit_code": c, "unit_name": nm, "values": {"teams_security": teams}}
            for c, nm in zip(units["code"], units["name"])]
    build_template_rows(rows, path, boundary_set=set_id, period=period, lang="vi", fmt="csv")
    return [r["unit_code"] for r in rows]


def _table(main, capsys, set_id, period):
    assert main(["table", "--boundaries", set_id, "--period", period, "--json"]) == 0
    return {r["unit_code"]: r["values"]["teams_security"] for r in json.loads(capsys.readouterr().out)["rows"]}


def test_a_2025_file_goes_to_the_2025_units_and_the_old_drawing_is_refused(cli, capsys, tmp_path):
    main = cli
    f = tmp_path / "bc2025.csv"
    codes = _file(f, NEW_SET, "2025-Q3", 0, 2, 5)
    assert main(["import", str(f), "--period", "2025-Q3", "--boundaries", OLD_SET, "--yes"]) == 1
    err = capsys.readouterr().err
    assert "30/6/2025" in err and OLD_SET in err
    assert main(["import", str(f), "--period", "2025-Q3", "--yes"]) == 0  # no --boundaries: the 2025 units
    assert NEW_SET in capsys.readouterr().out
    assert _table(main, capsys, "vn-2025", "2025-Q3") == dict.fromkeys(codes, 5)  # and on the national drawing


def test_a_partial_file_and_an_explicit_replacement(cli, capsys, tmp_path):
    main = cli
    f = tmp_path / "bc.csv"
    codes = _file(f, OLD_SET, "2018", 0, 14, 1)
    assert main(["import", str(f), "--period", "2018", "--yes"]) == 0
    part = tmp_path / "mot-phan.csv"
    some = _file(part, OLD_SET, "2018", 0, 10, 2)
    assert main(["import", str(part), "--period", "2018", "--yes"]) == 0
    capsys.readouterr()
    assert _table(main, capsys, OLD_SET, "2018") == {c: (2 if c in some else 1) for c in codes}
    # the replacement lists what it clears; without --yes it stops there
    assert main(["import", str(part), "--period", "2018", "--replace-area"]) == 2
    out = capsys.readouterr().out
    assert "4 đơn vị" in out and all(c in out for c in codes[10:])
    assert len(_table(main, capsys, OLD_SET, "2018")) == 14
    assert main(["import", str(part), "--period", "2018", "--replace-area", "--yes"]) == 0
    capsys.readouterr()
    assert _table(main, capsys, OLD_SET, "2018") == dict.fromkeys(some, 2)


def test_import_reads_the_sheets_named(cli, capsys, tmp_path):
    from tests.intake.test_sheets import BY_CODE, PHI_NHU, NA_SON, _commune, _help, book

    main, path, title = cli, tmp_path / "theo_xa.xlsx", "BÁO CÁO PHONG TRÀO NĂM 2019"
    path.write_bytes(book([("Hướng dẫn", _help()), ("Xã Na Son", _commune(NA_SON, period_title=title)),
                           ("Xã Phì Nhừ", _commune(PHI_NHU, period_title=title))]))
    base = ["import", str(path), "--period", "2019", "--boundaries", OLD_SET, "--yes", "--map", "X="]
    assert main(base) == 1
    assert "Xã Na Son" in capsys.readouterr().err
    assert main([*base, "--sheet", "Xã Na Son", "--sheet", "Xã Phì Nhừ"]) == 0
    capsys.readouterr()
    assert _table(main, capsys, OLD_SET, "2019") == {c: BY_CODE[c]["values"]["teams_security"]
                                                     for c in (NA_SON, PHI_NHU)}
