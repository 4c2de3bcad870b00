"""Change over time: the difference between two periods per unit, and trends across periods.

A unit missing in either period has no change (NaN, shown as no data), never a change from or to zero.
Shares are compared as recomputed values; cumulative sums over periods are offered only for flow indicators
(tips, forums…), never for stocks (teams in place), because summing stocks over time means nothing.

Only periods of one type are compared and drawn together (:func:`periods_by_kind`): a year and its quarters,
or a calendar year and an evaluation year, count the same events in overlapping windows.

A trend never runs across a change in the law: a period outside the indicator's validity has no value, and
:func:`series_breaks` says where the series changes (it ends, or begins, continuing another) with the
catalog's lineage note; the chart draws a marker there and no line across it.
"""

from __future__ import annotations

import math

import pandas as pd

from geo.analysis.table import district_totals
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.frames import indicator_values
from geo.text.periods import parse_period


def periods_by_kind(periods) -> dict[str, list[str]]:
    """The periods grouped by type (year, half, quarter, month, evaluation year), each group in order, the
    group holding the newest period first. Only periods of one type are compared or drawn as one trend: a
    quarter beside its year counts the same tips twice, and a cumulative sum would add them up."""
    groups: dict[str, list] = {}
    for p in sorted((parse_period(p) for p in periods), key=lambda q: (q.end, q.start)):
        groups.setdefault(p.kind, []).append(p)
    newest_first = sorted(groups, key=lambda k: (groups[k][-1].end, groups[k][-1].start), reverse=True)
    return {k: [str(p) for p in groups[k]] for k in newest_first}


def default_kind(groups: dict[str, list[str]]) -> str | None:
    """The type the page opens on: the newest one with two periods to compare, else the newest."""
    return next((k for k, ps in groups.items() if len(ps) >= 2), next(iter(groups), None))


def period_change(before: pd.DataFrame, after: pd.DataFrame, indicator_id: str,
                  catalog: Catalog | None = None) -> pd.DataFrame:
    """Per unit: value before, after, absolute change and % change (NaN when undefined).

    Units are those of ``after`` (the later table), joined by code.
    """
    catalog = catalog or load_catalog()
    a = indicator_values(before, indicator_id, catalog) if len(before) else pd.Series(dtype=float)
    b = indicator_values(after, indicator_id, catalog)
    out = pd.DataFrame({"unit_name": after["unit_name"], "before": a.reindex(b.index), "after": b})
    out["change"] = out["after"] - out["before"]
    pct = []
    for x, y in zip(out["before"], out["after"]):
        pct.append(float("nan") if (math.isnan(x) or math.isnan(y) or x == 0) else 100.0 * (y - x) / x)
    out["change_pct"] = pct
    return out


def district_change(before: pd.DataFrame, after: pd.DataFrame, indicator_id: str,
                    catalog: Catalog | None = None) -> dict:
    catalog = catalog or load_catalog()
    x = district_totals(before, catalog).get(indicator_id) if len(before) else None
    y = district_totals(after, catalog).get(indicator_id)
    change = None if x is None or y is None else y - x
    pct = None if change is None or not x else 100.0 * change / x
    return {"before": x, "after": y, "change": change, "change_pct": pct}


def trend(tables: dict[str, pd.DataFrame], indicator_id: str, catalog: Catalog | None = None,
          cumulative: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-unit long table [period, unit_code, unit_name, value], district table [period, value]) in
    period order. ``cumulative`` sums over periods and is refused for stock indicators."""
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    if cumulative and (ind.temporal != "flow" or ind.derived):
        raise ValueError(f"{indicator_id} is a stock or a rate: a cumulative sum over periods means nothing")
    order = sorted(tables, key=parse_period)
    rows, district = [], []
    for p in order:
        t = tables[p]
        if not ind.valid_on(p):  # outside its validity the indicator has no value (not zero, not carried)
            for code in t.index:
                rows.append({"period": p, "unit_code": code, "unit_name": t.at[code, "unit_name"], "value": math.nan})
            district.append({"period": p, "value": None})
            continue
        vals = indicator_values(t, indicator_id, catalog)
        for code, v in vals.items():
            rows.append({"period": p, "unit_code": code, "unit_name": t.at[code, "unit_name"], "value": v})
        district.append({"period": p, "value": district_totals(t, catalog).get(indicator_id)})
    units = pd.DataFrame(rows, columns=["period", "unit_code", "unit_name", "value"])
    dist = pd.DataFrame(district, columns=["period", "value"])
    if cumulative:
        units["value"] = units.groupby("unit_code")["value"].transform(lambda s: s.cumsum(skipna=True))
        dist["value"] = dist["value"].astype(float).cumsum()
    return units, dist


def common_breaks(tables: dict[str, pd.DataFrame], indicator_id: str, k: int = 5,
                  catalog: Catalog | None = None) -> list[float]:
    """Class bounds shared by every period (quantiles of the pooled values), so that the same colour means
    the same value whichever period the slider shows."""
    from geo.analysis.classify import classify

    catalog = catalog or load_catalog()
    pooled = pd.concat([indicator_values(t, indicator_id, catalog) for t in tables.values() if len(t)],
                       ignore_index=True) if tables else pd.Series(dtype=float)
    return classify(pooled, "quantiles", k).upper if len(pooled.dropna()) else []


def series_breaks(periods, indicator_id: str, catalog: Catalog | None = None) -> list[dict]:
    """Where the series of ``indicator_id`` changes over ``periods`` (in period order): between two consecutive
    periods where the indicator begins (continuing its predecessors) or ends (continued by its successors).

    Each break: ``{"before": period, "after": period, "indicator": id, "kind": "begins"|"ends",
    "old": [ids], "new": [ids], "note_vi": text, "note_en": text}`` — ``after`` is the first period of the
    new state; the notes are the catalog's lineage notes (whether it is the same measure)."""
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    order = sorted((str(p) for p in periods), key=parse_period)
    out = []
    for prev, nxt in zip(order, order[1:]):
        a, b = ind.valid_on(prev), ind.valid_on(nxt)
        if a == b:
            continue
        if b:  # begins: it continues its predecessors
            old, new = list(ind.continues), [ind.id]
            notes = [ind]
        else:  # ends: its successors carry on
            old, new = [ind.id], list(ind.replaced_by)
            notes = [catalog[s] for s in ind.replaced_by if s in catalog]
        out.append({
            "before": prev, "after": nxt, "indicator": ind.id, "kind": "begins" if b else "ends",
            "old": old, "new": new,
            "note_vi": " ".join(n.lineage_vi for n in notes if n.lineage_vi),
            "note_en": " ".join(n.lineage_en for n in notes if n.lineage_en),
        })
    return out
