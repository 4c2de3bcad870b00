"""The store's database connection: the URL (``ANTT_DATABASE_URL``, else a SQLite file in ``ANTT_DATA_DIR``),
the engine with its write lock (SQLite ``BEGIN IMMEDIATE`` in WAL mode, PostgreSQL advisory lock), and UTC
timestamps as the store writes and reads them."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from geo.config import setting

ENV_DATABASE_URL = "ANTT_DATABASE_URL"
ENV_DATA_DIR = "ANTT_DATA_DIR"
# Any constant: the key of the PostgreSQL advisory lock that serialises writers of this application.
PG_LOCK_KEY = 0x414E5454  # "ANTT"


def default_url() -> str:
    """``ANTT_DATABASE_URL`` if set, else a SQLite file ``$ANTT_DATA_DIR/antt.sqlite`` (default ``<repo>/var``)."""
    url = setting(ENV_DATABASE_URL)
    if url:
        return url
    data_dir = Path(setting(ENV_DATA_DIR))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'antt.sqlite'}"


def normalise_url(url: str) -> str:
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


def make_engine(url: str, lock_timeout: float) -> Engine:
    url = normalise_url(url)
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


def number_out(value: float, whole: bool):
    """A stored float as the catalogue wants it back: int for whole-number indicators."""
    if whole and float(value).is_integer():
        return int(value)
    return float(value)
