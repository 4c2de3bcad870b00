"""The data-entry template round-trips: fill it, validate it, get exactly the values back."""

from __future__ import annotations

import io

import openpyxl
import pytest

from geo.intake.ingest import validate_file
from geo.intake.template import HEADER_ROW, build_template, build_template_csv, build_template_rows, template_bytes
from geo.reference.catalog import load_catalog
from tests.messy import SET, expected_rows

CAT = load_catalog()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_filled_template_round_trips(fmt, lang):
    buf = io.BytesIO()
    build_template_rows(expected_rows(), buf, boundary_set=SET, period="2017-Q2", lang=lang, fmt=fmt)
    r = validate_file(buf.getvalue(), boundary_set=SET, lang=lang)
    assert r.ok, [p.message for p in r.errors]
    assert r.warnings == []
    assert r.period == "2017-Q2"
    assert r.rows == expected_rows()


def test_xlsx_template_layout(tmp_path):
    path = tmp_path / "mau.xlsx"
    build_template(SET, path, period="2017")
    wb = openpyxl.load_workbook(path)
    ws = wb["Số liệu"]
    assert (ws["A1"].value, ws["B1"].value) == ("Kỳ báo cáo", "2017")
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:2] == ["Mã đơn vị", "Tên đơn vị"]
    assert header[2:] == [f"{i.vi} ({i.unit_vi})" for i in CAT.base()]
    codes = [ws.cell(row=HEADER_ROW + 1 + k, column=1).value for k in range(14)]
    assert codes[:2] == ["03203", "03205"] and len(set(codes)) == 14
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert kinds == {"whole", "decimal"}
    assert "Hướng dẫn" in wb.sheetnames


def test_empty_template_validates_with_missing_values_not_zero():
    r = validate_file(template_bytes(SET), boundary_set=SET, period="2017")
    assert r.ok and r.units_matched == 14
    assert all(v is None for row in r.rows for v in row["values"].values())


def test_empty_template_without_period_is_an_error():
    r = validate_file(template_bytes(SET), boundary_set=SET)
    assert not r.ok and "kỳ báo cáo" in r.errors[0].message


def test_csv_template_has_bom_and_period_line(tmp_path):
    path = tmp_path / "mau.csv"
    build_template_csv(SET, path, period="2017-06")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Kỳ báo cáo,2017-06" and lines[1].startswith("Mã đơn vị,Tên đơn vị,")
    assert len(lines) == 16


def test_cli_template_and_validate(tmp_path, capsys):
    import json

    from geo.cli import main

    out = tmp_path / "mau.xlsx"
    assert main(["template", str(out), "--boundaries", SET, "--period", "2017"]) == 0
    capsys.readouterr()
    assert main(["validate", str(out), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["ok"], got["period"], got["units_matched"], got["boundary_set"]) == (True, "2017", 14, SET)
    out_csv = tmp_path / "mau.csv"
    assert main(["template", str(out_csv)]) == 0
    capsys.readouterr()
    assert main(["validate", str(out_csv)]) == 1  # no period
    assert "thiếu kỳ báo cáo" in capsys.readouterr().out.lower()
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert main(["validate", str(bad), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["ok"] is False
