"""The view as features for other systems: the OGC API's items, the wide-table endpoint and the GeoPackage.

One row per unit of the view (geo.analysis.view — the numbers the pages show, never a second computation):
``code``, ``name``, ``province``, ``period``, one column per indicator valid in the period (derived ones computed
per unit as the map does, geo.reference.frames.indicator_values), ``data_version`` and ``sample``.

Who may see what follows the public exports (geo.outputs.present): a public edition holds only public
indicators and suppresses small counts — a sensitive count ``0 < v < threshold`` is empty, and so is every
rate built on it; an internal edition (an editor's) holds every indicator with exact values.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.outputs.present import is_sensitive, small_count_threshold
from geo.reference.catalog import Catalog, load_catalog
from geo.reference.frames import indicator_values
from geo.units import boundaries as gb

FIXED_COLUMNS = ("code", "name", "province", "period")
TAIL_COLUMNS = ("data_version", "sample", "approved")


def feature_indicators(period: str | None, internal: bool, catalog: Catalog | None = None) -> list:
    """The indicators a feature carries: valid in ``period`` (all when None), public unless ``internal``."""
    catalog = catalog or load_catalog()
    if period:
        catalog = catalog.valid_in(period)
    return [i for i in catalog if i.public or internal]


def _small(values: pd.Series, threshold: int) -> pd.Series:
    """geo.outputs.present.is_small for a column: 0 < value < threshold (missing and zero are not small)."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return (v > 0) & (v < threshold)


def feature_table(frame: pd.DataFrame, set_id: str, *, internal: bool, threshold: int | None = None,
                  catalog: Catalog | None = None) -> pd.DataFrame:
    """The properties of every unit of ``frame`` (a view's joined wide table), index = unit code."""
    catalog = catalog or load_catalog()
    threshold = small_count_threshold() if threshold is None else threshold
    period = frame.attrs.get("period")
    province = gb.province_column(set_id)
    out = pd.DataFrame(index=frame.index.astype(str))
    out["code"] = out.index
    out["name"] = frame["unit_name"].astype(str).values
    out["province"] = frame[province].astype(str).values if province and province in frame.columns else None
    out["period"] = period
    for ind in feature_indicators(period, internal, catalog):
        values = indicator_values(frame, ind.id, catalog).astype(float)
        if not internal:
            parts = [catalog[ind.numerator], catalog[ind.denominator]] if ind.derived else [ind]
            for part in parts:
                if is_sensitive(part) and part.id in frame.columns:
                    values = values.mask(_small(frame[part.id], threshold).values)
        out[ind.id] = values.values
    version = frame.attrs.get("version")
    out["data_version"] = None if version is None else int(version)
    out["sample"] = bool(frame.attrs.get("sample"))
    # numbers a province has not yet approved (ANTT_UNAPPROVED=marked): marked here as on the map
    # (None where the unit has no number, or the numbers are the sample, which nobody approves)
    pending = {str(c) for c in frame.attrs.get("unapproved") or ()}
    samples = {str(c) for c in frame.attrs.get("sample_units") or ()}
    base = [i.id for i in catalog.base() if i.id in frame.columns]
    has = frame[base].notna().any(axis=1).values if base else [False] * len(frame)
    out["approved"] = [None if frame.attrs.get("sample") or code in samples or not h else code not in pending
                       for code, h in zip(out.index, has)]
    return out


def features_frame(units, table: pd.DataFrame):
    """``table`` (from :func:`feature_table`) with the units' geometry, in the units' order (a GeoDataFrame)."""
    import geopandas as gpd

    codes = units["code"].astype(str).values
    return gpd.GeoDataFrame(table.loc[codes].reset_index(drop=True), geometry=units.geometry.values,
                            crs=units.crs)


def write_gpkg(layers: list[tuple[str, object]], out: Path | str) -> Path:
    """A GeoPackage with one layer per (name, GeoDataFrame from :func:`features_frame`), written through GDAL
    (pyogrio). Written to a temporary file beside ``out`` and moved into place: never half a file."""
    import pyogrio

    out = Path(out)
    tmp = out.with_name(out.stem + ".part" + (out.suffix or ".gpkg"))
    tmp.unlink(missing_ok=True)
    try:
        for name, gdf in layers:
            frame = gdf.copy()
            frame["sample"] = frame["sample"].astype(bool)
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", append=tmp.exists())
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def gpkg_bytes(layers: list[tuple[str, object]]) -> bytes:
    """The GeoPackage of :func:`write_gpkg` as bytes (the map page's download)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return write_gpkg(layers, Path(folder) / "layers.gpkg").read_bytes()


def set_layer(store, set_id: str, period: str | None, *, internal: bool):
    """One set's layer: its units from the one view loader with the period's values (None = the set's latest;
    a period the set has no data for gives the units with empty values)."""
    from geo.analysis.view import load_view

    view = load_view(set_id, period, (), "whole", store)
    return features_frame(view.units, feature_table(view.frame, set_id, internal=internal))
