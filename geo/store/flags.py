"""Accepted quality flags and their follow-up (table ``value_flags``; the flags come from geo.intake.quality).

A flagged value is stored only with a person's word: :meth:`Store.import_rows(..., flags=[...])` writes the
flags in the import's own transaction (:func:`insert_flags`), with who accepted them, when and a note per value.
The follow-up list (:func:`open_flags`) is every flag not yet checked whose value is still the current one of
its (set, period); an editor marks one checked (:func:`mark_checked`) or corrects it with a new submission (a
newer version of the period supersedes the flags of older ones).
"""

from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.store.engine import iso_time, utcnow
from geo.store.errors import StoreError
from geo.store.schema import value_flags
from geo.store.state import WriteTarget, unit_versions

FLAG_KEYS = ("unit_code", "indicator", "value", "rule", "expected", "message")


def insert_flags(conn: Connection, version_id: int, boundary_set: str, period: str, user: str, flags) -> int:
    """Write accepted flags (dicts with FLAG_KEYS and an optional ``note``) for ``version_id``."""
    now = utcnow()
    rows = []
    for f in flags or ():
        value = f.get("value")
        value = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        rows.append({"version_id": version_id, "boundary_set": boundary_set, "period": period,
                     "unit_code": f.get("unit_code"), "indicator_id": f.get("indicator"),
                     "value": None if value is None or math.isnan(value) else value, "rule": str(f["rule"]),
                     "expected": str(f.get("expected") or ""), "message": str(f.get("message") or ""),
                     "accepted_by": user, "accepted_at": now, "note": (f.get("note") or None)})
    if rows:
        conn.execute(value_flags.insert(), rows)
    return len(rows)


def open_flags(store, boundary_set: str | None = None, period: str | None = None,
               units=None, include_checked: bool = False) -> list[dict]:
    """Flags of current values not yet checked (with ``include_checked``, the checked ones too), oldest first;
    ``units`` limits them to some unit codes (an area)."""
    with store._read() as conn:
        q = sa.select(value_flags).order_by(value_flags.c.id)
        if boundary_set is not None:
            q = q.where(value_flags.c.boundary_set == boundary_set)
        if period is not None:
            q = q.where(value_flags.c.period == period)
        if not include_checked:
            q = q.where(value_flags.c.checked_at.is_(None))
        rows = list(conn.execute(q))
        # a flag stays while the value it was accepted with is the unit's newest submission (a submission covers
        # the units it names: another commune's later report leaves it; a corrected one for this unit ends it)
        newest = {key: unit_versions(conn, *key) for key in {(r.boundary_set, r.period) for r in rows}}
        rows = [r for r in rows if (newest[(r.boundary_set, r.period)].get(r.unit_code) == r.version_id
                                    if r.unit_code else r.version_id in newest[(r.boundary_set, r.period)].values())]
    allowed = set(units) if units is not None else None
    return [_as_dict(r) for r in rows if allowed is None or r.unit_code is None or r.unit_code in allowed]


def _as_dict(r) -> dict:
    return {"id": int(r.id), "version": int(r.version_id), "boundary_set": r.boundary_set, "period": r.period,
            "unit_code": r.unit_code, "indicator": r.indicator_id, "value": r.value, "rule": r.rule,
            "expected": r.expected, "message": r.message, "accepted_by": r.accepted_by,
            "accepted_at": iso_time(r.accepted_at), "note": r.note, "checked_by": r.checked_by,
            "checked_at": iso_time(r.checked_at) if r.checked_at is not None else None, "check_note": r.check_note}


def mark_checked(store, flag_id: int, user, note: str | None = None) -> None:
    """An editor's word that the flagged value is right: the flag leaves the follow-up list (audited)."""
    actor, user = user, store._actor_name(user)

    def write(conn: Connection) -> None:
        r = conn.execute(sa.select(value_flags.c.id, value_flags.c.checked_at, value_flags.c.boundary_set,
                                   value_flags.c.period, value_flags.c.unit_code)
                         .where(value_flags.c.id == int(flag_id))).first()
        if r is None:
            raise StoreError("store_no_flag", flag=flag_id)
        # the editor's scope covers the flagged unit (a flag on the whole file names none)
        units = ((r.unit_code, r.unit_code),) if r.unit_code else ()
        store._authorize(conn, actor, "import", WriteTarget(r.boundary_set, r.period, units))
        if r.checked_at is not None:
            raise StoreError("store_flag_checked", flag=flag_id)
        conn.execute(value_flags.update().where(value_flags.c.id == int(flag_id))
                     .values(checked_by=user, checked_at=utcnow(), check_note=note or None))
        store.audit("flag_checked", user, {"flag": int(flag_id), "note": note}, conn=conn)

    store.execute_write_fn(write)


def flagged_cells(store, boundary_set: str, period: str) -> set[tuple[str, str]]:
    """(unit code, indicator) of the values of (set, period) still under follow-up: the map's and the profile's
    small mark."""
    return {(f["unit_code"], f["indicator"]) for f in open_flags(store, boundary_set, period)
            if f["unit_code"] and f["indicator"]}
