"""Join data rows to a boundary set: by official code first, then by normalized name within the set.

The join report (matched; in the data but not in the set; in the set but not in the data) is always returned
so pages can show it.
"""

from __future__ import annotations

import pandas as pd

from geo.units.index import match_units


def join_table(units_gdf, table: pd.DataFrame, code_width: int = 5):
    """Boundary units (GeoDataFrame with code, name, geometry) left-joined with a wide table.

    Returns (GeoDataFrame with the set's codes and names and the table's indicator columns, JoinReport).
    The GeoDataFrame type, CRS and geometry column are kept; units without data get NaN (no data, not zero).
    """
    data_units = list(zip(table.index, table["unit_name"])) if len(table) else []
    set_units = list(zip(units_gdf["code"], units_gdf["name"]))
    mapping, report = match_units(data_units, set_units, code_width)
    import numpy as np

    value_cols = [c for c in table.columns if c != "unit_name"]
    aligned = np.full((len(units_gdf), len(value_cols)), np.nan)
    if mapping:  # one array copy, not a .loc per unit (3,321 of them took seconds on a national set)
        position = {code: k for k, code in enumerate(units_gdf["code"])}
        rows = list(mapping.items())
        source = [i for i, _code in rows]
        aligned[[position[code] for _i, code in rows]] = table.iloc[source][value_cols].astype(float).to_numpy()
    out = units_gdf.copy()
    for k, col in enumerate(value_cols):
        out[col] = aligned[:, k]
    out.attrs.update(units_gdf.attrs)
    out.attrs.update({k: v for k, v in table.attrs.items()})
    return out, report


def joined_table(units_gdf, table: pd.DataFrame, code_width: int = 5) -> pd.DataFrame:
    """The wide table re-indexed on the set's codes and names (what maps, charts and profiles read)."""
    gdf, report = join_table(units_gdf, table, code_width)
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).rename(columns={"code": "unit_code", "name": "unit_name"})
    df = df.set_index("unit_code")
    df.attrs.update(table.attrs)
    return df, report
