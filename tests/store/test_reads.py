"""geo.store.reads: the current table read in bulk, and its on-disk snapshot for large tables (issue 22).

The bulk read must give exactly the table that geo.store.state's row-by-row read gives (units, order, names,
values, attrs); the snapshot must be that table again, a new one after every change of what the table is made
of, and never a damaged or another store's one. Runs on SQLite and PostgreSQL (tests/store/conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.reference.frames import rows_to_table
from geo.reference.sample import sample_rows
from geo.store import reads, state
from geo.units import geocache

NATIONAL, PROVINCE = "vn-2025", "dien-bien-dong-2025"
OLD_SET = "dien-bien-dong-pre2025"
SIX = ["03203", "03208", "03214", "03370", "03382", "03385"]


def rows(codes, teams, **extra) -> list[dict]:
    return [{"unit_code": c, "unit_name": f"Đơn vị {c}", "values": {"teams_security": teams, **extra}}
            for c in codes]


def reference(store, set_id, period) -> pd.DataFrame:
    """The table as geo.store.state builds it row by row (the slow read the bulk one replaces)."""
    with store._read() as conn:
        found, version, sample = state.current_rows(conn, set_id, period)
    return rows_to_table(found, boundary_set=set_id, period=period, version=version, sample=sample)


def _partial(store):
    store.import_rows(rows(SIX, 5, population=1000), boundary_set=PROVINCE, period="2026", user="an")
    store.import_rows(rows(SIX[:2], 7), boundary_set=PROVINCE, period="2026", user="an")  # others keep 5


def _other_drawing(store):
    store.import_rows(rows(SIX[1:4], 3), boundary_set=PROVINCE, period="2026", user="an")
    store.import_rows(rows(["03203", "00004"], 9), boundary_set=NATIONAL, period="2026", user="binh")


def _cleared(store):
    codes = [r["unit_code"] for r in sample_rows()]
    store.import_rows(rows(codes[:3], 5), boundary_set=OLD_SET, period="2017", user="an", replace_area=True)


def _rollback(store):
    v1 = store.import_rows(rows(SIX[:3], 1), boundary_set=PROVINCE, period="2026", user="an")
    store.import_rows(rows(SIX[:2], 2, population=None), boundary_set=PROVINCE, period="2026", user="an")
    store.rollback(v1, user="chi")


def _empty_values(store):  # a unit named with no value at all: in the table, every column NaN
    store.import_rows(rows(SIX[:2], None), boundary_set=PROVINCE, period="2026", user="an")


SCENARIOS = [
    (_partial, PROVINCE, "2026"), (_partial, NATIONAL, "2026"),
    (_other_drawing, PROVINCE, "2026"), (_other_drawing, NATIONAL, "2026"),
    (_cleared, OLD_SET, "2017"), (_rollback, PROVINCE, "2026"), (_empty_values, PROVINCE, "2026"),
    (lambda store: None, OLD_SET, "2017"),      # the built-in sample alone
    (lambda store: None, PROVINCE, "2031"),     # a period nobody reported
]


@pytest.mark.parametrize("prepare, set_id, period", SCENARIOS)
@pytest.mark.parametrize("snapshot", [False, True])
def test_the_bulk_read_is_the_row_by_row_table(store, tmp_path, monkeypatch, prepare, set_id, period, snapshot):
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1 if snapshot else 10**9)
    prepare(store)
    expected = reference(store, set_id, period)
    for _ in range(2):  # the second read comes from the snapshot when there is one
        got = store.current_table(set_id, period)
        pd.testing.assert_frame_equal(got, expected)
        assert got.attrs == expected.attrs
    assert any((tmp_path / "cache").glob(f"{set_id}-table-*.bin")) == (snapshot and not expected.empty)


def _snapshots(folder, set_id):
    return sorted(folder.glob(f"{set_id}-table-*.bin"))


def test_a_change_makes_a_new_snapshot_and_removes_the_old(store, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(folder))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    store.import_rows(rows(SIX, 5), boundary_set=PROVINCE, period="2026", user="an")
    store.import_rows(rows(SIX, 4), boundary_set=PROVINCE, period="2027", user="an")
    store.current_table(PROVINCE, "2026")
    store.current_table(PROVINCE, "2027")
    first = _snapshots(folder, PROVINCE)
    assert len(first) == 2
    store.import_rows(rows(SIX[:1], 8), boundary_set=NATIONAL, period="2026", user="binh")  # another drawing
    t = store.current_table(PROVINCE, "2026")
    assert t.loc["03203", "teams_security"] == 8 and t.loc["03208", "teams_security"] == 5
    now = _snapshots(folder, PROVINCE)
    assert len(now) == 2 and set(now) & set(first) == {p for p in first if "-2027-" in p.name}  # 2027's stays


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_snapshot_is_rebuilt_not_served(store, tmp_path, monkeypatch, damage):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(folder))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    store.import_rows(rows(SIX, 5), boundary_set=PROVINCE, period="2026", user="an")
    expected = store.current_table(PROVINCE, "2026")
    (entry,) = _snapshots(folder, PROVINCE)
    blob = bytearray(entry.read_bytes())
    blob = {"flip": lambda b: b[:-3] + bytes([b[-3] ^ 0x40]) + b[-2:], "truncate": lambda b: b[:-9],
            "garbage": lambda b: b"not an entry"}[damage](blob)
    entry.write_bytes(bytes(blob))
    pd.testing.assert_frame_equal(store.current_table(PROVINCE, "2026"), expected)
    assert geocache.read_entry(entry) is not None  # replaced by a whole one


def test_another_store_never_gets_this_stores_snapshot(tmp_path, monkeypatch):
    """Two stores with the same version ids for the same set and period (a store recreated at the same place,
    a throwaway one beside the real one) share one cache folder: each reads its own values."""
    from geo.access.auth import authorized_store

    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    seen = []
    for name, teams in (("a", 5), ("b", 6)):
        s = authorized_store(f"sqlite:///{tmp_path / name}.sqlite")
        s.ensure_ready()
        v = s.import_rows(rows(SIX, teams), boundary_set=PROVINCE, period="2026", user="an")
        seen.append((v, s.current_table(PROVINCE, "2026")["teams_security"].unique().tolist()))
        s.dispose()
    assert seen[0][0] == seen[1][0]  # the same version id in both stores
    assert [values for _v, values in seen] == [[5.0], [6.0]]


def test_kept_only_reads_a_kept_table_and_never_builds_one(store, tmp_path, monkeypatch):
    """What the warm-up asks at start: the kept table or None; reading the store's values is for the first view."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(folder))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    store.import_rows(rows(SIX, 5), boundary_set=PROVINCE, period="2026", user="an")
    assert store.current_table(PROVINCE, "2026", kept_only=True) is None
    assert store.current_table(PROVINCE, kept_only=True) is None and not _snapshots(folder, PROVINCE)
    expected = store.current_table(PROVINCE, "2026")
    kept = store.current_table(PROVINCE, kept_only=True)  # the newest period, as the map opens
    pd.testing.assert_frame_equal(kept, expected)
    assert kept.attrs == expected.attrs
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 10**9)  # a table too small to be kept
    assert store.current_table(PROVINCE, "2026", kept_only=True) is None
