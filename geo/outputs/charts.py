"""Plotly charts: ranking bar, team composition, coverage against a 100 % target, valuable-tip rate.

Unit names come from files, so they are HTML-escaped before plotly sees them (plotly renders a subset of HTML
in labels and hovers).
"""

from __future__ import annotations

import html

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.analysis.table import ranking
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.frames import indicator_values
from geo.text.i18n import format_value, t

TEAM_IDS = ("teams_security", "teams_street_protection", "teams_mediation", "teams_civil_defence")
TEAM_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a")  # ColorBrewer Dark2, colour-blind friendlier
COVERAGE_IDS = ("village_coverage", "agency_coverage", "school_coverage")
# Under Circular 124/2021/TT-BCA (from 10 Feb 2022) recognition replaces the signed commitment (issue 13).
RECOGNITION_IDS = ("village_recognition_rate", "agency_recognition_rate", "school_recognition_rate")
NEW_TEAM_IDS = ("teams_security", "teams_security_order", "teams_mediation", "teams_civil_defence")


def _for_period(df: pd.DataFrame, ids, catalog: Catalog):
    """The ids valid in the table's period (all of them when it has none)."""
    period = df.attrs.get("period")
    return [i for i in ids if i in catalog and (not period or catalog[i].valid_on(period))]
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


def ranking_bar(df: pd.DataFrame, indicator_id: str, classification: Classification | None = None,
                lang: str = "vi", catalog: Catalog | None = None, top: int | None = None):
    """Horizontal bars, best first, coloured like the map classes; units without data listed, grey, at 0."""
    import plotly.graph_objects as go

    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    r = ranking(df, indicator_id, catalog)
    if top:
        r = r.head(top)
    colors = [classification.color_of(c) if classification is not None else "#2c7fb8" for c in r.index]
    names = [_esc(n) for n in r["unit_name"]]
    texts = [format_value(v, ind.kind, lang, missing=t("map_no_data", lang)) for v in r["value"]]
    fig = go.Figure(go.Bar(
        x=r["value"].fillna(0), y=names, orientation="h", marker_color=colors, text=texts,
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=_esc(ind.unit(lang)), gridcolor="#eee")
    _layout(fig, t("chart_ranking_title", lang, indicator=ind.name(lang)), max(300, 28 * len(r) + 120))
    fig.update_layout(separators=_separators(lang))
    return fig


def team_composition(df: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None):
    """Stacked bars of the four team types per unit (units ordered by total teams)."""
    import plotly.graph_objects as go

    catalog = catalog or load_catalog()
    team_ids = _for_period(df, TEAM_IDS, catalog)
    if "teams_street_protection" not in team_ids:  # after 30 Jun 2024: the protection teams in its place
        team_ids = _for_period(df, NEW_TEAM_IDS, catalog)
    total = df[list(team_ids)].sum(axis=1, min_count=1).fillna(0)
    order = total.sort_values(ascending=True).index
    fig = go.Figure()
    for iid, color in zip(team_ids, TEAM_COLORS):
        ind = catalog[iid]
        fig.add_bar(
            x=df.loc[order, iid].fillna(0), y=[_esc(n) for n in df.loc[order, "unit_name"]], orientation="h",
            name=_esc(ind.name(lang)), marker_color=color,
            hovertemplate="%{y}<br>" + _esc(ind.name(lang)) + ": %{x}<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.12), separators=_separators(lang))
    fig.update_xaxes(title_text=_esc(t("chart_teams_axis", lang)), gridcolor="#eee")
    return _layout(fig, t("chart_teams_title", lang), max(320, 28 * len(df) + 160))


def coverage_bars(df: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None):
    """Grouped bars of the three commitment coverages per unit, with the 100 % target line."""
    import plotly.graph_objects as go

    catalog = catalog or load_catalog()
    names = [_esc(n) for n in df["unit_name"]]
    fig = go.Figure()
    coverage_ids = _for_period(df, COVERAGE_IDS, catalog) or _for_period(df, RECOGNITION_IDS, catalog)
    for iid, color in zip(coverage_ids, ("#2c7fb8", "#7fcdbb", "#253494")):
        ind = catalog[iid]
        vals = indicator_values(df, iid, catalog)
        fig.add_bar(x=names, y=vals, name=_esc(ind.name(lang)), marker_color=color,
                    hovertemplate="%{x}<br>" + _esc(ind.name(lang)) + ": %{y:.1f} %<extra></extra>")
    fig.add_hline(y=100, line_dash="dash", line_color="#d7301f",
                  annotation_text=_esc(t("chart_target_100", lang)), annotation_position="top left")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.35), separators=_separators(lang))
    fig.update_yaxes(title_text="%", range=[0, 110], gridcolor="#eee")
    return _layout(fig, t("chart_coverage_title", lang), 460)


def tip_rate_bars(df: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None):
    """Valuable-tip rate per unit, with received and valuable counts in the hover."""
    import plotly.graph_objects as go

    catalog = catalog or load_catalog()
    ind = catalog["valuable_tip_rate"]
    r = ranking(df, ind.id, catalog)
    recv = df.loc[r.index, "tips_received"]
    val = df.loc[r.index, "tips_valuable"]
    custom = [[format_value(a, "count", lang), format_value(b, "count", lang)] for a, b in zip(val, recv)]
    fig = go.Figure(go.Bar(
        x=r["value"].fillna(0), y=[_esc(n) for n in r["unit_name"]], orientation="h",
        marker_color=["#41b6c4" if pd.notna(v) else NO_DATA_COLOR for v in r["value"]],
        text=[format_value(v, "share", lang, missing=t("map_no_data", lang)) for v in r["value"]],
        textposition="outside", cliponaxis=False, customdata=custom,
        hovertemplate="%{y}: %{text}<br>%{customdata[0]} / %{customdata[1]}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="%", range=[0, 110], gridcolor="#eee")
    fig.update_layout(separators=_separators(lang))
    return _layout(fig, t("chart_tips_title", lang), max(300, 28 * len(r) + 120))


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
