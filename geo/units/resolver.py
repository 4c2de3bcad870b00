"""The one unit resolver: a boundary set's units (code, name) indexed for matching, from its boundary file when
present (cached per file fingerprint), else from the centroid fallback. The intake, the template and the join
report all take their units from here."""

from __future__ import annotations

from functools import lru_cache

from geo.units.boundaries import fallback_points, get_boundary_set_info, unit_list, unit_source
from geo.units.index import UnitIndex, make_unit_index


def _parents(frame):
    """Each unit's parent names (parent_0, parent_1, ...: district then province), or None without them."""
    cols = sorted(c for c in frame.columns if str(c).startswith("parent_"))
    if not cols:
        return None
    return zip(*(frame[c].fillna("").astype(str) for c in cols))


@lru_cache(maxsize=8)
def _index_from_file(set_id: str, path: str, fingerprint: str) -> UnitIndex:
    info = get_boundary_set_info(set_id)
    units = unit_list(set_id)  # attributes only: the unit list without the cost of geometry
    return make_unit_index(set_id, info.data_code_width, zip(units["code"], units["name"]), _parents(units))


@lru_cache(maxsize=8)
def _index_from_fallback(set_id: str) -> UnitIndex:
    info = get_boundary_set_info(set_id)
    gdf = fallback_points(set_id)
    return make_unit_index(set_id, info.data_code_width, zip(gdf["code"], gdf["name"]), _parents(gdf))


def load_units(set_id: str) -> UnitIndex:
    """Codes and names of the set's units: from its boundary file, else from the centroid fallback."""
    src = unit_source(set_id)
    if src.polygons:
        return _index_from_file(set_id, str(src.path), src.fingerprint)
    return _index_from_fallback(set_id)
