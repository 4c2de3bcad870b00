"""One specification per chart, computed once and drawn twice: by plotly in the app (geo.outputs.charts) and by
matplotlib for the PNG / SVG files (geo.outputs.chartfiles).

A :class:`ChartSpec` is plain data: what the chart is (kind, title, axis label), its categories (unit names, in
the order they are shown: top to bottom, or left to right), its series (name, one value per category — None
when the unit has no data —, colours, value labels, hover details), a target line, and the provenance line and
sample stamp a file carries. Everything a reader sees is decided here; the renderers only lay it out. Names are
plain text here: each renderer escapes what its own output needs.

The trend over the periods (``trend``, the Change page) is a spec too: one line per unit, the district in bold,
the predecessor or successor series dashed, and a marker at each change in the law. The four charts of the
Charts page: ``ranking`` (one indicator, best first, in the map's colours), ``teams``
(the four team types stacked, the law's types of the period), ``coverage`` (the three commitment coverages —
or recognition rates after Circular 124/2021 — against 100 %) and ``tips`` (valuable-tip rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.analysis.table import ranking
from geo.outputs.provenance import Provenance, provenance
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.frames import indicator_values
from geo.text.i18n import format_value, t

CHART_KINDS = ("ranking", "teams", "coverage", "tips")
TEAM_IDS = ("teams_security", "teams_street_protection", "teams_mediation", "teams_civil_defence")
TEAM_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a")  # ColorBrewer Dark2, colour-blind friendlier
COVERAGE_IDS = ("village_coverage", "agency_coverage", "school_coverage")
COVERAGE_COLORS = ("#2c7fb8", "#7fcdbb", "#253494")
# Under Circular 124/2021/TT-BCA (from 10 Feb 2022) recognition replaces the signed commitment (issue 13).
RECOGNITION_IDS = ("village_recognition_rate", "agency_recognition_rate", "school_recognition_rate")
NEW_TEAM_IDS = ("teams_security", "teams_security_order", "teams_mediation", "teams_civil_defence")
PLAIN_COLOR = "#2c7fb8"  # a ranking without classes
TIP_COLOR = "#41b6c4"
TARGET_COLOR = "#d7301f"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple  # one float per category, None = no data
    colors: tuple[str, ...]  # one per category
    texts: tuple[str, ...] = ()  # value labels beside the bars (none: no labels)
    details: tuple = ()  # per category, the parts shown on hover (valuable, received)
    # lines (the trend): how the line is drawn, the legend group it toggles with, and its axis
    width: float = 1.0
    dash: str = "solid"
    opacity: float = 1.0
    group: str = ""
    axis: str = "y"  # "y2": the right-hand axis (a district count beside per-unit counts)


@dataclass(frozen=True)
class Break:
    """A change in the law between two categories: drawn as a dashed marker at ``position`` (half-way between
    the last old and the first new category), and no line is drawn across it."""
    position: float
    label: str


@dataclass(frozen=True)
class ChartSpec:
    kind: str
    title: str
    categories: tuple[str, ...]  # unit names, in the order shown
    codes: tuple[str, ...]
    series: tuple[Series, ...]
    value_label: str
    layout: str = "single"  # single | stack | group | lines
    value_kind: str = "count"
    value_range: tuple[float, float] | None = None
    target: float | None = None
    target_label: str = ""
    provenance: str = ""
    sample_stamp: str = ""  # "" when the data is not sample
    lang: str = "vi"
    breaks: tuple[Break, ...] = ()
    secondary_label: str = ""  # title of the right-hand axis, when a series uses it


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else float(v)


def for_period(df: pd.DataFrame, ids, catalog: Catalog) -> list[str]:
    """The ids valid in the table's period (all of them when it has none)."""
    period = df.attrs.get("period")
    return [i for i in ids if i in catalog and (not period or catalog[i].valid_on(period))]


def team_ids(df: pd.DataFrame, catalog: Catalog) -> list[str]:
    """The four team types of the table's period (after 30 Jun 2024 the protection teams replace the
    street-protection teams)."""
    ids = for_period(df, TEAM_IDS, catalog)
    return ids if "teams_street_protection" in ids else for_period(df, NEW_TEAM_IDS, catalog)


def coverage_ids(df: pd.DataFrame, catalog: Catalog) -> list[str]:
    return for_period(df, COVERAGE_IDS, catalog) or for_period(df, RECOGNITION_IDS, catalog)


def _common(frame: pd.DataFrame, lang: str, set_id: str | None, prov: Provenance | None) -> dict:
    """What every chart says about its data: the view's provenance when given, else the table's."""
    prov = prov or provenance(frame, set_id, lang)
    return dict(provenance=prov.line(lang), sample_stamp=t("export_sample_stamp", lang) if prov.sample else "",
                lang=lang)


def ranking_spec(frame: pd.DataFrame, indicator_id: str, classification: Classification | None = None,
                 lang: str = "vi", catalog: Catalog | None = None, top: int | None = None,
                 set_id: str | None = None, prov: Provenance | None = None) -> ChartSpec:
    """Best first, coloured like the map classes (one colour without classes); units without data last."""
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    r = ranking(frame, indicator_id, catalog)
    if top:
        r = r.head(top)
    colors = tuple(classification.color_of(c) if classification is not None else PLAIN_COLOR for c in r.index)
    texts = tuple(format_value(v, ind.kind, lang, missing=t("map_no_data", lang)) for v in r["value"])
    series = Series(ind.name(lang), tuple(_num(v) for v in r["value"]), colors, texts)
    return ChartSpec("ranking", t("chart_ranking_title", lang, indicator=ind.name(lang)),
                     tuple(str(n) for n in r["unit_name"]), tuple(str(c) for c in r.index), (series,),
                     ind.unit(lang), value_kind=ind.kind, **_common(frame, lang, set_id, prov))


def teams_spec(frame: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None,
               set_id: str | None = None, prov: Provenance | None = None) -> ChartSpec:
    """The four team types of the period stacked per unit, the unit with most teams first."""
    catalog = catalog or load_catalog()
    ids = team_ids(frame, catalog)
    total = frame[list(ids)].sum(axis=1, min_count=1).fillna(0)
    order = list(total.sort_values(ascending=True).index)[::-1]
    series = tuple(Series(catalog[iid].name(lang), tuple(_num(v) for v in frame.loc[order, iid]),
                          (color,) * len(order)) for iid, color in zip(ids, TEAM_COLORS))
    return ChartSpec("teams", t("chart_teams_title", lang), tuple(str(frame.at[c, "unit_name"]) for c in order),
                     tuple(str(c) for c in order), series, t("chart_teams_axis", lang), layout="stack",
                     **_common(frame, lang, set_id, prov))


def coverage_spec(frame: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None,
                  set_id: str | None = None, prov: Provenance | None = None) -> ChartSpec:
    """The three coverages (or recognition rates) of the period side by side per unit, and the 100 % target."""
    catalog = catalog or load_catalog()
    series = []
    for iid, color in zip(coverage_ids(frame, catalog), COVERAGE_COLORS):
        vals = indicator_values(frame, iid, catalog)
        series.append(Series(catalog[iid].name(lang), tuple(_num(v) for v in vals), (color,) * len(frame)))
    return ChartSpec("coverage", t("chart_coverage_title", lang), tuple(str(n) for n in frame["unit_name"]),
                     tuple(str(c) for c in frame.index), tuple(series), "%", layout="group", value_kind="share",
                     value_range=(0.0, 110.0), target=100.0, target_label=t("chart_target_100", lang),
                     **_common(frame, lang, set_id, prov))


def tips_spec(frame: pd.DataFrame, lang: str = "vi", catalog: Catalog | None = None,
              set_id: str | None = None, prov: Provenance | None = None) -> ChartSpec:
    """Valuable-tip rate per unit, best first; hover: valuable / received."""
    catalog = catalog or load_catalog()
    ind = catalog["valuable_tip_rate"]
    r = ranking(frame, ind.id, catalog)
    values = tuple(_num(v) for v in r["value"])
    details = tuple((format_value(a, "count", lang), format_value(b, "count", lang))
                    for a, b in zip(frame.loc[r.index, "tips_valuable"], frame.loc[r.index, "tips_received"]))
    series = Series(ind.name(lang), values, tuple(TIP_COLOR if v is not None else NO_DATA_COLOR for v in values),
                    tuple(format_value(v, "share", lang, missing=t("map_no_data", lang)) for v in r["value"]),
                    details)
    return ChartSpec("tips", t("chart_tips_title", lang), tuple(str(n) for n in r["unit_name"]),
                     tuple(str(c) for c in r.index), (series,), "%", value_kind="share", value_range=(0.0, 110.0),
                     **_common(frame, lang, set_id, prov))


def chart_spec(kind: str, frame: pd.DataFrame, indicator_id: str | None = None, *, lang: str = "vi",
               classification: Classification | None = None, catalog: Catalog | None = None,
               set_id: str | None = None, prov: Provenance | None = None) -> ChartSpec:
    """The spec of one of the four charts by name (``indicator_id``: the ranked indicator)."""
    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart {kind!r} (one of {', '.join(CHART_KINDS)})")
    if kind == "ranking":
        return ranking_spec(frame, indicator_id or "teams_security", classification, lang, catalog, set_id=set_id,
                            prov=prov)
    build = {"teams": teams_spec, "coverage": coverage_spec, "tips": tips_spec}[kind]
    return build(frame, lang, catalog, set_id=set_id, prov=prov)


def trend_spec(units: pd.DataFrame, district: pd.DataFrame, indicator_id: str, lang: str = "vi",
               catalog: Catalog | None = None, cumulative: bool = False, breaks: list[dict] | None = None,
               linked: list[tuple[str, pd.DataFrame]] | None = None) -> ChartSpec:
    """Over the periods (geo.analysis.change.trend): one thin line per unit, the district bold, and for
    ``linked`` (indicator id, district table) the predecessors or successors dashed within their validity.
    ``breaks`` (geo.analysis.change.series_breaks) become markers; missing periods are gaps."""
    from geo.text.periods import parse_period

    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    periods = set(district["period"])
    for _, d in linked or []:
        periods |= set(d["period"])
    order = sorted(periods, key=parse_period)
    at = {p: i for i, p in enumerate(order)}

    def aligned(frame: pd.DataFrame) -> tuple:
        vals = [None] * len(order)
        for p, v in zip(frame["period"], frame["value"]):
            vals[at[p]] = _num(v)
        return tuple(vals)

    series = [Series(str(grp["unit_name"].iloc[0]), aligned(grp), ("",), width=1, opacity=0.6, group=str(code))
              for code, grp in units.groupby("unit_code", sort=False)]
    axis = "y" if ind.derived else "y2"  # a district count (a sum) gets its own axis on the right
    series.append(Series(t("chart_district", lang), aligned(district), ("#111111",), width=4, group="district",
                         axis=axis))
    for other_id, d in linked or []:
        other = catalog[other_id]
        d = d[[other.valid_on(p) for p in d["period"]]]
        series.append(Series(other.name(lang), aligned(d), ("#6a51a3",), width=3, dash="dash", group=other_id,
                             axis=axis))
    marks = tuple(Break(at[b["after"]] - 0.5, t("series_break_label", lang)) for b in breaks or []
                  if b["after"] in at)
    title = t("chart_trend_title_cumulative" if cumulative else "chart_trend_title", lang, indicator=ind.name(lang))
    return ChartSpec("trend", title, tuple(parse_period(p).label(lang) for p in order), tuple(order), tuple(series),
                     ind.unit(lang), layout="lines", value_kind=ind.kind, lang=lang, breaks=marks,
                     secondary_label="" if ind.derived else t("chart_district", lang))


def segments(spec: ChartSpec, values: tuple) -> list[list[int]]:
    """The category indices of each piece of a line: split at every break, pieces without a value dropped."""
    cuts = sorted(math.ceil(b.position) for b in spec.breaks)
    out, piece = [], []
    for i in range(len(spec.categories)):
        if i in cuts and piece:
            out.append(piece)
            piece = []
        piece.append(i)
    if piece:
        out.append(piece)
    return [p for p in out if any(values[i] is not None for i in p)]
