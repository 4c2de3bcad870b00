"""Per-unit min–max ranges (DHIS2's min-max outlier method; table ``unit_ranges``).

A range says what an indicator's value of one unit is expected to be: at least ``low``, at most ``high`` (one
of them may be open). It belongs to the unit (official code within the vintage), so every drawing of the
vintage uses it. ``geo.intake.quality.check_values`` flags a value outside it (rule ``min_max``), on the upload
and in the entry form alike. An admin, or an editor whose scope holds the unit, sets, changes or removes one;
the check is made inside the write transaction (the store's authorize hook, as for an import) and each change
is audited (``range_set``, ``range_removed``).
"""

from __future__ import annotations

import math
import numbers

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.store.engine import iso_time, utcnow
from geo.store.errors import StoreError
from geo.store.schema import unit_ranges
from geo.store.state import WriteTarget

ANY_PERIOD = "—"  # a range holds for every period (the scope check names a period in its refusal)


def _bound(value, code: str, iid: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise StoreError("range_not_a_number", code=code, iid=iid, value=repr(value))
    return float(value)


def _target(store, boundary_set: str, code: str, iid: str) -> tuple[str, str, str]:
    """(vintage, unit code, unit name), refusing an indicator the catalog does not have or a unit the set does
    not draw."""
    from geo.reference.catalog import load_catalog
    from geo.units.resolver import load_units
    from geo.units.vintage import set_vintage

    store._check_set(boundary_set)
    catalog = load_catalog()
    if iid not in catalog or catalog[iid].derived:
        raise StoreError("range_unknown_indicator", iid=iid)
    names = load_units(boundary_set).names
    if code not in names:
        raise StoreError("range_unknown_unit", code=code, boundary_set=boundary_set)
    return set_vintage(boundary_set), code, names[code]


def set_range(store, boundary_set: str, code: str, iid: str, low=None, high=None, *, user, note=None) -> None:
    """Set (or replace) the range of ``iid`` for the unit ``code`` of ``boundary_set``'s vintage."""
    vintage, code, name = _target(store, boundary_set, str(code).strip(), str(iid).strip())
    low, high = _bound(low, code, iid), _bound(high, code, iid)
    if low is None and high is None:
        raise StoreError("range_empty", code=code, iid=iid)
    if low is not None and high is not None and low > high:
        raise StoreError("range_reversed", code=code, iid=iid, low=low, high=high)
    actor, name_of_user = user, store._actor_name(user)

    def write(conn: Connection) -> None:
        store._authorize(conn, actor, "import", WriteTarget(boundary_set, ANY_PERIOD, ((code, name),)))
        key = (unit_ranges.c.vintage == vintage) & (unit_ranges.c.unit_code == code) & (unit_ranges.c.indicator_id == iid)
        conn.execute(unit_ranges.delete().where(key))
        conn.execute(unit_ranges.insert().values(vintage=vintage, unit_code=code, indicator_id=iid, low=low,
                                                 high=high, set_by=name_of_user, set_at=utcnow(), note=note or None))
        store.audit("range_set", name_of_user, {"vintage": vintage, "unit_code": code, "indicator": iid,
                                                "low": low, "high": high, "note": note}, conn=conn)

    store.execute_write_fn(write)


def remove_range(store, boundary_set: str, code: str, iid: str, *, user) -> None:
    vintage, code, name = _target(store, boundary_set, str(code).strip(), str(iid).strip())
    actor, name_of_user = user, store._actor_name(user)

    def write(conn: Connection) -> None:
        store._authorize(conn, actor, "import", WriteTarget(boundary_set, ANY_PERIOD, ((code, name),)))
        key = (unit_ranges.c.vintage == vintage) & (unit_ranges.c.unit_code == code) & (unit_ranges.c.indicator_id == iid)
        if conn.execute(unit_ranges.delete().where(key)).rowcount == 0:
            raise StoreError("range_none", code=code, iid=iid)
        store.audit("range_removed", name_of_user, {"vintage": vintage, "unit_code": code, "indicator": iid},
                    conn=conn)

    store.execute_write_fn(write)


def list_ranges(store, boundary_set: str, codes=None) -> list[dict]:
    """The ranges of the set's vintage (``codes``: only those units), by unit then indicator."""
    from geo.units.vintage import set_vintage

    q = (sa.select(unit_ranges).where(unit_ranges.c.vintage == set_vintage(boundary_set))
         .order_by(unit_ranges.c.unit_code, unit_ranges.c.indicator_id))
    if codes is not None:
        q = q.where(unit_ranges.c.unit_code.in_(sorted(set(codes))))
    with store._read() as conn:
        return [{"unit_code": r.unit_code, "indicator": r.indicator_id, "low": r.low, "high": r.high,
                 "set_by": r.set_by, "set_at": iso_time(r.set_at), "note": r.note} for r in conn.execute(q)]


def ranges_for(store, boundary_set: str, codes=None) -> dict[tuple[str, str], tuple]:
    """{(unit code, indicator): (low, high)} for the quality checks (``check_values(..., ranges=...)``)."""
    return {(r["unit_code"], r["indicator"]): (r["low"], r["high"]) for r in list_ranges(store, boundary_set, codes)}
