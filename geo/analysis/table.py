"""Analysis of the wide table (:mod:`geo.reference.frames`): district totals, medians and ranks are computed here, shares from summed numerators and
denominators.
"""

from __future__ import annotations

import math

import pandas as pd

from geo.reference.catalog import Catalog, load_catalog
from geo.reference.frames import indicator_values
from geo.text.names import vi_sort_key


def sum_parts(df: pd.DataFrame, groups, catalog: Catalog | None = None) -> pd.DataFrame:
    """The one rule for totals over units, for every place that shows one (overview cards, the by-province
    map, exports of it, slides): one row per label in ``groups`` (one label per row of ``df``).

    Base indicators are summed (NaN when no unit of the group has a value, never 0). A derived indicator
    (share, rate) comes from the sums of its numerator and denominator over the units that have both, so a
    unit missing a part neither pulls a share down nor pushes it up; its column is in the result, and
    :func:`geo.reference.frames.indicator_values` reads it from there.
    """
    catalog = catalog or load_catalog()
    labels = pd.Series(list(groups), index=df.index)
    cols = [i.id for i in catalog.base() if i.id in df.columns]
    out = df[cols].astype(float).groupby(labels, sort=True).sum(min_count=1)
    index = out.index if len(df) else pd.Index(sorted(set(labels)))
    out = out.reindex(index)
    for ind in catalog.derived():
        if ind.numerator not in df.columns or ind.denominator not in df.columns:
            out[ind.id] = float("nan")
            continue
        both = df[[ind.numerator, ind.denominator]].astype(float).dropna()
        parts = both.groupby(labels[both.index], sort=True).sum().reindex(index)
        values = [ind.compute(n, d) for n, d in zip(parts[ind.numerator], parts[ind.denominator])]
        out[ind.id] = [float("nan") if v is None else float(v) for v in values]
    return out


def district_totals(df: pd.DataFrame, catalog: Catalog | None = None) -> dict[str, float | None]:
    """Totals over all units of ``df`` (:func:`sum_parts` with one group): None where there is no value."""
    catalog = catalog or load_catalog()
    row = sum_parts(df, [""] * len(df), catalog).reindex([""]).iloc[0]
    ids = [i.id for i in catalog.base()] + [i.id for i in catalog.derived()]
    return {iid: None if iid not in row.index or math.isnan(row[iid]) else float(row[iid]) for iid in ids}


def units_with_value(df: pd.DataFrame, indicator_id: str, catalog: Catalog | None = None) -> int:
    return int(indicator_values(df, indicator_id, catalog).notna().sum())


def ranking(df: pd.DataFrame, indicator_id: str, catalog: Catalog | None = None) -> pd.DataFrame:
    """Units sorted by value (best first by the indicator's direction; ties and names in Vietnamese order).

    Columns: unit_name, value, rank (1 = best; NaN for missing, listed last).
    """
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    vals = indicator_values(df, indicator_id, catalog)
    frame = pd.DataFrame({"unit_name": df["unit_name"], "value": vals})
    descending = ind.direction != "down"
    sign = -1.0 if descending else 1.0
    have_idx = sorted(
        (c for c in frame.index if not math.isnan(frame.at[c, "value"])),
        key=lambda c: (sign * frame.at[c, "value"], vi_sort_key(frame.at[c, "unit_name"])),
    )
    missing_idx = sorted(
        (c for c in frame.index if math.isnan(frame.at[c, "value"])),
        key=lambda c: vi_sort_key(frame.at[c, "unit_name"]),
    )
    have = frame.loc[have_idx].copy()
    have["rank"] = have["value"].rank(method="min", ascending=not descending)
    missing = frame.loc[missing_idx].copy()
    missing["rank"] = float("nan")
    return pd.concat([have, missing])


def unit_profile(df: pd.DataFrame, unit_code: str, catalog: Catalog | None = None) -> pd.DataFrame:
    """Every indicator for one unit with the district median (over units with a value) and its rank."""
    catalog = catalog or load_catalog()
    rows = []
    for ind in catalog:
        vals = indicator_values(df, ind.id, catalog)
        value = vals.get(unit_code, float("nan"))
        have = vals.dropna()
        rank = None
        if not math.isnan(value):
            r = ranking(df, ind.id, catalog)
            rank = int(r.loc[unit_code, "rank"])
        rows.append({
            "indicator_id": ind.id,
            "value": value,
            "median": float(have.median()) if len(have) else float("nan"),
            "rank": rank,
            "of": int(len(have)),
        })
    return pd.DataFrame(rows).set_index("indicator_id")


def compare_rows(rows: list[dict], current: pd.DataFrame, catalog: Catalog | None = None) -> pd.DataFrame:
    """What an import would change against the current table, per unit of the import.

    Columns: unit_name, changed (values that differ, a missing value counting as different from a number),
    status ("new" unit, "changed", "same").
    """
    catalog = catalog or load_catalog()
    ids = [i.id for i in catalog.base()]
    out = []
    for r in rows:
        code = r["unit_code"]
        if code not in current.index:
            out.append({"unit_code": code, "unit_name": r.get("unit_name", ""), "changed": len(ids), "status": "new"})
            continue
        n = 0
        for iid in ids:
            new = r["values"].get(iid)
            old = current.at[code, iid] if iid in current.columns else float("nan")
            old = None if old is None or (isinstance(old, float) and math.isnan(old)) else float(old)
            new = None if new is None else float(new)
            n += (old != new)
        out.append({"unit_code": code, "unit_name": r.get("unit_name", ""), "changed": n,
                    "status": "changed" if n else "same"})
    return pd.DataFrame(out, columns=["unit_code", "unit_name", "changed", "status"]).set_index("unit_code")
