"""Signed-in browser sessions that survive a reload (issue 23): ``web_sessions`` (geo.access.sessions).

Revision ID: 0008_web_sessions
Revises: 0007_entry_drafts
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_web_sessions"
down_revision = "0007_entry_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id_hash", sa.String(64), unique=True),
        sa.Column("ticket_hash", sa.String(64), unique=True),
        sa.Column("ticket_expires", sa.DateTime(timezone=True)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_reason", sa.String(20)),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_web_sessions_name", "web_sessions", ["name"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_name", table_name="web_sessions")
    op.drop_table("web_sessions")
