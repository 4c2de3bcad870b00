"""The reporting chain, continued (issue 20): who sent a version, by level, and scopes by code per vintage.

- ``import_versions.submitted_level``: the level of the account that sent the version, as the store's authorize
  hook saw it at that moment (``commune``, ``province``, ``national``, ``admin``, ``operator``). A province
  staffer's sheet for many communes is then shown, for each unit it names, as submitted by the province.
  Versions written before this revision keep NULL: nobody recorded it then, and it is not guessed.
- ``user_scopes.vintage``: a scope by unit code holds for the administrative vintage it was given for
  (``2025`` or ``pre2025``: 03203 is Thị trấn Điện Biên Đông before 1/7/2025 and Na Son after). Rows written
  before this revision keep NULL, which means both vintages — exactly what they meant until now, so no scope
  is lost or narrowed by the upgrade. Province rows keep NULL (a province name is not ambiguous).

Only ADD COLUMN: no row is rewritten, the append-only tables stay append-only.

Revision ID: 0010_reporting
Revises: 0008_web_sessions
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_reporting"
down_revision = "0009_quality"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("import_versions", sa.Column("submitted_level", sa.String(20)))
    op.add_column("user_scopes", sa.Column("vintage", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("user_scopes") as batch:
        batch.drop_column("vintage")
    with op.batch_alter_table("import_versions") as batch:
        batch.drop_column("submitted_level")
