"""Alembic environment. The store passes an open connection (already inside its locked write transaction)
in ``config.attributes["connection"]``; by hand, the URL comes from ``ANTT_DATABASE_URL`` or the default."""

from alembic import context

from geo.store.schema import metadata

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    from geo.store.engine import default_url

    context.configure(url=default_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    _run(connection)
else:
    from geo.store.database import Store

    store = Store()
    with store._write() as conn:
        _run(conn)
