"""geo.store.database on PostgreSQL only: two app processes share one database, URL handling, the advisory write lock.

The behaviour shared with SQLite (snapshots, rollback, crash injection, concurrent imports, sample loaded
once) runs on PostgreSQL through the parametrized ``store_url`` fixture in test_database.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.access.auth import Actor, authorized_store
from geo.store.database import StoreError

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SET = "dien-bien-dong-pre2025"


def _py(code: str, url: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120,
                          env={**os.environ, "ANTT_DATABASE_URL": url, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


IMPORT_IN_OTHER_PROCESS = """
    import json, sys
    from geo.access.auth import Actor, authorized_store
    s = authorized_store()                      # from ANTT_DATABASE_URL, as the app does
    s.ensure_ready()
    v = s.import_rows([{"unit_code": "03203", "unit_name": "TT", "values": {"teams_security": int(sys.argv[1])}}],
                      boundary_set="dien-bien-dong-pre2025", period="2019", user=Actor.cli("process-b"))
    t = s.current_table("dien-bien-dong-pre2025", "2019")
    print(json.dumps({"version": v, "seen": t.loc["03203", "teams_security"], "history": len(s.history())}))
"""


def test_fresh_database_per_test(postgres_db_url):
    engine = sa.create_engine(postgres_db_url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()


def test_two_app_processes_see_the_same_data(postgres_db_url):
    a = authorized_store(postgres_db_url)  # this process, a long-lived store with its own connection pool
    a.ensure_ready()
    n_samples = len(a.history())  # the samples of the first start
    assert n_samples >= 1 and a.current_table(SET, "2019").attrs["version"] is None
    out = json.loads(_py(IMPORT_IN_OTHER_PROCESS, postgres_db_url, "7"))
    assert out["seen"] == 7 and out["history"] == n_samples + 1  # the other process saw the samples loaded here
    t = a.current_table(SET, "2019")
    assert t.attrs["version"] == out["version"] and t.loc["03203", "teams_security"] == 7
    # and the other way round: a write here is seen by a new process
    a.import_rows([{"unit_code": "03203", "unit_name": "TT", "values": {"teams_security": 8}}],
                  boundary_set=SET, period="2019", user=Actor.cli("process-a"))
    out2 = json.loads(_py(IMPORT_IN_OTHER_PROCESS, postgres_db_url, "9"))
    assert out2["version"] == out["version"] + 2 and out2["history"] == n_samples + 3
    assert [h["user"] for h in a.history()][:3] == ["process-b", "process-a", "process-b"]
    assert a.current_table(SET, "2019").loc["03203", "teams_security"] == 9
    a.dispose()


def test_bare_postgresql_url_uses_psycopg(postgres_db_url):
    bare = postgres_db_url.replace("postgresql+psycopg://", "postgresql://")
    s = authorized_store(bare)
    assert s.engine.dialect.driver == "psycopg" and s.is_postgres
    s.ensure_ready()
    assert s.history() and all(h["action"] == "sample" for h in s.history())  # the first start went through
    s.dispose()


def test_write_lock_is_held_for_the_whole_transaction(postgres_db_url):
    a = authorized_store(postgres_db_url)
    a.ensure_ready()
    b = authorized_store(postgres_db_url, lock_timeout=0.5)
    sample_2017, last = a.latest_version(SET, "2017"), a.history(limit=1)[0]["version"]
    with a._write():
        with pytest.raises(StoreError, match="đang bận"):
            b.import_rows([{"unit_code": "03203", "values": {}}], boundary_set=SET, period="2019", user=Actor.cli("b"))
        # readers are not blocked by a writer
        assert b.current_table(SET, "2017").attrs["version"] == sample_2017 is not None
    assert b.import_rows([{"unit_code": "03203", "values": {}}], boundary_set=SET, period="2019", user=Actor.cli("b")) == last + 1
    a.dispose()
    b.dispose()


def test_timestamps_are_utc_with_time_zone(postgres_db_url):
    s = authorized_store(postgres_db_url)
    s.ensure_ready()
    with s.engine.connect() as conn:
        conn.exec_driver_sql("SET TIME ZONE 'Asia/Ho_Chi_Minh'")
        raw = conn.execute(sa.text("SELECT created_at FROM import_versions ORDER BY id LIMIT 1")).scalar_one()
    assert raw.utcoffset().total_seconds() == 7 * 3600
    assert s.history()[0]["created_at"].endswith("+00:00")
    s.dispose()
