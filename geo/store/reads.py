"""Reading the store: current tables, versions, history, diffs and the audit log (the read half of
:class:`geo.store.database.Store`, which inherits it; it needs only ``self._read()``)."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo.config import setting
from geo.store import generation, state
from geo.store.engine import iso_time
from geo.store.errors import StoreError
from geo.store.reporting import last_steps
from geo.store.schema import audit_log_table, import_versions, observations, version_matrices, version_units


_CACHED_VERSIONS = 8
# Tables of this many units and more are kept on disk (_snapshot); bump TABLE_VERSION when their shape changes.
SNAPSHOT_MIN_UNITS = 1000
TABLE_VERSION = "1"
_VERSION_VALUES: dict = {}  # (store URL, version id) → its values, long (see StoreReads._version_values)


def _raw(conn: Connection, query) -> list[tuple]:
    """All rows of a Core ``query`` (integer and string literals only) as tuples, through the driver's own cursor:
    many times faster than SQLAlchemy rows for hundreds of thousands of them."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(str(query.compile(conn, compile_kwargs={"literal_binds": True})))
        return cursor.fetchall()
    finally:
        cursor.close()


def _chosen_table(conn: Connection, chosen: dict[str, int], versions: list[int]):
    """The table of ``chosen`` = {code: version} as :func:`geo.reference.frames.rows_to_table` makes it from
    :func:`geo.store.state.rows_of` (units in version then file order, cleared ones left out, every base
    indicator a float column), read in bulk through the driver's cursor: a national table is some 500,000
    values, and Core rows plus a dict per unit took seconds of the first map after a restart."""
    import numpy as np
    import pandas as pd

    from geo.reference.catalog import load_catalog

    ids = [i.id for i in load_catalog().base()]
    q_units = (sa.select(version_units.c.version_id, version_units.c.unit_code, version_units.c.unit_name,
                         version_units.c.position).where(version_units.c.version_id.in_(versions)))
    q_values = (sa.select(observations.c.version_id, observations.c.unit_code, observations.c.indicator_id,
                          observations.c.value).where(observations.c.version_id.in_(versions)))
    if len(chosen) < SNAPSHOT_MIN_UNITS:  # a province's units within a national version: only theirs
        codes = sorted(chosen)
        q_units = q_units.where(version_units.c.unit_code.in_(codes))
        q_values = q_values.where(observations.c.unit_code.in_(codes))
    units = [r for r in _raw(conn, q_units) if chosen.get(r[1]) == r[0] and r[3] != state.CLEARED]
    units.sort(key=lambda r: (r[0], r[3], r[1]))
    matrix = np.full((len(units), len(ids)), np.nan)
    records = _raw(conn, q_values)
    if records:
        version, code, indicator, value = zip(*records)
        r = pd.Index([u[1] for u in units], dtype=object).get_indexer(pd.Index(code, dtype=object))
        c = pd.Index(ids, dtype=object).get_indexer(pd.Index(indicator, dtype=object))
        # a unit's values come from its chosen version only (an older version of the same period also
        # holds values for it)
        keep = (r >= 0) & (c >= 0)
        keep[keep] = np.array([u[0] for u in units])[r[keep]] == np.asarray(version)[keep]
        matrix[r[keep], c[keep]] = np.asarray(value, dtype=float)[keep]
    return _frame([u[1] for u in units], [u[2] or "" for u in units], ids, matrix)


def _frame(codes: list[str], names: list[str], ids: list[str], matrix):
    """The table with the column types rows_to_table gives (pandas infers the codes' and names' string type)."""
    import pandas as pd

    from geo.reference.frames import rows_to_table

    if not codes:
        return rows_to_table([], boundary_set=None, period=None)
    table = pd.DataFrame(matrix, columns=ids)
    table.insert(0, "unit_code", codes)
    table.insert(1, "unit_name", names)
    return table.set_index("unit_code")


def _snapshot(conn: Connection, boundary_set: str, period: str, chosen: dict[str, int], versions: list[int],
              kept_only: bool = False):
    """:func:`_chosen_table`, kept on disk for large tables (the national sets) in the prepared-geometry cache
    folder (geo.units.geocache): a restarted server's first national map reads it back in milliseconds instead
    of reading half a million values from the store.

    The entry is named by what the table is made of: the units' chosen versions with each version's identity
    (id, creation time, user, file hash, counts; versions never change once committed), the indicators of the
    catalogue, the store's schema revision and :data:`TABLE_VERSION`. A new import, a rollback or a cleared
    unit changes the chosen versions, so it is a new entry: nothing is invalidated, an old entry is simply no
    longer asked for (and removed when the next one of its set and period is written). A damaged entry is
    rebuilt, never served (geo.units.geocache). ``kept_only``: the kept table or None, nothing read or built."""
    import hashlib
    import json

    import numpy as np
    import pandas as pd

    from geo.reference.catalog import load_catalog
    from geo.units import geocache

    if len(chosen) < SNAPSHOT_MIN_UNITS:
        return None if kept_only else _chosen_table(conn, chosen, versions)
    ids = [i.id for i in load_catalog().base()]
    idents = [[str(x) for x in r] for r in conn.execute(
        sa.select(import_versions.c.id, import_versions.c.created_at, import_versions.c.user,
                  import_versions.c.sha256, import_versions.c.n_units, import_versions.c.n_values)
        .where(import_versions.c.id.in_(versions)).order_by(import_versions.c.id))]
    try:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:  # a store never migrated (not served by the app)
        return None if kept_only else _chosen_table(conn, chosen, versions)
    key = json.dumps([sorted(chosen.items()), idents, ids, revision], separators=(",", ":"))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    entry = geocache.entry_path(boundary_set, f"table-{period}", digest, TABLE_VERSION)

    def build() -> dict[str, bytes]:
        table = _chosen_table(conn, chosen, versions)
        meta = {"codes": list(table.index), "names": list(table["unit_name"]), "ids": list(table.columns[1:])}
        return {"meta": json.dumps(meta, ensure_ascii=False).encode("utf-8"),
                "values": np.ascontiguousarray(table[ids].to_numpy(dtype="<f8")).tobytes()}

    if kept_only:
        parts = geocache.read_entry(entry)
        if parts is None:
            return None
    else:
        parts, built = geocache.load_or_build(entry, build)
        if built:
            _drop_older(entry)
    meta = json.loads(parts["meta"])
    values = np.frombuffer(parts["values"], dtype="<f8").reshape(len(meta["codes"]), len(meta["ids"]))
    return _frame(meta["codes"], meta["names"], meta["ids"], values.copy())


def _drop_older(entry) -> None:
    """Remove the other snapshots of the same set and period (their lock files stay, as geocache keeps them)."""
    import re

    stem = entry.name[:entry.name.rindex("-", 0, entry.name.rindex("-v"))]
    same = re.compile(re.escape(stem) + r"-[0-9a-f]{20}-v[^-]+\.bin")
    for old in entry.parent.glob(stem + "-*.bin"):
        if old != entry and same.fullmatch(old.name):
            old.unlink(missing_ok=True)


class StoreReads:
    @staticmethod
    def _latest(conn: Connection, boundary_set: str, period: str) -> int | None:
        """The newest version of the period on any set of ``boundary_set``'s vintage (what a reader of the set
        may have seen: the optimistic check of imports and the cache key of tables)."""
        from geo.units.vintage import sets_of_vintage

        return conn.execute(
            sa.select(sa.func.max(import_versions.c.id))
            .where(import_versions.c.boundary_set.in_(sets_of_vintage(boundary_set)),
                   import_versions.c.period == period)
        ).scalar()

    @staticmethod
    def _rows(conn: Connection, version: int, *, cleared: bool = False) -> list[dict]:
        """The rows a version submitted (with the units it cleared when ``cleared``)."""
        period = conn.execute(sa.select(import_versions.c.period).where(import_versions.c.id == version)).scalar()
        chosen = dict.fromkeys(state.version_codes(conn, version), int(version))
        return state.rows_of(conn, chosen, period, cleared=cleared)

    def latest_version(self, boundary_set: str, period: str) -> int | None:
        period = self._check_period(period)

        def read():
            with self._read() as conn:
                return self._latest(conn, boundary_set, period)

        return generation.memo(self, ("latest", boundary_set, period), read)

    def periods(self, boundary_set: str | None = None) -> list[str]:
        """Periods with data: on the set (its own or a same-vintage set's data on units it draws), or anywhere."""
        from geo.text.periods import sort_periods

        def read():
            with self._read() as conn:
                if boundary_set is not None:
                    return tuple(sort_periods(state.periods_seen_from(conn, boundary_set)))
                return tuple(sort_periods([p for (p,) in conn.execute(sa.select(import_versions.c.period).distinct())]))

        return list(generation.memo(self, ("periods", boundary_set), read))

    def boundary_sets_with_data(self) -> list[str]:
        with self._read() as conn:
            return sorted(s for (s,) in conn.execute(sa.select(import_versions.c.boundary_set).distinct()))

    def current_table(self, boundary_set: str, period: str | None = None, *, kept_only: bool = False):
        """Each unit the set shows with its newest submission for the period (geo.store.state); attrs
        ``version`` is the newest version among them, ``sample`` whether all of them are samples.

        Numbers not yet approved (geo.store.reporting: the unit's newest step is not ``approve``; samples are
        no submission and keep their sample label) follow the ``ANTT_UNAPPROVED`` setting, here, so that every
        view shows the same number: ``marked`` (default) keeps them and lists their codes in attrs
        ``unapproved`` (the tooltip, the profile and the banners mark them); ``approved`` leaves them out (no
        data) and counts them in attrs ``withheld``. attrs ``sample_units``: the units whose numbers are the
        sample (in a table mixing both).
        ``kept_only`` (the warm-up): only a table kept on disk (:func:`_snapshot`), else None."""
        from geo.reference.frames import rows_to_table

        if period is None:
            have = self.periods(boundary_set)
            period = have[-1] if have else None
        else:
            period = self._check_period(period)
        if period is None:
            return None if kept_only else rows_to_table([], boundary_set=boundary_set, period=None, version=None,
                                                        sample=False)
        # Versions are immutable once committed, so reading the ids and then their rows is consistent.
        with self._read() as conn:
            chosen = state.unit_versions(conn, boundary_set, period)
            if not chosen:
                return None if kept_only else rows_to_table([], boundary_set=boundary_set, period=period,
                                                            version=None, sample=False)
            versions = sorted(set(chosen.values()))
            samples = {int(v) for v, sample in conn.execute(
                sa.select(import_versions.c.id, import_versions.c.sample).where(import_versions.c.id.in_(versions)))
                if sample}
            table = _snapshot(conn, boundary_set, period, chosen, versions, kept_only)
            if table is None:
                return None
            approved = {c for c, r in last_steps(conn, boundary_set, period).items()
                        if r.action == "approve"} if len(table) else set()
        pending = {c for c in table.index if chosen[c] not in samples and c not in approved}
        mode = setting("ANTT_UNAPPROVED")
        withheld = len(pending) if mode == "approved" else 0
        if withheld:
            table = table.drop(index=sorted(pending))
            pending = set()
        shown = {chosen[c] for c in table.index} if withheld else set(versions)
        table.attrs.update(boundary_set=boundary_set, period=period, version=max(versions),
                           sample=bool(shown) and shown <= samples, unapproved=sorted(pending), withheld=withheld,
                           approval=mode, sample_units=sorted(c for c in table.index if chosen[c] in samples))
        return table

    def value_history(self, boundary_set: str, period: str, depth: int = 6, units=None):
        """(periods, {period: frame (index unit code, columns indicator ids)}) for the quality checks
        (``geo.intake.quality.History(*store.value_history(...))``): each unit's current value (its newest
        submission, geo.store.state) in each of the last ``depth`` periods of the same length (years with years,
        quarters with quarters) before ``period``, oldest first, sample versions left out; ``units`` limits it
        to some codes (the entry form's one commune). A unit cleared in a period has no history there."""
        import pandas as pd

        from geo.text.periods import parse_period

        this = parse_period(self._check_period(period))
        earlier = [p for p in self.periods(boundary_set)
                   if (q := parse_period(p)).kind == this.kind and q < this][-int(depth):]
        if not earlier:
            return [], {}
        with self._read() as conn:
            tables = {}
            # each unit's newest submission for each period (a submission covers the units it names)
            newest = state.unit_versions_of_periods(conn, boundary_set, earlier, codes=units)
            for p in earlier:
                # samples left out
                chosen = newest.get(p, {})
                samples = {v for (v,) in conn.execute(sa.select(import_versions.c.id).where(
                    import_versions.c.id.in_(sorted(set(chosen.values()))), import_versions.c.sample.is_(True)))}
                chosen = {c: v for c, v in chosen.items() if v not in samples}  # illustrative figures: no history
                if not chosen:
                    continue
                parts = []
                for v in sorted(set(chosen.values())):
                    codes = [c for c, cv in chosen.items() if cv == v]
                    # one commune (the form) reads its own rows; a file's units the whole version, kept in memory
                    frame = self._version_values(conn, v, codes if units is not None else None)
                    parts.append(frame.loc[frame.index.intersection(codes)])
                tables[p] = pd.concat(parts) if len(parts) > 1 else parts[0]
            earlier = [p for p in earlier if p in tables]
        return earlier, tables

    def flags_state(self) -> tuple:
        """(flags stored, flags checked): part of the views' cache key, so a value checked loses its mark."""
        from geo.store.schema import value_flags

        gen = generation.current(self)  # inside a script run: the run's one read of the store's generation
        if gen is not None:
            return gen[2], gen[3]
        with self._read() as conn:
            r = conn.execute(sa.select(sa.func.count(value_flags.c.id), sa.func.count(value_flags.c.checked_at))).first()
        return int(r[0]), int(r[1])

    def _version_values(self, conn: Connection, version: int, units=None):
        """One version's values as a frame (index unit code, columns indicator ids, NaN missing): the whole
        version from its ``version_matrices`` row when it has one, otherwise from ``observations`` through the
        driver's own cursor. Versions never change once committed, so the whole-version frames are kept in
        memory (the last ``_CACHED_VERSIONS``): the next upload of the same set reads no history again."""
        key = (self.url, int(version))
        if key in _VERSION_VALUES:
            frame = _VERSION_VALUES[key]
            return frame if units is None else frame.loc[frame.index.intersection(list(units))]
        frame = self._matrix_values(conn, int(version)) if units is None else None
        if frame is None:
            frame = self._observation_values(conn, int(version), units)
        if units is None:
            _VERSION_VALUES[key] = frame
            while len(_VERSION_VALUES) > _CACHED_VERSIONS:
                _VERSION_VALUES.pop(next(iter(_VERSION_VALUES)))
        return frame

    @staticmethod
    def _matrix_values(conn: Connection, version: int):
        """The version's whole-version frame from its ``version_matrices`` row (one row instead of one per
        value), or None when it has none (written before migration 0009)."""
        import numpy as np
        import pandas as pd

        r = conn.execute(sa.select(version_matrices).where(version_matrices.c.version_id == version)).first()
        if r is None:
            return None
        codes, ids = r.unit_codes.split("\n"), r.indicator_ids.split("\n")
        m = np.frombuffer(bytes(r.matrix), dtype="<f8").reshape(len(codes), len(ids))
        return pd.DataFrame(m.astype(float), index=pd.Index(codes, name="unit_code"),
                            columns=pd.Index(ids, name="indicator_id"))

    @staticmethod
    def _observation_values(conn: Connection, version: int, units=None):
        """The version's values read row by row from ``observations`` (``units``: only those codes)."""
        import pandas as pd

        q = sa.select(observations.c.version_id, observations.c.unit_code, observations.c.indicator_id,
                      observations.c.value).where(observations.c.version_id == int(version))
        if units is not None:
            q = q.where(observations.c.unit_code.in_(list(units)))
        return pd.DataFrame.from_records(_raw(conn, q), columns=["version", "unit_code", "indicator_id", "value"]) \
            .pivot(index="unit_code", columns="indicator_id", values="value")

    def version_rows(self, version: int) -> list[dict]:
        with self._read() as conn:
            if conn.execute(sa.select(import_versions.c.id).where(import_versions.c.id == int(version))).first() is None:
                raise StoreError("store_no_version", version=version)
            return self._rows(conn, int(version))

    def version_info(self, version: int) -> dict:
        with self._read() as conn:
            r = conn.execute(sa.select(import_versions).where(import_versions.c.id == int(version))).first()
        if r is None:
            raise StoreError("store_no_version", version=version)
        return self._history_dict(r)

    def predecessor(self, version: int) -> int | None:
        """The version before ``version`` for the same (set, period), or None."""
        with self._read() as conn:
            return self._predecessor(conn, int(version))

    @staticmethod
    def _predecessor(conn: Connection, version: int) -> int | None:
        """The newest earlier version that covered any unit of ``version`` (seen from its set), or None."""
        src = state.version_row(conn, version)
        if src is None:
            raise StoreError("store_no_version", version=version)
        before = state.unit_versions(conn, src.boundary_set, src.period, before=version,
                                     codes=state.version_codes(conn, version))
        return max(before.values()) if before else None

    def diff(self, version: int) -> list[dict]:
        """Changed values of the units ``version`` covers against what they were just before it (a unit it
        cleared: every value goes to None; a unit nobody had reported: every value is new)."""
        from geo.reference.catalog import load_catalog

        order = {iid: i for i, iid in enumerate(i.id for i in load_catalog().base())}
        with self._read() as conn:
            src = state.version_row(conn, int(version))
            if src is None:
                raise StoreError("store_no_version", version=version)
            new_rows = self._rows(conn, int(version), cleared=True)
            before = state.unit_versions(conn, src.boundary_set, src.period, before=int(version),
                                         codes=[r["unit_code"] for r in new_rows])
            old_rows = state.rows_of(conn, before, src.period)
        old = {r["unit_code"]: r for r in old_rows}
        out = []
        for n in new_rows:
            code = n["unit_code"]
            o = old.get(code)
            ov, nv = (o or {}).get("values", {}), n["values"]
            name = n["unit_name"] or (o or {}).get("unit_name", "")
            for iid in sorted(set(ov) | set(nv), key=lambda k: order.get(k, len(order))):
                a, b = ov.get(iid), nv.get(iid)
                if a is None and b is None:
                    continue
                if a is not None and b is not None and float(a) == float(b):
                    continue
                out.append({"unit_code": code, "unit_name": name, "indicator_id": iid, "old": a, "new": b})
        return out

    @staticmethod
    def _history_dict(r) -> dict:
        return {
            "version": int(r.id), "created_at": iso_time(r.created_at), "user": r.user,
            "action": r.action, "file_name": r.file_name, "file_sha256": r.sha256,
            "file_size": int(r.size) if r.size is not None else None, "boundary_set": r.boundary_set,
            "period": r.period, "note": r.note, "n_units": int(r.n_units), "n_values": int(r.n_values),
            "restores_version": int(r.restores_version) if r.restores_version is not None else None,
            "sample": bool(r.sample),
        }

    def history(self, boundary_set: str | None = None, limit: int = 200) -> list[dict]:
        q = sa.select(import_versions).order_by(import_versions.c.id.desc()).limit(int(limit))
        if boundary_set is not None:
            q = q.where(import_versions.c.boundary_set == boundary_set)
        with self._read() as conn:
            return [self._history_dict(r) for r in conn.execute(q)]

    def audit_log(self, limit: int = 500, action: str | None = None, user: str | None = None,
                  since: datetime | None = None, until: datetime | None = None) -> list[dict]:
        """Newest first; ``action`` may be one action or a list; ``since``/``until`` bound created_at (UTC)."""
        q = sa.select(audit_log_table).order_by(audit_log_table.c.id.desc()).limit(int(limit))
        if isinstance(action, (list, tuple, set, frozenset)):
            q = q.where(audit_log_table.c.action.in_(list(action)))
        elif action is not None:
            q = q.where(audit_log_table.c.action == action)
        if user is not None:
            q = q.where(audit_log_table.c.user == user)
        if since is not None:
            q = q.where(audit_log_table.c.created_at >= since)
        if until is not None:
            q = q.where(audit_log_table.c.created_at < until)
        with self._read() as conn:
            return [{"id": int(r.id), "created_at": iso_time(r.created_at), "user": r.user, "action": r.action,
                     "detail": json.loads(r.detail) if r.detail else None} for r in conn.execute(q)]

