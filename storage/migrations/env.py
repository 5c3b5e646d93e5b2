"""Alembic environment. Migrations run on the connection that ``storage.migrate`` hands in, so
that they work from inside the bot's event loop on SQLite and PostgreSQL alike."""

from alembic import context

from storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
