"""API tokens (issue 24: the OGC API and the wide-table endpoint for QGIS and other systems).

``api_tokens`` holds one row per named token: its role (viewer or editor), the SHA-256 of the token (the token
itself is shown once, never stored), who made it and when, and when it was revoked. Uses of a token are
written to the audit log by geo.access.tokens; failed tokens go to ``signin_attempts`` and are slowed down like
failed sign-ins.

Revision ID: 0004_api_tokens
Revises: 0003_indicator_definitions
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_api_tokens"
down_revision = "0003_indicator_definitions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", sa.String(200)),
    )


def downgrade() -> None:
    raise NotImplementedError("the store is append-only; restore a backup instead of downgrading")
