"""The static choropleth (PNG, matplotlib): the map export, the briefs' maps and the presentation's map slide.

Title, legend (classes, the no-data class, hatched suppressed small counts), period, boundary set and vintage,
attribution, scale bar, north arrow; 'DỮ LIỆU MẪU' across the corner when the table is sample.
"""

from __future__ import annotations

import io
import math

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.outputs.chartfiles import new_figure
from geo.outputs.outview import OutputView, default_classification
from geo.outputs.provenance import write_out
from geo.text.i18n import format_value, t

SUPPRESSED_COLOR = "#efefef"
HIGHLIGHT_COLOR = "#d7301f"

__all__ = ["HIGHLIGHT_COLOR", "SUPPRESSED_COLOR", "default_classification", "map_png"]


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


def map_png(view: OutputView, *, classification: Classification | None = None,
            highlight: str | None = None, suppressed=(), suppressed_label: str | None = None,
            title: str | None = None, labels: bool = True, size: tuple[float, float] = (11.0, 8.0), dpi: int = 150,
            out=None) -> bytes:
    """A static choropleth of the view's indicator, in the view's classes: title, legend (classes, no-data
    class), period, boundary set and vintage, attribution, scale bar, north arrow; 'DỮ LIỆU MẪU' across the
    corner when the table is sample.

    ``classification`` overrides the view's (the presentation and the public briefs pass the classes of the
    values with small counts removed, their codes in ``suppressed``, drawn hatched in their own legend class).
    """
    units, frame, lang, prov = view.units, view.frame, view.lang, view.provenance
    ind = view.indicator
    cls = classification or view.classification
    suppressed = set(suppressed)
    colors = cls.colors_by_unit()
    for c in suppressed:
        colors[c] = SUPPRESSED_COLOR

    fig = new_figure(*size)
    ax = fig.add_axes([0.02, 0.12, 0.66, 0.76])
    _draw_area(ax, units, frame, colors, highlight, suppressed, labels, lang)
    fig.text(0.02, 0.965, title or ind.name(lang), fontsize=16, fontweight="bold", va="top")
    sub = t("export_map_subtitle", lang, period=prov.period_label, unit=ind.unit(lang))
    if ind.derived:
        sub += " — " + ind.description(lang)
    fig.text(0.02, 0.915, sub, fontsize=10, va="top", color="#333333")
    _draw_legend(fig, cls, ind, lang, suppressed, suppressed_label)
    foot = [prov.line(lang), prov.attribution + ". " + t("export_licence", lang, licence=prov.licence)]
    fig.text(0.02, 0.075, foot[0], fontsize=8, va="top", wrap=True)
    fig.text(0.02, 0.045, foot[1], fontsize=7, va="top", color="#444444", wrap=True)
    if prov.sample:
        fig.text(0.985, 0.965, t("export_sample_stamp", lang), fontsize=14, fontweight="bold", color="#b30000",
                 ha="right", va="top", bbox=dict(boxstyle="round,pad=0.3", fc="#fff3f3", ec="#b30000"))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return write_out(buf.getvalue(), out)


def _draw_area(ax, units, frame: pd.DataFrame, colors: dict, highlight, suppressed: set, labels: bool,
               lang: str) -> None:
    """The units, their names (40 units at most), scale bar and north arrow, in lon/lat axes."""
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


def _draw_legend(fig, cls: Classification, ind, lang: str, suppressed: set, suppressed_label: str | None) -> None:
    """The classes with their unit counts (no data and suppressed units in their own classes), and the method."""
    from matplotlib.patches import Patch

    from geo.carto.maps import legend_items

    handles = []
    no_data_n = int(((cls.assignment < 0) & ~cls.assignment.index.isin(list(suppressed))).sum())
    for item in legend_items(cls, ind, lang):
        count = no_data_n if item.no_data else item.count
        handles.append(Patch(facecolor=item.color, edgecolor="#333333", label=f"{item.label}  ({count})"))
    if suppressed:
        handles.append(Patch(facecolor=SUPPRESSED_COLOR, edgecolor="#333333", hatch="///",
                             label=f"{suppressed_label or t('export_suppressed_class', lang)}  ({len(suppressed)})"))
    leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.70, 0.86), frameon=False,
                     title=ind.unit(lang) if ind.kind != "share" else "%", fontsize=10, title_fontsize=11,
                     alignment="left")
    leg._legend_box.align = "left"
    fig.text(0.70, 0.30, t("export_map_method", lang, method=t(f"method_{cls.method}", lang), k=cls.k),
             fontsize=8.5, va="top", wrap=True, color="#333333")
