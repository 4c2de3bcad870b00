"""geo.store.database: append-only versions, snapshots, diff, rollback, audit, crash safety and concurrency.

The behavioural tests run on both backends through the ``store_url`` fixture (SQLite file; PostgreSQL with
the ``postgres`` mark, a fresh database per test). PostgreSQL-only checks are in test_database_postgres.py.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from geo.access.auth import Actor, authorized_store
from geo.reference.catalog import load_catalog
from geo.reference.sample import SAMPLES, sample_rows, sample_table
from geo.store.database import AccessDenied, Store, StoreError
from geo.store.engine import _sqlite_wal, default_url
from geo.store.schema import audit_log_table
from geo.text.periods import parse_period

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = SAMPLES[0]
SET = SAMPLE.boundary_set
AUTOLOADED = [i for i in SAMPLES if i.autoload]  # what a first start loads: the 2017 and the 2025 sample
BIG_SET = "vn-2025"  # no unit list is enforced by the store (ingest checks units), so any codes do
BASE_IDS = [i.id for i in load_catalog().base()]


def make_rows(n_units: int, fill: float, *, start: int = 1, missing_every: int = 0, period: str | None = None
              ) -> list[dict]:
    """``period``: only the indicators reported in its type (a quarter has no recognition count)."""
    rows = []
    ids = [i.id for i in load_catalog().reported_in(period).base()] if period else BASE_IDS
    for k in range(n_units):
        code = f"{start + k:05d}"
        values = {}
        for j, iid in enumerate(ids):
            values[iid] = None if missing_every and (k + j) % missing_every == 0 else fill + j
        rows.append({"unit_code": code, "unit_name": f"Xã {start + k}", "values": values})
    return rows


def sample_filled(fill: float) -> list[dict]:
    """The 2017 sample's units (codes and names) with every value ``fill``."""
    return [{**r, "values": dict.fromkeys(r["values"], fill)} for r in sample_rows()]


def sample_versions(store: Store) -> dict[tuple[str, str], int]:
    """The version each built-in sample got on first start, read from the store (never assumed to be 1)."""
    return {(h["boundary_set"], h["period"]): h["version"] for h in store.history() if h["action"] == "sample"}


def sample_version(store: Store, info=SAMPLE) -> int:
    return sample_versions(store)[(info.boundary_set, info.period)]


def last_version(store: Store) -> int:
    return store.history(limit=1)[0]["version"]


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("import_versions", "version_units", "observations", "audit_log", "units")}


# ---------------------------------------------------------------------------------------------------------
# First start


def test_first_start_loads_both_samples_once(store):
    store.ensure_ready()  # a second start changes nothing
    hist = store.history()
    assert len(hist) == len(AUTOLOADED) == 2
    assert [(h["boundary_set"], h["period"]) for h in hist[::-1]] == [(i.boundary_set, i.period) for i in AUTOLOADED]
    assert [h["version"] for h in hist[::-1]] == sorted(h["version"] for h in hist)  # in the order of SAMPLES
    for info, n_units in zip(AUTOLOADED, (14, 6)):
        h = next(h for h in hist if (h["boundary_set"], h["period"]) == (info.boundary_set, info.period))
        assert (h["action"], h["user"], h["sample"], h["note"]) == ("sample", "system", True, info.note)
        assert h["n_units"] == n_units
        table = store.current_table(info.boundary_set)
        assert table.attrs == {"boundary_set": info.boundary_set, "period": info.period, "version": h["version"],
                               "sample": True, "unapproved": [], "withheld": 0, "approval": "marked",
                               "sample_units": sorted(table.index)}  # a sample is never "not yet approved"
        pd.testing.assert_frame_equal(table, sample_table(info), check_like=False)
        assert store.version_rows(h["version"]) == sample_rows(info)
    assert store.periods() == ["2017", "2025"] and store.periods(SET) == ["2017"]
    assert store.periods("dien-bien-dong-2025") == ["2025"]
    assert sorted(store.boundary_sets_with_data()) == sorted([SET, "dien-bien-dong-2025"])
    assert [e["action"] for e in store.audit_log()] == ["sample", "sample"]


def test_a_store_with_data_gets_no_sample_on_a_later_start(store_url):
    """Only an empty store is given the samples: a start after an import (or an upgrade) adds nothing."""
    s = authorized_store(store_url)
    s.ensure_ready()
    before = counts(s)
    s.dispose()
    again = authorized_store(store_url)
    again.ensure_ready()
    assert counts(again) == before
    again.dispose()


def test_reference_tables_are_filled_from_registry_and_catalog(store):
    from geo.units.boundaries import list_boundary_sets

    with store.engine.connect() as conn:
        sets = {r[0] for r in conn.execute(sa.text("SELECT id FROM boundary_sets"))}
        inds = {r[0] for r in conn.execute(sa.text("SELECT id FROM indicators"))}
    assert sets == {s.id for s in list_boundary_sets()}
    assert inds == set(load_catalog().ids)


def test_schema_matches_the_migrations(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from geo.store.schema import metadata

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_empty_table_when_no_data(store):
    t = store.current_table("vn-2025", "2026")  # a period nothing covers
    assert t.empty and t.attrs["version"] is None and t.attrs["period"] == "2026"
    t = store.current_table(SET, "2018")
    assert t.empty and t.attrs["version"] is None and t.attrs["period"] == "2018"
    assert list(t.columns) == ["unit_name", *BASE_IDS]
    assert store.latest_version(SET, "2018") is None


def test_default_url_uses_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "new" / "folder"))
    s = authorized_store()
    assert s.url == f"sqlite:///{tmp_path / 'new' / 'folder' / 'antt.sqlite'}"
    s.ensure_ready()
    assert (tmp_path / "new" / "folder" / "antt.sqlite").exists()
    s.dispose()
    monkeypatch.setenv("ANTT_DATABASE_URL", "postgresql://u:p@h/db")
    assert default_url() == "postgresql://u:p@h/db"
    assert authorized_store().url == "postgresql+psycopg://u:p@h/db"  # only psycopg 3 is installed; no connection yet


# ---------------------------------------------------------------------------------------------------------
# Imports, values, periods


def test_import_appends_a_version_and_becomes_current(store):
    rows = sample_rows()
    rows[0]["values"]["teams_security"] = 99
    before = last_version(store)
    v = store.import_rows(rows, boundary_set=SET, period="2017", user=Actor.cli("an"), file_name="bc.xlsx",
                          file_sha256="ab" * 32, file_size=1234, note="sửa số tổ")
    assert v == before + 1
    t = store.current_table(SET)
    assert t.attrs == {"boundary_set": SET, "period": "2017", "version": v, "sample": False,
                       "unapproved": sorted(t.index), "withheld": 0, "approval": "marked", "sample_units": []}
    assert t.loc["03203", "teams_security"] == 99
    h = store.history()[0]
    assert h == {**h, "version": v, "user": "an", "action": "import", "file_name": "bc.xlsx",
                 "file_sha256": "ab" * 32, "file_size": 1234, "note": "sửa số tổ", "restores_version": None,
                 "sample": False, "n_units": 14}
    assert h["created_at"].endswith("+00:00")
    # the old version is still there, unchanged
    assert store.version_rows(sample_version(store)) == sample_rows()


@pytest.mark.parametrize("given, expected", [
    (0, 0), (7, 7), (7.0, 7), (2 ** 53 - 1, 2 ** 53 - 1), (None, None), (float("nan"), None),
])
def test_values_round_trip_and_missing_is_never_zero(store, given, expected):
    rows = [{"unit_code": "03203", "unit_name": "TT", "values": {"teams_security": given, "population": 2.5}}]
    v = store.import_rows(rows, boundary_set=SET, period="2018", user=Actor.cli("an"))
    got = store.version_rows(v)[0]["values"]
    assert got["teams_security"] == expected and type(got["teams_security"]) is type(expected)
    assert got["population"] == 2.5  # the store keeps what it is given; whole-number checks are ingest's
    cell = store.current_table(SET, "2018").loc["03203", "teams_security"]
    if expected is None:
        assert math.isnan(cell)
    else:
        assert cell == float(expected)


def test_unit_with_no_values_keeps_its_row(store):
    rows = [{"unit_code": "03203", "unit_name": "TT", "values": {}},
            {"unit_code": "3205", "unit_name": "Na Son", "values": {"teams_security": 3}}]
    v = store.import_rows(rows, boundary_set=SET, period="2019-Q2", user=Actor.cli("an"))
    t = store.current_table(SET, "2019-Q2")
    assert list(t.index) == ["03203", "03205"]  # order kept, leading zero restored
    assert t.loc["03203"].drop("unit_name").isna().all()
    assert store.history()[0]["n_values"] == 1 and store.latest_version(SET, "2019-Q2") == v


def test_periods_are_normalised_and_sorted(store):
    for p in ["2018-06", "Quý 2/2018", "2018", "2016"]:
        store.import_rows(make_rows(2, 1, period=p), boundary_set=SET, period=p, user=Actor.cli("an"))
    assert store.periods(SET) == ["2016", "2017", "2018", "2018-Q2", "2018-06"]
    assert store.current_table(SET).attrs["period"] == "2018-06"  # latest period with data
    assert store.latest_version(SET, "2018-q2") == store.latest_version(SET, "2018-Q2")


@pytest.mark.parametrize("kwargs, rows, message", [
    ({"period": "2017-13"}, None, "tháng"),
    ({"period": ""}, None, "Kỳ báo cáo"),
    ({"boundary_set": "khong-co"}, None, "bộ ranh giới"),
    ({"user": Actor(" ", "admin", "cli")}, None, "người thực hiện"),
    ({}, [], "Không có đơn vị"),
    ({}, [{"unit_code": "03203", "values": {}}, {"unit_code": "3203", "values": {}}], "hai lần"),
    ({}, [{"unit_code": "03203", "values": {"khong_co": 1}}], "danh mục"),
    ({}, [{"unit_code": "03203", "values": {"teams_security": "12"}}], "không phải số"),
    ({}, [{"unit_code": "03203", "values": {"teams_security": True}}], "không phải số"),
    ({}, [{"unit_code": "", "values": {}}], "Thiếu mã"),
])
def test_bad_imports_are_refused_and_write_nothing(store, kwargs, rows, message):
    before = counts(store)
    args = {"boundary_set": SET, "period": "2018", "user": Actor.cli("an"), **kwargs}
    with pytest.raises(StoreError, match=message):
        store.import_rows(make_rows(2, 1) if rows is None else rows, **args)
    assert counts(store) == before


def test_derived_indicator_values_are_not_stored(store):
    derived = load_catalog().derived()[0].id
    v = store.import_rows([{"unit_code": "03203", "unit_name": "TT", "values": {derived: 50, "teams_security": 1}}],
                          boundary_set=SET, period="2018", user=Actor.cli("an"))
    assert derived not in store.version_rows(v)[0]["values"]
    assert store.history()[0]["n_values"] == 1


# ---------------------------------------------------------------------------------------------------------
# Diff, rollback, audit, append-only


def test_diff_lists_only_changed_values(store):
    rows = sample_rows()
    rows[0]["values"]["teams_security"] = 99          # changed
    rows[1]["values"]["weapons_recovered"] = 2        # missing → value
    old_pop = rows[2]["values"]["population"]
    rows[2]["values"]["population"] = None            # value → missing
    removed = rows.pop()                              # a unit the file does not name keeps its values
    v = store.import_rows(rows, boundary_set=SET, period="2017", user=Actor.cli("an"))
    d = store.diff(v)
    key = {(x["unit_code"], x["indicator_id"]): (x["old"], x["new"]) for x in d}
    old_sec = sample_rows()[0]["values"]["teams_security"]
    assert key[("03203", "teams_security")] == (old_sec, 99)
    assert key[(rows[1]["unit_code"], "weapons_recovered")] == (None, 2)
    assert key[(rows[2]["unit_code"], "population")] == (old_pop, None)
    assert len(d) == 3 and all(x["unit_name"] for x in d)
    assert store.current_table(SET, "2017").loc[removed["unit_code"], "population"] == removed["values"]["population"]
    # replacing the whole area, said explicitly, clears the unit left out: every value of it goes to None
    assert store.units_replaced(rows, boundary_set=SET, period="2017") == [
        {"unit_code": removed["unit_code"], "unit_name": removed["unit_name"]}]
    v2 = store.import_rows(rows, boundary_set=SET, period="2017", user=Actor.cli("an"), replace_area=True)
    assert removed["unit_code"] not in store.current_table(SET, "2017").index
    gone = store.diff(v2)
    assert gone and all(x["new"] is None and x["unit_code"] == removed["unit_code"] for x in gone)
    assert len(gone) == sum(v is not None for v in removed["values"].values())
    assert store.version_rows(v2) == store.version_rows(v)  # what it submitted; the cleared unit is no row of it
    # the first version of (set, period) compares against nothing: every value is new
    first = store.history(SET)[-1]
    assert first["version"] == sample_version(store) and len(store.diff(first["version"])) == first["n_values"]


def test_rollback_restores_a_snapshot_as_a_new_version(store):
    rows = sample_filled(5)
    v1 = sample_version(store)
    v2 = store.import_rows(rows, boundary_set=SET, period="2017", user=Actor.cli("an"), file_name="sai.xlsx")
    v3 = store.rollback(v1, user=Actor.cli("binh"), note="nhập nhầm tệp")
    assert v3 == v2 + 1
    t = store.current_table(SET, "2017")
    assert t.attrs["version"] == v3 and t.attrs["sample"] is True  # the restored data is the sample
    pd.testing.assert_frame_equal(t.reset_index(drop=False), sample_table().reset_index(drop=False))
    h = store.history()[0]
    assert (h["action"], h["user"], h["restores_version"], h["note"]) == ("rollback", "binh", v1, "nhập nhầm tệp")
    assert [x["version"] for x in store.history(SET)] == [v3, v2, v1]  # nothing deleted
    assert store.version_rows(v2) == rows
    # rolling forward again works too
    v4 = store.rollback(v2, user=Actor.cli("binh"))
    assert store.version_rows(v4) == rows and store.current_table(SET).attrs["sample"] is False
    with pytest.raises(StoreError, match="hiện hành"):
        store.rollback(v4, user=Actor.cli("binh"))
    with pytest.raises(StoreError, match="Không có phiên bản"):
        store.rollback(999, user=Actor.cli("binh"))


def test_audit_rows_are_written_with_imports_and_rollbacks(store):
    v = store.import_rows(make_rows(3, 1), boundary_set=SET, period="2018", user=Actor.cli("an"), file_name="a.xlsx")
    store.audit("signin", "chi", {"ip": "127.0.0.1"})
    log = store.audit_log()
    assert [e["action"] for e in log] == ["signin", "import", *["sample"] * len(AUTOLOADED)]
    assert log[1]["user"] == "an" and log[1]["detail"]["version"] == v and log[1]["detail"]["file_name"] == "a.xlsx"
    assert log[0]["detail"] == {"ip": "127.0.0.1"}
    assert [e["action"] for e in store.audit_log(action="import")] == ["import"]
    assert [e["user"] for e in store.audit_log(user="chi")] == ["chi"]
    assert len(store.audit_log(limit=1)) == 1


def test_nothing_is_updated_or_deleted(store_url):
    """Every statement of a whole session is recorded: none UPDATEs or DELETEs the versioned tables."""
    s = authorized_store(store_url)
    seen: list[str] = []
    sa.event.listen(s.engine, "before_cursor_execute",
                    lambda conn, cur, stmt, params, ctx, many: seen.append(stmt.upper()))
    s.ensure_ready()
    v1 = sample_version(s)
    v = s.import_rows(sample_filled(1), boundary_set=SET, period="2017", user=Actor.cli("an"))
    s.rollback(v1, user=Actor.cli("an"))
    s.import_rows(make_rows(5, 2), boundary_set=SET, period="2017", user=Actor.cli("an"), expected_version=v + 1)
    s.audit("signout", "an")
    assert any(st.startswith("INSERT INTO OBSERVATIONS") for st in seen)
    for st in seen:
        for table in ("IMPORT_VERSIONS", "VERSION_UNITS", "OBSERVATIONS", "AUDIT_LOG"):
            assert not (st.lstrip().startswith(("UPDATE", "DELETE")) and table in st), st
    s.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE observations SET value = 0",
    "DELETE FROM observations",
    "UPDATE import_versions SET note = 'x'",
    "DELETE FROM import_versions WHERE sample",
    "DELETE FROM version_units",
    "DELETE FROM audit_log",
])
def test_database_refuses_update_and_delete(store, statement):
    before = store.current_table(SET)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with store.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    pd.testing.assert_frame_equal(store.current_table(SET), before)


# ---------------------------------------------------------------------------------------------------------
# Optimistic concurrency


def test_expected_version_refuses_a_stale_import(store):
    v1 = store.latest_version(SET, "2017")
    v2 = store.import_rows(make_rows(3, 1), boundary_set=SET, period="2017", user=Actor.cli("an"), expected_version=v1)
    before = counts(store)
    with pytest.raises(StoreError, match="Dữ liệu đã được cập nhật bởi người khác"):
        store.import_rows(make_rows(3, 2), boundary_set=SET, period="2017", user=Actor.cli("binh"), expected_version=v1)
    assert counts(store) == before and store.latest_version(SET, "2017") == v2
    # other periods are independent
    store.import_rows(make_rows(3, 2), boundary_set=SET, period="2018", user=Actor.cli("binh"))


def test_expected_version_zero_means_nothing_was_there(store):
    """The upload page saw no version of the period (0): an import by someone else since is a conflict."""
    store.import_rows(make_rows(3, 1), boundary_set=SET, period="2019", user=Actor.cli("an"))
    with pytest.raises(StoreError, match="Dữ liệu đã được cập nhật bởi người khác"):
        store.import_rows(make_rows(3, 2), boundary_set=SET, period="2019", user=Actor.cli("binh"), expected_version=0)
    assert store.import_rows(make_rows(3, 2), boundary_set=SET, period="2020", user=Actor.cli("binh"), expected_version=0)


# ---------------------------------------------------------------------------------------------------------
# Crash injection: the importer is killed while writing observations


CRASH_SCRIPT = """
    import os, sys
    from geo.access.auth import Actor, authorized_store
    rows = [{"unit_code": f"{k:05d}", "unit_name": f"Xã {k}", "values": {i: 1000 + k for i in sys.argv[1:]}}
            for k in range(1, 301)]
    s = authorized_store(os.environ["ANTT_DATABASE_URL"])
    s.import_rows(rows, boundary_set="dien-bien-dong-pre2025", period="2017", user=Actor.cli("crash"), note="never")
    print("COMMITTED", flush=True)
"""


@pytest.mark.parametrize("mode", ["exit", "sigkill"])
def test_a_crash_mid_import_leaves_the_previous_state_exactly(store, store_url, mode):
    store.import_rows(make_rows(14, 3, start=3203, missing_every=4), boundary_set=SET, period="2017", user=Actor.cli("an"))
    before_table = store.current_table(SET, "2017")
    before_hist, before_counts, before_audit = store.history(), counts(store), store.audit_log()

    env = {"ANTT_DATABASE_URL": store_url, "ANTT_TEST_CRASH_AFTER_ROWS": "500",
           "ANTT_TEST_CRASH_MODE": "wait" if mode == "sigkill" else "exit"}
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CRASH_SCRIPT), *BASE_IDS], cwd=ROOT, text=True,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if mode == "sigkill":
        line = proc.stdout.readline()
        assert line.strip() == "ANTT_CRASH_POINT", (line, proc.stderr.read() if proc.poll() is not None else "")
        # while the importer sits half-way through its transaction, readers see only the old state
        assert store.history() == before_hist
        pd.testing.assert_frame_equal(store.current_table(SET, "2017"), before_table)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
    else:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 86, err
        assert "COMMITTED" not in out

    after = store.current_table(SET, "2017")
    pd.testing.assert_frame_equal(after, before_table)
    assert after.attrs == before_table.attrs
    assert store.history() == before_hist
    assert store.audit_log() == before_audit
    assert counts(store) == before_counts  # no partial version, no stray rows

    # the lock died with the importer: the next import goes through (fresh Store, as another process would)
    other = authorized_store(store_url, lock_timeout=20)
    v = other.import_rows(make_rows(2, 9), boundary_set=SET, period="2017", user=Actor.cli("an"))
    assert v > before_hist[0]["version"] and other.current_table(SET, "2017").attrs["version"] == v
    other.dispose()


def test_the_crash_hook_is_inert_without_the_variable(store, monkeypatch):
    monkeypatch.delenv("ANTT_TEST_CRASH_AFTER_ROWS", raising=False)
    assert store.import_rows(make_rows(50, 1), boundary_set=SET, period="2018", user=Actor.cli("an")) > 1


# ---------------------------------------------------------------------------------------------------------
# Concurrency: simultaneous imports from separate processes and threads


CONCURRENT_SCRIPT = """
    import json, os, sys, time
    from geo.reference.catalog import load_catalog
    from geo.access.auth import Actor, authorized_store
    from geo.store.database import StoreError
    from geo.store.engine import _sqlite_wal, default_url
    fill, start_at, expected = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    ids = [i.id for i in load_catalog().base()]
    rows = [{"unit_code": f"{k:05d}", "unit_name": f"Xã {k}", "values": {iid: fill for iid in ids}}
            for k in range(1, 1501)]
    s = authorized_store(os.environ["ANTT_DATABASE_URL"], lock_timeout=120)
    while time.time() < start_at:
        time.sleep(0.001)
    try:
        v = s.import_rows(rows, boundary_set="vn-2025", period="2026", user=Actor.cli(f"p{int(fill)}"),
                          expected_version=None if expected == "none" else int(expected))
        print(json.dumps({"fill": fill, "version": v, "t": time.time()}))
    except StoreError as exc:
        print(json.dumps({"fill": fill, "refused": str(exc)}))
"""


def _launch(url: str, n: int, expected: str) -> list[dict]:
    start_at = time.time() + 3.0  # every process imports and connects first, then they start together
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(CONCURRENT_SCRIPT), str(k + 1),
                               str(start_at), expected], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env={**os.environ, "ANTT_DATABASE_URL": url,
                                                           "PYTHONPATH": str(ROOT)})
             for k in range(n)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def _assert_intact(store: Store, version: int, fill: float) -> None:
    rows = store.version_rows(version)
    assert len(rows) == 1500
    assert {v for r in rows for v in r["values"].values()} == {fill}, f"version {version} mixes snapshots"


def test_simultaneous_imports_from_processes_land_in_order(store, store_url):
    results = _launch(store_url, 4, "none")
    assert all("version" in r for r in results), results
    versions = sorted(r["version"] for r in results)
    assert len(set(versions)) == 4
    for r in results:
        _assert_intact(store, r["version"], r["fill"])
    # commit order = version order: a later version never committed before an earlier one
    by_version = sorted(results, key=lambda r: r["version"])
    assert [r["t"] for r in by_version] == sorted(r["t"] for r in by_version)
    hist = [h for h in store.history() if h["boundary_set"] == BIG_SET]
    assert [h["version"] for h in hist] == versions[::-1]
    created = [h["created_at"] for h in hist[::-1]]
    assert created == sorted(created)
    cur = store.current_table(BIG_SET, "2026")
    assert cur.attrs["version"] == versions[-1]
    last_fill = by_version[-1]["fill"]
    assert set(cur[BASE_IDS].stack().unique()) == {last_fill}


def test_simultaneous_imports_on_the_same_base_one_wins_the_rest_refused(store, store_url):
    base = store.import_rows(make_rows(3, 0), boundary_set=BIG_SET, period="2026", user=Actor.cli("an"))
    results = _launch(store_url, 4, str(base))
    winners = [r for r in results if "version" in r]
    refused = [r for r in results if "refused" in r]
    assert len(winners) == 1 and len(refused) == 3, results
    assert all("Dữ liệu đã được cập nhật bởi người khác" in r["refused"] for r in refused)
    _assert_intact(store, winners[0]["version"], winners[0]["fill"])
    assert store.latest_version(BIG_SET, "2026") == winners[0]["version"]
    assert [h["version"] for h in store.history(BIG_SET)] == [winners[0]["version"], base]


def test_simultaneous_imports_from_threads_with_own_stores(store, store_url):
    barrier = threading.Barrier(4)
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def work(fill: int) -> None:
        s = authorized_store(store_url, lock_timeout=120)
        rows = [{"unit_code": f"{k:05d}", "unit_name": "x", "values": {i: fill for i in BASE_IDS}}
                for k in range(1, 301)]
        try:
            barrier.wait()
            results[fill] = s.import_rows(rows, boundary_set=BIG_SET, period="2027", user=Actor.cli(f"t{fill}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            s.dispose()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    assert len(set(results.values())) == 4
    for fill, v in results.items():
        rows = store.version_rows(v)
        assert len(rows) == 300 and {x for r in rows for x in r["values"].values()} == {fill}


ENSURE_SCRIPT = """
    import os, sys, time
    from geo.access.auth import Actor, authorized_store
    start_at = float(sys.argv[1])
    s = authorized_store(os.environ["ANTT_DATABASE_URL"], lock_timeout=120)
    while time.time() < start_at:
        time.sleep(0.001)
    s.ensure_ready()
    print("READY", flush=True)
"""


def test_first_start_from_several_processes_loads_the_sample_once(store_url):
    start_at = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(ENSURE_SCRIPT), str(start_at)], cwd=ROOT,
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "ANTT_DATABASE_URL": store_url, "PYTHONPATH": str(ROOT)})
             for _ in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and "READY" in out, err
    s = authorized_store(store_url)
    hist = s.history()
    assert [h["action"] for h in hist] == ["sample"] * len(AUTOLOADED)
    assert sorted((h["boundary_set"], h["period"]) for h in hist) == sorted(
        (i.boundary_set, i.period) for i in AUTOLOADED)  # each once, though four processes started together
    assert [e["action"] for e in s.audit_log()] == ["sample"] * len(AUTOLOADED)
    s.dispose()


def test_sqlite_writers_begin_immediate(tmp_path):
    s = authorized_store(f"sqlite:///{tmp_path / 'x.sqlite'}")
    seen: list[str] = []
    sa.event.listen(s.engine, "before_cursor_execute",
                    lambda conn, cur, stmt, params, ctx, many: seen.append(stmt))
    s.ensure_ready()
    s.import_rows(make_rows(1, 1), boundary_set=SET, period="2018", user=Actor.cli("an"))
    s.current_table(SET)
    assert seen.count("BEGIN IMMEDIATE") == 2 and "BEGIN" in seen
    s.dispose()


def _locked_fresh_file(path):
    """A fresh rollback-journal file with another connection holding its exclusive lock."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    waiter = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    waiter.execute("PRAGMA busy_timeout = 0")  # SQLite's immediate SQLITE_BUSY, as in the deadlock-avoidance path
    return holder, waiter


def test_sqlite_wal_switch_waits_for_a_lock_sqlite_answers_busy_at_once(tmp_path):
    # Several processes opening a fresh file together: SQLite may refuse the WAL switch at once instead of
    # calling the busy handler (CI failed this way). The switch must wait for the lock, not fail.
    holder, waiter = _locked_fresh_file(str(tmp_path / "x.sqlite"))
    threading.Timer(0.3, holder.rollback).start()
    _sqlite_wal(waiter.cursor(), lock_timeout=10)
    assert waiter.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    holder.close()
    waiter.close()


def test_sqlite_wal_switch_gives_up_at_the_lock_timeout(tmp_path):
    holder, waiter = _locked_fresh_file(str(tmp_path / "x.sqlite"))
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _sqlite_wal(waiter.cursor(), lock_timeout=0.5)
    assert time.monotonic() - started >= 0.5
    holder.rollback()
    holder.close()
    waiter.close()


def test_sqlite_busy_writer_gives_a_clear_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    a = authorized_store(url)
    a.ensure_ready()
    b = authorized_store(url, lock_timeout=0.3)
    before = last_version(a)
    with a._write():  # hold the write lock
        with pytest.raises(StoreError, match="đang bận"):
            b.import_rows(make_rows(1, 1), boundary_set=SET, period="2018", user=Actor.cli("b"))
    assert b.import_rows(make_rows(1, 1), boundary_set=SET, period="2018", user=Actor.cli("b")) == before + 1
    a.dispose()
    b.dispose()


# ---------------------------------------------------------------------------------------------------------
# Command line: real files (the product's own template, filled in) through the real intake


@pytest.fixture
def cli(tmp_path, monkeypatch):
    from geo.cli import main

    monkeypatch.setenv("ANTT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANTT_USER", "cli-user")
    return main


def _filled(path: Path, period: str, cells: dict | None = None) -> list[dict]:
    """The set's template for ``period`` as CSV, unit i with ``10 + i`` security teams and ``i`` tips;
    ``cells`` {(unit index, indicator): text} writes a cell as staff typed it. Returns the rows written."""
    from geo.intake.template import build_template_rows
    from geo.units.boundaries import unit_list

    units = unit_list(SET)
    rows = [{"unit_code": c, "unit_name": n, "values": {"teams_security": 10 + i, "tips_received": i}}
            for i, (c, n) in enumerate(zip(units["code"], units["name"]))]
    for (i, iid), text in (cells or {}).items():
        rows[i]["values"][iid] = text
    build_template_rows(rows, path, boundary_set=SET, period=period, lang="vi", fmt="csv")
    return rows


def test_cli_import_history_table_rollback(cli, capsys, tmp_path):
    import hashlib

    main = cli
    f = tmp_path / "bc.csv"
    written = _filled(f, "2018")
    assert main(["history", "--json"]) == 0  # the first start: the samples
    samples = json.loads(capsys.readouterr().out)
    assert [h["action"] for h in samples] == ["sample"] * len(AUTOLOADED)
    v1 = next(h["version"] for h in samples if h["boundary_set"] == SET)
    assert main(["import", str(f), "--period", "2018"]) == 2  # no --yes: nothing written
    main(["history", "--json"])
    assert json.loads(capsys.readouterr().out) == samples
    # its tips (0, 1, 2, …) jump from the 2017 sample's: flagged, accepted
    assert main(["import", str(f), "--period", "2018", "--note", "quý", "--yes", "--accept-flags"]) == 0
    v = samples[0]["version"] + 1
    assert f"phiên bản {v}" in capsys.readouterr().out

    assert main(["history", "--json"]) == 0
    hist = json.loads(capsys.readouterr().out)
    assert [h["version"] for h in hist] == [v, *(h["version"] for h in samples)]
    data = f.read_bytes()
    assert (hist[0]["user"], hist[0]["file_name"], hist[0]["file_sha256"], hist[0]["file_size"], hist[0]["note"]) \
        == ("cli-user", "bc.csv", hashlib.sha256(data).hexdigest(), len(data), "quý")

    assert main(["table", "--period", "2018", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["boundary_set"], out["period"], out["version"], out["sample"]) == (SET, "2018", v, False)
    got = {r["unit_code"]: (r["values"]["teams_security"], r["values"]["tips_received"]) for r in out["rows"]}
    assert got == {r["unit_code"]: (r["values"]["teams_security"], r["values"]["tips_received"]) for r in written}
    assert out["converted_from"] is None

    assert main(["table", "--json"]) == 0  # latest period
    assert json.loads(capsys.readouterr().out)["period"] == "2018"
    assert main(["table", "--period", "2017"]) == 0
    assert "MẪU" in capsys.readouterr().out

    assert main(["rollback", str(v1)]) == 2  # no --yes
    assert main(["rollback", str(v), "--yes", "--user", "binh"]) == 1  # already current
    assert "hiện hành" in capsys.readouterr().err
    assert main(["history"]) == 0
    assert f"v{v}" in capsys.readouterr().out


def test_cli_import_exit_codes(cli, capsys, tmp_path):
    main = cli
    main(["history", "--json"])
    before = json.loads(capsys.readouterr().out)
    assert before and all(h["sample"] for h in before)
    bad = tmp_path / "bc.csv"
    _filled(bad, "2018", {(2, "teams_security"): "mười hai", (5, "tips_received"): "2,5"})
    assert main(["import", str(bad), "--period", "2018", "--yes"]) == 1
    err = capsys.readouterr().err
    lines = [ln.strip() for ln in err.splitlines() if ln.startswith("  ")]
    # each problem once, on one line that names its place and quotes the cell as typed
    assert len(lines) == 2, err
    assert lines[0].startswith("Trang 'bc', dòng 5, cột C:") and "'mười hai'" in lines[0], lines
    assert "dòng 8" in lines[1] and "2,5" in lines[1] and lines[1].count("dòng") == 1, lines
    unreadable = tmp_path / "anh.xlsx"
    unreadable.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert main(["import", str(unreadable), "--period", "2018", "--yes"]) == 2
    main(["history", "--json"])
    assert json.loads(capsys.readouterr().out) == before  # nothing written by the refused imports


# ---------------------------------------------------------------------------------------------------------
# The "Lịch sử" page (Streamlit AppTest through the lead's app.py)


@pytest.fixture
def page_env(app_env):
    s = authorized_store()
    s.ensure_ready()
    rows = sample_rows()
    rows[0]["values"]["teams_security"] = 99
    s.import_rows(rows, boundary_set=SET, period="2017", user=Actor.cli("an"), file_name="bc.xlsx", file_sha256="ab" * 32,
                  file_size=1234)
    yield s
    s.dispose()


def test_history_page_shows_versions_diff_and_rolls_back(page_env):
    from geo.access.auth import Actor, add_user
    from tests.pages.apptest import run_page, signed_in

    # history needs a signed-in editor (geo.access.auth): the page is not even registered for anonymous viewers
    add_user(page_env, "page-user", "editor", "mat-khau-dai-1", by=Actor("ops", "admin", "cli"))
    at = run_page("history.py", "vi", session=signed_in("page-user", "editor"))
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Lịch sử dữ liệu"
    imported, v1 = page_env.history(limit=1)[0]["version"], sample_version(page_env)
    versions = at.dataframe[0].value  # the versions of the set in the sidebar (the 2025 sample is another set's)
    assert list(versions["Phiên bản"]) == [imported, v1] and list(versions["Người thực hiện"]) == ["an", "system"]
    diff = at.dataframe[1].value  # the import against the 2017 sample it replaced: the one changed value
    assert len(diff) == 1 and diff.iloc[0]["Giá trị mới"] == "99"

    at.selectbox(key="history_version").set_value(v1).run()
    button = at.button(key="history_rollback")
    assert button.disabled  # the confirmation comes first
    next(c for c in at.checkbox if (c.key or "").startswith("history_confirm")).check().run()
    at.button(key="history_rollback").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"phiên bản mới {imported + 1}" in s.value for s in at.success)
    h = page_env.history()[0]
    assert (h["version"], h["action"], h["restores_version"], h["user"]) == (imported + 1, "rollback", v1, "page-user")

    at.radio(key="lang").set_value("en").run()
    assert not at.exception and at.title[0].value == "Data history"


# -- authorization is injected; other layers write through the store's write hook --------------------------


def test_a_store_without_authorization_is_read_only(store_url):
    bare = Store(store_url)  # what a caller gets without the access layer
    bare.ensure_ready()
    before = counts(bare)
    with pytest.raises(AccessDenied, match="chỉ đọc"):
        bare.import_rows(make_rows(2, 1), boundary_set=SET, period="2018", user=Actor.cli("an"))
    assert counts(bare) == before
    assert bare.current_table(SET, "2017") is not None  # reading still works
    bare.dispose()


def test_the_injected_check_runs_inside_the_write_transaction(store_url):
    seen = []

    def refuse_rollbacks(conn, actor, action, target):
        seen.append((conn.in_transaction(), str(actor), action, target.units, target.period))
        if action == "rollback":
            raise AccessDenied("no rollbacks here")

    s = Store(store_url, authorize=refuse_rollbacks)
    s.ensure_ready()
    v = s.import_rows(make_rows(2, 1), boundary_set=SET, period="2018", user=Actor.cli("an"))
    with pytest.raises(AccessDenied):
        s.rollback(v, user=Actor.cli("an"))
    units = (("00001", "Xã 1"), ("00002", "Xã 2"))  # the units written, named for a scope check
    assert seen == [(True, "an", "import", units, "2018"), (True, "an", "rollback", units, "2018")]
    assert [h["version"] for h in s.history(SET)][0] == v  # the refused rollback left nothing
    s.dispose()


def test_execute_write_fn_commits_all_or_nothing(store):
    before = len(store.audit_log())

    def two_rows_then_fail(conn):
        store.audit("user_add", "an", conn=conn)
        store.audit("user_role", "an", conn=conn)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.execute_write_fn(two_rows_then_fail)
    assert len(store.audit_log()) == before
    assert store.execute_write_fn(lambda conn: (store.audit("user_enable", "an", conn=conn), 7)[1]) == 7
    assert store.audit_log(limit=1)[0]["action"] == "user_enable"
    counted = store.execute_read_fn(
        lambda conn: conn.execute(sa.select(sa.func.count()).select_from(audit_log_table)).scalar())
    assert counted == len(store.audit_log(limit=10_000))  # the read hook sees what the write hook committed


# -- period types (issue 20): an indicator is submitted only in the period types the catalog gives it -------------

TYPED_SET = "dien-bien-dong-2025"


@pytest.mark.parametrize("period, values, refused", [
    ("2026-Q1", {"teams_security": 3, "villages_recognized": 2}, ["villages_recognized"]),  # once a year
    ("2026-DG3110", {"villages_recognized": 2, "tips_received": 4}, ["tips_received"]),     # a flow
    ("Năm đánh giá 2026 (01/11/2025–31/10/2026)", {"commune_recognized": 1, "villages_recognized": 2},
     ["commune_recognized"]),                                                              # another window
    ("2026-DG3110", {"villages_recognized": 2, "villages_total": 5}, []),
    ("2026", {"villages_recognized": 2, "tips_received": 4}, []),
    ("2026-H1", {"teams_security": 3, "villages_recognized": None}, []),  # an empty cell is no value
])
def test_a_value_in_a_period_type_its_indicator_does_not_use_is_refused(store, period, values, refused):
    cat = load_catalog()
    rows = [{"unit_code": "03203", "unit_name": "Na Son", "values": values},
            {"unit_code": "03208", "unit_name": "Xa Dung", "values": {"villages_total": 4}}]  # fine in each
    before = (len(store.history()), len(store.audit_log()))
    if not refused:
        store.import_rows(rows, boundary_set=TYPED_SET, period=period, user=Actor.cli("xa"))
        assert store.current_table(TYPED_SET, str(parse_period(period))).loc["03203"].notna().sum() >= 1
        return
    with pytest.raises(StoreError) as exc:
        store.import_rows(rows, boundary_set=TYPED_SET, period=period, user=Actor.cli("xa"))
    text = str(exc.value)
    assert exc.value.key == "store_period_type" and "không có gì được lưu" in text
    assert str(parse_period(period)) in text and parse_period(period).label() in text
    for iid in refused:
        assert cat[iid].vi in text and cat[iid].period_types_text() in text
    assert "Na Son (03203)" in text and "03208" not in text  # the unit that holds such a value
    assert (len(store.history()), len(store.audit_log())) == before  # nothing half-written


def test_a_rollback_restores_what_was_stored_whatever_its_type(store):
    """Stored data stays readable and restorable: the check is on new submissions only."""
    v = store.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"villages_recognized": 2}}],
                          boundary_set=TYPED_SET, period="2026", user=Actor.cli("xa"))
    store.import_rows([{"unit_code": "03203", "unit_name": "Na Son", "values": {"villages_recognized": 3}}],
                      boundary_set=TYPED_SET, period="2026", user=Actor.cli("xa"))
    store.rollback(v, user=Actor.cli("xa"))
    assert store.current_table(TYPED_SET, "2026").loc["03203", "villages_recognized"] == 2
