"""``python -m geo tokens add|list|revoke`` and ``python -m geo export data --out X.gpkg`` (geo.cli)."""

from __future__ import annotations

import json

import pyogrio
import pytest

from geo.cli import main
from geo.reference.catalog import load_catalog


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    return tmp_path


def test_add_prints_the_token_once_list_never_shows_it_revoke_ends_it(data_dir, capsys):
    assert main(["tokens", "add", "qgis-ke-hoach", "--role", "editor"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("antt_") and len(token) > 40 and "qgis-ke-hoach" in err
    assert main(["tokens", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert token not in listed
    rows = json.loads(listed)
    assert [(r["name"], r["role"], r["revoked_at"]) for r in rows] == [("qgis-ke-hoach", "editor", None)]
    assert main(["tokens", "revoke", "qgis-ke-hoach"]) == 0
    capsys.readouterr()
    assert main(["tokens", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["revoked_at"]


@pytest.mark.parametrize("argv, code", [
    (["tokens", "add", "x", "--role", "admin"], 2),        # argparse: tokens are viewers or editors
    (["tokens", "add", "Tên có dấu"], 1),
    (["tokens", "revoke", "nobody"], 1),
])
def test_refused_token_commands_change_nothing(data_dir, capsys, argv, code):
    if code == 2:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    else:
        assert main(argv) == code
        assert capsys.readouterr().err.strip()  # a message says why
    assert main(["tokens", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize("internal", [False, True])
def test_export_data_as_geopackage(data_dir, capsys, internal):
    out = data_dir / "out" / "antt.gpkg"
    argv = ["export", "data", "--out", str(out), "--boundaries", "dien-bien-dong-2025"]
    assert main(argv + (["--internal"] if internal else [])) == 0
    assert [name for name, _ in pyogrio.list_layers(out)] == ["dien-bien-dong-2025"]
    df = pyogrio.read_dataframe(out)
    cat = load_catalog()
    assert len(df) == 6 and set(df["period"]) == {"2025"} and df["sample"].all()
    assert bool([c for c in df.columns if c in cat and not cat[c].public]) == internal


def test_export_geopackage_of_a_period_without_data_writes_nothing(data_dir, capsys):
    out = data_dir / "none.gpkg"
    assert main(["export", "data", "--out", str(out), "--boundaries", "dien-bien-dong-2025", "--period", "2019"]) == 2
    assert not out.exists() and "2019" in capsys.readouterr().err
