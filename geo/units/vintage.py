"""Data on any boundary vintage: a set's own imports, or another set's carried through a crosswalk; and the
administrative vintage itself (which units a set draws, which vintage a period belongs to).

A value belongs to a unit of a vintage: the official code within the units before 1/7/2025 (``pre2025``) or
from it (``2025``). Every set of a vintage shows the same value for the same official code; codes that are
not official (the 7-digit file ids of ``vn-pre2025``) stay the set's own. The period decides the vintage: a
period that ends after 30/6/2025 is about the 2025 units, whatever drawing is on screen.

Leaders think in today's communes while the history is in the old units. ``table_on_set`` returns the wide
table for (set, period): the set's own latest version when it has one, otherwise the data of a set that a
registered crosswalk leads from, aggregated onto this set (``attrs['converted_from']``, ``attrs['approximate']``).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pandas as pd

from geo.config import setting
from geo.reference.frames import rows_to_table
from geo.text.errors import AnttError
from geo.text.periods import parse_period, sort_periods
from geo.units.boundaries import fallback_points, get_boundary_set_info, load_boundary_set, unit_source
from geo.units.crosswalk import CrosswalkError, aggregate, list_crosswalks, load_crosswalk


REFORM_DAY = date(2025, 7, 1)
VINTAGES = ("pre2025", "2025")
OFFICIAL_CODE_WIDTH = 5


class VintageError(AnttError, ValueError):
    """A period and a boundary set of different administrative vintages."""


def period_vintage(period) -> str:
    """``"2025"`` for a period that ends on or after 1/7/2025 (so after 30/6/2025), else ``"pre2025"``."""
    return "2025" if parse_period(period).end >= REFORM_DAY else "pre2025"


def set_vintage(set_id: str) -> str:
    return get_boundary_set_info(set_id).units_vintage


def sets_of_vintage(set_id: str) -> tuple[str, ...]:
    """The sets drawing units of the same vintage as ``set_id`` (itself first)."""
    from geo.units.boundaries import list_boundary_sets

    v = set_vintage(set_id)
    return (set_id, *(s.id for s in list_boundary_sets() if s.units_vintage == v and s.id != set_id))


def is_official_code(code: str) -> bool:
    return len(code) == OFFICIAL_CODE_WIDTH and code.isdigit()


@lru_cache(maxsize=16)
def drawn_codes(set_id: str) -> frozenset[str]:
    """The official codes of the units ``set_id`` draws (its file, else its centroid list); empty if neither
    can be read, so the set then shows only its own data."""
    from geo.units.boundaries import unit_list

    try:
        codes = unit_list(set_id)["code"]
    except Exception:  # noqa: BLE001 — no drawing readable: no sharing, never a crash of the store
        return frozenset()
    return frozenset(c for c in codes if isinstance(c, str) and is_official_code(c))


def check_period_vintage(set_id: str, period) -> None:
    """Refuse data for ``period`` on a set of the other vintage (VintageError naming both)."""
    want, have = period_vintage(period), set_vintage(set_id)
    if want != have:
        key = {"2025": "store_vintage_2025", "pre2025": "store_vintage_pre2025"}[want]
        raise VintageError(key, period=str(parse_period(period)), boundary_set=set_id)


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
    if unit_source(set_id).polygons:
        return load_boundary_set(set_id)
    return fallback_points(set_id)


def convert_table(table: pd.DataFrame, from_set: str, to_set: str, method: str = "whole") -> pd.DataFrame:
    """Carry a wide table from one vintage to another through the registered crosswalk."""
    new_units, old_units = _units(to_set), _units(from_set)
    if method == "area" and "Point" in {old_units.geom_type.iloc[0], new_units.geom_type.iloc[0]}:
        raise CrosswalkError("crosswalk_area_needs_files")
    cw = load_crosswalk(from_set, to_set, method=method, old_units=old_units, new_units=new_units)
    out = aggregate(table, cw, dict(zip(new_units["code"], new_units["name"])), to_set)
    # a new unit carrying any number not yet approved is marked; the withheld ones were left out before
    pending, samples = table.attrs.get("unapproved") or (), table.attrs.get("sample_units") or ()
    out.attrs.update(unapproved=sorted({new for old in pending for new in cw.weights.get(old, {})}),
                     sample_units=sorted({new for old in samples for new in cw.weights.get(old, {})}),
                     withheld=table.attrs.get("withheld", 0), approval=table.attrs.get("approval"))
    return out


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
    if hasattr(store, "reports_state"):  # approving changes what is shown or marked (ANTT_UNAPPROVED)
        keys.append(("approval", setting("ANTT_UNAPPROVED"), store.reports_state()))
    return tuple(keys)

