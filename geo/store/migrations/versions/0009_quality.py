"""Issue 21's remaining parts: flags follow the unit, a matrix copy of each version, per-unit min–max ranges.

- ``value_flags.vintage``: a flagged value belongs to the unit (official code within the vintage), so every
  set of the vintage shows its mark. Existing rows keep every column and get the vintage of the set they were
  accepted on (the registry's ``units_vintage``; the period's when the set is not registered any more).
- ``version_matrices``: each version's values as one units × indicators matrix (the quality checks' history
  read); append-only like the versions. Filled here for every version that has values, from ``observations``
  (which stay as they are); the format is geo.store.writes.version_matrix's.
- ``unit_ranges``: per-unit min–max ranges (DHIS2's min-max method).

Revision ID: 0009_quality
Revises: 0008_web_sessions
Create Date: 2026-12-07
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0009_quality"
down_revision = "0008_web_sessions"
branch_labels = None
depends_on = None

REFORM_DAY = date(2025, 7, 1)  # geo.units.vintage.REFORM_DAY (a migration keeps its own copy)


def _vintage(set_id: str, period: str) -> str:
    try:
        from geo.units.boundaries import get_boundary_set_info

        return get_boundary_set_info(set_id).units_vintage
    except Exception:  # noqa: BLE001 — a set no longer registered: the period decides, as since issue 20
        from geo.text.periods import parse_period

        return "2025" if parse_period(period).end >= REFORM_DAY else "pre2025"


def _fill_matrices(conn) -> None:
    """A matrix for each existing version with values, read one version at a time."""
    from geo.store.writes import version_matrix

    obs = sa.table("observations", sa.column("version_id"), sa.column("unit_code"), sa.column("indicator_id"),
                   sa.column("value"))
    matrices = sa.table("version_matrices", sa.column("version_id"), sa.column("unit_codes"),
                        sa.column("indicator_ids"), sa.column("matrix"))
    for (vid,) in conn.execute(sa.select(obs.c.version_id).distinct().order_by(obs.c.version_id)).all():
        values: dict[str, dict[str, float]] = {}
        for code, iid, value in conn.execute(sa.select(obs.c.unit_code, obs.c.indicator_id, obs.c.value)
                                             .where(obs.c.version_id == vid)):
            values.setdefault(code, {})[iid] = float(value)
        row = version_matrix([(code, "", v) for code, v in values.items()])
        if row is not None:
            conn.execute(matrices.insert().values(version_id=int(vid), **row))


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("value_flags") as batch:
        batch.add_column(sa.Column("vintage", sa.String(20), nullable=True))
    flags = sa.table("value_flags", sa.column("id"), sa.column("boundary_set"), sa.column("period"),
                     sa.column("vintage"))
    pairs = {(b, p) for b, p in conn.execute(sa.select(flags.c.boundary_set, flags.c.period).distinct())}
    for set_id, period in sorted(pairs):
        conn.execute(flags.update().where(flags.c.boundary_set == set_id, flags.c.period == period)
                     .values(vintage=_vintage(set_id, period)))
    with op.batch_alter_table("value_flags") as batch:
        batch.alter_column("vintage", existing_type=sa.String(20), nullable=False)
    op.create_index("ix_value_flags_unit", "value_flags", ["vintage", "period", "unit_code"])

    op.create_table(
        "version_matrices",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
        sa.Column("unit_codes", sa.Text, nullable=False),
        sa.Column("indicator_ids", sa.Text, nullable=False),
        sa.Column("matrix", sa.LargeBinary, nullable=False),
    )
    if conn.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER version_matrices_no_{verb.lower()} BEFORE {verb} ON version_matrices "
                       f"BEGIN SELECT RAISE(ABORT, 'append-only table version_matrices: {verb} refused'); END")
    elif conn.dialect.name == "postgresql":  # antt_append_only() comes from 0001
        op.execute("CREATE TRIGGER version_matrices_append_only BEFORE UPDATE OR DELETE ON version_matrices "
                   "FOR EACH ROW EXECUTE FUNCTION antt_append_only()")
        op.execute("CREATE TRIGGER version_matrices_no_truncate BEFORE TRUNCATE ON version_matrices "
                   "FOR EACH STATEMENT EXECUTE FUNCTION antt_append_only()")

    _fill_matrices(conn)

    op.create_table(
        "unit_ranges",
        sa.Column("vintage", sa.String(20), primary_key=True),
        sa.Column("unit_code", sa.String(20), primary_key=True),
        sa.Column("indicator_id", sa.String(100), primary_key=True),
        sa.Column("low", sa.Double),
        sa.Column("high", sa.Double),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
