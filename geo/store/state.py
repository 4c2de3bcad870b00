"""The current value of each unit: its newest submission within the vintage and period (issue 20).

A version (``import_versions``) covers the units it names in ``version_units``; it does not replace the
units it does not name. Seen from a boundary set S, the candidates for a unit are the versions of S itself and
the versions of every other set of S's vintage (geo.units.vintage.sets_of_vintage), the latter only for the
official codes S draws: the national set and a province's set show the same number for the same commune,
and the 7-digit ids of ``vn-pre2025`` stay that set's own. The newest candidate wins.

A version can also *clear* a unit: a ``version_units`` row at position :data:`CLEARED` with no values. Such
rows come from replacing a whole area on purpose (``import_rows(..., replace_area=True)``), from rolling back
to a version that cleared units, and from migration 0006, which wrote them so that the full snapshots of
before keep the meaning they had (a unit an import left out was gone). A cleared unit is not in the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.store.engine import number_out
from geo.store.schema import import_versions, observations, version_units

CLEARED = -1  # version_units.position of a unit the version cleared


@dataclass(frozen=True)
class WriteTarget:
    """What a data change writes, given to the store's authorize hook: the set, the period and the units
    ((code, name) pairs: those with values and those cleared)."""

    boundary_set: str
    period: str
    units: tuple[tuple[str, str], ...]


def unit_versions(conn: Connection, set_id: str, period: str, *, before: int | None = None,
                  codes=None) -> dict[str, int]:
    """unit code -> the newest version covering it (cleared or not) as seen from ``set_id`` for ``period``;
    only versions older than ``before`` and only ``codes`` when given."""
    return unit_versions_of_periods(conn, set_id, [period], before=before, codes=codes).get(period, {})


def unit_versions_of_periods(conn: Connection, set_id: str, periods, *, before: int | None = None,
                             codes=None) -> dict[str, dict[str, int]]:
    """:func:`unit_versions` for several periods in one query: {period: {unit code: newest version}} (a
    period nothing covers is left out)."""
    from geo.units.vintage import drawn_codes, sets_of_vintage

    j = version_units.join(import_versions, version_units.c.version_id == import_versions.c.id)
    q = (sa.select(import_versions.c.period, import_versions.c.boundary_set, version_units.c.unit_code,
                   sa.func.max(version_units.c.version_id).label("v"))
         .select_from(j)
         .where(import_versions.c.boundary_set.in_(sets_of_vintage(set_id)),
                import_versions.c.period.in_(sorted(set(periods))))
         .group_by(import_versions.c.period, import_versions.c.boundary_set, version_units.c.unit_code))
    if before is not None:
        q = q.where(import_versions.c.id < int(before))
    if codes is not None:
        q = q.where(version_units.c.unit_code.in_(sorted(set(codes))))
    out: dict[str, dict[str, int]] = {}
    drawn = None
    for period, boundary_set, code, v in conn.execute(q):
        if boundary_set != set_id:
            drawn = drawn_codes(set_id) if drawn is None else drawn
            if code not in drawn:
                continue
        best = out.setdefault(period, {})
        if v > best.get(code, 0):
            best[code] = int(v)
    return out


def rows_of(conn: Connection, chosen: dict[str, int], period: str | None, *, cleared: bool = False) -> list[dict]:
    """The rows (unit_code, unit_name, values) of ``chosen`` = {code: version}, in version then file order;
    cleared units are left out, or given with ``"cleared": True`` and no values when ``cleared``."""
    from geo.reference.catalog import load_catalog

    if not chosen:
        return []
    catalog = load_catalog()
    order = [i.id for i in (catalog.valid_in(period) if period else catalog).base()]
    whole = {i.id: i.whole_number for i in catalog.base()}
    versions = sorted(set(chosen.values()))
    found = []
    for r in conn.execute(sa.select(version_units).where(version_units.c.version_id.in_(versions))):
        if chosen.get(r.unit_code) == r.version_id:
            found.append(r)
    found.sort(key=lambda r: (r.version_id, r.position if r.position != CLEARED else 1 << 30, r.unit_code))
    out: dict[str, dict] = {}
    for r in found:
        if r.position == CLEARED:
            if cleared:
                out[r.unit_code] = {"unit_code": r.unit_code, "unit_name": r.unit_name, "values": {},
                                    "cleared": True}
            continue
        out[r.unit_code] = {"unit_code": r.unit_code, "unit_name": r.unit_name, "values": dict.fromkeys(order)}
    for r in conn.execute(sa.select(observations).where(observations.c.version_id.in_(versions))):
        row = out.get(r.unit_code)
        if row is not None and chosen.get(r.unit_code) == r.version_id and not row.get("cleared"):
            row["values"][r.indicator_id] = number_out(r.value, whole.get(r.indicator_id, False))
    return list(out.values())


def version_codes(conn: Connection, version: int) -> list[str]:
    return [c for (c,) in conn.execute(sa.select(version_units.c.unit_code)
                                       .where(version_units.c.version_id == int(version)))]


def version_row(conn: Connection, version: int):
    return conn.execute(sa.select(import_versions).where(import_versions.c.id == int(version))).first()


def current_rows(conn: Connection, set_id: str, period: str) -> tuple[list[dict], dict[str, int], set[int]]:
    """(rows, {unit code: the version it comes from (cleared units too)}, the ids among those versions that are
    samples) for the set and period."""
    chosen = unit_versions(conn, set_id, period)
    if not chosen:
        return [], {}, set()
    versions = sorted(set(chosen.values()))
    samples = {int(v) for v, s in conn.execute(
        sa.select(import_versions.c.id, import_versions.c.sample).where(import_versions.c.id.in_(versions))) if s}
    return rows_of(conn, chosen, period), chosen, samples


def periods_seen_from(conn: Connection, set_id: str) -> set[str]:
    """Periods in which some version of the set, or of another set of its vintage for a unit it draws, exists."""
    from geo.units.vintage import drawn_codes, sets_of_vintage

    own = {p for (p,) in conn.execute(sa.select(import_versions.c.period).distinct()
                                      .where(import_versions.c.boundary_set == set_id))}
    others = [s for s in sets_of_vintage(set_id) if s != set_id]
    if not others:
        return own
    j = version_units.join(import_versions, version_units.c.version_id == import_versions.c.id)
    q = (sa.select(import_versions.c.period, version_units.c.unit_code).distinct().select_from(j)
         .where(import_versions.c.boundary_set.in_(others)))
    if own:
        q = q.where(import_versions.c.period.not_in(sorted(own)))
    drawn = None
    found = set(own)
    for period, code in conn.execute(q):
        if period in found:
            continue
        drawn = drawn_codes(set_id) if drawn is None else drawn
        if code in drawn:
            found.add(period)
    return found
