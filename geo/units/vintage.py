"""Data on any boundary vintage: a set's own imports, or another set's carried through a crosswalk.

Leaders think in today's communes while the history is in the old units. ``table_on_set`` returns the wide
table for (set, period): the set's own latest version when it has one, otherwise the data of a set that a
registered crosswalk leads from, aggregated onto this set (``attrs['converted_from']``, ``attrs['approximate']``).
"""

from __future__ import annotations

import pandas as pd

from geo.reference.frames import rows_to_table
from geo.text.periods import sort_periods
from geo.units.boundaries import boundary_file, get_boundary_set_info, load_boundary_set
from geo.units.crosswalk import CrosswalkError, aggregate, list_crosswalks, load_crosswalk


def sources_for(set_id: str) -> list[str]:
    """Sets whose data can be shown on ``set_id`` through a registered crosswalk."""
    return [c.from_set for c in list_crosswalks() if c.to_set == set_id]


def periods_on_set(store, set_id: str) -> list[str]:
    """Periods with data on the set itself or on a set that converts to it."""
    found = set(store.periods(set_id))
    for src in sources_for(set_id):
        found |= set(store.periods(src))
    return sort_periods(found)


def _units(set_id: str):
    info = get_boundary_set_info(set_id)
    if boundary_file(info) is not None:
        return load_boundary_set(set_id)
    from geo.units.boundaries import fallback_points

    return fallback_points(set_id)


def convert_table(table: pd.DataFrame, from_set: str, to_set: str, method: str = "whole") -> pd.DataFrame:
    """Carry a wide table from one vintage to another through the registered crosswalk."""
    new_units, old_units = _units(to_set), _units(from_set)
    if method == "area" and "Point" in {old_units.geom_type.iloc[0], new_units.geom_type.iloc[0]}:
        raise CrosswalkError("crosswalk_area_needs_files")
    cw = load_crosswalk(from_set, to_set, method=method, old_units=old_units, new_units=new_units)
    return aggregate(table, cw, dict(zip(new_units["code"], new_units["name"])), to_set)


def table_on_set(store, set_id: str, period: str | None, method: str = "whole") -> pd.DataFrame:
    """The table for (set, period), converted through a crosswalk when the set has no data of its own."""
    own = store.periods(set_id)
    if period is None:
        periods = periods_on_set(store, set_id)
        period = periods[-1] if periods else None
    if period is not None and period in own:
        return store.current_table(set_id, period)
    for src in sources_for(set_id):
        if period is not None and period in store.periods(src):
            return convert_table(store.current_table(src, period), src, set_id, method)
    return rows_to_table([], set_id, period)


def table_version_key(store, set_id: str, period: str | None) -> tuple:
    """What a cache of ``table_on_set`` must key on: the latest versions of the set and of its sources."""
    keys = [(set_id, store.latest_version(set_id, period) if period else None)]
    for src in sources_for(set_id):
        keys.append((src, store.latest_version(src, period) if period else None))
    if hasattr(store, "flags_state"):  # values under follow-up carry a mark (geo.analysis.followup)
        keys.append(("flags", store.flags_state()))
    return tuple(keys)

