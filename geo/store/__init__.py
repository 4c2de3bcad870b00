"""Store: SQLAlchemy + Alembic, append-only versions, audit log. Authorization is injected (Store(url, authorize=...)); the store never imports geo.access."""
