"""Files that leave the app: map HTML, charts PNG / SVG, data XLSX / CSV; the map PNG is geo.outputs.staticmap
(re-exported here), the PDF brief geo.outputs.brief.

Pure functions: they take the page's view (geo.outputs.outview.OutputView: the display geometry, the joined
wide table, its metadata, the indicator shown with its classes, the provenance) and return bytes (or write
them to ``out``); nothing the view holds is computed again. Every file names its boundary set, period and data
version (the view's provenance), and says "Dữ liệu mẫu" when the table is sample. The data files list the
indicators valid in the table's period, as the pages do.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math

import pandas as pd

from geo.outputs.chartfiles import chart_file
from geo.outputs.chartspec import CHART_KINDS, chart_spec
from geo.outputs.outview import OutputView, default_classification, output_view
from geo.outputs.provenance import Provenance, file_name, provenance, slug, write_out
from geo.outputs.staticmap import HIGHLIGHT_COLOR, SUPPRESSED_COLOR, map_png
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.sample import sample_for
from geo.text.i18n import t

# What callers have always imported from here; the code now lives in the modules named above.
__all__ = ["CHART_KINDS", "HIGHLIGHT_COLOR", "SUPPRESSED_COLOR", "Provenance", "chart", "data_csv", "data_xlsx",
           "default_classification", "export_frame", "file_name", "map_html", "map_png", "metadata_rows",
           "neutralize", "output_view", "provenance", "slug"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- data: XLSX and CSV

def neutralize(value):
    """A text cell that a spreadsheet would run as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_frame(frame: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None,
                 public_only: bool = False) -> pd.DataFrame:
    """The current table with headers in the UI language: code, name, one column per base indicator valid in
    the table's period (all of them when it has none).

    Values stay numbers (NaN = missing, written as an empty cell). Text cells are neutralized.
    """
    catalog = catalog or load_catalog()
    period = frame.attrs.get("period")
    if period:  # only what the law of the period counts (no street-protection teams in 2025, no ANTT teams in 2017)
        catalog = catalog.valid_in(period)
    inds = [i for i in catalog.base() if i.id in frame.columns and (i.public or not public_only)]
    out = pd.DataFrame({
        t("export_col_code", lang): [neutralize(str(c)) for c in frame.index],
        t("export_col_name", lang): [neutralize(str(n)) for n in frame["unit_name"]],
    })
    for ind in inds:
        out[f"{ind.name(lang)} ({ind.unit(lang)})"] = frame[ind.id].astype(float).values
    return out


def metadata_rows(view: OutputView, now: dt.datetime | None = None) -> list[tuple[str, str]]:
    p, lang = view.provenance, view.lang
    now = now or dt.datetime.now()
    rows = [
        (t("export_meta_set", lang), f"{p.set_title} ({p.set_id})"),
        (t("export_meta_vintage", lang), p.vintage),
        (t("export_meta_source", lang), p.source),
        (t("export_meta_attribution", lang), p.attribution),
        (t("export_meta_licence", lang), p.licence),
        (t("export_meta_period", lang), f"{p.period_label} ({p.period or '—'})"),
        (t("export_meta_version", lang), p.version),
        (t("export_meta_sample", lang), t("export_sample_yes", lang, note=t(sample_for(p.set_id, p.period).short_note,
                                                                             lang)) if p.sample
         else t("export_sample_no", lang)),
        (t("export_meta_created", lang), now.strftime("%d/%m/%Y %H:%M")),
    ]
    return [(neutralize(a), neutralize(b)) for a, b in rows]


def data_xlsx(view: OutputView, out=None, public_only: bool = False) -> bytes:
    """Two sheets: the data (frozen header, numbers as numbers) and the metadata block."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = view.lang
    table = export_frame(view.frame, lang, view.catalog, public_only=public_only)
    wb = Workbook()
    ws = wb.active
    ws.title = t("export_sheet_data", lang)
    ws.append(list(table.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in table.itertuples(index=False):
        ws.append([None if isinstance(v, float) and math.isnan(v) else v for v in rec])
    for row in ws.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.data_type = "s"  # codes and names are text, never formulas (kept zero-padded)
    ws.freeze_panes = "C2"
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 28
    meta = wb.create_sheet(t("export_sheet_meta", lang))
    for k, v in metadata_rows(view):
        meta.append([k, v])
        meta.cell(meta.max_row, 1).font = Font(bold=True)
        meta.cell(meta.max_row, 2).data_type = "s"
    meta.column_dimensions["A"].width = 26
    meta.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return write_out(buf.getvalue(), out)


def data_csv(view: OutputView, out=None, public_only: bool = False) -> bytes:
    """UTF-8 with BOM (Excel opens Vietnamese correctly): the metadata block, a blank line, then the table."""
    table = export_frame(view.frame, view.lang, view.catalog, public_only=public_only)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for k, v in metadata_rows(view):
        w.writerow([k, v])
    w.writerow([])
    w.writerow(list(table.columns))
    for rec in table.itertuples(index=False):
        w.writerow(["" if isinstance(v, float) and math.isnan(v) else _csv_number(v) for v in rec])
    return write_out(buf.getvalue().encode("utf-8-sig"), out)


def _csv_number(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# ---------------------------------------------------------------- map: standalone HTML (folium)

def map_html(view: OutputView, out=None) -> bytes:
    """The view's choropleth (its indicator in its classes) as one HTML file, with title, legend and sources
    drawn inside the page."""
    import folium

    from geo.carto.maps import build_choropleth, build_symbol_map, legend_html, legend_items, standalone_html

    units, frame, lang, prov, catalog = view.units, view.frame, view.lang, view.provenance, view.catalog
    ind, values, cls = view.indicator, view.values, view.classification
    points = all(g.geom_type == "Point" for g in units.geometry)
    build = build_symbol_map if points else build_choropleth
    m = build(units, frame, values, ind, catalog, cls, lang=lang, attribution=prov.attribution)
    legend = legend_html(legend_items(cls, ind, lang), ind.unit(lang), lang)
    sample = (f'<div style="color:#b30000;font-weight:700;margin-bottom:.3em">'
              f'{html.escape(t("export_sample_stamp", lang))}</div>') if prov.sample else ""
    box = (
        '<div id="antt-legend-box" style="position:fixed;top:12px;right:12px;z-index:9999;background:white;'
        'padding:10px 12px;border:1px solid #888;border-radius:6px;font:13px/1.35 \'DejaVu Sans\',Arial,sans-serif;'
        'max-width:320px;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
        f'{sample}<div style="font-weight:700;font-size:15px">{html.escape(ind.name(lang))}</div>'
        f'{legend}'
        f'<div style="margin-top:.5em;color:#333;font-size:11px">{html.escape(prov.line(lang))}</div>'
        f'<div style="color:#555;font-size:11px">{html.escape(prov.attribution)}. '
        f'{html.escape(t("export_licence", lang, licence=prov.licence))}</div>'
        '</div>'
    )
    m.get_root().html.add_child(folium.Element(box))
    m.get_root().header.add_child(folium.Element(
        f"<title>{html.escape(ind.name(lang))} — {html.escape(prov.period_label)}</title>"))
    return write_out(standalone_html(m).encode("utf-8"), out)


# ---------------------------------------------------------------- charts: PNG and SVG (matplotlib)

def chart(kind: str, view: OutputView, *, fmt: str = "png", out=None) -> bytes:
    """One of the charts of the Charts page as PNG or SVG: ranking (of the view's indicator, in its classes),
    teams, coverage, tips. Drawn from the same spec as the page's plotly chart."""
    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart {kind!r} (one of {', '.join(CHART_KINDS)})")
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown chart format {fmt!r} (png or svg)")
    if kind == "ranking" and view.indicator_id is None:
        view = view.showing("teams_security")
    spec = chart_spec(kind, view.frame, view.indicator_id, lang=view.lang, classification=view.classification,
                      catalog=view.catalog, prov=view.provenance)
    return chart_file(spec, fmt, out)
