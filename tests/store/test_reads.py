"""geo.store.reads: the current table read in bulk and its on-disk snapshot for large tables (issue 22), and
the quality checks' history read from each version's matrix (issue 21).

The bulk read must give exactly the table that geo.store.state's row-by-row read gives (units, order, names,
values, attrs); the snapshot must be that table again, a new one after every change of what the table is made
of, and never a damaged or another store's one. Each version's values are also written as one matrix
(``version_matrices``) in the version's own transaction; reading it gives exactly the frame the observations
give, so the checks see the same history. Runs on SQLite and PostgreSQL (tests/store/conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from geo.access.auth import Actor
from geo.reference.frames import rows_to_table
from geo.reference.sample import sample_rows
from geo.store import reads, state
from geo.store.schema import version_matrices
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
        found, chosen, samples = state.current_rows(conn, set_id, period)
    return rows_to_table(found, boundary_set=set_id, period=period, version=max(chosen.values(), default=None),
                         sample=bool(chosen) and set(chosen.values()) <= samples)


def _partial(store):
    store.import_rows(rows(SIX, 5, population=1000), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.import_rows(rows(SIX[:2], 7), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))  # others keep 5


def _other_drawing(store):
    store.import_rows(rows(SIX[1:4], 3), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.import_rows(rows(["03203", "00004"], 9), boundary_set=NATIONAL, period="2026", user=Actor.cli("binh"))


def _cleared(store):
    codes = [r["unit_code"] for r in sample_rows()]
    store.import_rows(rows(codes[:3], 5), boundary_set=OLD_SET, period="2017", user=Actor.cli("an"), replace_area=True)


def _rollback(store):
    v1 = store.import_rows(rows(SIX[:3], 1), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.import_rows(rows(SIX[:2], 2, population=None), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.rollback(v1, user=Actor.cli("chi"))


def _empty_values(store):  # a unit named with no value at all: in the table, every column NaN
    store.import_rows(rows(SIX[:2], None), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))


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
        assert {k: got.attrs[k] for k in expected.attrs} == expected.attrs  # and the approval marks (reporting)
    assert any((tmp_path / "cache").glob(f"{set_id}-table-*.bin")) == (snapshot and not expected.empty)


def _snapshots(folder, set_id):
    return sorted(folder.glob(f"{set_id}-table-*.bin"))


def test_a_change_makes_a_new_snapshot_and_removes_the_old(store, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(folder))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    store.import_rows(rows(SIX, 5), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    store.import_rows(rows(SIX, 4), boundary_set=PROVINCE, period="2027", user=Actor.cli("an"))
    store.current_table(PROVINCE, "2026")
    store.current_table(PROVINCE, "2027")
    first = _snapshots(folder, PROVINCE)
    assert len(first) == 2
    store.import_rows(rows(SIX[:1], 8), boundary_set=NATIONAL, period="2026", user=Actor.cli("binh"))  # another drawing
    t = store.current_table(PROVINCE, "2026")
    assert t.loc["03203", "teams_security"] == 8 and t.loc["03208", "teams_security"] == 5
    now = _snapshots(folder, PROVINCE)
    assert len(now) == 2 and set(now) & set(first) == {p for p in first if "-2027-" in p.name}  # 2027's stays


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_snapshot_is_rebuilt_not_served(store, tmp_path, monkeypatch, damage):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(folder))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    store.import_rows(rows(SIX, 5), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
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
        v = s.import_rows(rows(SIX, teams), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
        seen.append((v, s.current_table(PROVINCE, "2026")["teams_security"].unique().tolist()))
        s.dispose()
    assert seen[0][0] == seen[1][0]  # the same version id in both stores
    assert [values for _v, values in seen] == [[5.0], [6.0]]


def test_kept_only_reads_a_kept_table_and_never_builds_one(store, tmp_path, monkeypatch):
    """What the warm-up asks at start: the kept table or None; reading the store's values is for the first view."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANTT_GEOCACHE_DIR", str(folder))
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 1)
    store.import_rows(rows(SIX, 5), boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    assert store.current_table(PROVINCE, "2026", kept_only=True) is None
    assert store.current_table(PROVINCE, kept_only=True) is None and not _snapshots(folder, PROVINCE)
    expected = store.current_table(PROVINCE, "2026")
    kept = store.current_table(PROVINCE, kept_only=True)  # the newest period, as the map opens
    pd.testing.assert_frame_equal(kept, expected)
    assert kept.attrs == expected.attrs
    monkeypatch.setattr(reads, "SNAPSHOT_MIN_UNITS", 10**9)  # a table too small to be kept
    assert store.current_table(PROVINCE, "2026", kept_only=True) is None


def _frames(store, version):
    with store._read() as conn:
        return store._matrix_values(conn, version), store._observation_values(conn, version)


@pytest.mark.parametrize("values", [
    pytest.param([{"teams_security": 3, "population": 1200}] * 6, id="every-value"),
    pytest.param([{"teams_security": 0}, {"population": 5}, {}, {"teams_security": None, "population": 7},
                  {"tips_received": 2.5}, {"tips_received": 2 ** 52 + 1}], id="missing-zero-empty-unit-large"),
    pytest.param([{"tips_received": -0.0}, {}, {}, {}, {}, {}], id="one-value"),
])
def test_the_matrix_gives_the_observations_frame_exactly(store, values):
    rows = [{"unit_code": c, "unit_name": f"Xã {c}", "values": v} for c, v in zip(SIX, values)]
    version = store.import_rows(rows, boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    matrix, observed = _frames(store, version)
    pd.testing.assert_frame_equal(matrix, observed, check_exact=True)


def test_a_version_without_values_has_no_matrix_and_reads_empty(store):
    rows = [{"unit_code": c, "unit_name": f"Xã {c}", "values": {}} for c in SIX]
    version = store.import_rows(rows, boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    matrix, observed = _frames(store, version)
    assert matrix is None and observed.empty
    periods, tables = store.value_history(PROVINCE, "2027")
    assert periods == ["2026"] and tables["2026"].empty


def test_value_history_from_matrices_equals_the_history_from_observations(store):
    """A partial later submission and a value sent on the other drawing: the history built from the matrices is
    the one built from the observations, value for value."""
    from geo.store.reads import _VERSION_VALUES

    for year, teams in (("2026", 5), ("2027", 6)):
        store.import_rows([{"unit_code": c, "unit_name": c, "values": {"teams_security": teams + i, "population": 900}}
                           for i, c in enumerate(SIX)], boundary_set=PROVINCE, period=year, user=Actor.cli("an"))
    store.import_rows([{"unit_code": "03203", "unit_name": "x", "values": {"teams_security": 40}}],
                      boundary_set=NATIONAL, period="2027", user=Actor.cli("an"))
    _VERSION_VALUES.clear()
    periods, tables = store.value_history(PROVINCE, "2028")
    with store._read() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(version_matrices)).scalar_one()
        assert n >= 3  # the samples' versions and these three
        for p in periods:
            chosen = store.value_history(PROVINCE, "2028", units=list(tables[p].index))[1][p]
            pd.testing.assert_frame_equal(tables[p].sort_index(), chosen.sort_index(), check_exact=True)
    assert tables["2027"].loc["03203", "teams_security"] == 40
    assert tables["2027"].loc["03208", "teams_security"] == 7


def test_the_matrix_is_append_only(store):
    version = store.import_rows([{"unit_code": "03203", "unit_name": "x", "values": {"teams_security": 1}}],
                                boundary_set=PROVINCE, period="2026", user=Actor.cli("an"))
    for stmt in (version_matrices.update().values(matrix=b"").where(version_matrices.c.version_id == version),
                 version_matrices.delete().where(version_matrices.c.version_id == version)):
        with pytest.raises(sa.exc.DatabaseError), store.engine.begin() as conn:
            conn.execute(stmt)
