"""Alembic migrations of the store, configured programmatically by ``geo.store.database.Store.ensure_ready``.

To add a revision by hand (developers): ``python -m alembic -c geo/migrations/alembic.ini revision -m "..."``
with ``ANTT_DATABASE_URL`` pointing at a scratch database.
"""
