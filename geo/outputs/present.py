"""What a public audience may see: the forum presentation's content and the public PDF briefs.

Pure Python (no streamlit, no I/O). Two rules decide what appears in front of a commune hall:

1. Only indicators with ``public = true`` in the catalog are shown (households reminded, weapons and
   explosives are internal and never appear).
2. Small counts are suppressed. A commune's handful of tips can point at the few people who gave them, so a
   *sensitive* count with a value ``0 < v < threshold`` is shown as ``"< threshold"``. Sensitive are the
   count/amount indicators of the groups in :data:`SENSITIVE_GROUPS` — ``tips`` (tips received, valuable
   tips), ``people`` (prestigious people, households reminded) and ``weapons`` (weapons, explosives; internal
   anyway). Zero is shown: it identifies nobody. Team, commitment, forum, opinion and population counts are
   not about individuals and are never suppressed.
   A derived indicator (share, ratio, rate) whose numerator or denominator is a suppressed count is hidden
   too, since the rate and the other part would give the small count back (4 valuable of 6 tips = 66,7 %).

The threshold comes from ``ANTT_SMALL_COUNT_THRESHOLD`` (default 5; 0 or 1 turns suppression off).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from geo.analysis.table import district_totals
from geo.config import setting
from geo.reference.catalog import Catalog, Indicator, load_catalog
from geo.reference.frames import indicator_values
from geo.text.i18n import format_value, t
from geo.text.names import vi_sort_key

ENV_THRESHOLD = "ANTT_SMALL_COUNT_THRESHOLD"
SENSITIVE_GROUPS = ("tips", "people", "weapons")

# What each slide shows (all public; the page offers a choice of map / ranking indicator among public ones).
HEADLINE_IDS = ("teams_security", "teams_security_order", "village_coverage", "forums_held", "tips_received", "tips_valuable",
                "prestigious_people")
SPOTLIGHT_IDS = ("teams_security", "teams_per_1000", "village_coverage", "forums_held", "tips_received",
                 "valuable_tip_rate")
SLIDES = ("headline", "map", "ranking", "spotlight", "forums")


def small_count_threshold(env: Mapping[str, str] | None = None) -> int:
    """The threshold from ``ANTT_SMALL_COUNT_THRESHOLD`` (default 5); a bad value falls back to the default."""
    return setting(ENV_THRESHOLD, env)


def is_sensitive(ind: Indicator) -> bool:
    """A count (or amount) about people or tips: small values are suppressed in public views."""
    return not ind.derived and ind.group in SENSITIVE_GROUPS


def public_indicators(catalog: Catalog | None = None) -> list[Indicator]:
    catalog = catalog or load_catalog()
    return [i for i in catalog if i.public]


def period_ids(ids, period: str | None, catalog: Catalog | None = None) -> list[str]:
    """``ids`` for ``period``: those valid in it, an invalid one replaced by its valid successors (the law's
    lineage: signed villages → registered and recognized), in order, without repeats (issue 13)."""
    catalog = catalog or load_catalog()
    if not period:
        return [i for i in ids if i in catalog]
    out: list[str] = []
    for iid in ids:
        if iid not in catalog:
            continue
        ind = catalog[iid]
        for cand in ([iid] if ind.valid_on(period) else list(ind.replaced_by)):
            if cand in catalog and catalog[cand].valid_on(period) and cand not in out:
                out.append(cand)
    return out


def public_map_choices(catalog: Catalog | None = None) -> list[str]:
    """The map picker's order (rates before counts), public indicators only."""
    catalog = catalog or load_catalog()
    return catalog.map_choices(public_only=True)


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):
        return True


def is_small(value, threshold: int) -> bool:
    """0 < value < threshold (zero and missing values are not suppressed)."""
    return not _missing(value) and 0 < float(value) < threshold


@dataclass(frozen=True)
class Shown:
    """One value as the audience sees it."""

    indicator_id: str
    value: float | None  # None when missing or suppressed (never leaks the hidden number)
    text: str  # "233", "75,2 %", "< 5", "ẩn (số nhỏ)", "Chưa có số liệu"
    unit: str  # "tổ", "" for percentages
    suppressed: bool = False

    @property
    def with_unit(self) -> str:
        if self.value is None or not self.unit or not self.text[:1].isdigit():
            return self.text
        return f"{self.text} {self.unit}"


def show_value(ind: Indicator, values: Mapping[str, float | None], threshold: int | None = None,
               lang: str = "vi", catalog: Catalog | None = None) -> Shown:
    """``ind`` for one unit (or the district) from its base values, with small counts suppressed.

    Raises ValueError for an internal indicator: callers filter with :func:`public_indicators` first.
    """
    catalog = catalog or load_catalog()
    threshold = small_count_threshold() if threshold is None else threshold
    if not ind.public:
        raise ValueError(f"{ind.id} is internal and cannot be shown publicly")
    unit = "" if ind.kind == "share" else ind.unit(lang)
    if ind.derived:
        parts = [catalog[ind.numerator], catalog[ind.denominator]]
        if any(is_sensitive(p) and is_small(values.get(p.id), threshold) for p in parts):
            return Shown(ind.id, None, t("present_hidden", lang), unit, True)
        if ind.id in values:  # a total: its share as the one rule for totals gave it (analysis.table.sum_parts)
            v = _num(values[ind.id])
        else:
            v = ind.compute(_num(values.get(ind.numerator)), _num(values.get(ind.denominator)))
    else:
        v = _num(values.get(ind.id))
        if is_sensitive(ind) and is_small(v, threshold):
            return Shown(ind.id, None, f"< {threshold}", unit, True)
    if v is None:
        return Shown(ind.id, None, t("present_no_data", lang), unit, False)
    return Shown(ind.id, float(v), value_text(v, ind, lang), unit, False)


def value_text(v: float, ind: Indicator, lang: str = "vi") -> str:
    """A present value as text; a yes/no flag of one commune reads 'Đã ký' / 'Chưa'."""
    if ind.kind == "flag" and float(v) in (0.0, 1.0):
        return t("present_flag_yes" if v else "present_flag_no", lang)
    return format_value(v, ind.kind, lang)


def _num(v):
    return None if _missing(v) else float(v)


def unit_base_values(frame: pd.DataFrame, unit_code: str | None, catalog: Catalog | None = None) -> dict:
    """Base values of one unit, or the district totals (shares included) when ``unit_code`` is None."""
    catalog = catalog or load_catalog()
    if unit_code is None:
        return district_totals(frame, catalog)
    row = frame.loc[unit_code]
    return {i.id: _num(row[i.id]) if i.id in frame.columns else None for i in catalog.base()}


def show_many(frame: pd.DataFrame, ids, unit_code: str | None = None, threshold: int | None = None,
              lang: str = "vi", catalog: Catalog | None = None) -> list[tuple[Indicator, Shown]]:
    """The public ones among ``ids`` for a unit (or the district), in order."""
    catalog = catalog or load_catalog()
    values = unit_base_values(frame, unit_code, catalog)
    return [(catalog[i], show_value(catalog[i], values, threshold, lang, catalog)) for i in ids if catalog[i].public]


def shown_series(frame: pd.DataFrame, indicator_id: str, threshold: int | None = None,
                 catalog: Catalog | None = None) -> tuple[pd.Series, set]:
    """Per-unit values for a public map/ranking: (values with suppressed units set to NaN, suppressed codes)."""
    catalog = catalog or load_catalog()
    threshold = small_count_threshold() if threshold is None else threshold
    ind = catalog[indicator_id]
    if not ind.public:
        raise ValueError(f"{indicator_id} is internal and cannot be shown publicly")
    values = indicator_values(frame, indicator_id, catalog).copy()
    parts = [catalog[ind.numerator], catalog[ind.denominator]] if ind.derived else [ind]
    hidden = set()
    for code in frame.index:
        for p in parts:
            if is_sensitive(p) and p.id in frame.columns and is_small(frame.at[code, p.id], threshold):
                hidden.add(code)
    if hidden:
        values.loc[list(hidden)] = float("nan")
    return values, hidden


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    unit_code: str
    unit_name: str
    value: float | None
    text: str
    suppressed: bool = False


def public_ranking(frame: pd.DataFrame, indicator_id: str, threshold: int | None = None, lang: str = "vi",
                   catalog: Catalog | None = None) -> list[RankRow]:
    """Units best first; suppressed units listed after them (by name, without a rank), then missing ones.

    Suppressed units are not ordered by their hidden value, so the list does not reveal which is smaller.
    """
    catalog = catalog or load_catalog()
    threshold = small_count_threshold() if threshold is None else threshold
    ind = catalog[indicator_id]
    values, hidden = shown_series(frame, indicator_id, threshold, catalog)
    descending = ind.direction != "down"
    have = [c for c in frame.index if c not in hidden and not _missing(values.get(c))]
    sign = -1.0 if descending else 1.0
    have.sort(key=lambda c: (sign * float(values[c]), vi_sort_key(str(frame.at[c, "unit_name"]))))
    rows: list[RankRow] = []
    prev, prev_rank = None, 0
    for i, c in enumerate(have, start=1):
        v = float(values[c])
        rank = prev_rank if prev is not None and v == prev else i
        prev, prev_rank = v, rank
        rows.append(RankRow(rank, c, str(frame.at[c, "unit_name"]), v, format_value(v, ind.kind, lang)))
    by_name = lambda c: vi_sort_key(str(frame.at[c, "unit_name"]))  # noqa: E731
    hidden_text = f"< {threshold}" if not ind.derived else t("present_hidden", lang)
    for c in sorted(hidden, key=by_name):
        rows.append(RankRow(None, c, str(frame.at[c, "unit_name"]), None, hidden_text, True))
    missing = [c for c in frame.index if c not in hidden and _missing(values.get(c))]
    for c in sorted(missing, key=by_name):
        rows.append(RankRow(None, c, str(frame.at[c, "unit_name"]), None, t("present_no_data", lang)))
    return rows


def rank_of(frame: pd.DataFrame, indicator_id: str, unit_code: str, threshold: int | None = None,
            catalog: Catalog | None = None) -> tuple[int | None, int]:
    """(rank of the unit or None when hidden/missing, number of ranked units)."""
    rows = public_ranking(frame, indicator_id, threshold, "vi", catalog)
    ranked = [r for r in rows if r.rank is not None]
    for r in ranked:
        if r.unit_code == unit_code:
            return r.rank, len(ranked)
    return None, len(ranked)


@dataclass(frozen=True)
class ForumSummary:
    forums: Shown
    opinions: Shown  # force building + crime fighting
    tips: Shown
    valuable: Shown
    rate: Shown


def forum_summary(frame: pd.DataFrame, unit_code: str | None = None, threshold: int | None = None,
                  lang: str = "vi", catalog: Catalog | None = None) -> ForumSummary:
    """What the forums heard: forums held, opinions received, tips and how many proved valuable."""
    catalog = catalog or load_catalog()
    values = unit_base_values(frame, unit_code, catalog)
    a, b = values.get("opinions_force_building"), values.get("opinions_crime_fighting")
    total = None if a is None and b is None else (a or 0.0) + (b or 0.0)
    op_ind = catalog["opinions_force_building"]
    opinions = Shown("opinions", total, format_value(total, "count", lang, missing=t("present_no_data", lang)),
                     op_ind.unit(lang))
    shown = lambda iid: show_value(catalog[iid], values, threshold, lang, catalog)  # noqa: E731
    return ForumSummary(shown("forums_held"), opinions, shown("tips_received"), shown("tips_valuable"),
                        shown("valuable_tip_rate"))


def change_text(now: float | None, before: float | None, kind: str, lang: str = "vi") -> str | None:
    """'+12', '−3', '+4,5 điểm %' (percentage points for shares); None when either side is missing."""
    if now is None or before is None or _missing(now) or _missing(before):
        return None
    d = float(now) - float(before)
    if kind == "share":
        s = format_value(abs(d), "amount", lang) + t("percentage_points", lang)
    else:
        s = format_value(abs(d), kind if kind != "flag" else "count", lang)
    if d == 0:
        return "±0"
    return ("+" if d > 0 else "−") + s
