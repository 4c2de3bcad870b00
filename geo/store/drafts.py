"""Drafts of the entry form (issue 20, "Lưu nháp"): one per unit and period of a vintage (every drawing of the
vintage sees it, like the unit's data), the newest save wins. Saving goes through the store's authorize hook
(action ``draft``, the unit as target: the scope holds for drafts too) and is refused into an approved unit;
each save is audited (``entry_draft``) in the same transaction. A draft saved before the unit's newest
submission is stale: :meth:`StoreDrafts.draft` and :meth:`StoreDrafts.drafts` leave it out. Part of
:class:`geo.store.database.Store` (a mixin)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.store import state
from geo.store.engine import iso_time, utcnow
from geo.store.reporting import _vintage
from geo.store.schema import entry_drafts, import_versions


def _newest_submissions(conn: Connection, set_id: str, period: str, codes=None) -> dict[str, object]:
    chosen = state.unit_versions(conn, set_id, period, codes=codes)
    if not chosen:
        return {}
    at = dict(conn.execute(sa.select(import_versions.c.id, import_versions.c.created_at)
                           .where(import_versions.c.id.in_(sorted(set(chosen.values()))))).all())
    return {c: at[v] for c, v in chosen.items()}


def _aware(t):
    from datetime import timezone

    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)  # SQLite gives naive UTC


class StoreDrafts:
    def save_draft(self, *, boundary_set: str, period: str, unit: str, unit_name: str, values: dict, user) -> None:
        """Keep the form's values for ``unit`` and ``period`` as a draft (replacing the unit's earlier draft)."""
        period = self._check_period(period)
        self._check_set(boundary_set)
        self._check_vintage(boundary_set, period)
        actor, name = user, self._actor_name(user)
        values = {str(k): v for k, v in values.items() if v is not None}

        def write(conn: Connection) -> None:
            self._authorize(conn, actor, "draft", state.WriteTarget(boundary_set, period, ((unit, unit_name),)))
            self._check_locks(conn, boundary_set, period, [unit])
            key = (entry_drafts.c.vintage == _vintage(boundary_set), entry_drafts.c.period == period,
                   entry_drafts.c.unit_code == unit)
            conn.execute(entry_drafts.delete().where(*key))
            conn.execute(entry_drafts.insert().values(
                vintage=_vintage(boundary_set), period=period, unit_code=unit, user=name, saved_at=utcnow(),
                values_json=json.dumps(values, ensure_ascii=False)))
            self._audit(conn, "entry_draft", name, {"boundary_set": boundary_set, "period": period,
                                                    "unit_code": unit, "n_values": len(values)})

        self.execute_write_fn(write)

    def drafts(self, boundary_set: str, period: str) -> dict[str, dict]:
        """unit code -> its draft (user, saved_at, values) newer than its newest submission."""
        period = self._check_period(period)

        def read(conn: Connection) -> dict[str, dict]:
            rows = conn.execute(sa.select(entry_drafts).where(
                entry_drafts.c.vintage == _vintage(boundary_set), entry_drafts.c.period == period)).all()
            if not rows:
                return {}
            sent = _newest_submissions(conn, boundary_set, period, codes=[r.unit_code for r in rows])
            return {r.unit_code: {"user": r.user, "saved_at": iso_time(r.saved_at),
                                  "values": json.loads(r.values_json)}
                    for r in rows if r.unit_code not in sent or _aware(r.saved_at) > _aware(sent[r.unit_code])}

        return self.execute_read_fn(read)

    def draft(self, boundary_set: str, period: str, unit: str) -> dict | None:
        return self.drafts(boundary_set, period).get(unit)
