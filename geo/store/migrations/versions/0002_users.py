"""Accounts and sign-in attempts (issue 4: roles, sign-in, throttling).

``users`` is a mutable table (role, password hash, disabled flag), every change audited by geo.access.auth;
``signin_attempts`` is append-only like the versioned tables (database triggers refuse UPDATE and DELETE).

Revision ID: 0002_users
Revises: 0001_initial
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_users"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("auth", sa.String(10), nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "signin_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_signin_attempts_name", "signin_attempts", ["name", "id"])

    dialect = op.get_bind().dialect.name
    table = "signin_attempts"
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: {verb} refused'); END"
            )
    elif dialect == "postgresql":  # antt_append_only() comes from 0001_initial
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION antt_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION antt_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
