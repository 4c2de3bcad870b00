"""Indicator definitions kept by admins (issue 13: admins define indicators without a code change).

``indicator_definitions`` is a mutable table like ``users``: one row per indicator an admin added or changed
(a seed id here overrides data/catalog.toml), its definition as JSON (the keys of the catalog file), whether
it is retired, who and when. Every change is written to the audit log by geo.access.indicators. Values of any
indicator stay in ``observations`` keyed by indicator id, so a new indicator needs no schema change.

Revision ID: 0003_indicator_definitions
Revises: 0002_users
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_indicator_definitions"
down_revision = "0002_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_definitions",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
