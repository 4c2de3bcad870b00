"""The one view loader: what every map, chart and profile of a (set, period, area, method) shows.

``load_view`` is a short orchestrator of named steps (units → table on the set → join → area), so pages get
their data one way and a single cache in ``pages/shared/data.py`` can hold the result, keyed on (set, file
fingerprint, data version, period, area, method). The facts pages print about the data (boundary set,
period, version, sample, converted/approximate) travel as a typed :class:`ViewMeta`; ``frame.attrs`` keeps
the same keys for the code that still reads them (exports, banners).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo.analysis.followup import marked_cells
from geo.analysis.join import joined_table
from geo.units import boundaries as gb
from geo.units.vintage import periods_on_set, table_on_set


@dataclass(frozen=True)
class ViewMeta:
    boundary_set: str
    period: str | None
    version: int | None = None
    sample: bool = False
    converted_from: str | None = None
    method: str = "whole"
    approximate: tuple[str, ...] = ()
    area: tuple = ()
    fallback: bool = False  # centroids only (no polygon file)

    @classmethod
    def from_attrs(cls, set_id: str, attrs: dict, *, area: tuple = (), fallback: bool = False,
                   method: str = "whole") -> "ViewMeta":
        return cls(set_id, attrs.get("period"), attrs.get("version"), bool(attrs.get("sample")),
                   attrs.get("converted_from"), attrs.get("method") or method,
                   tuple(str(c) for c in attrs.get("approximate") or ()), tuple(area), fallback)


@dataclass(frozen=True)
class View:
    """Units (display GeoDataFrame of the area), the joined wide table on their codes, the join report of
    the whole set, and the meta. Shared by every session holding the same key: treat as read-only."""

    units: object
    frame: pd.DataFrame
    join_report: object
    meta: ViewMeta = field(compare=False)


def resolve_period(store, set_id: str, period: str | None) -> str | None:
    """The chosen period, else the latest with data on the set (its own or through a crosswalk)."""
    if period is not None:
        return period
    periods = periods_on_set(store, set_id)
    return periods[-1] if periods else None


def _set_units(set_id: str):
    src = gb.unit_source(set_id)
    return src.shapes(), src.fallback


def _restrict(units, frame: pd.DataFrame, area: tuple):
    mask = gb.area_mask(units, area)
    attrs = dict(frame.attrs)
    frame = frame[mask]
    frame.attrs.update(attrs)
    return units[mask], frame


def load_view(set_id: str, period: str | None, area: tuple, method: str, store, *, units=None,
              fallback: bool | None = None, table: pd.DataFrame | None = None) -> View:
    """The view of ``set_id`` for ``period`` (None: the latest), restricted to ``area`` (() = the whole set).

    ``units`` may pass the set's display units already loaded (pages keep them cached per set and file), and
    ``table`` the set's wide table; otherwise both are read here.
    """
    if units is None:
        units, fallback = _set_units(set_id)
    fallback = bool(fallback)
    period = resolve_period(store, set_id, period)
    if table is None:
        table = table_on_set(store, set_id, period, method)
    frame, report = joined_table(units, table, gb.get_boundary_set_info(set_id).data_code_width)
    frame.attrs["followup"] = sorted(marked_cells(store, set_id, period)) if hasattr(store, "flags_state") else []
    if area and not fallback:  # the join report stays the whole set's; the view shows the chosen area
        units, frame = _restrict(units, frame, area)
    meta = ViewMeta.from_attrs(set_id, frame.attrs, area=area if not fallback else (), fallback=fallback,
                               method=method)
    if meta.period is None and period is not None:
        frame.attrs["period"] = period
        meta = ViewMeta.from_attrs(set_id, frame.attrs, area=meta.area, fallback=fallback, method=method)
    return View(units, frame, report, meta)


def aggregate_frame(frame: pd.DataFrame, groups, catalog=None) -> pd.DataFrame:
    """The wide table summed by ``groups`` (one label per row, e.g. the province of each commune) by the one
    rule for totals (geo.analysis.table.sum_parts): counts summed (NaN when no unit of the group has a
    value, never 0), shares and rates from the summed parts of the units that have both, never averaged —
    the same numbers as the overview's cards. Index and ``unit_name`` = the label."""
    from geo.analysis.table import sum_parts

    summed = sum_parts(frame, groups, catalog)
    summed.insert(0, "unit_name", summed.index.astype(str))
    summed.index = summed.index.astype(str)
    summed.index.name = frame.index.name
    summed.attrs.update(frame.attrs)
    summed.attrs["approximate"] = []  # per-commune marks do not carry to a province
    return summed
