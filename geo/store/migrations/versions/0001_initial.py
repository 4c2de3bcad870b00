"""Initial schema: reference tables, append-only versions, observations and audit log.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("import_versions", "version_units", "observations", "audit_log")


def upgrade() -> None:
    op.create_table(
        "boundary_sets",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("vintage", sa.Text, nullable=False),
    )
    op.create_table(
        "units",
        sa.Column("boundary_set", sa.String(100), sa.ForeignKey("boundary_sets.id"), primary_key=True),
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("vi", sa.Text, nullable=False),
        sa.Column("en", sa.Text, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
    )
    op.create_table(
        "import_versions",
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
        sqlite_autoincrement=True,
    )
    op.create_index("ix_import_versions_set_period", "import_versions", ["boundary_set", "period", "id"])
    op.create_table(
        "version_units",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
        sa.Column("unit_code", sa.String(20), primary_key=True),
        sa.Column("unit_name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "observations",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
        sa.Column("unit_code", sa.String(20), primary_key=True),
        sa.Column("indicator_id", sa.String(100), sa.ForeignKey("indicators.id"), primary_key=True),
        sa.Column("value", sa.Double, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("detail", sa.Text),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action"])

    # Append-only, enforced by the database itself: UPDATE and DELETE are refused.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: {verb} refused'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION antt_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION antt_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION antt_append_only()"
            )


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
