"""The wide table every view reads: one row per unit (index ``unit_code``), ``unit_name``, one float column
per base indicator (NaN = missing, never zero); the rows ↔ table conversion and the per-unit value of any
indicator (derived ones computed per unit from their numerator and denominator).
"""

from __future__ import annotations

import math

import pandas as pd

from geo.reference.catalog import Catalog, load_catalog


def rows_to_table(rows, boundary_set: str, period: str, version=None, sample: bool = False,
                  catalog: Catalog | None = None) -> pd.DataFrame:
    catalog = catalog or load_catalog()
    ids = [i.id for i in catalog.base()]
    data = []
    for r in rows:
        rec = {"unit_code": r["unit_code"], "unit_name": r.get("unit_name") or ""}
        for iid in ids:
            v = r.get("values", {}).get(iid)
            rec[iid] = float("nan") if v is None else float(v)
        data.append(rec)
    df = pd.DataFrame(data, columns=["unit_code", "unit_name", *ids]).set_index("unit_code")
    df.attrs.update(boundary_set=boundary_set, period=period, version=version, sample=bool(sample))
    return df


def table_to_rows(df: pd.DataFrame, catalog: Catalog | None = None) -> list[dict]:
    catalog = catalog or load_catalog()
    period = df.attrs.get("period")
    # The indicators of the table's period (issue 13), and any other that has a value (nothing is lost).
    ids = [i.id for i in catalog.base() if i.id in df.columns
           and (not period or i.valid_on(period) or df[i.id].notna().any())]
    out = []
    for code, rec in df.iterrows():
        values = {}
        for iid in ids:
            v = rec[iid]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                values[iid] = None
            else:
                values[iid] = int(v) if catalog[iid].whole_number and float(v).is_integer() else float(v)
        out.append({"unit_code": code, "unit_name": rec.get("unit_name", ""), "values": values})
    return out


def indicator_values(df: pd.DataFrame, indicator_id: str, catalog: Catalog | None = None) -> pd.Series:
    """Per-unit values of any indicator (derived ones computed per unit). NaN where undefined."""
    catalog = catalog or load_catalog()
    ind = catalog[indicator_id]
    if ind.derived and indicator_id in df.columns:  # a table of totals carries its shares (analysis.sum_parts)
        return df[indicator_id].astype(float).rename(indicator_id)
    if not ind.derived:
        if indicator_id not in df.columns:
            return pd.Series(float("nan"), index=df.index, name=indicator_id)
        return df[indicator_id].astype(float).rename(indicator_id)
    num = df.get(ind.numerator, pd.Series(float("nan"), index=df.index))
    den = df.get(ind.denominator, pd.Series(float("nan"), index=df.index))
    vals = [ind.compute(_f(a), _f(b)) for a, b in zip(num, den)]
    return pd.Series([float("nan") if v is None else v for v in vals], index=df.index, name=indicator_id, dtype=float)


def _f(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x
