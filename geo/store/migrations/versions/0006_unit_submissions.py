"""Data belongs to units (issue 20): a version covers the units it names, not the whole (set, period).

Before this revision every import was a full snapshot of (boundary set, period): a unit an import left out was
gone from that period. From now on a unit keeps its value until a newer submission covers it, and every set
of a vintage shows the same value for the same official code (geo.store.state). So that the data of an
existing store means exactly what it meant, this migration writes, for every version, a *cleared* row
(``version_units.position = -1``, no values) for each unit that an earlier version of the same (set, period)
named and this one left out. Only INSERTs: the append-only tables stay append-only, and no value is touched
(tests/store/test_migration.py counts them before and after, on SQLite and PostgreSQL).

Revision ID: 0006_unit_submissions
Revises: 0004_api_tokens
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_unit_submissions"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None

CLEARED = -1  # geo.store.state.CLEARED (a migration keeps its own copy: it must not change with the code)


def upgrade() -> None:
    # Data-capture scopes of accounts (geo.access.scopes): mutable, changes audited; no row = unscoped.
    op.create_table(
        "user_scopes",
        sa.Column("name", sa.String(200), sa.ForeignKey("users.name"), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("value", sa.String(200), primary_key=True),
    )
    # The reporting chain per unit and period: approve / return / reopen, append-only like the versions.
    op.create_table(
        "unit_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("vintage", sa.String(20), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("unit_code", sa.String(20), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id")),
        sa.Column("reason", sa.Text),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_unit_reports_unit", "unit_reports", ["vintage", "period", "unit_code", "id"])
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER unit_reports_no_{verb.lower()} BEFORE {verb} ON unit_reports "
                       f"BEGIN SELECT RAISE(ABORT, 'append-only table unit_reports: {verb} refused'); END")
    elif conn.dialect.name == "postgresql":  # antt_append_only() comes from 0001
        op.execute("CREATE TRIGGER unit_reports_append_only BEFORE UPDATE OR DELETE ON unit_reports "
                   "FOR EACH ROW EXECUTE FUNCTION antt_append_only()")
        op.execute("CREATE TRIGGER unit_reports_no_truncate BEFORE TRUNCATE ON unit_reports "
                   "FOR EACH STATEMENT EXECUTE FUNCTION antt_append_only()")
    versions = sa.table("import_versions", sa.column("id"), sa.column("boundary_set"), sa.column("period"))
    vu = sa.table("version_units", sa.column("version_id"), sa.column("unit_code"), sa.column("unit_name"),
                  sa.column("position"))
    covered: dict[int, dict[str, str]] = {}
    for vid, code, name in conn.execute(sa.select(vu.c.version_id, vu.c.unit_code, vu.c.unit_name)):
        covered.setdefault(int(vid), {})[code] = name
    named_before: dict[tuple[str, str], dict[str, str]] = {}  # (set, period) -> code -> its latest name
    out = []
    for vid, set_id, period in conn.execute(sa.select(versions.c.id, versions.c.boundary_set, versions.c.period)
                                            .order_by(versions.c.id)):
        before = named_before.setdefault((set_id, period), {})
        mine = covered.get(int(vid), {})
        out.extend({"version_id": int(vid), "unit_code": c, "unit_name": n, "position": CLEARED}
                   for c, n in sorted(before.items()) if c not in mine)
        before.update(mine)
    for i in range(0, len(out), 5000):
        conn.execute(vu.insert(), out[i:i + 5000])


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
