"""The store's tables. The migrations in geo/store/migrations/versions create exactly this (a test compares
them); ``APPEND_ONLY_TABLES`` are guarded by database triggers against UPDATE and DELETE."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

boundary_sets = sa.Table(
    "boundary_sets", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("vintage", sa.Text, nullable=False),
)

units = sa.Table(
    "units", metadata,
    sa.Column("boundary_set", sa.String(100), sa.ForeignKey("boundary_sets.id"), primary_key=True),
    sa.Column("code", sa.String(20), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
)

indicators = sa.Table(
    "indicators", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("vi", sa.Text, nullable=False),
    sa.Column("en", sa.Text, nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
)

import_versions = sa.Table(
    "import_versions", metadata,
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
    sa.Index("ix_import_versions_set_period", "boundary_set", "period", "id"),
    # the sender's level as the authorize hook saw it (geo.access.scopes.scope_level); NULL before 0010
    sa.Column("submitted_level", sa.String(20)),
    sqlite_autoincrement=True,
)

version_units = sa.Table(
    "version_units", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
    sa.Column("unit_code", sa.String(20), primary_key=True),
    sa.Column("unit_name", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
)

observations = sa.Table(
    "observations", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
    sa.Column("unit_code", sa.String(20), primary_key=True),
    sa.Column("indicator_id", sa.String(100), sa.ForeignKey("indicators.id"), primary_key=True),
    sa.Column("value", sa.Double, nullable=False),
)

audit_log_table = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("detail", sa.Text),
    sa.Index("ix_audit_log_action", "action"),
    sqlite_autoincrement=True,
)

# Accounts (geo.access.auth): mutable (role, password, disabled), every change written to the audit log.
users = sa.Table(
    "users", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("auth", sa.String(10), nullable=False),  # "local" (argon2 hash here) or "oidc" (st.login identity)
    sa.Column("password_hash", sa.Text),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Every sign-in attempt checked against a password (append-only): the failure count per user and client since
# the last success decides the delay before the next attempt (geo.access.auth.signin_wait).
signin_attempts = sa.Table(
    "signin_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("client", sa.String(100), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Index("ix_signin_attempts_name", "name", "id"),
    sqlite_autoincrement=True,
)

# Indicators defined or changed by admins (geo.access.indicators): mutable like ``users``, every change audited.
# ``definition`` is JSON with the keys of data/catalog.toml; geo.reference.catalog merges it over the seed.
indicator_definitions = sa.Table(
    "indicator_definitions", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("retired", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

# API tokens (geo.access.tokens): the token itself is shown once; only its SHA-256 is kept. Revoking sets
# ``revoked_at``; a row is never deleted, so the audit log's token names stay explained.
api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_by", sa.String(200)),
)

# Data-capture scopes of accounts (issue 20, geo.access.scopes): mutable like ``users``, every change audited.
# An account with no row is unscoped (admins always are); ``kind`` is "province" (its name as given) or "unit"
# (an official 5-digit code). The store's authorize hook refuses a write naming any unit outside them.
user_scopes = sa.Table(
    "user_scopes", metadata,
    sa.Column("name", sa.String(200), sa.ForeignKey("users.name"), primary_key=True),
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("value", sa.String(200), primary_key=True),
    sa.Column("vintage", sa.String(20)),  # a unit code's vintage ("2025"/"pre2025"); NULL: both (rows before 0010)
)

# The reporting chain per unit and period (issue 20, geo.store.reporting): approve / return / reopen steps,
# append-only. A unit's state is its newest step (with its newest submission in version_units); approved locks it.
unit_reports = sa.Table(
    "unit_reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("vintage", sa.String(20), nullable=False),
    sa.Column("period", sa.String(20), nullable=False),
    sa.Column("unit_code", sa.String(20), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id")),
    sa.Column("reason", sa.Text),
    sa.Index("ix_unit_reports_unit", "vintage", "period", "unit_code", "id"),
    sqlite_autoincrement=True,
)

# Flagged values a person accepted at import (geo.intake.quality; geo.store.flags): who, when, their note; an
# editor later marks each as checked (mutable: checked_*). unit_code and indicator_id are empty for a flag on
# the whole file (the same file sent again).
value_flags = sa.Table(
    "value_flags", metadata,
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
    # the flagged value belongs to the unit (official code within the vintage), not to the drawing it came in
    # through (boundary_set is where it was accepted): every set of the vintage shows the mark (0009)
    sa.Column("vintage", sa.String(20), nullable=False),
    sa.Index("ix_value_flags_set_period", "boundary_set", "period", "checked_at"),
    sa.Index("ix_value_flags_unit", "vintage", "period", "unit_code"),
    sqlite_autoincrement=True,
)

# Each version's values once more as one matrix (issue 21's history read): units × indicators, float64
# little-endian, NaN = missing, written in the version's own transaction. Versions never change, so neither
# does this copy; the quality checks read a national period as one row instead of half a million. A version
# without one (written before 0009) is read from ``observations``. Append-only like the versions.
version_matrices = sa.Table(
    "version_matrices", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("import_versions.id"), primary_key=True),
    sa.Column("unit_codes", sa.Text, nullable=False),
    sa.Column("indicator_ids", sa.Text, nullable=False),
    sa.Column("matrix", sa.LargeBinary, nullable=False),
)

# Per-unit min–max ranges (DHIS2's min-max outlier method; geo.store.ranges): the value of an indicator for a
# unit (official code within the vintage) expected between low and high; the quality checks flag a value
# outside. Mutable like users (set, changed, removed by an admin or an editor in scope; each change audited).
unit_ranges = sa.Table(
    "unit_ranges", metadata,
    sa.Column("vintage", sa.String(20), primary_key=True),
    sa.Column("unit_code", sa.String(20), primary_key=True),
    sa.Column("indicator_id", sa.String(100), primary_key=True),
    sa.Column("low", sa.Double),
    sa.Column("high", sa.Double),
    sa.Column("set_by", sa.String(200), nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("note", sa.Text),
)


# Signed-in browser sessions (issue 23, geo.access.sessions): the cookie carries a random id, only its SHA-256
# is kept; a one-time ticket (hashed, a minute long) turns into that cookie at /auth/session. Mutable: last_seen
# moves, revoked_at ends the session (sign-out, idle, account disabled, `geo users signout`).
web_sessions = sa.Table(
    "web_sessions", metadata,
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
    sa.Index("ix_web_sessions_name", "name"),
    sqlite_autoincrement=True,
)


APPEND_ONLY_TABLES = ("import_versions", "version_units", "observations", "audit_log", "signin_attempts",
                      "unit_reports", "version_matrices")

# Drafts of the entry form (issue 20, "Lưu nháp"; geo.store.drafts): one per unit and period of a vintage, the
# newest save wins; a submission after it makes it stale (never shown again). Not data: only the form reads it.
entry_drafts = sa.Table(
    "entry_drafts", metadata,
    sa.Column("vintage", sa.String(20), primary_key=True),
    sa.Column("period", sa.String(20), primary_key=True),
    sa.Column("unit_code", sa.String(20), primary_key=True),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("values_json", sa.Text, nullable=False),
)
