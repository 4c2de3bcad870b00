"""The reporting chain per unit and period (issue 20): a unit's submission is its newest version covering it
(geo.store.state); a province editor or an admin then *approves* it (locked: a new submission for that unit
and period is refused, naming who approved and when), *returns* it with a reason the commune sees (it may
submit again), or *reopens* an approved one. Steps go into ``unit_reports`` (append-only) and the audit log
in the same transaction. Part of :class:`geo.store.database.Store` (a mixin), like its reads and writes.

A per-unit version check guards concurrent editors: ``import_rows(..., expected_units={code: version})`` is
refused when any of those units got a newer submission since the editor read it (they are told to reload).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.store import generation, state
from geo.store.engine import iso_time, utcnow
from geo.store.errors import StoreError
from geo.store.schema import import_versions, unit_reports

STEPS = ("approve", "return", "reopen")


def _vintage(set_id: str) -> str:
    from geo.units.vintage import set_vintage

    return set_vintage(set_id)


def last_steps(conn: Connection, set_id: str, period: str, codes=None) -> dict[str, object]:
    """unit code -> its newest ``unit_reports`` row for the set's vintage and ``period``."""
    newest = (sa.select(unit_reports.c.unit_code, sa.func.max(unit_reports.c.id).label("id"))
              .where(unit_reports.c.vintage == _vintage(set_id), unit_reports.c.period == period)
              .group_by(unit_reports.c.unit_code))
    if codes is not None:
        newest = newest.where(unit_reports.c.unit_code.in_(sorted(set(codes))))
    ids = [r.id for r in conn.execute(newest)]
    if not ids:
        return {}
    return {r.unit_code: r for r in conn.execute(sa.select(unit_reports).where(unit_reports.c.id.in_(ids)))}


FORM_FILE = "nhap-so-lieu"  # geo.analysis.entry.FORM_FILE: the file name the entry form's versions carry


def _via(version) -> str | None:
    """How a version was sent: ``sample``, ``rollback``, ``form`` (the one-commune entry form) or ``upload``."""
    if version is None:
        return None
    if version.sample or version.action == "sample":
        return "sample"
    if version.action == "rollback":
        return "rollback"
    return "form" if version.file_name == FORM_FILE else "upload"


class StoreReporting:
    def _check_locks(self, conn: Connection, set_id: str, period: str, codes) -> None:
        """Refuse a write into an approved unit (StoreError naming the unit, the period, who approved, when)."""
        locked = [r for r in last_steps(conn, set_id, period, codes).values() if r.action == "approve"]
        if locked:
            r = min(locked, key=lambda r: r.unit_code)
            raise StoreError("store_unit_locked", unit=r.unit_code, period=period, user=r.user,
                             at=iso_time(r.created_at), n=len(locked))

    @staticmethod
    def _check_unit_versions(conn: Connection, set_id: str, period: str, expected: dict) -> None:
        now = state.unit_versions(conn, set_id, period, codes=list(expected))
        stale = sorted(c for c, v in expected.items() if now.get(c) != (int(v) if v is not None else None))
        if stale:
            raise StoreError("store_unit_conflict", units=", ".join(stale), period=period)

    def report_step(self, action: str, *, boundary_set: str, period: str, unit: str, user,
                    reason: str | None = None) -> int:
        """Approve, return (``reason`` required) or reopen one unit's submission for ``period``; returns the
        step's id. Checked by the authorize hook (action ``approve``/``return``/``reopen``, the unit as target)."""
        from geo.text.names import normalize_code

        if action not in STEPS:
            raise StoreError("store_bad_step", action=action)
        period = self._check_period(period)
        self._check_set(boundary_set)
        code = normalize_code(unit, 5) or str(unit or "").strip()
        reason = (reason or "").strip() or None
        if action == "return" and reason is None:
            raise StoreError("store_return_needs_reason", unit=code, period=period)
        actor, name = user, self._actor_name(user)

        def write(conn: Connection) -> int:
            current = state.unit_versions(conn, boundary_set, period, codes=[code]).get(code)
            rows = state.rows_of(conn, {code: current}, period) if current else []
            self._authorize(conn, actor, action, state.WriteTarget(
                boundary_set, period, ((code, rows[0]["unit_name"] if rows else ""),)))
            last = last_steps(conn, boundary_set, period, [code]).get(code)
            last_action = last.action if last is not None else None
            if action in ("approve", "return") and not rows:
                raise StoreError("store_step_no_data", unit=code, period=period)
            if action in ("approve", "return") and last_action == "approve":
                raise StoreError("store_unit_locked", unit=code, period=period, user=last.user,
                                 at=iso_time(last.created_at), n=1)
            if action == "reopen" and last_action != "approve":
                raise StoreError("store_not_approved", unit=code, period=period)
            step = conn.execute(unit_reports.insert().values(
                created_at=utcnow(), user=name, vintage=_vintage(boundary_set), period=period, unit_code=code,
                action=action, version_id=current, reason=reason,
            ).returning(unit_reports.c.id)).scalar_one()
            self._audit(conn, f"unit_{action}", name, {
                "boundary_set": boundary_set, "period": period, "unit_code": code, "version": current,
                "reason": reason, "step": int(step)})
            return int(step)

        return self.execute_write_fn(write)

    def reports_state(self) -> int:
        """The newest approval step's id (0: none): a cache of what views show must key on it, since approving
        changes what an ``ANTT_UNAPPROVED`` view shows without a new version."""
        gen = generation.current(self)  # inside a script run: the run's one read of the store's generation
        if gen is not None:
            return gen[4]
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.max(unit_reports.c.id))).scalar() or 0)

    def report_states(self, boundary_set: str, period: str) -> dict[str, dict]:
        """unit code -> its submission (version, submitted_at, submitted_by; submitted_level: the sender's level
        recorded with the version, None before migration 0010; submitted_via: ``form``, ``upload`` (a file),
        ``rollback`` or ``sample``; sample) and its newest step (step, step_by, step_at, reason, and whether a
        submission came after it), for the units the set shows data of."""
        period = self._check_period(period)
        with self._read() as conn:
            chosen = state.unit_versions(conn, boundary_set, period)
            shown = {r["unit_code"] for r in state.rows_of(conn, chosen, period)}
            versions = sorted({v for c, v in chosen.items() if c in shown})
            meta = {r.id: r for r in conn.execute(
                sa.select(import_versions.c.id, import_versions.c.created_at, import_versions.c.user,
                          import_versions.c.action, import_versions.c.file_name, import_versions.c.sample,
                          import_versions.c.submitted_level)
                .where(import_versions.c.id.in_(versions)))} if versions else {}
            steps = last_steps(conn, boundary_set, period)
        out: dict[str, dict] = {}
        for code in sorted(shown | set(steps)):
            v = chosen.get(code) if code in shown else None
            m, s = meta.get(v), steps.get(code)
            out[code] = {
                "version": v, "submitted_at": iso_time(m.created_at) if m else None,
                "submitted_by": m.user if m else None,
                "submitted_level": m.submitted_level if m else None, "submitted_via": _via(m),
                "sample": bool(m.sample) if m else False,
                "step": s.action if s is not None else None, "step_by": s.user if s is not None else None,
                "step_at": iso_time(s.created_at) if s is not None else None,
                "reason": s.reason if s is not None else None,
                "resubmitted": bool(s is not None and v is not None and (s.version_id or 0) < v),
            }
        return out
