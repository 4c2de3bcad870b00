"""Every column that holds numbers is accounted for, in every spreadsheet the tests build or ship (issue 19): the
messy district reports, the meaning layouts, the 2025–2026 layouts, the two samples, the product's own
template of every period and its exports. Read here with an independent reader (openpyxl, xlrd, csv), each
column with a number below the header must be in the dry run's column map as certain, waiting for a person,
or a unit column — and a dry run that says ok has nothing waiting. The product's own files read back exactly,
with no confirmation."""

from __future__ import annotations

import csv
import io
import re

import pytest

from geo.intake.ingest import validate_file
from geo.intake.template import build_template_rows
from geo.reference.sample import SAMPLE_DIR, SAMPLES, sample_rows, sample_table
from tests import layouts2025, messy

_NUMBER = re.compile(r"\s*[+-]?\d[\d.,\s]*%?\s*")


def _grid(data: bytes) -> list[list]:
    if data[:2] == b"PK":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    if data[:4] == b"\xd0\xcf\x11\xe0":
        import xlrd

        sh = xlrd.open_workbook(file_contents=data).sheet_by_index(0)
        return [sh.row_values(r) for r in range(sh.nrows)]
    text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    delim = "\t" if "\t" in text[:2000] else ";" if text[:2000].count(";") > text[:2000].count(",") else ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delim)]


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def numeric_letters(data: bytes, header_last: int) -> set[str]:
    """Columns with a number in some row below the header (Excel row ``header_last``)."""
    found = set()
    for row in _grid(data)[header_last:]:
        for c, v in enumerate(row):
            if isinstance(v, bool) or v in (None, ""):
                continue
            if isinstance(v, (int, float)) or _NUMBER.fullmatch(str(v)):
                found.add(_letter(c))
    return found


def _corpus() -> dict[str, tuple]:
    """name → (bytes, boundary set, period or None)."""
    out: dict[str, tuple] = {}
    for k, opts in enumerate(messy.LAYOUTS):
        rep = messy.report_grid(**opts)
        out[f"messy{k}.xlsx"] = (messy.to_xlsx([(messy.SHEET, rep)]), messy.SET, "2017")
        out[f"messy{k}.xls"] = (messy.to_xls([(messy.SHEET, rep)]), messy.SET, "2017")
        out[f"messy{k}.csv"] = (messy.to_csv(rep), messy.SET, "2017")
    out["messy-utf16.csv"] = (messy.to_csv(messy.report_grid(), "utf-16", "\t"), messy.SET, "2017")
    for name in messy.MEANING_LAYOUTS:
        rep, _ = messy.meaning_grid(name)
        out[f"meaning-{name}.xlsx"] = (messy.to_xlsx([("BC", rep)]), messy.SET, None)
        out[f"meaning-{name}.csv"] = (messy.to_csv(rep), messy.SET, None)
    for name, (cols, opts) in layouts2025.LAYOUTS.items():
        rep = layouts2025.build(cols, **opts)
        out[f"2025-{name}.xlsx"] = (messy.to_xlsx([("BC", rep)]), layouts2025.SET, opts.get("period", "2025"))
        out[f"2025-{name}.csv"] = (messy.to_csv(rep), layouts2025.SET, opts.get("period", "2025"))
    for name, data, set_id, period in _own_files():
        out[name] = (data, set_id, period)
    return out


def _own_files():
    """The product's own files: both samples, the template of every period (xlsx, csv), the exports."""
    from geo.outputs.exports import data_csv, data_xlsx, output_view

    for info in SAMPLES:
        yield f"sample-{info.file}", (SAMPLE_DIR / info.file).read_bytes(), info.boundary_set, info.period
        for fmt in ("xlsx", "csv"):
            buf = io.BytesIO()
            build_template_rows(sample_rows(info), buf, boundary_set=info.boundary_set, period=info.period, fmt=fmt)
            yield f"template-{info.period}.{fmt}", buf.getvalue(), info.boundary_set, None
        table = sample_table(info)
        yield f"export-{info.period}.xlsx", data_xlsx(output_view(None, table, set_id=info.boundary_set)), info.boundary_set, info.period
        yield f"export-{info.period}.csv", data_csv(output_view(None, table, set_id=info.boundary_set)), info.boundary_set, info.period
    rows26 = layouts2025.rows_2026()
    for fmt in ("xlsx", "csv"):
        buf = io.BytesIO()
        build_template_rows(rows26, buf, boundary_set=layouts2025.SET, period="2026", fmt=fmt)
        yield f"template-2026.{fmt}", buf.getvalue(), layouts2025.SET, None


CORPUS = _corpus()


def test_the_corpus_is_every_kind_of_file():
    assert len(CORPUS) >= 140 and {n.rsplit(".", 1)[1] for n in CORPUS} == {"xlsx", "xls", "csv"}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_numeric_column_is_accounted_for(name):
    data, set_id, period = CORPUS[name]
    r = validate_file(data, boundary_set=set_id, period=period, file_name=name)
    j = r.to_json()
    assert r.readable and j["header_rows"], [p.message for p in r.errors]
    cols = {c["letter"]: c for c in j["columns"]}
    assert all(c["reading"] in ("certain", "confirm", "unit", "text") and c["rule"] is not None for c in cols.values())
    numbers = numeric_letters(data, j["header_rows"][-1])
    dropped = {x for x in numbers if x not in cols or cols[x]["reading"] not in ("certain", "confirm", "unit")}
    assert not dropped, {x: cols.get(x) for x in dropped}
    waiting = {x for x, c in cols.items() if c["reading"] == "confirm"}
    assert waiting == set(j["unconfirmed"])
    if j["ok"]:
        assert not waiting


@pytest.mark.parametrize("name", [n for n in sorted(CORPUS) if n.startswith(("sample-", "template-", "export-"))])
def test_the_products_own_files_read_back_exactly(name):
    data, set_id, period = CORPUS[name]
    r = validate_file(data, boundary_set=set_id, period=period, file_name=name)
    assert r.ok and r.unconfirmed == [], [p.message for p in r.errors]
    assert all(c["reading"] in ("certain", "unit") for c in r.to_json()["columns"])
    if name.endswith("2026.xlsx") or name.endswith("2026.csv"):
        want = layouts2025.rows_2026()
    else:
        info = next(i for i in SAMPLES if i.boundary_set == set_id)
        want = sample_rows(info)
    got = {row["unit_code"]: row["values"] for row in r.rows}
    assert set(got) == {w["unit_code"] for w in want}
    for w in want:
        for iid, v in w["values"].items():
            if iid in got[w["unit_code"]]:
                assert got[w["unit_code"]][iid] == v, (w["unit_code"], iid)
