"""The versioned, append-only store: SQLite file by default, PostgreSQL when ``ANTT_DATABASE_URL`` says so.

Every import is a *full snapshot* of one (boundary set, period): a row in ``import_versions``, the units it
covers in ``version_units`` and its values in ``observations``. Nothing in those three tables is ever
UPDATEd or DELETEd (database triggers refuse it); the current data of a (set, period) is its latest version,
and a rollback is a new version that copies an older snapshot.

Writes are serialised: on SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (the database write
lock, waited for up to ``lock_timeout`` seconds); on PostgreSQL it takes ``pg_advisory_xact_lock``. An import
is one transaction, so a crash at any point leaves the previous state exactly. Optimistic concurrency:
``import_rows(..., expected_version=v)`` is refused when someone else has imported since ``v`` was read.

Missing values are stored as *absent* observation rows and come back as NaN, never 0. Values are
double-precision floats, which hold every whole number below 2**53 exactly.

Test hook (documented, inert unless set): ``ANTT_TEST_CRASH_AFTER_ROWS=N`` makes ``import_rows`` stop the
process after it has written at least N observation rows of the new version, before commit — with
``os._exit(86)``, or, when ``ANTT_TEST_CRASH_MODE=wait``, by printing ``ANTT_CRASH_POINT`` and sleeping so
that the test can SIGKILL it. Used by the crash-injection tests only.

This module never imports streamlit.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import sys
import threading
import time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import PACKAGE_DIR
from geo.config import setting
from geo.store.actions import check_action
from geo.store.engine import PG_LOCK_KEY, default_url, make_engine, normalise_url, utcnow
from geo.store.errors import AccessDenied, StoreError
from geo.store.reads import StoreReads
from geo.store.schema import (
    audit_log_table,
    boundary_sets,
    import_versions,
    indicators,
    observations,
    units,
    version_units,
)

MIGRATIONS_DIR = PACKAGE_DIR / "store" / "migrations"
ENV_CRASH_AFTER_ROWS = "ANTT_TEST_CRASH_AFTER_ROWS"
ENV_CRASH_MODE = "ANTT_TEST_CRASH_MODE"
SYSTEM_USER = "system"
# Alembic's ``context`` is a module-level proxy: one migration run per process at a time.
_MIGRATION_LOCK = threading.Lock()


def _clean_value(iid: str, code: str, value):
    """A stored number, or None for missing. Refuses text and booleans (no silent coercion)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise StoreError("store_not_a_number", code=code, iid=iid, value=repr(value))
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise StoreError("store_infinite", code=code, iid=iid)
    return value




def _maybe_crash(written: int) -> None:
    """The documented crash-injection hook (see the module docstring)."""
    limit = setting(ENV_CRASH_AFTER_ROWS)
    if not limit or written < int(limit):
        return
    if setting(ENV_CRASH_MODE) == "wait":
        print("ANTT_CRASH_POINT", flush=True)
        sys.stdout.flush()
        while True:
            time.sleep(60)
    os._exit(86)


# ---------------------------------------------------------------------------------------------------------


class Store(StoreReads):
    def __init__(self, url: str | None = None, *, lock_timeout: float = 30.0, authorize=None):
        """``authorize(conn, actor, action)`` is the role check of ``import_rows``/``rollback``: it runs inside
        their write transaction and raises :class:`AccessDenied` to refuse. It is given by the caller (the
        access layer: :func:`geo.access.auth.authorized_store`); the store never imports it. A store opened
        without one refuses every data change (it can still read, migrate and audit)."""
        self.authorize = authorize
        self.url = normalise_url(url or default_url())
        self.lock_timeout = float(lock_timeout)
        self.engine = make_engine(self.url, self.lock_timeout)
        self._writer = self.engine.execution_options(antt_write=True)
        self.is_postgres = self.engine.dialect.name == "postgresql"

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def dispose(self) -> None:
        self.engine.dispose()

    # -- transactions ----------------------------------------------------------------------------------

    def _write(self):
        """A write transaction holding the application's write lock (context manager yielding a Connection)."""
        store = self

        class _Tx:
            def __enter__(self_inner) -> Connection:
                try:
                    self_inner.cm = store._writer.begin()
                    conn = self_inner.cm.__enter__()
                except sa.exc.OperationalError as exc:
                    raise store._busy_error(exc) from exc
                try:
                    if store.is_postgres:
                        ms = int(store.lock_timeout * 1000)
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_LOCK_KEY)))
                        conn.exec_driver_sql("SET LOCAL lock_timeout = 0")
                except BaseException as exc:
                    self_inner.cm.__exit__(*sys.exc_info())
                    if isinstance(exc, sa.exc.OperationalError):
                        raise store._busy_error(exc) from exc
                    raise
                return conn

            def __exit__(self_inner, *exc_info):
                return self_inner.cm.__exit__(*exc_info)

        return _Tx()

    def _busy_error(self, exc: Exception) -> StoreError:
        text = str(getattr(exc, "orig", exc)).lower()
        if "locked" in text or "lock timeout" in text or "lock_timeout" in text or "busy" in text:
            return StoreError("store_busy")
        return StoreError("store_db_error", exc=exc)

    def _read(self):
        return self.engine.connect()

    def execute_write_fn(self, fn):
        """Run ``fn(conn)`` inside one write transaction holding the store's write lock (as datasette's
        ``Database.execute_write_fn``): everything it writes commits together or not at all. Returns its
        result. Other layers (accounts, sign-in) write through this, never through the store's private parts."""
        try:
            with self._write() as conn:
                return fn(conn)
        except sa.exc.OperationalError as exc:
            raise self._busy_error(exc) from exc

    def execute_read_fn(self, fn):
        """Run ``fn(conn)`` on a read connection and return its result."""
        with self._read() as conn:
            return fn(conn)

    # -- setup -----------------------------------------------------------------------------------------

    def ensure_ready(self) -> None:
        """Migrate to head, refresh the reference tables and, on an empty store, load the built-in samples.

        All in one write transaction holding the store's write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL's
        advisory lock): processes starting together wait for each other, and the first one in loads every
        autoload sample (the 2017 one and the illustrative 2025 one, in the order of ``SAMPLES``); the others
        then find versions and load nothing. A failure part-way leaves the store as it was. A store that holds
        any version (an import, a sample) gets no sample again, even after an upgrade."""
        from alembic import command
        from alembic.config import Config

        try:
            with _MIGRATION_LOCK, self._write() as conn:
                cfg = Config()
                cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                self._sync_reference(conn)
                has_any = conn.execute(sa.select(import_versions.c.id).limit(1)).first() is not None
                if not has_any:
                    self._load_sample(conn)
        except sa.exc.OperationalError as exc:
            raise self._busy_error(exc) from exc

    def _sync_reference(self, conn: Connection) -> None:
        from geo.reference.catalog import load_catalog
        from geo.units.boundaries import list_boundary_sets

        have = {r.id: (r.title, r.vintage) for r in conn.execute(sa.select(boundary_sets))}
        for s in list_boundary_sets():
            want = (s.title("vi"), s.vintage)
            if s.id not in have:
                conn.execute(boundary_sets.insert().values(id=s.id, title=want[0], vintage=want[1]))
            elif have[s.id] != want:
                conn.execute(boundary_sets.update().where(boundary_sets.c.id == s.id)
                             .values(title=want[0], vintage=want[1]))
        have_ind = {r.id: (r.vi, r.en, r.kind) for r in conn.execute(sa.select(indicators))}
        for ind in load_catalog():
            want = (ind.vi, ind.en, ind.kind)
            if ind.id not in have_ind:
                conn.execute(indicators.insert().values(id=ind.id, vi=ind.vi, en=ind.en, kind=ind.kind))
            elif have_ind[ind.id] != want:
                conn.execute(indicators.update().where(indicators.c.id == ind.id)
                             .values(vi=ind.vi, en=ind.en, kind=ind.kind))

    def _load_sample(self, conn: Connection) -> None:
        from geo.reference.sample import SAMPLES, sample_rows

        for info in (i for i in SAMPLES if i.autoload):
            self._insert_version(
                conn, sample_rows(info), boundary_set=info.boundary_set, period=info.period, user=SYSTEM_USER,
                action="sample", note=info.note, sample=True,
            )

    # -- writing ---------------------------------------------------------------------------------------

    def import_rows(self, rows, *, boundary_set: str, period: str, user: str, file_name: str | None = None,
                    file_sha256: str | None = None, file_size: int | None = None, note: str | None = None,
                    expected_version: int | None = None, sample: bool = False) -> int:
        """Append a full snapshot of (boundary_set, period) as a new version; returns its id."""
        rows = list(rows)
        period = self._check_period(period)
        self._check_set(boundary_set)
        actor = user
        user = self._check_user(user)
        try:
            with self._write() as conn:
                self._authorize(conn, actor, "import")
                if expected_version is not None:  # 0: the caller saw no version yet
                    latest = self._latest(conn, boundary_set, period)
                    if (latest or 0) != expected_version:
                        raise StoreError("store_conflict", latest=latest, expected_version=expected_version)
                return self._insert_version(
                    conn, rows, boundary_set=boundary_set, period=period, user=user,
                    action="sample" if sample else "import", file_name=file_name, sha256=file_sha256,
                    size=file_size, note=note, sample=sample, crash_hook=True,
                )
        except sa.exc.OperationalError as exc:
            raise self._busy_error(exc) from exc

    def rollback(self, version: int, *, user: str, note: str | None = None) -> int:
        """A new version restoring the snapshot of ``version`` for its (set, period); nothing is deleted."""
        actor = user
        user = self._check_user(user)
        try:
            with self._write() as conn:
                self._authorize(conn, actor, "rollback")
                src = conn.execute(sa.select(import_versions).where(import_versions.c.id == int(version))).first()
                if src is None:
                    raise StoreError("store_no_version", version=version)
                latest = self._latest(conn, src.boundary_set, src.period)
                if latest == src.id:
                    raise StoreError("store_already_current", version=version)
                rows = self._rows(conn, src.id)
                return self._insert_version(
                    conn, rows, boundary_set=src.boundary_set, period=src.period, user=user, action="rollback",
                    note=note, sample=bool(src.sample), restores_version=src.id,
                )
        except sa.exc.OperationalError as exc:
            raise self._busy_error(exc) from exc

    def _insert_version(self, conn: Connection, rows: list[dict], *, boundary_set: str, period: str, user: str,
                        action: str, file_name=None, sha256=None, size=None, note=None, sample=False,
                        restores_version=None, crash_hook: bool = False) -> int:
        from geo.reference.catalog import load_catalog
        from geo.text.names import normalize_code
        from geo.units.boundaries import get_boundary_set_info

        catalog = load_catalog()
        base_ids = {i.id for i in catalog.base()}
        width = get_boundary_set_info(boundary_set).data_code_width
        if not rows:
            raise StoreError("store_no_rows")

        clean: list[tuple[str, str, dict[str, float]]] = []
        seen: set[str] = set()
        for r in rows:
            raw = r.get("unit_code")
            code = normalize_code(raw, width) or (str(raw).strip() if raw is not None else "")
            if not code:
                raise StoreError("store_missing_code", r=repr(r))
            if code in seen:
                raise StoreError("store_unit_twice", code=code)
            seen.add(code)
            values: dict[str, float] = {}
            for iid, v in (r.get("values") or {}).items():
                if iid not in catalog:
                    raise StoreError("store_unknown_indicator", iid=iid)
                if iid not in base_ids:
                    continue  # derived indicators are recomputed from their parts, never stored
                v = _clean_value(iid, code, v)
                if v is not None:
                    values[iid] = v
            clean.append((code, str(r.get("unit_name") or "").strip(), values))

        n_values = sum(len(v) for _, _, v in clean)
        now = utcnow()
        version_id = conn.execute(import_versions.insert().values(
            created_at=now, user=user, action=action, file_name=file_name, sha256=sha256,
            size=int(size) if size is not None else None, boundary_set=boundary_set, period=period, note=note,
            n_units=len(clean), n_values=n_values, restores_version=restores_version, sample=bool(sample),
        ).returning(import_versions.c.id)).scalar_one()

        known = {c for (c,) in conn.execute(sa.select(units.c.code).where(units.c.boundary_set == boundary_set))}
        new_units = [{"boundary_set": boundary_set, "code": c, "name": n} for c, n, _ in clean if c not in known]
        if new_units:
            conn.execute(units.insert(), new_units)
        conn.execute(version_units.insert(), [
            {"version_id": version_id, "unit_code": c, "unit_name": n, "position": i}
            for i, (c, n, _) in enumerate(clean)
        ])
        # With the test hook set, write unit by unit so that the crash lands between two inserts.
        hook = crash_hook and setting(ENV_CRASH_AFTER_ROWS) is not None
        written = 0
        batch: list[dict] = []
        for code, _, values in clean:
            batch.extend({"version_id": version_id, "unit_code": code, "indicator_id": iid, "value": v}
                         for iid, v in values.items())
            if len(batch) >= 5000 or (hook and batch):
                conn.execute(observations.insert(), batch)
                written += len(batch)
                batch = []
                if hook:
                    _maybe_crash(written)
        if batch:
            conn.execute(observations.insert(), batch)
            written += len(batch)
        self._audit(conn, action, user, {
            "version": version_id, "boundary_set": boundary_set, "period": period, "file_name": file_name,
            "file_sha256": sha256, "file_size": size, "n_units": len(clean), "n_values": n_values,
            "restores_version": restores_version, "note": note,
        })
        return int(version_id)

    def audit(self, action: str, user: str, detail: dict | None = None, *, conn: Connection | None = None) -> None:
        """Append one row to the audit log: in its own transaction, or inside ``conn``'s when given (from
        :meth:`execute_write_fn`), so the change and its audit row commit together."""
        user = self._check_user(user)
        if conn is not None:
            self._audit(conn, action, user, detail)
            return
        try:
            with self._write() as conn:
                self._audit(conn, action, user, detail)
        except sa.exc.OperationalError as exc:
            raise self._busy_error(exc) from exc

    def _audit(self, conn: Connection, action: str, user: str, detail: dict | None) -> None:
        conn.execute(audit_log_table.insert().values(
            created_at=utcnow(), user=user, action=check_action(action),
            detail=json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None,
        ))

    # -- checks ----------------------------------------------------------------------------------------

    @staticmethod
    def _check_period(period) -> str:
        from geo.text.periods import PeriodError, normalize_period

        try:
            return normalize_period(period)
        except PeriodError as exc:
            raise StoreError(exc.key, **exc.params) from None

    @staticmethod
    def _check_set(boundary_set: str) -> None:
        from geo.units.boundaries import list_boundary_sets

        if boundary_set not in {s.id for s in list_boundary_sets()}:
            raise StoreError("store_unknown_set", boundary_set=boundary_set)

    def _authorize(self, conn: Connection, actor, action: str) -> None:
        """Role check of the core (not only the page), injected: see ``__init__``."""
        if self.authorize is None:
            raise AccessDenied("store_read_only")
        self.authorize(conn, actor, action)

    @staticmethod
    def _check_user(user) -> str:
        user = str(user or "").strip()
        if not user:
            raise StoreError("store_user_required")
        return user
