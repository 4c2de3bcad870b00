"""The versioned, append-only store: SQLite file by default, PostgreSQL when ``ANTT_DATABASE_URL`` says so.

Every import is a submission for the units it names, within one period: a row in ``import_versions``, the
units it covers in ``version_units`` and its values in ``observations``. Nothing in those three tables is ever
UPDATEd or DELETEd (database triggers refuse it). A unit's current value is its newest submission within the
vintage of the set (geo.store.state: every set of a vintage shows the same number for the same official
code), and a rollback is a new version that copies what an older one submitted for its units.

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

import sys
import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from geo import PACKAGE_DIR
from geo.config import setting
from geo.store.engine import PG_LOCK_KEY, default_url, make_engine, normalise_url, utcnow
from geo.store.errors import AccessDenied, ActorRequired, StoreError
from geo.store import generation, state
from geo.store.drafts import StoreDrafts
from geo.store.flags import insert_flags
from geo.store.reads import StoreReads
from geo.store.reporting import StoreReporting
from geo.store.writes import ENV_CRASH_AFTER_ROWS, ENV_CRASH_MODE, StoreWrites
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
SYSTEM_USER = "system"

# Alembic's ``context`` is a module-level proxy: one migration run per process at a time.
_MIGRATION_LOCK = threading.Lock()




# ---------------------------------------------------------------------------------------------------------


class Store(StoreReads, StoreWrites, StoreReporting, StoreDrafts):
    def __init__(self, url: str | None = None, *, lock_timeout: float = 30.0, authorize=None):
        """``authorize(conn, actor, action, target)`` is the role and scope check of ``import_rows``/``rollback``:
        it runs inside their write transaction, before anything is written, and raises :class:`AccessDenied`
        to refuse; ``target`` (:class:`geo.store.state.WriteTarget`) names the set, period and units written. It is given by the caller (the
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
                try:
                    return self_inner.cm.__exit__(*exc_info)
                finally:
                    generation.forget(store)  # this run's next read sees what it wrote (geo.store.generation)

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

    def import_rows(self, rows, *, boundary_set: str, period: str, user, file_name: str | None = None,
                    file_sha256: str | None = None, file_size: int | None = None, note: str | None = None,
                    expected_version: int | None = None, sample: bool = False, replace_area: bool = False,
                    expected_units: dict | None = None, flags=None) -> int:
        """Append a version covering the units ``rows`` name for ``period``; returns its id. The other units
        keep their values. ``replace_area=True`` (said explicitly by a person) also clears every unit the set
        shows for the period that the rows do not name (:meth:`units_replaced` lists them beforehand). Refused
        when a unit it writes is approved (geo.store.reporting), or when ``expected_units`` ({code: version
        read}) no longer match the units' newest submissions (someone else submitted: reload). ``flags``: the
        quality flags a person accepted, stored with it in the same transaction (geo.store.flags)."""
        rows = list(rows)
        period = self._check_period(period)
        self._check_set(boundary_set)
        self._check_vintage(boundary_set, period)
        self._check_period_types(rows, period)
        actor = user
        user = self._actor_name(user)
        try:
            with self._write() as conn:
                cleared = self._replaced(conn, rows, boundary_set, period) if replace_area else []
                written = (*self._named(rows, boundary_set), *cleared)
                level = self._authorize(conn, actor, "import", state.WriteTarget(boundary_set, period, written))
                self._check_locks(conn, boundary_set, period, [c for c, _ in written])
                if expected_units is not None:
                    self._check_unit_versions(conn, boundary_set, period, expected_units)
                if expected_version is not None:  # 0: the caller saw no version yet
                    latest = self._latest(conn, boundary_set, period)
                    if (latest or 0) != expected_version:
                        raise StoreError("store_conflict", latest=latest, expected_version=expected_version)
                version = self._insert_version(
                    conn, rows, boundary_set=boundary_set, period=period, user=user,
                    action="sample" if sample else "import", file_name=file_name, sha256=file_sha256,
                    size=file_size, note=note, sample=sample, crash_hook=True, cleared=cleared, level=level,
                )
                insert_flags(conn, version, boundary_set, period, user, flags)
                return version
        except sa.exc.OperationalError as exc:
            raise self._busy_error(exc) from exc

    def rollback(self, version: int, *, user, note: str | None = None) -> int:
        """A new version restoring the units ``version`` covered (their values, and the units it cleared) as
        they were in it; the units it did not cover keep theirs. Nothing is deleted."""
        actor = user
        user = self._actor_name(user)
        try:
            with self._write() as conn:
                src = conn.execute(sa.select(import_versions).where(import_versions.c.id == int(version))).first()
                if src is None:
                    self._authorize(conn, actor, "rollback", None)
                    raise StoreError("store_no_version", version=version)
                rows = self._rows(conn, src.id, cleared=True)
                level = self._authorize(conn, actor, "rollback", state.WriteTarget(
                    src.boundary_set, src.period, tuple((r["unit_code"], r["unit_name"]) for r in rows)))
                now = state.unit_versions(conn, src.boundary_set, src.period,
                                          codes=state.version_codes(conn, src.id))
                if all(v == src.id for v in now.values()):
                    raise StoreError("store_already_current", version=version)
                self._check_locks(conn, src.boundary_set, src.period, [r["unit_code"] for r in rows])
                return self._insert_version(
                    conn, [r for r in rows if not r.get("cleared")], boundary_set=src.boundary_set,
                    period=src.period, user=user, action="rollback", note=note, sample=bool(src.sample),
                    restores_version=src.id, level=level,
                    cleared=[(r["unit_code"], r["unit_name"]) for r in rows if r.get("cleared")],
                )
        except sa.exc.OperationalError as exc:
            raise self._busy_error(exc) from exc

    def units_replaced(self, rows, *, boundary_set: str, period: str) -> list[dict]:
        """The units an import with ``replace_area=True`` would clear (for the dry run to say so)."""
        period = self._check_period(period)
        with self._read() as conn:
            return [{"unit_code": c, "unit_name": n} for c, n in self._replaced(conn, list(rows), boundary_set, period)]

    @staticmethod
    def _named(rows: list[dict], boundary_set: str) -> list[tuple[str, str]]:
        """(code, name) of the units ``rows`` name, codes normalised as they are stored."""
        from geo.text.names import normalize_code
        from geo.units.boundaries import get_boundary_set_info

        width = get_boundary_set_info(boundary_set).data_code_width
        return [(normalize_code(r.get("unit_code"), width) or str(r.get("unit_code") or "").strip(),
                 str(r.get("unit_name") or "").strip()) for r in rows]

    def _replaced(self, conn: Connection, rows: list[dict], boundary_set: str, period: str) -> list[tuple[str, str]]:
        named = {c for c, _ in self._named(rows, boundary_set)}
        shown = state.current_rows(conn, boundary_set, period)[0]
        return [(r["unit_code"], r["unit_name"]) for r in shown if r["unit_code"] not in named]

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

    @staticmethod
    def _check_vintage(boundary_set: str, period: str) -> None:
        """The period decides the vintage: data of a period ending after 30/6/2025 goes to the 2025 units only."""
        from geo.units.vintage import VintageError, check_period_vintage

        try:
            check_period_vintage(boundary_set, period)
        except VintageError as exc:
            raise StoreError(exc.key, **exc.params) from None

    @staticmethod
    def _check_period_types(rows: list[dict], period: str) -> None:
        """Each indicator is reported in its catalog's period types: a value of one that is not reported in the
        period's type (a recognition count in a quarter, a monthly flow in an evaluation year) refuses the whole
        submission, naming the indicators, the period and the types they use, and the units that hold such
        values. Rollbacks and samples restore what was stored and are not checked."""
        from geo.reference.catalog import load_catalog, not_reported_in, period_type_params

        holders: dict[str, list[str]] = {}
        for r in rows:
            for iid, v in (r.get("values") or {}).items():
                if v is not None:
                    holders.setdefault(iid, []).append(f"{r.get('unit_name') or ''} ({r.get('unit_code')})".strip())
        bad = not_reported_in(holders, load_catalog(), period)
        if bad:
            units = list(dict.fromkeys(u for i in bad for u in holders[i.id]))
            raise StoreError("store_period_type", **period_type_params(bad, period),
                             units=", ".join(units[:10]) + (f"… (+{len(units) - 10})" if len(units) > 10 else ""))

    def _authorize(self, conn: Connection, actor, action: str, target: state.WriteTarget | None) -> str | None:
        """Role and scope check of the core (not only the page), injected: see ``__init__``. The hook may return
        the sender's level (``commune``, ``province``, ...), recorded with a version as ``submitted_level``."""
        if self.authorize is None:
            raise AccessDenied("store_read_only")
        level = self.authorize(conn, actor, action, target)
        return level if isinstance(level, str) else None

    @staticmethod
    def _check_user(user) -> str:
        user = str(user or "").strip()
        if not user:
            raise StoreError("store_user_required")
        return user

    @staticmethod
    def _actor_name(actor) -> str:
        """The name a data change is recorded under: ``actor`` must be an Actor (geo.access.auth, which the
        store does not import: anything with a ``name`` that is not itself a string); a plain name is refused."""
        name = getattr(actor, "name", None)
        if isinstance(actor, str) or not isinstance(name, str):
            raise ActorRequired("store_actor_required", given=type(actor).__name__)
        return Store._check_user(name)
