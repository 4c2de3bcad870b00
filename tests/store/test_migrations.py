"""Migration 0006_unit_submissions on SQLite and PostgreSQL: a store written with full snapshots per (set,
period) — both samples and a national import — keeps every stored value, and each set shows afterwards what
it showed before, except where a newer submission on another set of the same vintage now speaks for a unit
(the point of issue 20)."""

from __future__ import annotations

import math

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from geo.access.auth import Actor, authorized_store
from geo.reference.sample import sample_rows
from geo.store.database import MIGRATIONS_DIR
from geo.store.schema import import_versions, observations, version_units

NATIONAL, PROVINCE, OLD_SET = "vn-2025", "dien-bien-dong-2025", "dien-bien-dong-pre2025"
SIX = ["03203", "03208", "03214", "03370", "03382", "03385"]


def _rows(codes, fill):
    return [{"unit_code": c, "unit_name": f"Xã {c}", "values": {"teams_security": fill + i, "population": 1000 + i}}
            for i, c in enumerate(codes)]


def _write_old_version(conn, rows, *, boundary_set, period, action="import", sample=False, user="an") -> int:
    """One version as the code of revisions 0003–0008 wrote it (the tables of then: no matrix copy, which
    0009 added; the code of today writes one, so it cannot write to an old schema)."""
    from geo.store.engine import utcnow
    from geo.store.schema import units

    n_values = sum(v is not None for r in rows for v in r["values"].values())
    vid = conn.execute(import_versions.insert().values(
        created_at=utcnow(), user=user, action=action, boundary_set=boundary_set, period=period,
        n_units=len(rows), n_values=n_values, sample=sample).returning(import_versions.c.id)).scalar_one()
    known = {c for (c,) in conn.execute(sa.select(units.c.code).where(units.c.boundary_set == boundary_set))}
    new_units = [{"boundary_set": boundary_set, "code": r["unit_code"], "name": r["unit_name"]}
                 for r in rows if r["unit_code"] not in known]
    if new_units:
        conn.execute(units.insert(), new_units)
    conn.execute(version_units.insert(), [{"version_id": vid, "unit_code": r["unit_code"],
                                           "unit_name": r["unit_name"], "position": i} for i, r in enumerate(rows)])
    obs = [{"version_id": vid, "unit_code": r["unit_code"], "indicator_id": iid, "value": float(v)}
           for r in rows for iid, v in r["values"].items() if v is not None]
    if obs:
        conn.execute(observations.insert(), obs)
    return int(vid)


def _upgrade(conn, revision):
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


def _store_at(url, revision: str, fill):
    """A store migrated to ``revision`` only, with its reference tables, then ``fill(store, conn)``."""
    s = authorized_store(url)

    def build(conn):
        _upgrade(conn, revision)
        s._sync_reference(conn)
        fill(s, conn)

    s.execute_write_fn(build)
    return s


def _old_store(url):
    """A store at revision 0003 written as the code before issue 20 wrote it (full snapshots)."""
    from geo.reference.sample import SAMPLES

    s = authorized_store(url)

    def build(conn):
        _upgrade(conn, "0003_indicator_definitions")
        s._sync_reference(conn)
        for info in (i for i in SAMPLES if i.autoload):  # the 2017 sample on OLD_SET, the 2025 one on PROVINCE
            _write_old_version(conn, sample_rows(info), boundary_set=info.boundary_set, period=info.period,
                               action="sample", sample=True)
        old = sample_rows()
        _write_old_version(conn, old[:-3], boundary_set=OLD_SET, period="2017")
        _write_old_version(conn, _rows([*SIX, "00004"], 10), boundary_set=NATIONAL, period="2025")
        _write_old_version(conn, _rows([*SIX[1:], "00007"], 20), boundary_set=NATIONAL, period="2025")

    s.execute_write_fn(build)
    return s


def _snapshot_values(conn) -> dict[tuple[str, str], dict[tuple[str, str], float]]:
    """What each (set, period) showed under the old rule: its latest version's values."""
    latest = {(b, p): v for b, p, v in conn.execute(
        sa.select(import_versions.c.boundary_set, import_versions.c.period, sa.func.max(import_versions.c.id))
        .group_by(import_versions.c.boundary_set, import_versions.c.period))}
    out = {}
    for key, v in latest.items():
        out[key] = {(r.unit_code, r.indicator_id): r.value
                    for r in conn.execute(sa.select(observations).where(observations.c.version_id == v))}
    return out


def _shown(store, set_id, period):
    t = store.current_table(set_id, period).drop(columns="unit_name")
    return {(code, iid): float(v) for code, row in t.iterrows() for iid, v in row.items() if not math.isnan(v)}


def _count(conn, table):
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_migration_keeps_every_value_and_each_sets_view(store_url):
    s = _old_store(store_url)
    with s.engine.connect() as conn:
        before = _snapshot_values(conn)
        n_obs, n_units = _count(conn, observations), _count(conn, version_units)
    assert sum(map(len, before.values())) > 0
    s.ensure_ready()  # migrates to head
    with s.engine.connect() as conn:
        assert _count(conn, observations) == n_obs  # no value lost or added
        cleared = conn.execute(sa.select(version_units.c.version_id, version_units.c.unit_code)
                               .where(version_units.c.position < 0)).all()
        assert _count(conn, version_units) == n_units + len(cleared)
    # the old district's set and the national set show exactly what they showed
    assert _shown(s, OLD_SET, "2017") == before[(OLD_SET, "2017")]
    assert _shown(s, NATIONAL, "2025") == before[(NATIONAL, "2025")]
    assert len(cleared) == 3 + 2  # 3 sample units left out of the district import; 03203 and 00004 nationally
    # the province's set now shows the national numbers for the same communes (newest submission wins)
    province = _shown(s, PROVINCE, "2025")
    assert province == {k: v for k, v in before[(NATIONAL, "2025")].items() if k[0] in SIX}
    # history, diffs and rollback still work on the migrated data
    v_sample = next(h["version"] for h in s.history() if h["boundary_set"] == PROVINCE)
    s.rollback(v_sample, user=Actor.cli("an"))
    sample = {(r["unit_code"], iid): float(v) for r in s.version_rows(v_sample)
              for iid, v in r["values"].items() if v is not None}
    assert _shown(s, PROVINCE, "2025") == sample
    national = _shown(s, NATIONAL, "2025")
    assert {k: v for k, v in national.items() if k[0] in SIX} == sample and ("00007", "population") in national
    # the second national import's diff: 03203 and 00004 cleared (old → None), 00007 new (None → value)
    d = s.diff(s.history()[1]["version"])
    assert {x["unit_code"] for x in d if x["new"] is None} == {"03203", "00004"}
    assert all(x["old"] is None for x in d if x["unit_code"] == "00007")
    s.dispose()


def test_migration_0009_keeps_every_flag_gives_it_its_units_vintage_and_a_matrix_to_each_version(store_url):
    """Flags accepted before 0009 were per drawing; after it they belong to the unit within the vintage: every
    row is kept column for column, gets its set's vintage, and the same commune's flag shows on the national
    drawing too. Every version gets the matrix copy of its values (the same frame as its observations)."""
    import pandas as pd

    from geo.store.engine import utcnow
    from geo.store.flags import open_flags
    from geo.store.schema import value_flags, version_matrices

    s = authorized_store(store_url)
    cols = ["version_id", "boundary_set", "period", "unit_code", "indicator_id", "value", "rule", "expected",
            "message", "accepted_by", "accepted_at", "note", "checked_by", "checked_at", "check_note"]
    old_flags = sa.table("value_flags", *(sa.column(c) for c in cols))

    def build(conn):
        _upgrade(conn, "0008_web_sessions")
        s._sync_reference(conn)
        v1 = _write_old_version(conn, _rows(SIX, 10), boundary_set=PROVINCE, period="2025")
        v2 = _write_old_version(conn, sample_rows(), boundary_set=OLD_SET, period="2017")
        now = utcnow()
        base = dict.fromkeys(cols)
        conn.execute(old_flags.insert(), [
            {**base, "version_id": v1, "boundary_set": PROVINCE, "period": "2025", "unit_code": "03208",
             "indicator_id": "teams_security", "value": 11.0, "rule": "jump", "expected": "2–50", "message": "m1",
             "accepted_by": "an", "accepted_at": now, "note": "gọi xã"},
            {**base, "version_id": v1, "boundary_set": PROVINCE, "period": "2025", "unit_code": None,
             "indicator_id": None, "rule": "same_file", "expected": "≠ 2024", "message": "m2",
             "accepted_by": "an", "accepted_at": now},
            {**base, "version_id": v2, "boundary_set": OLD_SET, "period": "2017", "unit_code": "03205",
             "indicator_id": "tips_received", "value": 230.0, "rule": "outlier_history", "expected": "10–30",
             "message": "m3", "accepted_by": "binh", "accepted_at": now, "checked_by": "chi", "checked_at": now,
             "check_note": "đúng"},
        ])

    s.execute_write_fn(build)
    with s.engine.connect() as conn:
        before = [tuple(r) for r in conn.execute(sa.select(*(old_flags.c[c] for c in cols)).order_by(
            old_flags.c.version_id, old_flags.c.rule))]
    s.ensure_ready()  # migrates to head
    with s.engine.connect() as conn:
        order = (value_flags.c.version_id, value_flags.c.rule)
        after = [tuple(r) for r in conn.execute(sa.select(*(old_flags.c[c] for c in cols)).order_by(*order))]
        vintages = [v for (v,) in conn.execute(sa.select(value_flags.c.vintage).order_by(*order))]
        versions = [v for (v,) in conn.execute(sa.select(import_versions.c.id).order_by(import_versions.c.id))]
        n_matrices = conn.execute(sa.select(sa.func.count()).select_from(version_matrices)).scalar_one()
    assert after == before
    assert vintages == ["2025", "2025", "pre2025"]
    assert [(f["unit_code"], f["rule"]) for f in open_flags(s, NATIONAL, "2025")] == [
        ("03208", "jump"), (None, "same_file")]
    assert n_matrices == len(versions) == 2
    with s._read() as conn:
        for v in versions:
            pd.testing.assert_frame_equal(s._matrix_values(conn, v), s._observation_values(conn, v),
                                          check_exact=True)
    s.dispose()


def test_migration_0010_keeps_every_scope_and_records_no_level_it_did_not_see(store_url):
    """A store at 0008 with scopes by code and province and versions sent by them: after 0010 every scope row
    is there and still holds on both vintages (NULL), no value moved, and the old versions say no level."""
    from geo.access import auth, scopes
    from geo.access.auth import Actor
    from geo.analysis.status import completeness
    from geo.store.schema import user_scopes

    s = _store_at(store_url, "0008_web_sessions", lambda s, conn: _write_old_version(
        conn, _rows(SIX[:2], 1), boundary_set=PROVINCE, period="2026", user="tinh"))
    with s.engine.begin() as conn:  # rows as the code before 0010 wrote them (no vintage column yet)
        for name in ("tinh", "xa"):
            conn.execute(sa.text("INSERT INTO users (name, role, auth, password_hash, disabled, created_at, "
                                 "updated_at) VALUES (:n, 'editor', 'local', 'x', :f, :t, :t)"),
                         {"n": name, "f": False, "t": "2026-12-01 00:00:00"})
        conn.execute(sa.text("INSERT INTO user_scopes (name, kind, value) VALUES ('tinh', 'province', "
                             "'Điện Biên'), ('xa', 'unit', '03203')"))
        n_obs = _count(conn, observations)
    s.ensure_ready()
    with s.engine.connect() as conn:
        rows = {(r.name, r.kind, r.value, r.vintage) for r in conn.execute(sa.select(user_scopes))}
        assert _count(conn, observations) == n_obs
    assert rows == {("tinh", "province", "Điện Biên", None), ("xa", "unit", "03203", None)}
    assert scopes.all_scopes(s) == {"tinh": ["Điện Biên"], "xa": ["2025+pre2025:03203"]}
    xa = Actor("xa", "editor", "local")
    for set_id, period in ((PROVINCE, "2026"), (OLD_SET, "2024")):  # the old row meant both vintages: it still does
        s.execute_write_fn(lambda conn: auth.check_scope(conn, auth._account(conn, "xa"), _target(set_id, period)))
    units = {u["unit_code"]: u for u in completeness(s, PROVINCE, "2026")["units"]}
    assert (units[SIX[0]]["submitted_by"], units[SIX[0]]["submitted_level"]) == ("tinh", None)
    assert s.import_rows(_rows(SIX[:1], 5), boundary_set=PROVINCE, period="2026", user=xa)
    assert completeness(s, PROVINCE, "2026")["units"][0]["submitted_level"] == "commune"
    s.dispose()


def _target(set_id, period):
    from geo.store.state import WriteTarget

    return WriteTarget(set_id, period, (("03203", "Xã 03203"),))
