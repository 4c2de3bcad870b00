"""Plotly charts for the app: the four charts of the Charts page drawn from their spec (geo.outputs.chartspec,
the same spec the PNG / SVG files are drawn from), and the trend over the periods.

Unit names come from files, so they are HTML-escaped before plotly sees them (plotly renders a subset of HTML
in labels and hovers).
"""

from __future__ import annotations

import html

import pandas as pd

from geo.analysis.classify import Classification
from geo.outputs.chartspec import (TARGET_COLOR, ChartSpec, coverage_spec, ranking_spec, segments, teams_spec,
                                  tips_spec, trend_spec)
from geo.reference.catalog import Catalog

FONT = dict(family="DejaVu Sans, Arial, sans-serif")


def _esc(s) -> str:
    return html.escape(str(s), quote=False)


def _layout(fig, title: str, height: int):
    fig.update_layout(title=dict(text=_esc(title)), height=height, margin=dict(l=10, r=30, t=60, b=40),
                      font=FONT, plot_bgcolor="white")
    return fig


def _separators(lang: str) -> str:
    # plotly's "separators": decimal then thousands
    return ",." if lang == "vi" else ".,"


def _zero(values) -> list[float]:
    return [0.0 if v is None else v for v in values]


def _color(colors: tuple[str, ...]):
    """One colour for the whole series when it has one (plotly validates a list colour by colour)."""
    return colors[0] if len(set(colors)) == 1 else list(colors)


def figure(spec: ChartSpec):
    """The plotly figure of a chart spec: horizontal bars (one series, or stacked), grouped columns, or the
    trend's lines."""
    import plotly.graph_objects as go

    names = [_esc(n) for n in spec.categories]
    fig = go.Figure()
    if spec.layout == "lines":
        _lines(fig, spec)
        height = 460
    elif spec.layout == "group":
        for s in spec.series:
            fig.add_bar(x=names, y=list(s.values), name=_esc(s.name), marker_color=_color(s.colors),
                        hovertemplate="%{x}<br>" + _esc(s.name) + ": %{y:.1f} %<extra></extra>")
        if spec.target is not None:
            fig.add_hline(y=spec.target, line_dash="dash", line_color=TARGET_COLOR,
                          annotation_text=_esc(spec.target_label), annotation_position="top left")
        fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.35))
        fig.update_yaxes(title_text=_esc(spec.value_label), gridcolor="#eee")
        if spec.value_range:
            fig.update_yaxes(range=list(spec.value_range))
        height = 460
    elif spec.layout == "stack":
        for s in spec.series:
            fig.add_bar(x=_zero(s.values), y=names, orientation="h", name=_esc(s.name), marker_color=_color(s.colors),
                        hovertemplate="%{y}<br>" + _esc(s.name) + ": %{x}<extra></extra>")
        fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.12))
        height = max(320, 28 * len(names) + 160)
    else:
        s = spec.series[0]
        hover = "%{y}: %{text}" + ("<br>%{customdata[0]} / %{customdata[1]}" if s.details else "")
        fig.add_bar(x=_zero(s.values), y=names, orientation="h", marker_color=_color(s.colors), text=list(s.texts),
                    textposition="outside", cliponaxis=False, customdata=[list(d) for d in s.details] or None,
                    hovertemplate=hover + "<extra></extra>")
        height = max(300, 28 * len(names) + 120)
    if spec.layout in ("single", "stack"):
        fig.update_yaxes(autorange="reversed")  # the first category on top
        fig.update_xaxes(title_text=_esc(spec.value_label), gridcolor="#eee")
        if spec.value_range:
            fig.update_xaxes(range=list(spec.value_range))
    fig.update_layout(separators=_separators(spec.lang))
    return _layout(fig, spec.title, height)


def ranking_bar(df: pd.DataFrame, indicator_id: str, classification: Classification | None = None,
                lang: str = "vi", catalog: Catalog | None = None, top: int | None = None):
    """Horizontal bars, best first, coloured like the map classes; units without data listed, grey, at 0."""
    return figure(ranking_spec(df, indicator_id, classification, lang, catalog, top))


def team_composition(df: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None):
    """Stacked bars of the four team types per unit (units ordered by total teams)."""
    return figure(teams_spec(df, lang, catalog))


def coverage_bars(df: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None):
    """Grouped bars of the three commitment coverages per unit, with the 100 % target line."""
    return figure(coverage_spec(df, lang, catalog))


def tip_rate_bars(df: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None):
    """Valuable-tip rate per unit, with received and valuable counts in the hover."""
    return figure(tips_spec(df, lang, catalog))


def _lines(fig, spec: ChartSpec) -> None:
    """The trend: each series in pieces that never cross a break; the markers and their labels."""
    for s in spec.series:
        name = _esc(s.name)
        line = dict(width=s.width) | ({"color": s.colors[0]} if s.colors and s.colors[0] else {}) | \
            ({"dash": s.dash} if s.dash != "solid" else {})
        hover = (name + ": %{y}" if s.group != "district" else "%{y}") + "<extra></extra>"
        for k, piece in enumerate(segments(spec, s.values)):
            fig.add_scatter(x=[spec.categories[i] for i in piece], y=[s.values[i] for i in piece],
                            mode="lines+markers", name=name, legendgroup=s.group, showlegend=k == 0, line=line,
                            opacity=s.opacity if s.opacity != 1.0 else None, connectgaps=False,
                            yaxis=s.axis if s.axis != "y" else None, hovertemplate=hover)
    if spec.secondary_label:
        fig.update_layout(yaxis2=dict(overlaying="y", side="right", title=_esc(spec.secondary_label),
                                      showgrid=False))
    fig.update_xaxes(categoryorder="array", categoryarray=list(spec.categories))
    for b in spec.breaks:
        fig.add_vline(x=b.position, line_dash="dash", line_color=TARGET_COLOR, line_width=2)
        fig.add_annotation(x=b.position, y=1.02, yref="paper", showarrow=False, font=dict(color=TARGET_COLOR),
                           text=_esc(b.label))
    fig.update_yaxes(title_text=_esc(spec.value_label), gridcolor="#eee")
    fig.update_layout(legend=dict(orientation="h", y=-0.2))


def trend_chart(units: pd.DataFrame, district: pd.DataFrame, indicator_id: str, lang: str = "vi",
                catalog: Catalog | None = None, cumulative: bool = False, breaks: list[dict] | None = None,
                linked: list[tuple[str, pd.DataFrame]] | None = None):
    """District line (bold) over the periods, with one thin line per unit; missing periods are gaps.

    ``breaks`` (geo.analysis.change.series_breaks): a dashed marker between the two periods of each change in
    the law, labelled, and no line drawn across it — each side is its own segment. ``linked``: (indicator id,
    district table) of the predecessors or successors, drawn dashed in their own validity, so the reader sees
    both series side by side, never joined."""
    return figure(trend_spec(units, district, indicator_id, lang, catalog, cumulative, breaks, linked))
