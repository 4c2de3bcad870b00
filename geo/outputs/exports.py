"""Files that leave the app: map PNG / HTML, charts PNG / SVG, data XLSX / CSV (the PDF brief is geo.outputs.brief).

Pure functions: they take the joined wide table (``frame``, index = the set's codes; ``attrs`` carry
boundary_set, period, version, sample) and the display geometry, and return bytes (or write them to ``out``).
Every file names its boundary set, period and data version, and says "Dữ liệu mẫu" when the table is sample.

Charts are drawn with matplotlib, not plotly + kaleido: kaleido needs its own browser process and did not
start with Debian's Chromium as root here; matplotlib renders the same charts offline, to PNG and SVG.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification, classify
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.frames import indicator_values
from geo.text.i18n import format_value, t
from geo.text.periods import parse_period
from geo.units import boundaries as gb

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SUPPRESSED_COLOR = "#efefef"
HIGHLIGHT_COLOR = "#d7301f"
CHART_KINDS = ("ranking", "teams", "coverage", "tips")


# ---------------------------------------------------------------- provenance shared by every export

@dataclass(frozen=True)
class Provenance:
    set_id: str
    set_title: str
    vintage: str
    attribution: str
    licence: str
    source: str
    period: str | None
    period_label: str
    version: str
    sample: bool

    def line(self, lang: str = "vi") -> str:
        """One line naming boundary set, period and version (and 'Dữ liệu mẫu' when sample)."""
        text = t("export_provenance", lang, title=self.set_title, vintage=self.vintage, period=self.period_label,
                 version=self.version)
        return (t("export_sample_short", lang) + " — " + text) if self.sample else text


def provenance(frame: pd.DataFrame, set_id: str | None = None, lang: str = "vi") -> Provenance:
    set_id = set_id or frame.attrs.get("boundary_set") or gb.default_set_id()
    info = gb.get_boundary_set_info(set_id)
    period = frame.attrs.get("period")
    try:
        period_label = parse_period(period).label(lang) if period else "—"
    except ValueError:
        period_label = str(period)
    version = frame.attrs.get("version")
    return Provenance(set_id, info.title(lang), info.vintage_text(lang), info.attribution, info.licence,
                      info.source, period, period_label, "—" if version is None else str(version),
                      bool(frame.attrs.get("sample")))


def _write(data: bytes, out) -> bytes:
    if out is None:
        return data
    if hasattr(out, "write"):
        out.write(data)
    else:
        Path(out).write_bytes(data)
    return data


# ---------------------------------------------------------------- data: XLSX and CSV

def neutralize(value):
    """A text cell that a spreadsheet would run as a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_frame(frame: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None,
                 public_only: bool = False) -> pd.DataFrame:
    """The current table with headers in the UI language: code, name, one column per base indicator.

    Values stay numbers (NaN = missing, written as an empty cell). Text cells are neutralized.
    """
    catalog = catalog or load_catalog()
    inds = [i for i in catalog.base() if i.id in frame.columns and (i.public or not public_only)]
    out = pd.DataFrame({
        t("export_col_code", lang): [neutralize(str(c)) for c in frame.index],
        t("export_col_name", lang): [neutralize(str(n)) for n in frame["unit_name"]],
    })
    for ind in inds:
        out[f"{ind.name(lang)} ({ind.unit(lang)})"] = frame[ind.id].astype(float).values
    return out


def metadata_rows(frame: pd.DataFrame, set_id: str | None = None, lang: str = "vi",
                  now: dt.datetime | None = None) -> list[tuple[str, str]]:
    p = provenance(frame, set_id, lang)
    now = now or dt.datetime.now()
    rows = [
        (t("export_meta_set", lang), f"{p.set_title} ({p.set_id})"),
        (t("export_meta_vintage", lang), p.vintage),
        (t("export_meta_source", lang), p.source),
        (t("export_meta_attribution", lang), p.attribution),
        (t("export_meta_licence", lang), p.licence),
        (t("export_meta_period", lang), f"{p.period_label} ({p.period or '—'})"),
        (t("export_meta_version", lang), p.version),
        (t("export_meta_sample", lang), t("export_sample_yes" if p.sample else "export_sample_no", lang)),
        (t("export_meta_created", lang), now.strftime("%d/%m/%Y %H:%M")),
    ]
    return [(neutralize(a), neutralize(b)) for a, b in rows]


def data_xlsx(frame: pd.DataFrame, set_id: str | None = None, lang: str = "vi", out=None,
              catalog: Catalog | None = None, public_only: bool = False) -> bytes:
    """Two sheets: the data (frozen header, numbers as numbers) and the metadata block."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table = export_frame(frame, lang, catalog, public_only=public_only)
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
    for k, v in metadata_rows(frame, set_id, lang):
        meta.append([k, v])
        meta.cell(meta.max_row, 1).font = Font(bold=True)
        meta.cell(meta.max_row, 2).data_type = "s"
    meta.column_dimensions["A"].width = 26
    meta.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return _write(buf.getvalue(), out)


def data_csv(frame: pd.DataFrame, set_id: str | None = None, lang: str = "vi", out=None,
             catalog: Catalog | None = None, public_only: bool = False) -> bytes:
    """UTF-8 with BOM (Excel opens Vietnamese correctly): the metadata block, a blank line, then the table."""
    table = export_frame(frame, lang, catalog, public_only=public_only)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for k, v in metadata_rows(frame, set_id, lang):
        w.writerow([k, v])
    w.writerow([])
    w.writerow(list(table.columns))
    for rec in table.itertuples(index=False):
        w.writerow(["" if isinstance(v, float) and math.isnan(v) else _csv_number(v) for v in rec])
    return _write(buf.getvalue().encode("utf-8-sig"), out)


def _csv_number(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# ---------------------------------------------------------------- map: static PNG (matplotlib)

def default_classification(frame: pd.DataFrame, indicator_id: str, catalog: Catalog | None = None,
                           values: pd.Series | None = None) -> Classification:
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    values = indicator_values(frame, indicator_id, catalog) if values is None else values
    return classify(values, "quantiles", 5, reverse=ind.direction == "down")


def _figure(width_in: float, height_in: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in))
    fig.patch.set_facecolor("white")
    return fig


def _nice_length(km: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if step >= km:
            return float(step)
    return 1000.0


def _draw_scale_bar(ax, bounds, lang: str) -> None:
    """A scale bar in km at the map's mean latitude (the axes use lon/lat with aspect 1/cos(lat))."""
    minx, miny, maxx, maxy = bounds
    lat = (miny + maxy) / 2
    km_per_deg = 111.32 * math.cos(math.radians(lat))
    width_km = (maxx - minx) * km_per_deg
    length = _nice_length(width_km / 5)
    deg = length / km_per_deg
    x0 = minx + (maxx - minx) * 0.04
    y0 = miny + (maxy - miny) * 0.04
    h = (maxy - miny) * 0.012
    ax.add_patch(_rect(x0, y0, deg / 2, h, "#222222"))
    ax.add_patch(_rect(x0 + deg / 2, y0, deg / 2, h, "white"))
    ax.text(x0, y0 + 2.2 * h, "0", ha="center", va="bottom", fontsize=8)
    ax.text(x0 + deg, y0 + 2.2 * h, f"{format_value(length, 'count', lang)} km", ha="center", va="bottom",
            fontsize=8)


def _rect(x, y, w, h, color):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=color, edgecolor="#222222", linewidth=0.8, zorder=5)


def _plot_units(ax, units, colors: dict, highlight: str | None, suppressed: set):
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    def poly_path(poly):
        verts, codes = [], []
        for ring in [poly.exterior, *poly.interiors]:
            xy = list(ring.coords)
            verts.extend(xy)
            codes.extend([MPath.MOVETO] + [MPath.LINETO] * (len(xy) - 2) + [MPath.CLOSEPOLY])
        return MPath(verts, codes)

    is_points = all(g.geom_type == "Point" for g in units.geometry)
    for code, geom in zip(units["code"], units.geometry):
        color = colors.get(code, NO_DATA_COLOR)
        dim = highlight is not None and code != highlight
        if is_points:
            ax.scatter([geom.x], [geom.y], s=180, c=[color], edgecolors="#333333", linewidths=0.8,
                       alpha=0.45 if dim else 1.0, zorder=3)
            continue
        polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
        for poly in polys:
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            ax.add_patch(PathPatch(poly_path(poly), facecolor=color, edgecolor="#333333", linewidth=0.7,
                                   alpha=0.45 if dim else 1.0, hatch="///" if code in suppressed else None,
                                   zorder=2))
    if highlight is not None:
        for code, geom in zip(units["code"], units.geometry):
            if code != highlight or is_points:
                continue
            polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
            for poly in polys:
                if poly.geom_type == "Polygon":
                    ax.add_patch(PathPatch(poly_path(poly), facecolor="none", edgecolor=HIGHLIGHT_COLOR,
                                           linewidth=3, zorder=4))


def map_png(units, frame: pd.DataFrame, indicator_id: str, classification: Classification | None = None, *,
            set_id: str | None = None, lang: str = "vi", catalog: Catalog | None = None,
            values: pd.Series | None = None, highlight: str | None = None, suppressed=(),
            suppressed_label: str | None = None, title: str | None = None, labels: bool = True,
            size: tuple[float, float] = (11.0, 8.0), dpi: int = 150, out=None) -> bytes:
    """A static choropleth: title, legend (classes, no-data class), period, boundary set and vintage,
    attribution, scale bar, north arrow; 'DỮ LIỆU MẪU' across the corner when the table is sample.

    ``values`` overrides the indicator values (the presentation passes values with small counts removed
    and their codes in ``suppressed``, drawn hatched in their own legend class).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import Patch

    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    values = indicator_values(frame, indicator_id, catalog) if values is None else values
    cls = classification or default_classification(frame, indicator_id, catalog, values)
    prov = provenance(frame, set_id, lang)
    suppressed = set(suppressed)
    colors = cls.colors_by_unit()
    for c in suppressed:
        colors[c] = SUPPRESSED_COLOR

    fig = _figure(*size)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.02, 0.12, 0.66, 0.76])
    _plot_units(ax, units, colors, highlight, suppressed)
    minx, miny, maxx, maxy = units.total_bounds
    padx, pady = (maxx - minx) * 0.04 + 1e-3, (maxy - miny) * 0.04 + 1e-3
    bounds = (minx - padx, miny - pady, maxx + padx, maxy + pady)
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_aspect(1 / max(0.2, math.cos(math.radians((miny + maxy) / 2))))
    ax.set_axis_off()
    if labels and len(units) <= 40 and not all(g.geom_type == "Point" for g in units.geometry):
        pts = units.geometry.representative_point()
        for code, pt in zip(units["code"], pts):
            name = frame.at[code, "unit_name"] if code in frame.index else code
            short = str(name).replace("Thị trấn ", "TT ").replace("Xã ", "")
            ax.text(pt.x, pt.y, short, ha="center", va="center", fontsize=7.5, zorder=6,
                    fontweight="bold" if code == highlight else "normal",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.6))
    _draw_scale_bar(ax, bounds, lang)
    ax.annotate("N", xy=(0.95, 0.97), xytext=(0.95, 0.87), xycoords="axes fraction", ha="center", va="center",
                fontsize=11, fontweight="bold", arrowprops=dict(arrowstyle="-|>", color="#222222", lw=1.5))

    fig.text(0.02, 0.965, title or ind.name(lang), fontsize=16, fontweight="bold", va="top")
    sub = t("export_map_subtitle", lang, period=prov.period_label, unit=ind.unit(lang))
    if ind.derived:
        sub += " — " + ind.description(lang)
    fig.text(0.02, 0.915, sub, fontsize=10, va="top", color="#333333")

    from geo.carto.maps import legend_items

    handles = []
    no_data_n = int(((cls.assignment < 0) & ~cls.assignment.index.isin(list(suppressed))).sum())

    for item in legend_items(cls, ind, lang):
        count = no_data_n if item.no_data else item.count
        label = f"{item.label}  ({count})"
        handles.append(Patch(facecolor=item.color, edgecolor="#333333", label=label))
    if suppressed:
        handles.append(Patch(facecolor=SUPPRESSED_COLOR, edgecolor="#333333", hatch="///",
                             label=f"{suppressed_label or t('export_suppressed_class', lang)}  ({len(suppressed)})"))
    leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.70, 0.86), frameon=False,
                     title=ind.unit(lang) if ind.kind != "share" else "%", fontsize=10, title_fontsize=11,
                     alignment="left")
    leg._legend_box.align = "left"
    fig.text(0.70, 0.30, t("export_map_method", lang, method=t(f"method_{cls.method}", lang), k=cls.k),
             fontsize=8.5, va="top", wrap=True, color="#333333")

    foot = [prov.line(lang), prov.attribution + ". " + t("export_licence", lang, licence=prov.licence)]
    fig.text(0.02, 0.075, foot[0], fontsize=8, va="top", wrap=True)
    fig.text(0.02, 0.045, foot[1], fontsize=7, va="top", color="#444444", wrap=True)
    if prov.sample:
        fig.text(0.985, 0.965, t("export_sample_stamp", lang), fontsize=14, fontweight="bold", color="#b30000",
                 ha="right", va="top", bbox=dict(boxstyle="round,pad=0.3", fc="#fff3f3", ec="#b30000"))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return _write(buf.getvalue(), out)


# ---------------------------------------------------------------- map: standalone HTML (folium)

def map_html(units, frame: pd.DataFrame, indicator_id: str, classification: Classification | None = None, *,
             set_id: str | None = None, lang: str = "vi", catalog: Catalog | None = None, out=None) -> bytes:
    """The folium choropleth as one HTML file, with title, legend and sources drawn inside the page."""
    import folium

    from geo.carto.maps import build_choropleth, build_symbol_map, legend_html, legend_items, standalone_html

    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    values = indicator_values(frame, indicator_id, catalog)
    cls = classification or default_classification(frame, indicator_id, catalog, values)
    prov = provenance(frame, set_id, lang)
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
    return _write(standalone_html(m).encode("utf-8"), out)


# ---------------------------------------------------------------- charts: PNG and SVG (matplotlib)

def _chart_fig(n_rows: int, width: float = 10.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure(width, max(3.5, 0.36 * n_rows + 2.0))
    FigureCanvasAgg(fig)
    return fig


def _finish_chart(fig, ax, title: str, prov: Provenance, lang: str, fmt: str, out) -> bytes:
    ax.set_title(title, fontsize=13, fontweight="bold", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    fig.text(0.01, 0.01, prov.line(lang), fontsize=7.5, color="#333333", va="bottom")
    if prov.sample:
        fig.text(0.99, 0.99, t("export_sample_stamp", lang), fontsize=10, fontweight="bold", color="#b30000",
                 ha="right", va="top")
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150)
    return _write(buf.getvalue(), out)


def chart(kind: str, frame: pd.DataFrame, indicator_id: str | None = None, *, fmt: str = "png",
          set_id: str | None = None, lang: str = "vi", classification: Classification | None = None,
          catalog: Catalog | None = None, out=None) -> bytes:
    """One of the charts of the Charts page as PNG or SVG: ranking (of ``indicator_id``), teams, coverage, tips."""
    from geo.analysis.table import ranking
    from geo.outputs.charts import COVERAGE_IDS, TEAM_COLORS, TEAM_IDS

    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart {kind!r} (one of {', '.join(CHART_KINDS)})")
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown chart format {fmt!r} (png or svg)")
    catalog = catalog or load_catalog()
    prov = provenance(frame, set_id, lang)
    no_data = t("map_no_data", lang)
    if kind in ("ranking", "tips"):
        iid = (indicator_id or "teams_security") if kind == "ranking" else "valuable_tip_rate"
        ind = catalog[iid]
        r = ranking(frame, iid, catalog)
        if kind == "ranking":
            cls = classification or default_classification(frame, iid, catalog)
            colors = [cls.color_of(c) for c in r.index]
            title = t("chart_ranking_title", lang, indicator=ind.name(lang))
        else:
            colors = ["#41b6c4" if pd.notna(v) else NO_DATA_COLOR for v in r["value"]]
            title = t("chart_tips_title", lang)
        fig = _chart_fig(len(r))
        ax = fig.add_subplot(111)
        y = list(range(len(r)))
        ax.barh(y, r["value"].fillna(0), color=colors, edgecolor="#555555", linewidth=0.5)
        ax.set_yticks(y, [str(n) for n in r["unit_name"]])
        ax.invert_yaxis()
        vmax = float(r["value"].max()) if r["value"].notna().any() else 1.0
        for yi, v in zip(y, r["value"]):
            ax.text((0 if pd.isna(v) else v) + vmax * 0.01, yi, format_value(v, ind.kind, lang, missing=no_data),
                    va="center", fontsize=8.5)
        ax.set_xlim(0, vmax * 1.15 if vmax > 0 else 1)
        ax.set_xlabel(ind.unit(lang))
        return _finish_chart(fig, ax, title, prov, lang, fmt, out)
    if kind == "teams":
        total = frame[list(TEAM_IDS)].sum(axis=1, min_count=1).fillna(0)
        order = list(total.sort_values(ascending=False).index)
        fig = _chart_fig(len(order))
        ax = fig.add_subplot(111)
        left = pd.Series(0.0, index=order)
        y = list(range(len(order)))
        for iid, color in zip(TEAM_IDS, TEAM_COLORS):
            vals = frame.loc[order, iid].fillna(0).astype(float)
            ax.barh(y, vals.values, left=left.values, color=color, label=catalog[iid].name(lang))
            left = left + vals.values
        ax.set_yticks(y, [str(frame.at[c, "unit_name"]) for c in order])
        ax.invert_yaxis()
        ax.set_xlabel(t("chart_teams_axis", lang))
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        return _finish_chart(fig, ax, t("chart_teams_title", lang), prov, lang, fmt, out)
    # coverage
    fig = _chart_fig(len(frame), width=10.0)
    ax = fig.add_subplot(111)
    n = len(COVERAGE_IDS)
    y = list(range(len(frame)))
    h = 0.8 / n
    for k, (iid, color) in enumerate(zip(COVERAGE_IDS, ("#2c7fb8", "#7fcdbb", "#253494"))):
        vals = indicator_values(frame, iid, catalog)
        ax.barh([yi + k * h - 0.4 + h / 2 for yi in y], vals.fillna(0).values, height=h, color=color,
                label=catalog[iid].name(lang))
    ax.axvline(100, color=HIGHLIGHT_COLOR, linestyle="--", linewidth=1)
    ax.set_yticks(y, [str(n) for n in frame["unit_name"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel("%")
    ax.legend(loc="lower left", fontsize=8, frameon=True)
    return _finish_chart(fig, ax, t("chart_coverage_title", lang), prov, lang, fmt, out)


# ---------------------------------------------------------------- file names

def slug(text: str) -> str:
    """ASCII file-name part: 'Xã Tìa Dình' -> 'xa-tia-dinh'."""
    import re
    import unicodedata

    s = str(text).replace("Đ", "D").replace("đ", "d")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"


def file_name(what: str, frame: pd.DataFrame, ext: str, extra: str | None = None) -> str:
    parts = ["antt", what, frame.attrs.get("boundary_set") or "", frame.attrs.get("period") or ""]
    if extra:
        parts.append(extra)
    if frame.attrs.get("sample"):
        parts.append("mau")
    return "_".join(slug(p) for p in parts if p) + "." + ext
