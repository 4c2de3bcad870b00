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
import sqlite3
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from geo import PACKAGE_DIR, PROJECT_DIR

MIGRATIONS_DIR = PACKAGE_DIR / "store" / "migrations"
ENV_DATABASE_URL = "ANTT_DATABASE_URL"
ENV_DATA_DIR = "ANTT_DATA_DIR"
ENV_CRASH_AFTER_ROWS = "ANTT_TEST_CRASH_AFTER_ROWS"
ENV_CRASH_MODE = "ANTT_TEST_CRASH_MODE"
SYSTEM_USER = "system"
ACTIONS = ("import", "rollback", "sample")
# Any constant: the key of the PostgreSQL advisory lock that serialises writers of this application.
_PG_LOCK_KEY = 0x414E5454  # "ANTT"

# Alembic's ``context`` is a module-level proxy: one migration run per process at a time.
_MIGRATION_LOCK = threading.Lock()


class StoreError(Exception):
    """A user-facing problem with the store; the message is Vietnamese first (English after " / ")."""


class AccessDenied(StoreError):
    """The actor may not change data (role too low, account disabled or unknown); see geo.access.auth."""


# ---------------------------------------------------------------------------------------------------------
# Schema (the migrations in geo/store/migrations/versions create exactly this; a test compares them)

metadata = sa.MetaData()

boundary_sets = sa.Table(
    "boundary_sets", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("vintage", sa.Text, nullable=False),
)

units = sa.Table(
    "units", metadata,
    sa.Column("boundary_set", sa.String(100), sa.ForeignKey("boundary_sets.id"), primary_key=True),
    sa.Column("code", sa.String(20), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
)

indicators = sa.Table(
    "indicators", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("vi", sa.Text, nullable=False),
    sa.Column("en", sa.Text, nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
)

import_versions = sa.Table(
    "import_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("file_name", sa.Text),
    sa.Column("sha256", sa.String(64)),
    sa.Column("size", sa.BigInteger),
    sa.Column("boundary_set", sa.String(100), sa.ForeignKey("boundary_sets.id"), nullable=False),
    sa.Column("period", sa.String(20), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("n_units", sa.Integer, nullable=False),
    sa.Column("n_values", sa.Integer, nullable=False),
    sa.Column("restores_version", sa.Integer, sa.ForeignKey("import_versions.id")),
    sa.Column("sample", sa.Boolean, nullable=False),
    sa.Index("ix_import_versions_set_period", "boundary_set", "period", "id"),
    sqlite_autoincrement=True,
)

version_units = sa.Table(
    "version_units", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
    sa.Column("unit_code", sa.String(20), primary_key=True),
    sa.Column("unit_name", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)

observations = sa.Table(
    "observations", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
    sa.Column("unit_code", sa.String(20), primary_key=True),
    sa.Column("indicator_id", sa.String(100), sa.ForeignKey("indicators.id"), primary_key=True),
    sa.Column("value", sa.Double, nullable=False),
)

audit_log_table = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("detail", sa.Text),
    sa.Index("ix_audit_log_action", "action"),
    sqlite_autoincrement=True,
)

# Accounts (geo.access.auth): mutable (role, password, disabled), every change written to the audit log.
users = sa.Table(
    "users", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("auth", sa.String(10), nullable=False),  # "local" (argon2 hash here) or "oidc" (st.login identity)
    sa.Column("password_hash", sa.Text),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Every sign-in attempt checked against a password (append-only): the failure count per user and client since
# the last success decides the delay before the next attempt (geo.access.auth.signin_wait).
signin_attempts = sa.Table(
    "signin_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("client", sa.String(100), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Index("ix_signin_attempts_name", "name", "id"),
    sqlite_autoincrement=True,
)

# Indicators defined or changed by admins (geo.access.indicators): mutable like ``users``, every change audited.
# ``definition`` is JSON with the keys of data/catalog.toml; geo.reference.catalog merges it over the seed.
indicator_definitions = sa.Table(
    "indicator_definitions", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("retired", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

APPEND_ONLY_TABLES = ("import_versions", "version_units", "observations", "audit_log", "signin_attempts")


# ---------------------------------------------------------------------------------------------------------
# Engine


def default_url() -> str:
    """``ANTT_DATABASE_URL`` if set, else a SQLite file ``$ANTT_DATA_DIR/antt.sqlite`` (default ``<repo>/var``)."""
    url = os.environ.get(ENV_DATABASE_URL, "").strip()
    if url:
        return url
    data_dir = Path(os.environ.get(ENV_DATA_DIR, "").strip() or (PROJECT_DIR / "var"))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'antt.sqlite'}"


def _normalise_url(url: str) -> str:
    # Only psycopg 3 is a dependency: give bare postgresql:// URLs that driver.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_wal(cur, lock_timeout: float) -> None:
    """Put the file in WAL mode, waiting up to ``lock_timeout`` for other connections.

    Switching the journal mode needs an exclusive lock, and SQLite may answer SQLITE_BUSY at once instead of
    calling the busy handler (several processes opening a fresh file together: 2 of 120 failed in a stress
    run). WAL is persistent, so the check is usually all that runs; otherwise retry with a growing pause."""
    deadline = time.monotonic() + lock_timeout
    pause = 0.005
    while True:
        try:
            mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


def _make_engine(url: str, lock_timeout: float) -> Engine:
    url = _normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": lock_timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            # Let SQLAlchemy, not pysqlite, emit BEGIN (pysqlite's own handling defers it and breaks locking).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
            cur.execute("PRAGMA foreign_keys = ON")
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                _sqlite_wal(cur, lock_timeout)  # readers do not wait for a writer
                cur.execute("PRAGMA synchronous = FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the database write lock up front (BEGIN IMMEDIATE), so two writers queue
            # instead of failing half-way; readers use a plain deferred BEGIN.
            if conn.get_execution_options().get("antt_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso_time(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def _clean_value(iid: str, code: str, value):
    """A stored number, or None for missing. Refuses text and booleans (no silent coercion)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise StoreError(
            f"Giá trị không phải số ở đơn vị {code}, chỉ số {iid}: {value!r} / not a number"
        )
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise StoreError(f"Giá trị vô hạn ở đơn vị {code}, chỉ số {iid} / infinite value")
    return value


def _number_out(value: float, whole: bool):
    if whole and float(value).is_integer():
        return int(value)
    return float(value)


def _maybe_crash(written: int) -> None:
    """The documented crash-injection hook (see the module docstring)."""
    limit = os.environ.get(ENV_CRASH_AFTER_ROWS)
    if not limit or written < int(limit):
        return
    if os.environ.get(ENV_CRASH_MODE) == "wait":
        print("ANTT_CRASH_POINT", flush=True)
        sys.stdout.flush()
        while True:
            time.sleep(60)
    os._exit(86)


# ---------------------------------------------------------------------------------------------------------


class Store:
    def __init__(self, url: str | None = None, *, lock_timeout: float = 30.0, authorize=None):
        """``authorize(conn, actor, action)`` is the role check of ``import_rows``/``rollback``: it runs inside
        their write transaction and raises :class:`AccessDenied` to refuse. It is given by the caller (the
        access layer: :func:`geo.access.auth.authorized_store`); the store never imports it. A store opened
        without one refuses every data change (it can still read, migrate and audit)."""
        self.authorize = authorize
        self.url = _normalise_url(url or default_url())
        self.lock_timeout = float(lock_timeout)
        self.engine = _make_engine(self.url, self.lock_timeout)
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
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
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
            return StoreError(
                "Cơ sở dữ liệu đang bận (một người khác đang ghi dữ liệu); hãy thử lại sau ít phút. "
                "/ The database is busy with another write; try again shortly."
            )
        return StoreError(f"Lỗi cơ sở dữ liệu: {exc} / database error")

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
        """Migrate to head, refresh the reference tables and load the built-in sample as version 1 once."""
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
                if expected_version is not None:
                    latest = self._latest(conn, boundary_set, period)
                    if latest != expected_version:
                        raise StoreError(
                            f"Dữ liệu đã được cập nhật bởi người khác (phiên bản hiện hành là {latest}, "
                            f"không phải {expected_version}). Hãy tải lại và kiểm tra trước khi nhập. "
                            f"/ Data was updated by someone else (current version {latest}, "
                            f"expected {expected_version}); reload and check before importing."
                        )
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
                    raise StoreError(f"Không có phiên bản {version} / no such version")
                latest = self._latest(conn, src.boundary_set, src.period)
                if latest == src.id:
                    raise StoreError(
                        f"Phiên bản {version} đang là phiên bản hiện hành, không cần khôi phục. "
                        f"/ Version {version} is already current."
                    )
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
            raise StoreError("Không có đơn vị nào để nhập / no rows to import")

        clean: list[tuple[str, str, dict[str, float]]] = []
        seen: set[str] = set()
        for r in rows:
            raw = r.get("unit_code")
            code = normalize_code(raw, width) or (str(raw).strip() if raw is not None else "")
            if not code:
                raise StoreError(f"Thiếu mã đơn vị ở dòng {r!r} / missing unit code")
            if code in seen:
                raise StoreError(f"Đơn vị {code} xuất hiện hai lần / unit appears twice")
            seen.add(code)
            values: dict[str, float] = {}
            for iid, v in (r.get("values") or {}).items():
                if iid not in catalog:
                    raise StoreError(f"Chỉ số không có trong danh mục: {iid} / unknown indicator")
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
        hook = crash_hook and bool(os.environ.get(ENV_CRASH_AFTER_ROWS))
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
            created_at=utcnow(), user=user, action=str(action),
            detail=json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None,
        ))

    # -- checks ----------------------------------------------------------------------------------------

    @staticmethod
    def _check_period(period) -> str:
        from geo.text.periods import PeriodError, normalize_period

        try:
            return normalize_period(period)
        except PeriodError as exc:
            raise StoreError(str(exc)) from None

    @staticmethod
    def _check_set(boundary_set: str) -> None:
        from geo.units.boundaries import list_boundary_sets

        if boundary_set not in {s.id for s in list_boundary_sets()}:
            raise StoreError(f"Không có bộ ranh giới '{boundary_set}' / unknown boundary set")

    def _authorize(self, conn: Connection, actor, action: str) -> None:
        """Role check of the core (not only the page), injected: see ``__init__``."""
        if self.authorize is None:
            raise AccessDenied("Kho dữ liệu này chỉ đọc: chưa có kiểm tra quyền ghi. "
                               "/ This store is read-only: no write authorization was given.")
        self.authorize(conn, actor, action)

    @staticmethod
    def _check_user(user) -> str:
        user = str(user or "").strip()
        if not user:
            raise StoreError("Thiếu tên người thực hiện / user is required")
        return user

    # -- reading ---------------------------------------------------------------------------------------

    @staticmethod
    def _latest(conn: Connection, boundary_set: str, period: str) -> int | None:
        return conn.execute(
            sa.select(sa.func.max(import_versions.c.id))
            .where(import_versions.c.boundary_set == boundary_set, import_versions.c.period == period)
        ).scalar()

    @staticmethod
    def _rows(conn: Connection, version: int) -> list[dict]:
        from geo.reference.catalog import load_catalog

        catalog = load_catalog()
        period = conn.execute(sa.select(import_versions.c.period).where(import_versions.c.id == version)).scalar()
        # The indicators of the version's period (issue 13); a stored value of any other still comes back.
        order = [i.id for i in (catalog.valid_in(period) if period else catalog).base()]
        whole = {i.id: i.whole_number for i in catalog.base()}
        out: dict[str, dict] = {}
        for r in conn.execute(sa.select(version_units.c.unit_code, version_units.c.unit_name)
                              .where(version_units.c.version_id == version).order_by(version_units.c.position)):
            out[r.unit_code] = {"unit_code": r.unit_code, "unit_name": r.unit_name, "values": dict.fromkeys(order)}
        for r in conn.execute(sa.select(observations.c.unit_code, observations.c.indicator_id,
                                        observations.c.value).where(observations.c.version_id == version)):
            vals = out[r.unit_code]["values"]
            vals[r.indicator_id] = _number_out(r.value, whole.get(r.indicator_id, False))
        return list(out.values())

    def latest_version(self, boundary_set: str, period: str) -> int | None:
        period = self._check_period(period)
        with self._read() as conn:
            return self._latest(conn, boundary_set, period)

    def periods(self, boundary_set: str | None = None) -> list[str]:
        from geo.text.periods import sort_periods

        q = sa.select(import_versions.c.period).distinct()
        if boundary_set is not None:
            q = q.where(import_versions.c.boundary_set == boundary_set)
        with self._read() as conn:
            return sort_periods([p for (p,) in conn.execute(q)])

    def boundary_sets_with_data(self) -> list[str]:
        with self._read() as conn:
            return sorted(s for (s,) in conn.execute(sa.select(import_versions.c.boundary_set).distinct()))

    def current_table(self, boundary_set: str, period: str | None = None):
        from geo.reference.frames import rows_to_table

        if period is None:
            have = self.periods(boundary_set)
            period = have[-1] if have else None
        else:
            period = self._check_period(period)
        if period is None:
            return rows_to_table([], boundary_set=boundary_set, period=None, version=None, sample=False)
        # Versions are immutable once committed, so reading the id and then its rows is consistent.
        with self._read() as conn:
            version = self._latest(conn, boundary_set, period)
            if version is None:
                return rows_to_table([], boundary_set=boundary_set, period=period, version=None, sample=False)
            sample = bool(conn.execute(sa.select(import_versions.c.sample)
                                       .where(import_versions.c.id == version)).scalar())
            rows = self._rows(conn, version)
        return rows_to_table(rows, boundary_set=boundary_set, period=period, version=int(version), sample=sample)

    def version_rows(self, version: int) -> list[dict]:
        with self._read() as conn:
            if conn.execute(sa.select(import_versions.c.id).where(import_versions.c.id == int(version))).first() is None:
                raise StoreError(f"Không có phiên bản {version} / no such version")
            return self._rows(conn, int(version))

    def version_info(self, version: int) -> dict:
        with self._read() as conn:
            r = conn.execute(sa.select(import_versions).where(import_versions.c.id == int(version))).first()
        if r is None:
            raise StoreError(f"Không có phiên bản {version} / no such version")
        return self._history_dict(r)

    def predecessor(self, version: int) -> int | None:
        """The version before ``version`` for the same (set, period), or None."""
        with self._read() as conn:
            return self._predecessor(conn, int(version))

    @staticmethod
    def _predecessor(conn: Connection, version: int) -> int | None:
        src = conn.execute(sa.select(import_versions.c.boundary_set, import_versions.c.period)
                           .where(import_versions.c.id == version)).first()
        if src is None:
            raise StoreError(f"Không có phiên bản {version} / no such version")
        return conn.execute(
            sa.select(sa.func.max(import_versions.c.id)).where(
                import_versions.c.boundary_set == src.boundary_set, import_versions.c.period == src.period,
                import_versions.c.id < version)
        ).scalar()

    def diff(self, version: int) -> list[dict]:
        """Changed values of ``version`` against its predecessor (the first version: against nothing)."""
        from geo.reference.catalog import load_catalog

        order = {iid: i for i, iid in enumerate(i.id for i in load_catalog().base())}
        with self._read() as conn:
            prev = self._predecessor(conn, int(version))
            new_rows = self._rows(conn, int(version))
            old_rows = self._rows(conn, prev) if prev is not None else []
        old = {r["unit_code"]: r for r in old_rows}
        new = {r["unit_code"]: r for r in new_rows}
        codes = [r["unit_code"] for r in new_rows] + [c for c in old if c not in new]
        out = []
        for code in codes:
            o, n = old.get(code), new.get(code)
            ov, nv = (o or {}).get("values", {}), (n or {}).get("values", {})
            name = (n or o)["unit_name"]
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

