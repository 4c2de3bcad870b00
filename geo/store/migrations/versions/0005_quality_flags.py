"""Flagged values accepted at import, and their follow-up (issue 21: numbers that look wrong are caught).

``value_flags`` holds each flag a person accepted with the version that stored its value: the unit, the
indicator, the value, the rule or method, what was expected, the message, who accepted it, when and their note;
an editor later marks it checked (``checked_by``, ``checked_at``, ``check_note``). Mutable like ``users``.

Revision ID: 0005_quality_flags
Revises: 0004_api_tokens
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_quality_flags"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "value_flags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), nullable=False),
        sa.Column("boundary_set", sa.String(100), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("unit_code", sa.String(20)),
        sa.Column("indicator_id", sa.String(100)),
        sa.Column("value", sa.Double),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("expected", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("accepted_by", sa.String(200), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("checked_by", sa.String(200)),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
        sa.Column("check_note", sa.Text),
        sa.Index("ix_value_flags_set_period", "boundary_set", "period", "checked_at"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
