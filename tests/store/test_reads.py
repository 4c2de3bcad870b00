"""geo.store.reads: the quality checks' history read (issue 21). Each version's values are also written as one
matrix (``version_matrices``) in the version's own transaction; reading it gives exactly the frame the
observations give, so the checks see the same history. Runs on SQLite and PostgreSQL (the ``store`` fixture)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from geo.access.auth import Actor
from geo.store.schema import version_matrices

PROVINCE, NATIONAL = "dien-bien-dong-2025", "vn-2025"
SIX = ["03203", "03208", "03214", "03370", "03382", "03385"]


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
