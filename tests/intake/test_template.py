"""The data-entry template round-trips: fill it, validate it, get exactly the values back."""

from __future__ import annotations

import csv
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
    assert header[2:] == [f"{i.vi} ({i.unit_vi})" for i in CAT.valid_in("2017").base()]
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


@pytest.mark.parametrize("period, present, absent", [
    ("2025", ["teams_security_order", "members_security_order", "villages_recognized", "schools_registered"],
     ["teams_street_protection", "villages_signed", "commune_signed"]),
    ("2017", ["teams_street_protection", "villages_signed", "commune_signed"],
     ["teams_security_order", "members_security_order", "villages_recognized"]),
    # recognition is counted once a year (a year or its evaluation year), never in a quarter (data/catalog.toml)
    ("2024-Q2", ["teams_street_protection", "tips_received"], ["teams_security_order", "villages_signed",
                                                              "villages_recognized"]),
    ("2024-Q3", ["teams_security_order", "tips_received"], ["teams_street_protection", "villages_recognized"]),
    ("2024-DG3110", ["villages_total", "villages_registered", "villages_recognized"],
     ["teams_security", "tips_received", "commune_recognized"]),
])
def test_template_columns_follow_the_period(tmp_path, period, present, absent):
    from geo.cli import main

    out = tmp_path / "mau.csv"
    assert main(["template", str(out), "--boundaries", SET, "--period", period]) == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[1]
    for iid in present:
        assert f"{CAT[iid].vi} ({CAT[iid].unit_vi})" in header, iid
    for iid in absent:
        assert f"{CAT[iid].vi} ({CAT[iid].unit_vi})" not in header, iid


def test_out_of_period_column_is_reported_by_cell_and_not_stored():
    """A 2025 file still carrying the street-protection column: that column is named, its values dropped."""
    rows = [{**r, "values": {"teams_street_protection": 3, "teams_security_order": 2}} for r in expected_rows()]
    buf = io.BytesIO()
    build_template_rows(rows, buf, boundary_set=SET, period="2017", fmt="csv")  # 2017 layout has the old column
    text = buf.getvalue().decode("utf-8-sig").replace("Kỳ báo cáo,2017", "Kỳ báo cáo,2025")
    header = next(csv.reader([text.splitlines()[1]]))
    # add a protection-team column by hand (the 2017 template has none) with 2 in every unit row
    lines = text.splitlines()
    lines[1] += ',"' + CAT['teams_security_order'].vi + '"'
    for k in range(2, len(lines)):
        lines[k] += ",2"
    data = "\r\n".join(lines).encode("utf-8")
    r = validate_file(data, boundary_set=SET, file_name="f.csv")
    assert not r.ok and r.period == "2025"  # its numbers are never dropped without a person's word
    letter = next(p.column for p in r.errors if "30/06/2024" in p.message)
    from geo.intake.ingest import col_letter

    assert letter == col_letter(header.index(f"{CAT['teams_street_protection'].vi} (tổ)"))
    assert r.unconfirmed == [letter] and f'--map "{letter}="' in r.errors[0].message
    r = validate_file(data, boundary_set=SET, file_name="f.csv", column_mapping={letter: ""})
    assert r.ok and r.ignored_columns
    assert all("teams_street_protection" not in row["values"] for row in r.rows)
    assert all(row["values"]["teams_security_order"] == 2 for row in r.rows)
    assert not any("villages_signed" in row["values"] for row in r.rows)


VIETNAMESE_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúýõãĩũ")


def test_english_template_speaks_english(tmp_path):
    """The template's own texts (sheet names, labels, instructions, cell checks) come from the string catalogue
    in the chosen language: the English workbook has no Vietnamese in them."""
    path = tmp_path / "template.xlsx"
    build_template(SET, path, period="2017", lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Data", "Instructions"]
    ws, help_ws = wb["Data"], wb["Instructions"]
    own = [ws["A1"].value, ws["A2"].value, ws.cell(row=HEADER_ROW, column=1).value,
           ws.cell(row=HEADER_ROW, column=2).value, *(dv.error for dv in ws.data_validations.dataValidation)]
    n_help = next(r for r in range(1, help_ws.max_row + 1) if (help_ws.cell(row=r, column=1).value or "")
                  .startswith("•")) - 1
    own += [help_ws.cell(row=r, column=1).value or "" for r in range(1, n_help + 1)]
    assert n_help > 5 and all(own[:4]) and help_ws["A1"].value, own
    assert [s for s in own if set(s.lower()) & VIETNAMESE_LETTERS] == []
    vi = openpyxl.load_workbook(io.BytesIO(template_bytes(SET, period="2017")))
    assert vi["Hướng dẫn"]["A1"].value != help_ws["A1"].value
