"""Drafts of the one-commune entry form (issue 20, "Lưu nháp").

``entry_drafts`` holds one draft per (vintage, period, unit): who saved it, when, and the typed values as JSON.
A newer save replaces it; a submission after it makes it stale. Drafts are not data: no view, export or
version reads them, only the form and the reporting status ("Bản nháp"). Creates a table, touches no row.

Revision ID: 0007_entry_drafts
Revises: 0006_unit_submissions
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_entry_drafts"
down_revision = "0006_unit_submissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry_drafts",
        sa.Column("vintage", sa.String(20), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("unit_code", sa.String(20), primary_key=True),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("values_json", sa.Text, nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
