"""Alembic environment. Migrations run on the connection that ``storage.migrate`` hands in, so
that they work from inside the bot's event loop on SQLite and PostgreSQL alike."""

from alembic import context
from sqlalchemy import text

from storage.tables import metadata

# Processes of a fleet started at once against a new schema migrate one after the other:
# the second waits, then finds the schema at head. (On SQLite the bot is one process.)
MIGRATION_LOCK = 0x7465_7362_6F74  # pg_advisory_xact_lock's key: "tesbot"

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.run_migrations()
