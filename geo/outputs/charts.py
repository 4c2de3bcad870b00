"""Plotly charts for the app: the four charts of the Charts page drawn from their spec (geo.outputs.chartspec,
the same spec the PNG / SVG files are drawn from), and the trend over the periods.

Unit names come from files, so they are HTML-escaped before plotly sees them (plotly renders a subset of HTML
in labels and hovers).
"""

from __future__ import annotations

import html

import pandas as pd

from geo.analysis.classify import Classification
from geo.outputs.chartspec import TARGET_COLOR, ChartSpec, coverage_spec, ranking_spec, teams_spec, tips_spec
from geo.reference.catalog import Catalog, load_catalog
from geo.text.i18n import t

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


def figure(spec: ChartSpec):
    """The plotly figure of a chart spec: horizontal bars (one series, or stacked), or grouped columns."""
    import plotly.graph_objects as go

    names = [_esc(n) for n in spec.categories]
    fig = go.Figure()
    if spec.layout == "group":
        for s in spec.series:
            fig.add_bar(x=names, y=list(s.values), name=_esc(s.name), marker_color=list(s.colors),
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
            fig.add_bar(x=_zero(s.values), y=names, orientation="h", name=_esc(s.name), marker_color=list(s.colors),
                        hovertemplate="%{y}<br>" + _esc(s.name) + ": %{x}<extra></extra>")
        fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.12))
        height = max(320, 28 * len(names) + 160)
    else:
        s = spec.series[0]
        hover = "%{y}: %{text}" + ("<br>%{customdata[0]} / %{customdata[1]}" if s.details else "")
        fig.add_bar(x=_zero(s.values), y=names, orientation="h", marker_color=list(s.colors), text=list(s.texts),
                    textposition="outside", cliponaxis=False, customdata=[list(d) for d in s.details] or None,
                    hovertemplate=hover + "<extra></extra>")
        height = max(300, 28 * len(names) + 120)
    if spec.layout != "group":
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


def trend_chart(units: pd.DataFrame, district: pd.DataFrame, indicator_id: str, lang: str = "vi",
                catalog: Catalog | None = None, cumulative: bool = False, breaks: list[dict] | None = None,
                linked: list[tuple[str, pd.DataFrame]] | None = None):
    """District line (bold) over the periods, with one thin line per unit; missing periods are gaps.

    ``breaks`` (geo.analysis.change.series_breaks): a dashed marker between the two periods of each change in
    the law, labelled, and no line drawn across it — each side is its own segment. ``linked``: (indicator id,
    district table) of the predecessors or successors, drawn dashed in their own validity, so the reader sees
    both series side by side, never joined."""
    import plotly.graph_objects as go

    from geo.text.periods import parse_period

    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    breaks = breaks or []
    periods = list(district["period"])
    labels = {p: parse_period(p).label(lang) for p in periods}
    for _, d in linked or []:
        for p in d["period"]:
            labels.setdefault(p, parse_period(p).label(lang))
    starts = {b["after"] for b in breaks}

    def segments(frame: pd.DataFrame):
        """Split a [period, value] frame at the breaks: consecutive runs that never cross one."""
        seg, out = [], []
        for rec in frame.itertuples(index=False):
            if rec.period in starts and seg:
                out.append(seg)
                seg = []
            seg.append(rec)
        if seg:
            out.append(seg)
        return out

    fig = go.Figure()
    for code, grp in units.groupby("unit_code", sort=False):
        name = _esc(grp["unit_name"].iloc[0])
        for k, seg in enumerate(segments(grp[["period", "value"]])):
            fig.add_scatter(x=[labels[r.period] for r in seg], y=[r.value for r in seg], mode="lines+markers",
                            name=name, legendgroup=str(code), showlegend=k == 0, line=dict(width=1), opacity=0.6,
                            connectgaps=False, hovertemplate=name + ": %{y}<extra></extra>")
    # A district rate sits on the units' axis; a district count (a sum) gets its own axis on the right.
    axis = "y" if ind.derived else "y2"
    for k, seg in enumerate(segments(district[["period", "value"]])):
        fig.add_scatter(x=[labels[r.period] for r in seg], y=[r.value for r in seg], mode="lines+markers",
                        name=_esc(t("chart_district", lang)), legendgroup="district", showlegend=k == 0,
                        line=dict(width=4, color="#111111"), yaxis=axis, connectgaps=False,
                        hovertemplate="%{y}<extra></extra>")
    for other_id, d in linked or []:
        other = catalog[other_id]
        d = d[[other.valid_on(p) for p in d["period"]]]
        for k, seg in enumerate(segments(d[["period", "value"]])):
            fig.add_scatter(x=[labels[r.period] for r in seg], y=[r.value for r in seg], mode="lines+markers",
                            name=_esc(other.name(lang)), legendgroup=other_id, showlegend=k == 0,
                            line=dict(width=3, dash="dash", color="#6a51a3"), yaxis=axis, connectgaps=False,
                            hovertemplate=_esc(other.name(lang)) + ": %{y}<extra></extra>")
    if not ind.derived:
        fig.update_layout(yaxis2=dict(overlaying="y", side="right", title=_esc(t("chart_district", lang)),
                                      showgrid=False))
    order = sorted(labels, key=parse_period)
    fig.update_xaxes(categoryorder="array", categoryarray=[labels[p] for p in order])
    for b in breaks:  # between the two categories: index of the first new period minus one half
        x = order.index(b["after"]) - 0.5 if b["after"] in order else None
        if x is None:
            continue
        fig.add_vline(x=x, line_dash="dash", line_color="#d7301f", line_width=2)
        fig.add_annotation(x=x, y=1.02, yref="paper", showarrow=False, font=dict(color="#d7301f"),
                           text=_esc(t("series_break_label", lang)))
    title = t("chart_trend_title_cumulative" if cumulative else "chart_trend_title", lang, indicator=ind.name(lang))
    fig.update_yaxes(title_text=_esc(ind.unit(lang)), gridcolor="#eee")
    fig.update_layout(separators=_separators(lang), legend=dict(orientation="h", y=-0.2))
    return _layout(fig, title, 460)
